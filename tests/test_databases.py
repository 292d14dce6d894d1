"""The migrated test databases (tests/databases.py) are as new as a first open leaves them."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from core.store import open_store
from core.store.base import Tx
from tests import conftest as root
from tests import databases


async def _rows_and_next_id(url: str) -> tuple[int, int]:
    """(accounts in the database, the id a new account gets), that account left behind."""
    store = await open_store(url)
    try:

        async def fn(tx: Tx) -> tuple[int, int]:
            row = await tx.fetchone("SELECT COUNT(*) AS n FROM accounts")
            assert row is not None
            await tx.execute(
                "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 0, 1)"
            )
            new = await tx.fetchone("SELECT MAX(id) AS id FROM accounts")
            assert new is not None
            return int(row["n"]), int(new["id"])

        return await store.write(fn)
    finally:
        await store.close()


async def test_a_kept_postgres_schema_comes_back_empty_with_ids_from_the_start() -> None:
    """Rows and ids of one test never reach the next; a schema a test altered is not kept."""
    if "postgres" not in root.BACKENDS or await root._postgres_unavailable():
        pytest.skip("needs PostgreSQL")
    names = [f"t_{uuid.uuid4().hex[:16]}" for _ in range(2)]
    url = databases._url
    await databases.fill_postgres(root.PG_URL, names[0])
    # spares that earlier tests of this process left stay where they are; only the one this
    # test gives back is followed
    before = set(databases._spares)
    assert await _rows_and_next_id(url(root.PG_URL, names[0])) == (0, 1)
    await databases.release_postgres(root.PG_URL, names[0])
    kept = set(databases._spares) - before
    assert kept, "a schema still as migrated is kept"

    await databases.fill_postgres(root.PG_URL, names[1])
    assert await _rows_and_next_id(url(root.PG_URL, names[1])) == (0, 1)
    conn = await asyncpg.connect(root.PG_URL)
    try:
        await conn.execute(f'ALTER TABLE "{names[1]}".accounts ADD COLUMN extra TEXT')
    finally:
        await conn.close()
    await databases.release_postgres(root.PG_URL, names[1])
    conn = await asyncpg.connect(root.PG_URL)
    try:
        gone = await conn.fetchval("SELECT 1 FROM pg_namespace WHERE nspname = $1", names[1])
    finally:
        await conn.close()
    assert gone is None, "an altered schema is dropped, not kept"
    assert not kept & set(databases._spares), "the altered schema was the kept one, now gone"


async def test_a_sqlite_copy_is_migrated_and_empty(tmp_path: Path) -> None:
    """Each copy holds every migration and no row."""
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        await databases.fill_sqlite(path)
        url = f"sqlite:///{path}"
        assert await _rows_and_next_id(url) == (0, 1)
        store = await open_store(url)
        try:
            assert store.migrated == ()  # nothing left to apply
        finally:
            await store.close()
