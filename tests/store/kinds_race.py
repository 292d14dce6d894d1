"""Worker processes for tests/store/test_kinds_race.py: members claiming interview rewards, and
notice workers granting plans, from several processes on one database at once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from core.base.keys import Actor, UserRef

BIDS = 8


def ana() -> Actor:
    return Actor(UserRef("console:ana", "ana"), "console", False)


def interview_worker(url: str, index: int, journal: str, start: Any) -> None:
    """Claim the reward of each of Ana's bids (ascending in even workers, descending in odd
    ones, each with its own request id) as soon as every worker is ready."""
    asyncio.run(_interviews(url, index, Path(journal), start))


async def _interviews(url: str, index: int, journal: Path, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    order = list(range(1, BIDS + 1))
    if index % 2:
        order.reverse()
    try:
        with journal.open("a", encoding="utf-8") as log:
            start.wait()
            for bid in order:
                reply = await app.run_text(ana(), f"/interview bid:#{bid}", f"w{index}-{bid}")
                record = {"bid": bid, "error": reply.error, "title": reply.title}
                log.write(json.dumps(record) + "\n")
                log.flush()
    finally:
        await app.close()


def grant_worker(url: str, now: int, rounds: int, start: Any) -> None:
    """Run the notice worker's grant job ``rounds`` times at ``now``."""
    asyncio.run(_grants(url, now, rounds, start))


async def _grants(url: str, now: int, rounds: int, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse
    from core.notices import JobReport, Jobs

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:
        start.wait()
        for _ in range(rounds):
            report = JobReport()
            await Jobs(app.services).grants(now, report)
            assert not report.errors, report.errors
    finally:
        await app.close()


def read_journal(paths: list[Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in paths:
        if path.exists():
            out.extend(json.loads(line) for line in path.read_text().splitlines() if line)
    return out
