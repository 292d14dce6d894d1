"""What the end-to-end quote benches (``quote_post.py``, ``radar.py``) share: an app on a
temporary SQLite database (``synchronous=NORMAL``), a console user, a command line timed
through ``App.run_text`` in milliseconds, and a percentile of the times.

Imported by those scripts once they have put the project first on ``sys.path``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.bootstrap import create_app
from core.app import App
from core.base.config import parse
from core.base.keys import Actor, UserRef

ANA = Actor(UserRef("console:ana", "ana"), "console")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def time_text(app: App, line: str, runs: int, tag: str, who: Actor = ANA) -> list[float]:
    """``line`` run ``runs`` times by ``who`` (request ids ``tag-0``, ``tag-1``, ...): each
    run's milliseconds; a refused run stops the bench."""
    out = []
    for i in range(runs):
        started = time.perf_counter()
        reply = await app.run_text(who, line, f"{tag}-{i}")
        out.append((time.perf_counter() - started) * 1000)
        assert not reply.error, reply.title
    return out


@asynccontextmanager
async def sqlite_app() -> AsyncIterator[App]:
    """An app on a new SQLite database in a temporary folder, closed and removed after."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        config = parse({"storage": {"url": url, "synchronous": "NORMAL"}}, env={})
        app = await create_app(config)
        try:
            yield app
        finally:
            await app.close()
