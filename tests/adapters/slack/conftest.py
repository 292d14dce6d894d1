"""Fixtures for the Slack adapter tests: the stand-in, the real core, the adapter running
in either mode against the stand-in."""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the stand-in lives in tests/, which is not installed
    sys.path.insert(0, str(ROOT))

from tests.slack_standin import SlackStandIn  # noqa: E402

SECRET = "standin-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    """A Slack stand-in with three workspace users: an admin, and two members."""
    async with SlackStandIn() as standin:
        standin.add_user("UADMIN", "ada", is_admin=True)
        standin.add_user("USAM", "sam")
        standin.add_user("UKIM", "kim")
        yield standin


def slack_section(slack: SlackStandIn, mode: str, port: int = 0) -> dict[str, Any]:
    """The ``[slack]`` config section pointing the bot at the stand-in."""
    section: dict[str, Any] = {
        "mode": mode,
        "bot_token": slack.bot_token,
        "api_base": slack.api_base,
    }
    if mode == "socket":
        section["app_token"] = slack.app_token
    else:
        section.update(signing_secret=SECRET, host="127.0.0.1", port=port or free_port(),
                       path="/slack/events")
    return section


class Bot:
    """The adapter running in-process (``runner.run``) against the stand-in, with the real
    core on a fresh SQLite file."""

    def __init__(self, slack: SlackStandIn, mode: str, app: Any, driver: Any) -> None:
        self.slack = slack
        self.mode = mode
        self.app = app
        self.driver = driver

    def key(self, user_id: str) -> str:
        return f"slack:{self.slack.team_id}:{user_id}"

    async def balance_of(self, user_id: str) -> int:
        """The user's wallet balance, read from the ledger (not from a reply)."""
        from core.catalog import Actor, UserRef

        actor = Actor(UserRef(self.key(user_id), user_id), f"slack:{self.slack.team_id}")
        reply = await self.app.run_text(actor, "balance", "read-only")
        return int(reply.title.split()[0])

    async def bids_of(self, user_id: str) -> list[Any]:
        async def read(tx: Any) -> list[Any]:
            return list(await tx.fetchall(
                "SELECT id, job, note, connects, boost, status FROM bids WHERE bidder = :b "
                "ORDER BY id", {"b": self.key(user_id)}))

        bids: list[Any] = await self.app.store.read(read)
        return bids


@pytest.fixture(params=["http", "socket"])
async def bot(request: pytest.FixtureRequest, slack: SlackStandIn,
              tmp_path: Path) -> AsyncIterator[Bot]:
    """The Slack adapter serving the stand-in in each mode."""
    import asyncio

    import aiohttp

    from adapters.slack.runner import run
    from bot.bootstrap import create_app
    from core.config import parse
    from tests.slack_standin import SlackDriver

    mode: str = request.param
    section = slack_section(slack, mode)
    config = parse({"storage": {"url": f"sqlite:///{tmp_path}/bot.db"}, "slack": section},
                   env={})
    app = await create_app(config)
    stop = asyncio.Event()
    task = asyncio.create_task(run(app, config.slack, stop))
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
