"""Fixtures for the Slack adapter tests: the stand-in, and the adapter serving it in either
mode with the real core."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.slack import runner
from adapters.slack.config import SlackConfig
from adapters.slack.runner import SlackPlatform
from adapters.slack.server import HttpServer
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


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A local port nothing answers on: bound for the whole test (so no parallel test or other
    process can take it) but not listening, so every connection to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        yield port


@pytest.fixture(params=["http", "socket"])
async def bot(
    request: pytest.FixtureRequest,
    slack: SlackStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Bot]:
    """The Slack adapter serving the stand-in in each mode (HTTP on a port the OS picks)."""
    mode: str = request.param
    section = slack_section(slack, mode)
    config = parse({"storage": {"url": f"sqlite:///{tmp_path}/bot.db"}, "slack": section}, env={})
    app = await create_app(config)
    stop = asyncio.Event()
    listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Listening(HttpServer):
        """The real server, telling the test the port it bound."""

        async def start(self) -> None:
            await super().start()
            listening.set_result(self.port)

    monkeypatch.setattr(runner, "HttpServer", Listening)
    platform = SlackPlatform(app, config.section(SlackConfig))
    task = asyncio.create_task(serve(app, [platform], stop))
    url = ""
    if mode == "http":
        done, _ = await asyncio.wait([listening, task], timeout=30, return_when="FIRST_COMPLETED")
        assert listening in done, "the Slack HTTP server did not start"
        url = f"http://127.0.0.1:{listening.result()}{section['path']}"
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
