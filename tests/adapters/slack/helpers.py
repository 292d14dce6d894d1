"""Helpers for the Slack adapter tests: config sections pointing at the stand-in, and a
handle on a running bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.base.keys import Actor, UserRef
from tests.slack_standin import SlackDriver, SlackStandIn

ROOT = Path(__file__).resolve().parents[3]
SECRET = "standin-signing-secret"


async def until(ready: Callable[[], bool], within: float = 30.0) -> None:
    """Wait until ``ready()`` holds, polling (log records and refused calls signal nothing to
    wait on); a condition, not a fixed pause, so a busy machine only makes it slower."""
    deadline = time.monotonic() + within
    while True:
        if ready():
            return
        assert time.monotonic() < deadline, f"not ready within {within} s"
        await asyncio.sleep(0.01)


def slack_section(slack: SlackStandIn, mode: str) -> dict[str, Any]:
    """The ``[slack]`` config section pointing the bot at the stand-in. In HTTP mode the port
    is 0: the OS picks a free one when the server binds (a port chosen beforehand could be
    taken by a parallel test in between), and the test reads the bound port back."""
    section: dict[str, Any] = {
        "mode": mode,
        "bot_token": slack.bot_token,
        "api_base": slack.api_base,
    }
    if mode == "socket":
        section["app_token"] = slack.app_token
    else:
        section.update(signing_secret=SECRET, host="127.0.0.1", port=0, path="/slack/events")
    return section


class Bot:
    """The adapter running in-process (``runner.run``) against the stand-in, with the real
    core on a fresh SQLite file."""

    def __init__(self, slack: SlackStandIn, mode: str, app: Any, driver: SlackDriver) -> None:
        self.slack = slack
        self.mode = mode
        self.app = app
        self.driver = driver

    def key(self, user_id: str) -> str:
        return f"slack:{self.slack.team_id}:{user_id}"

    async def balance_of(self, user_id: str) -> int:
        """The user's wallet balance, read through the core (not from a Slack reply)."""
        actor = Actor(UserRef(self.key(user_id), user_id), f"slack:{self.slack.team_id}")
        reply = await self.app.run_text(actor, "balance", "read-only")
        return int(reply.title.split()[0])

    async def bids_of(self, user_id: str) -> list[Any]:
        """The user's bids as stored (job and note as the core keeps them)."""

        async def read(tx: Any) -> list[Any]:
            return list(
                await tx.fetchall(
                    "SELECT id, job, note, connects, boost, status FROM bids WHERE bidder = :b "
                    "ORDER BY id",
                    {"b": self.key(user_id)},
                )
            )

        bids: list[Any] = await self.app.store.read(read)
        return bids

    async def ledger(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table a request can change, to compare before and after."""

        async def read(tx: Any) -> dict[str, list[dict[str, Any]]]:
            return {
                table: [dict(r) for r in await tx.fetchall(f"SELECT * FROM {table}")]
                for table in LEDGER_TABLES
            }

        tables: dict[str, list[dict[str, Any]]] = await self.app.store.read(read)
        return tables


# The tables a command, a click or an event can write.
LEDGER_TABLES = (
    "users",
    "accounts",
    "pools",
    "pool_members",
    "lots",
    "lot_usage",
    "bids",
    "entries",
    "requests",
    "confirmations",
)
