"""The ``[ops]`` section: what an operator watches (health, readiness and metrics on a port of
their own, the ledger's invariant check) and where errors are reported (Sentry, optional).
Read on every start; imports nothing heavy (the server is :mod:`bot.ops`)."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.config import Section


@dataclass(frozen=True, slots=True)
class OpsConfig:
    """``[ops]``: ``port`` serves ``/healthz``, ``/readyz`` and ``/metrics`` (0: off) on
    ``host``; ``invariant_minutes`` is how often every balance is checked against the sum of
    its entries (0: never); ``sentry_dsn`` sends errors to Sentry (empty: off), scrubbed of
    user text and ids."""

    port: int = 0
    host: str = "0.0.0.0"
    invariant_minutes: int = 60
    sentry_dsn: str = ""
    sentry_environment: str = "production"

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError("ops.port must be 0 (off) or a TCP port, 1-65535")
        if self.invariant_minutes < 0:
            raise ValueError("ops.invariant_minutes must be 0 (never) or more")

    def __repr__(self) -> str:
        dsn = "***" if self.sentry_dsn else ""
        return f"OpsConfig(port={self.port!r}, sentry_dsn={dsn!r})"


SECTION = Section(
    "ops",
    OpsConfig,
    env={"sentry_dsn": "SENTRY_DSN"},
    secrets=("sentry_dsn",),
)
