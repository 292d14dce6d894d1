"""The stand-in itself behaves like Slack for a do-nothing bolt app, in both modes."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.server import HttpServer
from tests.adapters.slack.helpers import SECRET
from tests.slack_standin import (
    BlockError,
    SlackDriver,
    SlackStandIn,
    command_payload,
    sign,
    validate_blocks,
)


def do_nothing_app(slack: SlackStandIn, http: bool) -> AsyncApp:
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    app = AsyncApp(
        client=client, signing_secret=SECRET if http else "x", request_verification_enabled=http
    )

    @app.command("/balance")
    async def balance(ack: Any) -> None:
        await ack()

    return app


async def test_signed_command_reaches_a_bolt_app_over_http(slack: SlackStandIn) -> None:
    """A command signed like Slack signs it is accepted by bolt; a wrong secret gets 401."""
    app = do_nothing_app(slack, http=True)
    server = HttpServer(app, "127.0.0.1", 0, "/slack/events")
    await server.start()
    driver = SlackDriver(
        slack, "http", bot_url=f"http://127.0.0.1:{server.port}/slack/events", signing_secret=SECRET
    )
    try:
        ex = await driver.command("USAM", "/balance")
        assert ex.status == 200
        body = urllib.parse.urlencode(command_payload(slack, "USAM", "/balance", "")).encode()
        status, _ = await driver.post_signed(body, secret="not-the-secret")
        assert status == 401
        assert [c.method for c in slack.calls] == ["auth.test"]
    finally:
        await driver.close()
        await server.stop()


async def test_socket_mode_hello_envelope_and_ack(slack: SlackStandIn) -> None:
    """bolt's Socket Mode client opens a connection through apps.connections.open with the app
    token, receives hello, and acks an envelope."""
    app = do_nothing_app(slack, http=False)
    handler = AsyncSocketModeHandler(app, app_token=slack.app_token)
    connect: Callable[[], Awaitable[None]] = handler.connect_async
    close: Callable[[], Awaitable[None]] = handler.close_async
    await connect()
    try:
        driver = SlackDriver(slack, "socket")
        ex = await driver.command("USAM", "/balance")
        assert ex.ack == {}
        assert slack.acks and slack.acks[-1]["envelope_id"].startswith("env-")
        opened = slack.calls_of("apps.connections.open")
        assert opened and opened[0].token == slack.app_token
    finally:
        await close()


async def test_web_api_checks_tokens_and_blocks(slack: SlackStandIn) -> None:
    """The Web API refuses a wrong token and invalid blocks, like Slack."""
    good = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    bad = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_base)
    assert (await good.auth_test())["team_id"] == slack.team_id
    with pytest.raises(Exception, match="invalid_auth"):
        await bad.auth_test()
    with pytest.raises(Exception, match="invalid_blocks"):
        await good.chat_postMessage(
            channel="C1", text="x", blocks=[{"type": "section", "text": {"type": "mrkdwn"}}]
        )
    assert slack.block_errors


def test_block_validation_catches_limits() -> None:
    """Blocks over Slack's limits are refused by slack_sdk's models."""
    ok = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    assert validate_blocks(json.dumps(ok)) == ok
    with pytest.raises(BlockError):
        validate_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}])
    with pytest.raises(BlockError):
        validate_blocks(
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "x" * 76},
                            "action_id": "a",
                        }
                    ],
                }
            ]
        )
    with pytest.raises(BlockError):
        validate_blocks(ok * 51)


async def test_signature_matches_slacks_documented_example() -> None:
    """The signer reproduces the example from Slack's request-verification guide."""
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = sign("8f742231b10e8888abcd99yyyzzz85a5", body, 1531420618)
    assert headers["X-Slack-Signature"] == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
    await asyncio.sleep(0)


async def test_response_url_receiver_validates(slack: SlackStandIn) -> None:
    """Posts to a response_url are recorded; invalid ones are refused and noted."""
    url = slack.new_response_url()
    async with aiohttp.ClientSession() as s:
        async with s.post(url, json={"text": "hello", "response_type": "ephemeral"}) as r:
            assert r.status == 200
        async with s.post(url, json={"blocks": [{"type": "nope"}]}) as r:
            assert r.status == 400
    assert await slack.wait_posts(url) == [{"text": "hello", "response_type": "ephemeral"}]
    assert slack.block_errors
