"""What an operator probes: ``/healthz``, ``/readyz`` and ``/metrics`` on ``[ops] port``, in
every mode, and the ledger's invariant check on a schedule.

- ``/healthz``: 200 while the process serves HTTP (a liveness probe: restart when it fails).
- ``/readyz``: 200 when the database answers and every configured platform is connected
  (Discord's gateway, Slack's socket or HTTP listener; the console is ready once started),
  else 503; the body says which check failed. The database answer is reused for
  :data:`READY_SECONDS`, so a probe storm costs one query a second.
- ``/metrics``: Prometheus text (:mod:`bot.metrics`).

Loaded by ``connects-bot run`` only when the port is set: one-shot commands never import the
web server or prometheus_client.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from bot.metrics import Metrics
from bot.opsconfig import OpsConfig
from core.app import App
from core.store.base import Tx
from core.store.tables import health

log = logging.getLogger("connects.ops")

#: How long one database answer stands for readiness.
READY_SECONDS = 1.0
#: How long the database may take to answer a readiness check.
PING_TIMEOUT = 2.0


class Ops:
    """The operator's HTTP endpoints of one process."""

    def __init__(
        self,
        app: App,
        config: OpsConfig,
        platforms: Sequence[Any] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.config = config
        self.platforms = list(platforms)
        self.clock = clock
        self.metrics = Metrics(app, self.platforms, clock)
        self.port = config.port
        self._runner: web.AppRunner | None = None
        self._db_at = -READY_SECONDS
        self._db: tuple[bool, str] = (False, "not checked")
        self._db_lock = asyncio.Lock()

    async def start(self) -> None:
        """Listen on ``[ops] host:port`` (port 0 in tests: any free port, then :attr:`port`)
        and start counting commands."""
        server = web.Application()
        server.router.add_get("/healthz", self._healthz)
        server.router.add_get("/readyz", self._readyz)
        server.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(server, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.port)
        await site.start()
        addresses = self._runner.addresses
        if addresses:
            self.port = int(addresses[0][1])
        self.app.observers.append(self.metrics.observe)
        log.info(
            "ops endpoints on http://%s:%d (/healthz /readyz /metrics)", self.config.host, self.port
        )

    async def stop(self) -> None:
        if self.metrics.observe in self.app.observers:
            self.app.observers.remove(self.metrics.observe)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def database(self) -> tuple[bool, str]:
        """Whether the database answered (within :data:`PING_TIMEOUT`), reused for
        :data:`READY_SECONDS`."""
        async with self._db_lock:
            if self.clock() - self._db_at < READY_SECONDS:
                return self._db

            async def ping(tx: Tx) -> bool:
                return await health.ping(tx)

            try:
                ok = await asyncio.wait_for(self.app.store.read(ping, quick=True), PING_TIMEOUT)
                self._db = (ok, "ok" if ok else "no answer")
            except Exception as exc:
                self._db = (False, f"unreachable: {type(exc).__name__}")
            self._db_at = self.clock()
            return self._db

    async def readiness(self) -> tuple[bool, dict[str, str]]:
        """Each check's verdict and whether all passed."""
        ok, said = await self.database()
        checks = {"database": said}
        for platform in self.platforms:
            probe = getattr(platform, "connected", None)
            if probe is None:
                continue
            up, why = await probe()
            checks[platform.name] = why
            ok = ok and up
        return ok, checks

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        ok, checks = await self.readiness()
        body = json.dumps({"ready": ok, "checks": checks}, sort_keys=True) + "\n"
        return web.Response(text=body, status=200 if ok else 503, content_type="application/json")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = await self.metrics.render()
        return web.Response(body=body, headers={"Content-Type": "text/plain; version=0.0.4"})


async def check_invariant(app: App, metrics: Metrics | None = None) -> int:
    """Count the accounts whose balance differs from the sum of their entries; log an error
    naming how many when any does."""

    async def read(tx: Tx) -> int:
        return await health.unbalanced(tx)

    unbalanced = await app.store.read(read)
    if metrics is not None:
        metrics.invariant(unbalanced)
    if unbalanced:
        log.error("ledger invariant broken: %d accounts differ from their entries", unbalanced)
    return unbalanced


async def invariant_loop(
    app: App, minutes: int, metrics: Metrics | None, stop: asyncio.Event
) -> None:
    """Check the ledger invariant every ``minutes`` until ``stop`` is set (first at start)."""
    while not stop.is_set():
        try:
            await check_invariant(app, metrics)
        except Exception:
            log.exception("the ledger invariant check failed to run")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), minutes * 60)
