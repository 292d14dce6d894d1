"""Fixtures for the Slack adapter tests: the stand-in, and the adapter serving it in either
mode with the real core."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.config import SlackConfig
from adapters.slack.runner import SlackPlatform
from bot.bootstrap import create_app
from bot.platforms import serve
from bot.settings import parse
from tests.adapters.slack.helpers import SECRET, Bot, slack_section
from tests.slack_standin import SlackDriver, SlackStandIn


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    """A Slack stand-in with three workspace users: an admin, and two members."""
    async with SlackStandIn() as standin:
        standin.add_user("UADMIN", "ada", is_admin=True)
        standin.add_user("USAM", "sam")
        standin.add_user("UKIM", "kim")
        yield standin


@pytest.fixture(params=["http", "socket"])
async def bot(
    request: pytest.FixtureRequest, slack: SlackStandIn, tmp_path: Path
) -> AsyncIterator[Bot]:
    """The Slack adapter serving the stand-in in each mode."""
    mode: str = request.param
    section = slack_section(slack, mode)
    config = parse({"storage": {"url": f"sqlite:///{tmp_path}/bot.db"}, "slack": section}, env={})
    app = await create_app(config)
    stop = asyncio.Event()
    platform = SlackPlatform(app, config.section(SlackConfig))
    task = asyncio.create_task(serve(app, [platform], stop))
    url = f"http://127.0.0.1:{section.get('port')}{section.get('path')}"
    if mode == "http":
        async with aiohttp.ClientSession() as s:
            for _ in range(200):
                try:
                    async with s.get(f"http://127.0.0.1:{section['port']}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
    else:
        await slack.wait_socket()
    driver = SlackDriver(slack, mode, bot_url=url, signing_secret=SECRET)
    try:
        yield Bot(slack, mode, app, driver)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await driver.close()
        await app.close()
    assert not slack.block_errors, slack.block_errors
