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
    validate_view_response,
    view_submission_payload,
)
from tests.slack_standin.server import TRIGGER_TTL


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


def a_modal(**changes: Any) -> dict[str, Any]:
    """A modal as the bot opens one: one multiline input."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "form",
        "title": {"type": "plain_text", "text": "A form"},
        "submit": {"type": "plain_text", "text": "Send"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": "{}",
        "blocks": [
            {
                "type": "input",
                "block_id": "post",
                "label": {"type": "plain_text", "text": "The post"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "post",
                    "multiline": True,
                    "max_length": 3000,
                },
            }
        ],
    }
    view.update(changes)
    return view


def with_element(**changes: Any) -> dict[str, Any]:
    view = a_modal()
    view["blocks"][0]["element"].update(changes)
    return view


async def test_views_open_checks_the_trigger_id(slack: SlackStandIn) -> None:
    """A trigger id opens one modal, within 3 seconds of the interaction that issued it;
    an unknown, used or expired one is refused with Slack's error."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    trigger = slack.issue_trigger("1.2.fresh", "USAM")
    opened = await client.views_open(trigger_id=trigger, view=a_modal())
    [view] = slack.views
    assert opened["view"]["id"] == view.id and view.user_id == "USAM"
    assert view.view["state"] == {"values": {}} and view.view["callback_id"] == "form"
    with pytest.raises(Exception, match="exchanged_trigger_id"):
        await client.views_open(trigger_id=trigger, view=a_modal())
    with pytest.raises(Exception, match="invalid_trigger_id"):
        await client.views_open(trigger_id="never.issued", view=a_modal())
    slack.issue_trigger("1.2.stale", "USAM")
    slack.triggers["1.2.stale"].issued -= TRIGGER_TTL + 0.1
    with pytest.raises(Exception, match="expired_trigger_id"):
        await client.views_open(trigger_id="1.2.stale", view=a_modal())
    bad = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_base)
    with pytest.raises(Exception, match="invalid_auth"):
        await bad.views_open(trigger_id=slack.issue_trigger("1.2.x"), view=a_modal())
    assert len(slack.views) == 1 and not slack.block_errors


@pytest.mark.parametrize(
    ("view", "why"),
    [
        (a_modal(title={"type": "plain_text", "text": "x" * 25}), "title"),
        (a_modal(submit={"type": "plain_text", "text": "x" * 25}), "submit"),
        (a_modal(title={"type": "mrkdwn", "text": "x"}), "plain_text"),
        (a_modal(callback_id="c" * 256), "callback_id"),
        (a_modal(private_metadata="m" * 3001), "private_metadata"),
        (a_modal(blocks=a_modal()["blocks"] * 2), "repeat"),
        (a_modal(submit=None), "submit button"),
        (a_modal(type="home"), "modal"),
        (a_modal(colour="red"), "unknown view fields"),
        (
            a_modal(blocks=[{"type": "divider", "block_id": f"d{i}"} for i in range(101)]),
            "at most 100",
        ),
        (with_element(max_length=3001), "max_length"),
        (with_element(max_length=0), "max_length"),
        (with_element(min_length=10, max_length=5), "exceeds"),
        (with_element(placeholder={"type": "plain_text", "text": "p" * 151}), "placeholder"),
        (with_element(action_id=None), "action_id"),
    ],
)
async def test_views_open_refuses_views_slack_refuses(
    slack: SlackStandIn, view: dict[str, Any], why: str
) -> None:
    """A view over Slack's limits is refused (invalid_arguments) and recorded."""
    if view.get("submit", "") is None:
        del view["submit"]
    if view["blocks"][0].get("element", {}).get("action_id", "") is None:
        del view["blocks"][0]["element"]["action_id"]
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    with pytest.raises(Exception, match="invalid_arguments"):
        await client.views_open(trigger_id=slack.issue_trigger("9.9.9"), view=view)
    assert slack.views == []
    [error] = slack.block_errors
    assert why in error, error


def test_view_responses_are_checked_against_the_view() -> None:
    """A view submission is answered with nothing, clear, errors naming its input blocks, or a
    valid view to update or push."""
    view = a_modal()
    for ok in (
        {},
        {"response_action": "clear"},
        {"response_action": "errors", "errors": {"post": "Too short."}},
        {"response_action": "update", "view": a_modal()},
    ):
        validate_view_response(ok, view)
    for bad in (
        {"response_action": "errors", "errors": {"other": "x"}},
        {"response_action": "errors", "errors": {"post": ""}},
        {"response_action": "errors", "errors": {}},
        {"response_action": "close"},
        {"response_action": "clear", "text": "x"},
        {"text": "a message is no answer to a submission"},
    ):
        with pytest.raises(BlockError):
            validate_view_response(bad, view)


async def test_submissions_are_what_a_user_can_type(slack: SlackStandIn) -> None:
    """The driver refuses to submit what Slack's client would not: text over max_length, a
    line break in a single-line input, a required input left empty."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    await client.views_open(trigger_id=slack.issue_trigger("1.1.1", "USAM"), view=a_modal())
    [opened] = slack.views
    payload = view_submission_payload(slack, opened, {"post": "line one\nline: two"})
    assert payload["view"]["state"]["values"] == {
        "post": {"post": {"type": "plain_text_input", "value": "line one\nline: two"}}
    }
    assert payload["view"]["id"] == opened.id and payload["user"]["id"] == "USAM"
    with pytest.raises(ValueError, match="max_length"):
        view_submission_payload(slack, opened, {"post": "x" * 3001})
    with pytest.raises(ValueError, match="empty"):
        view_submission_payload(slack, opened, {"post": ""})
    opened.view["blocks"][0]["element"]["multiline"] = False
    with pytest.raises(ValueError, match="single-line"):
        view_submission_payload(slack, opened, {"post": "a\nb"})


async def test_chat_post_message_to_a_user_id_goes_to_their_dm(slack: SlackStandIn) -> None:
    """chat.postMessage with a user id as the channel posts in the app's DM with them."""
    client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_base)
    sent = await client.chat_postMessage(channel="USAM", text="hello")
    assert sent["channel"] == "DSAM"
    with pytest.raises(Exception, match="channel_not_found"):
        await client.chat_postMessage(channel="UNOBODY", text="hello")


def modal_app(slack: SlackStandIn, http: bool) -> AsyncApp:
    """A bolt app that opens a modal from a shortcut and refuses its submission once."""
    app = do_nothing_app(slack, http)

    @app.shortcut("open_form")
    async def open_form(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=a_modal())

    @app.view_submission("form")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        value = view["state"]["values"]["post"]["post"]["value"]
        if value == "bad":
            await ack(response_action="errors", errors={"post": "Not that."})
        else:
            await ack(response_action="clear")

    @app.message_shortcut("on_message")
    async def on_message(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        await ack()
        await respond(text=body["message"]["text"], response_type="ephemeral")

    return app


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_shortcuts_and_submissions_reach_a_bolt_app(slack: SlackStandIn, mode: str) -> None:
    """A global shortcut, a message shortcut and view submissions reach a plain bolt app in
    both modes; the submission's response_action comes back to Slack."""
    app = modal_app(slack, http=mode == "http")
    server: HttpServer | None = None
    handler: AsyncSocketModeHandler | None = None
    if mode == "http":
        server = HttpServer(app, "127.0.0.1", 0, "/slack/events")
        await server.start()
        url = f"http://127.0.0.1:{server.port}/slack/events"
        driver = SlackDriver(slack, "http", bot_url=url, signing_secret=SECRET)
    else:
        handler = AsyncSocketModeHandler(app, app_token=slack.app_token)
        connect: Callable[[], Awaitable[None]] = handler.connect_async
        await connect()
        driver = SlackDriver(slack, "socket")
    try:
        assert (await driver.shortcut("USAM", "open_form")).status == 200
        [opened] = await slack.wait_views()
        refused = await driver.submit_view(opened, {"post": "bad"})
        assert refused.ack == {"response_action": "errors", "errors": {"post": "Not that."}}
        accepted = await driver.submit_view(opened, {"post": "good"})
        assert accepted.ack == {"response_action": "clear"}
        used = await driver.message_shortcut("USAM", "on_message", {"text": "job &amp; more"})
        [answer] = await slack.wait_posts(used.response_url)
        assert answer["text"] == "job &amp; more"
    finally:
        await driver.close()
        if server is not None:
            await server.stop()
        if handler is not None:
            close: Callable[[], Awaitable[None]] = handler.close_async
            await close()
    assert not slack.block_errors
