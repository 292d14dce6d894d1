"""The migration runner applies every missing version, in order, also one below the highest
applied: a database made by a build that numbered its migrations differently holds 6 to 8
without 5. Each migration is safe to apply late: the schema afterwards is the schema a fresh
database gets, on both backends."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from core.store import open_store, schema
from tests.bot.test_cli import cli
from tests.store.conftest import _schema_url
from tests.store.test_schema_parity import differences, read_postgres, read_sqlite

LATEST = max(v for v, _ in schema.available())
BACKENDS = ("sqlite", "postgres")


async def _built_without(
    url: str, monkeypatch: pytest.MonkeyPatch, missing: set[int], upto: int = LATEST
) -> None:
    """The database at ``url`` as a build without ``missing`` (and nothing above ``upto``)
    left it."""
    real = schema.available

    def packaged() -> list[tuple[int, str]]:
        return [m for m in real() if m[0] not in missing and m[0] <= upto]

    with monkeypatch.context() as patch:
        patch.setattr(schema, "available", packaged)
        store = await open_store(url)
        await store.close()


async def _schema(url: str, reader: Any) -> Any:
    store = await open_store(url, migrate=False)
    try:
        return await reader(store)
    finally:
        await store.close()


@pytest.fixture(params=BACKENDS)
async def two(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, str, Any]]:
    """Two empty databases of one backend, and that backend's schema reader."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}", read_sqlite
        return
    first, second = _schema_url(), _schema_url()
    try:
        yield await anext(first), await anext(second), read_postgres
    finally:
        await first.aclose()
        await second.aclose()


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler, logger = Keep(logging.INFO), logging.getLogger("connects.store")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_db_upgrade_fills_the_historical_gap_and_says_so(
    two: tuple[str, str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database at 8 without 5: `db upgrade` applies 0005 then 0009 and later, says so, and the
    export indexes exist afterwards; a second upgrade has nothing to apply."""
    url, _, reader = two
    await _built_without(url, monkeypatch, {5}, upto=8)
    assert "users_account" not in (await _schema(url, reader))["users"].indexes

    upgraded = cli(tmp_path, "db", "upgrade", env={"CONNECTS_DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    later = [name for v, name in schema.available() if v > 8]
    applied = ", ".join(["0005_owner_indexes.sql", *later])
    assert "0009_wide_integers.sql" in later
    assert upgraded.stdout.strip().endswith(f"schema at version {LATEST}; applied {applied}")
    after = await _schema(url, reader)
    assert "users_account" in after["users"].indexes
    assert "pools_account" in after["pools"].indexes
    again = cli(tmp_path, "db", "upgrade", env={"CONNECTS_DATABASE_URL": url})
    assert again.stdout.strip().endswith(f"schema at version {LATEST}; nothing to apply")


#: (missing version, the last version the database had): every version that a later one does
#: not build on. 0006 is left out: 0007 indexes a column it adds, so no database holds 0007
#: without 0006. 0009 widens columns of 0002, 0006 and 0007, so those go missing from a
#: database at 8, as from the builds that made such databases.
LATE = [(2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, LATEST)]


@pytest.mark.parametrize(("late", "upto"), LATE)
async def test_every_migration_is_safe_to_apply_late(
    late: int, upto: int, two: tuple[str, str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built without version ``late``, then opened: ``late`` alone is applied, a warning names
    it, and the schema is the one a database migrated in order has."""
    url, fresh, reader = two
    await _built_without(url, monkeypatch, {late}, upto)
    with _logged() as records:
        store = await open_store(url)
    try:
        expected = [late, *(v for v, _ in schema.available() if v > upto)]
        assert [int(n[:4]) for n in store.migrated] == expected
    finally:
        await store.close()
    warned = [r for r in records if r.levelno == logging.WARNING]
    assert warned and f"{late:04d}_" in warned[0].getMessage() and "late" in warned[0].getMessage()
    await (await open_store(fresh)).close()
    want, got = await _schema(fresh, reader), await _schema(url, reader)
    # a column added late comes last; every reader names columns, none counts on their order
    order = {(table, "column order"): "columns are read by name" for table in want}
    found = differences(want, got, "in order", "late", allowed=order)
    assert not found, "\n".join(found)
