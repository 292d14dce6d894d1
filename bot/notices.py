"""The notice scheduler inside ``connects-bot run``: an asyncio loop, no cron of its own.

Every ``[notices] interval_seconds`` it runs the jobs of :mod:`core.notices` and delivers what
they queued through the notifiers the running adapters registered on the app. Jobs claim their
work in the database, so several processes may run this loop on one database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.app import App
from core.config import Config
from core.notices import Jobs, deliver

log = logging.getLogger("connects.notices")


async def tick(app: App) -> int:
    """One pass: run every job, then deliver; the number of notices sent."""
    now = app.services.clock()
    report = await Jobs(app.services).run_all(now)
    if report.errors:
        log.warning("notice jobs reported: %s", "; ".join(report.errors))
    return await deliver(app.store, dict(app.notifiers), now)


async def run(app: App, config: Config, stop: asyncio.Event) -> None:
    """Tick until ``stop`` is set; a failed pass is logged and the next one runs."""
    interval = max(1, config.notices.interval_seconds)
    while not stop.is_set():
        try:
            sent = await tick(app)
            if sent:
                log.info("sent %d notices", sent)
        except Exception:
            log.exception("notice pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
