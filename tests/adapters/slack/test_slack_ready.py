"""/readyz and /metrics with the real slack-bolt adapter on the stand-in: Socket Mode is ready
while its socket is connected and counts Slack's reconnects; HTTP mode once its listener is
bound."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.config import SlackConfig
from adapters.slack.runner import SlackPlatform
from bot.bootstrap import create_app
from bot.ops import Ops
from bot.opsconfig import OpsConfig
from bot.platforms import serve
from bot.settings import parse
from tests.adapters.slack.helpers import slack_section
from tests.slack_standin import SlackStandIn


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def until(url: str, check: object) -> str:
    """The body once ``check(status, body)`` holds (polled; the test's timeout bounds it)."""
    while True:
        status, body = await get(url)
        if check(status, body):  # type: ignore[operator]
            return body
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_ready_follows_the_connection(slack: SlackStandIn, tmp_path: Path, mode: str) -> None:
    """503 before connecting, 200 while connected; in Socket Mode a disconnect Slack asks
    for is counted as a reconnect once the bot is back."""
    config = parse(
        {"storage": {"url": f"sqlite:///{tmp_path}/bot.db"}, "slack": slack_section(slack, mode)},
        env={},
    )
    app = await create_app(config)
    platform = SlackPlatform(app, config.section(SlackConfig))
    ops = Ops(app, OpsConfig(port=0, host="127.0.0.1"), [platform])
    await ops.start()
    base = f"http://127.0.0.1:{ops.port}"
    stop = asyncio.Event()
    task = None
    try:
        assert (await get(base + "/readyz"))[0] == 503
        task = asyncio.create_task(serve(app, [platform], stop))
        body = await asyncio.wait_for(until(base + "/readyz", lambda s, b: s == 200), 30)
        said = json.loads(body)["checks"]["slack"]
        assert said == ("socket connected" if mode == "socket" else "HTTP listener bound")
        if mode == "socket":
            await slack.disconnect()
            metrics = await asyncio.wait_for(
                until(
                    base + "/metrics",
                    lambda s, b: "connects_slack_socket_reconnects_total 1.0" in b,
                ),
                30,
            )
            assert "connects_slack_socket_reconnects_total 1.0" in metrics
        stop.set()
        await asyncio.wait_for(task, 30)
        assert (await get(base + "/readyz"))[0] == 503
    finally:
        stop.set()
        if task is not None and not task.done():
            await asyncio.wait_for(task, 30)
        await ops.stop()
        await app.close()
