"""Prometheus metrics of one bot process, in a registry of its own (``/metrics``).

Commands by name and outcome, reply latency, refusals (observed through
:attr:`core.app.App.observers`); gateway latency per Discord shard and Socket Mode reconnects
(read from the running platforms at each scrape); the notice backlog, each scope's cost-model
fit and its error (read from the database at most every :data:`DB_SECONDS`, so a scrape storm
costs the database one query set); the ledger invariant checks (:mod:`bot.ops` runs them).

Labels are bounded: commands are catalog names, scopes are communities, shards are numbers;
no user id or text is ever a label.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from core.app import App
from core.store.base import Tx
from core.store.tables import health

#: How long database figures are reused between scrapes.
DB_SECONDS = 10.0
#: Reply latency buckets (seconds): Discord and Slack want an answer within 3.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Watched(Protocol):
    """What a running platform shows the metrics (see :class:`adapters.served.Served`)."""

    name: str
    reconnects: int

    def shard_latencies(self) -> list[tuple[int, float]]: ...


class _DbFigures:
    def __init__(self) -> None:
        self.read_at = -DB_SECONDS
        self.backlog = 0
        self.fits: list[health.Fit] = []
        self.ok = False


class Metrics:
    """The metrics of one process; :meth:`observe` is an :attr:`App.observers` callback."""

    def __init__(
        self,
        app: App,
        platforms: Sequence[Any] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.platforms = [p for p in platforms if hasattr(p, "shard_latencies")]
        self.clock = clock
        self.registry = CollectorRegistry(auto_describe=True)
        self.commands = Counter(
            "connects_commands",
            "Commands run, by catalog name and outcome (ok, confirm, refused, failed)",
            ("command", "outcome"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "connects_reply_seconds",
            "Time from a command's dispatch to its reply, by catalog name",
            ("command",),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.refusals = Counter(
            "connects_refusals",
            "Commands refused with a one-line reason (bad input, not allowed, no balance)",
            ("command",),
            registry=self.registry,
        )
        self.invariant_checks = Counter(
            "connects_ledger_invariant_checks",
            "Checks that every balance equals the sum of its entries, by result",
            ("result",),
            registry=self.registry,
        )
        self.invariant_checks.labels("ok")
        self.invariant_checks.labels("failed")
        self.db = _DbFigures()
        self.registry.register(_Live(self))

    def observe(self, command: str, outcome: str, seconds: float) -> None:
        """Count one command and its reply time."""
        self.commands.labels(command, outcome).inc()
        self.latency.labels(command).observe(seconds)
        if outcome == "refused":
            self.refusals.labels(command).inc()

    def invariant(self, unbalanced: int) -> None:
        """Count one invariant check that found ``unbalanced`` accounts."""
        self.invariant_checks.labels("ok" if unbalanced == 0 else "failed").inc()

    async def refresh(self) -> None:
        """Read the database figures again if they are older than :data:`DB_SECONDS`."""
        now = self.clock()
        if now - self.db.read_at < DB_SECONDS:
            return
        self.db.read_at = now

        async def read(tx: Tx) -> tuple[int, list[health.Fit]]:
            return await health.notice_backlog(tx), await health.fits(tx)

        try:
            self.db.backlog, self.db.fits = await self.app.store.read(read, quick=True)
            self.db.ok = True
        except Exception:
            self.db.ok = False

    async def render(self) -> bytes:
        """The exposition text, database figures refreshed when due."""
        await self.refresh()
        return generate_latest(self.registry)


class _Live(Collector):
    """The figures read at each scrape from the platforms and the cached database reads."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Any]:
        return []

    def collect(self) -> Iterator[Any]:
        m = self.metrics
        latency = GaugeMetricFamily(
            "connects_discord_gateway_latency_seconds",
            "Discord gateway heartbeat latency, by shard",
            labels=("shard",),
        )
        reconnects = CounterMetricFamily(
            "connects_slack_socket_reconnects",
            "Socket Mode connections Slack opened again after the first",
        )
        for platform in m.platforms:
            for shard, seconds in platform.shard_latencies():
                latency.add_metric((str(shard),), seconds)
            if platform.name == "slack":
                reconnects.add_metric((), platform.reconnects)
        yield latency
        yield reconnects
        if not m.db.ok:
            return
        yield GaugeMetricFamily(
            "connects_notice_backlog", "Notices recorded and not sent yet", value=m.db.backlog
        )
        samples = GaugeMetricFamily(
            "connects_fit_samples", "Bids the scope's cost model learned from", labels=("scope",)
        )
        error = GaugeMetricFamily(
            "connects_fit_mae_connects",
            "The cost model's cross-validated mean absolute error, in Connects",
            labels=("scope",),
        )
        heuristic = GaugeMetricFamily(
            "connects_fit_heuristic_mae_connects",
            "The heuristic's mean absolute error on the same bids, in Connects",
            labels=("scope",),
        )
        in_use = GaugeMetricFamily(
            "connects_fit_in_use", "1 when the scope's cost model answers quotes", labels=("scope",)
        )
        for fit in m.db.fits:
            samples.add_metric((fit.scope,), fit.sample_size)
            in_use.add_metric((fit.scope,), 1 if fit.in_use else 0)
            if fit.mae_hundredths is not None:
                error.add_metric((fit.scope,), fit.mae_hundredths / 100)
            if fit.heuristic_mae_hundredths is not None:
                heuristic.add_metric((fit.scope,), fit.heuristic_mae_hundredths / 100)
        yield from (samples, error, heuristic, in_use)
