"""Migration 0003: SQLite's text primary keys become NOT NULL, as on PostgreSQL, and a ledger
made before it keeps every row and byte through the upgrade."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from core.store import open_store, schema
from core.store.base import Tx
from core.store.schema import available, render, source
from tests.store.test_copy import export


async def _ledger_at_version_2(url: str) -> None:
    """Users, requests, a confirmation and their entries, written as rows (today's code
    writes the newest schema, which a version 2 database does not have yet)."""
    store = await open_store(url)

    async def seed(tx: Tx) -> None:
        for n, key in ((1, "console:ana"), (2, "console:ben")):
            await tx.execute(
                "INSERT INTO accounts (id, kind, balance, created_at) VALUES (:n, 'user', 60, 0)",
                {"n": n},
            )
            await tx.execute(
                "INSERT INTO users (key, display, account_id, created_at) VALUES (:k, :d, :n, 0)",
                {"k": key, "d": key[8:], "n": n},
            )
            await tx.execute(
                "INSERT INTO lots (id, account_id, source, connects, remaining, "
                "cost_cents, acquired_at) VALUES (:n, :n, 'welcome', 60, 60, 0, 0)",
                {"n": n},
            )
            await tx.execute(
                "INSERT INTO entries (account_id, delta, balance_after, kind, "
                "lot_id, actor, request_id, memo, created_at) VALUES (:n, 60, 60, "
                "'welcome', :n, :k, :r, 'welcome grant', 0)",
                {"n": n, "k": key, "r": f"rq-{n}"},
            )
        for i in range(8):
            await tx.execute(
                "INSERT INTO requests (id, fingerprint, actor, result, created_at) "
                "VALUES (:id, 'f', 'console:ana', '{}', :t)",
                {"id": f"rq-{i}", "t": i},
            )
        await tx.execute(
            "INSERT INTO confirmations (token, actor, scope, args, created_at) "
            "VALUES ('ab12cd34ef', 'console:ana', 'console', '{}', 0)"
        )

    try:
        await store.write(seed)
    finally:
        await store.close()


async def test_an_existing_sqlite_ledger_upgrades_without_losing_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger written at version 2 upgrades to the latest version: its export is the same
    bytes, the rows of the rebuilt tables are all there, foreign keys still hold, and the keys
    now refuse NULL."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    before_0003 = [m for m in available() if m[0] < 3]
    monkeypatch.setattr(schema, "available", lambda: before_0003)
    await _ledger_at_version_2(url)
    # the export reads the bid factor columns of 0006, which only add columns: export a copy
    # at version 2 with those columns added, to compare with the upgraded ledger's export
    shutil.copy(tmp_path / "old.db", tmp_path / "v2.db")
    additive = render(source("0006_bid_factors.sql"), "sqlite")
    with sqlite3.connect(tmp_path / "v2.db") as db:
        db.executescript(additive)
    exported = await export(f"sqlite:///{tmp_path / 'v2.db'}")
    with sqlite3.connect(tmp_path / "old.db") as db:
        counts = {
            t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("users", "requests", "confirmations", "accounts", "entries")
        }
        assert db.execute("SELECT MAX(version) FROM schema_version").fetchone() == (2,)
    monkeypatch.undo()

    store = await open_store(url)
    try:
        assert await store.migrate() == max(v for v, _ in available())

        async def check(tx: Tx) -> None:
            for table, n in counts.items():
                row = await tx.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
                assert row is not None and row["n"] == n, table
            assert await tx.fetchall("SELECT * FROM pragma_foreign_key_check") == []
            for table, key in (("users", "key"), ("requests", "id"), ("confirmations", "token")):
                info = await tx.fetchall(
                    f'SELECT name, "notnull" FROM pragma_table_info'
                    f"('{table}') WHERE name = '{key}'"
                )
                assert [tuple(r) for r in info] == [(key, 1)], table

        await store.read(check)

        async def null_request(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO requests (id, fingerprint, actor, created_at) "
                "VALUES (NULL, 'f', 'console:ana', 0)"
            )

        with pytest.raises(sqlite3.IntegrityError, match="NOT NULL"):
            await store.write(null_request)
    finally:
        await store.close()
    assert counts["users"] >= 2 and counts["requests"] >= 8
    assert await export(url) == exported
