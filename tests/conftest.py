"""Shared fixtures: the contract suite runs on every backend named in CONNECTS_TEST_BACKENDS.

``CONNECTS_TEST_BACKENDS`` is a comma list of ``sqlite`` and ``postgres`` (default: both).
PostgreSQL tests use ``CONNECTS_TEST_PG`` (default ``postgresql://postgres@127.0.0.1:5432/test``),
each test in a schema of its own; when no server answers they skip, saying why. ``db_url`` is
empty; ``make_config`` and ``app`` get it migrated, copied from a database each test process
migrates once (:mod:`tests.databases`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config, LearningConfig, parse
from core.base.keys import Actor, UserRef
from core.base.pricingconfig import PricingConfig
from tests import databases

if TYPE_CHECKING:
    from core.quotes.learning.rows import Sample
    from core.quotes.learning.training import Trained

# No example has a deadline: speed is measured by the bench/ scripts, and under pytest-xdist the
# workers share the cores, so a wall-clock limit per example would fail on a busy machine, not on
# slow code. Every other setting comes from the profile Hypothesis loaded (``ci`` under CI=1).
settings.register_profile("connects", deadline=None)
settings.load_profile("connects")

PG_URL = os.environ.get("CONNECTS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [
    b.strip()
    for b in os.environ.get("CONNECTS_TEST_BACKENDS", "sqlite,postgres").split(",")
    if b.strip()
]

_pg_reason: list[str] = []


async def _postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used here, or ``None`` when it can (checked once)."""
    if _pg_reason:
        return _pg_reason[0] or None
    try:
        import asyncpg

        conn = await asyncpg.connect(PG_URL, timeout=3)
        await conn.close()
        _pg_reason.append("")
    except Exception as exc:  # any failure means: skip with the reason
        _pg_reason.append(
            f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}: "
            f"{exc}); set CONNECTS_TEST_PG or CONNECTS_TEST_BACKENDS=sqlite"
        )
    return _pg_reason[0] or None


class Clock:
    """A controllable clock in epoch seconds."""

    def __init__(self, now: int = 1_790_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database URL on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'connects.db'}"
        return
    reason = await _postgres_unavailable()
    if reason:
        pytest.skip(reason)
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(PG_URL)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}search_path={schema}"
    finally:
        # kept for a later test if it is exactly as migrated (emptied), else dropped
        await databases.release_postgres(PG_URL, schema)


@pytest.fixture
async def migrated_db_url(db_url: str) -> str:
    """:func:`db_url`'s database with every migration applied and no rows, as a first open
    leaves it: copied from one migrated per test process (see :mod:`tests.databases`)."""
    if db_url.startswith("sqlite:"):
        await databases.fill_sqlite(Path(db_url.removeprefix("sqlite:///")))
    else:
        await databases.fill_postgres(PG_URL, db_url.rsplit("search_path=", 1)[1])
    return db_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the longest tests first: those given a longer timeout (PostgreSQL's before
    SQLite's), then the ``slow`` ones, then the rest, each group in collection order. Under
    ``-n auto --dist worksteal`` a long test that starts last keeps the run going on one core
    while the others idle; started first, it runs while the others share out the short ones."""

    def rank(item: pytest.Item) -> tuple[int, float, bool]:
        timeout = item.get_closest_marker("timeout")
        if timeout is not None and timeout.args:
            return 0, -float(timeout.args[0]), item.get_closest_marker("postgres") is None
        return (1 if item.get_closest_marker("slow") else 2), 0.0, False

    items.sort(key=rank)


def pytest_sessionfinish() -> None:
    """Drop the migrated schemas this process kept for its tests."""
    databases.drop_spares_now(PG_URL)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_config(migrated_db_url: str) -> Callable[..., Config]:
    """Build a config on the test database (migrated, empty); sections override the
    defaults."""

    def build(**sections: dict[str, object]) -> Config:
        data: dict[str, dict[str, object]] = {k: dict(v) for k, v in sections.items()}
        data.setdefault("storage", {})["url"] = migrated_db_url
        data["storage"].setdefault("synchronous", "NORMAL")
        return parse(data, env={})

    return build


@pytest.fixture
async def app(make_config: Callable[..., Config], clock: Clock) -> AsyncIterator[App]:
    """The application on a fresh, migrated database, with a controllable clock."""
    application = await create_app(make_config(), clock)
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
async def seed_app(make_config: Callable[..., Config], clock: Clock) -> AsyncIterator[App]:
    """:func:`app` under ``[pricing] profile = "seed"``: the seed article's 1-6 points model
    and $1.00-$0.15 tiers, for the tests about them (the default is today's Upwork)."""
    application = await create_app(make_config(pricing={"profile": "seed"}), clock)
    try:
        yield application
    finally:
        await application.close()


def actor(name: str = "ana", scope: str | None = "console", admin: bool = False) -> Actor:
    """A console actor."""
    return Actor(UserRef(f"console:{name}", name), scope, admin)


#: Models trained in this test process, by what they were trained on (see ``shared_fits``).
_FITS: dict[tuple[object, ...], Trained] = {}


@pytest.fixture
def shared_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training is a pure function of its bids, settings and time (seeded, one thread): a
    fixture that fits the same synthetic community for every test gets the model trained the
    first time in this process rather than training it again. Only fixtures that ask for this
    share fits; the fit itself (its time, its worker thread) is tested without it."""
    from core.quotes.learning import fitting

    train = fitting._train

    def shared(
        samples: Sequence[Sample], learning: LearningConfig, pricing: PricingConfig, now: int
    ) -> Trained:
        key = (tuple(samples), learning, repr(pricing), now)
        if key not in _FITS:
            _FITS[key] = train(samples, learning, pricing, now)
        return _FITS[key]

    monkeypatch.setattr(fitting, "_train", shared)
