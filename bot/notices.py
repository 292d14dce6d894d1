"""The notice scheduler inside ``connects-bot run``: an asyncio loop, no cron of its own.

Every ``[notices] interval_seconds`` it runs the jobs of :mod:`core.notices` and delivers what
they queued through the notifiers the running adapters registered on the app. Jobs claim their
work in the database, so several processes may run this loop on one database.

The same loop keeps the learned cost models fresh (``[learning] fit_every_hours``): each pass
starts :func:`core.quotes.learning.fit_due` in a task of its own when the previous one has ended, so
a long fit never delays a notice; the fit claims each scope in the database first, so of
several processes one refits it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from core.app import App
from core.base.config import Config
from core.notices import Jobs, deliver
from core.quotes import learning

log = logging.getLogger("connects.notices")


async def tick(app: App) -> int:
    """One pass: run every job, then deliver; the number of notices sent."""
    now = app.services.clock()
    report = await Jobs(app.services).run_all(now)
    if report.errors:
        log.warning("notice jobs reported: %s", "; ".join(report.errors))
    return await deliver(app.store, dict(app.notifiers), now)


async def refit(app: App, config: Config) -> int:
    """One scheduled pass of the cost models: every scope that is due refitted (see
    :func:`core.quotes.learning.fit_due`); how many this process fitted."""
    return len(await learning.fit_due(app.store, config, app.services.clock()))


def _ended(task: asyncio.Task[int]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("cost model pass failed", exc_info=task.exception())


async def run(app: App, config: Config, stop: asyncio.Event) -> None:
    """Tick until ``stop`` is set; a failed pass is logged and the next one runs."""
    interval = max(1, config.notices.interval_seconds)
    fitting: asyncio.Task[int] | None = None
    try:
        while not stop.is_set():
            try:
                sent = await tick(app)
                if sent:
                    log.info("sent %d notices", sent)
            except Exception:
                log.exception("notice pass failed")
            if config.learning.fit_every_hours > 0 and (fitting is None or fitting.done()):
                fitting = asyncio.create_task(refit(app, config))
                fitting.add_done_callback(_ended)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
    finally:
        if fitting is not None and not fitting.done():
            fitting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await fitting
