"""The direct SQLite store (one-shot ``exec``): the same transactions as the async store, run
on the calling thread, never suspending, so a command over it runs without an event loop.

Each test drives the store's coroutines with :func:`bot.inline.drive`, which fails if one
suspends: what passes here needs no event loop.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.inline import drive
from core.store import open_store
from core.store.base import Store, Tx, Unstorable
from core.store.direct import DirectSQLiteStore

T = TypeVar("T")


def _open(url: str, **kw: Any) -> Store:
    return drive(open_store(url, direct=True, **kw))


def _write(store: Store, fn: Callable[[Tx], Awaitable[T]]) -> T:
    return drive(store.write(fn))


def _read(store: Store, fn: Callable[[Tx], Awaitable[T]], quick: bool = False) -> T:
    return drive(store.read(fn, quick=quick))


def _schema(path: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
        ).fetchall()
        versions = conn.execute("SELECT version, name FROM schema_version ORDER BY version")
        return [*rows, *((str(v), n, "") for v, n in versions.fetchall())]


def test_direct_and_async_stores_migrate_to_one_schema(tmp_path: Path) -> None:
    """Both SQLite stores run the one migration runner: the same tables, indexes, triggers and
    recorded versions, and opening a current database again applies nothing."""
    import asyncio

    direct = _open(f"sqlite:///{tmp_path / 'direct.db'}")
    assert isinstance(direct, DirectSQLiteStore) and direct.migrated
    drive(direct.close())

    async def async_store() -> tuple[str, ...]:
        store = await open_store(f"sqlite:///{tmp_path / 'async.db'}")
        try:
            return store.migrated
        finally:
            await store.close()

    assert asyncio.run(async_store()) == direct.migrated
    assert _schema(tmp_path / "direct.db") == _schema(tmp_path / "async.db")
    again = _open(f"sqlite:///{tmp_path / 'async.db'}")
    assert again.migrated == ()
    drive(again.close())


@pytest.mark.parametrize(("synchronous", "level"), [("FULL", 2), ("NORMAL", 1), ("off", 0)])
def test_connections_carry_the_configured_settings(
    tmp_path: Path, synchronous: str, level: int
) -> None:
    """WAL, foreign keys, the busy timeout and the synchronous level, on the connection of
    writes and of reads alike."""
    store = _open(f"sqlite:///{tmp_path / 'c.db'}", synchronous=synchronous, busy_timeout_ms=1234)

    async def settings(tx: Tx) -> tuple[object, ...]:
        names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        rows = [await tx.fetchone(f"PRAGMA {name}") for name in names]
        return tuple(row[0] for row in rows if row is not None)

    try:
        expected = ("wal", 1, 1234, level)
        assert _write(store, settings) == expected
        assert _read(store, settings) == expected
        assert _read(store, settings, quick=True) == expected
    finally:
        drive(store.close())


def test_a_write_holds_the_database_write_lock(tmp_path: Path) -> None:
    """Attack: two processes spend from one wallet at once. A write transaction begins with
    ``BEGIN IMMEDIATE``: while it runs, no other connection can begin writing, so a
    balance read and the debit that depends on it see one state."""
    path = tmp_path / "lock.db"
    store = _open(f"sqlite:///{path}")

    async def try_other_writer(tx: Tx) -> str:
        with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as other:
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                return str(exc)
            other.execute("ROLLBACK")
            return "began"

    try:
        assert "locked" in _write(store, try_other_writer)
        # and a read transaction does not take it
        assert _read(store, try_other_writer) == "began"
    finally:
        drive(store.close())


def test_a_write_waits_for_another_writer_then_sees_its_commit(tmp_path: Path) -> None:
    """A write that finds another process writing waits for it (the busy timeout), then runs
    on the state that writer committed."""
    path = tmp_path / "wait.db"
    store = _open(f"sqlite:///{path}", busy_timeout_ms=30000)
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with closing(sqlite3.connect(path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute("CREATE TABLE scratch (n INTEGER)")
            other.execute("INSERT INTO scratch VALUES (7)")
            held.set()
            release.wait(30)
            other.execute("COMMIT")

    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        assert held.wait(30)
        threading.Timer(0.2, release.set).start()  # lets go while the write below waits

        async def add(tx: Tx) -> list[int]:
            await tx.execute("INSERT INTO scratch VALUES (:n)", {"n": 8})
            return [int(r[0]) for r in await tx.fetchall("SELECT n FROM scratch ORDER BY n")]

        assert _write(store, add) == [7, 8]
    finally:
        release.set()
        thread.join()
        drive(store.close())


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    """A write whose function raises is rolled back whole; a number no column holds is
    refused before its statement runs."""
    store = _open(f"sqlite:///{tmp_path / 'r.db'}")

    async def make(tx: Tx) -> None:
        await tx.execute("CREATE TABLE scratch (n INTEGER)")

    async def half(tx: Tx) -> None:
        await tx.execute("INSERT INTO scratch VALUES (1)")
        raise ValueError("half-way")

    async def too_big(tx: Tx) -> None:
        await tx.execute("INSERT INTO scratch VALUES (:n)", {"n": 2**63})

    async def count(tx: Tx) -> int:
        row = await tx.fetchone("SELECT COUNT(*) FROM scratch")
        assert row is not None
        return int(row[0])

    try:
        _write(store, make)
        with pytest.raises(ValueError, match="half-way"):
            _write(store, half)
        with pytest.raises(Unstorable):
            _write(store, too_big)
        assert _read(store, count) == 0
        # the connection is usable again: no transaction was left open
        _write(store, lambda tx: tx.execute("INSERT INTO scratch VALUES (3)"))
        assert _read(store, count, quick=True) == 1
    finally:
        drive(store.close())


def test_in_memory_database_is_one_connection(tmp_path: Path) -> None:
    """``sqlite:///:memory:``: reads see what writes left (one connection, one database)."""
    store = _open("sqlite:///:memory:")

    async def make(tx: Tx) -> None:
        await tx.execute("CREATE TABLE scratch (n INTEGER)")
        await tx.execute("INSERT INTO scratch VALUES (5)")

    async def read(tx: Tx) -> int:
        row = await tx.fetchone("SELECT n FROM scratch")
        return -1 if row is None else int(row[0])

    try:
        _write(store, make)
        assert _read(store, read) == 5
    finally:
        drive(store.close())


SPEND = """
import sys
from bot.cli import main
sys.exit(main(["exec", "--user", "ana", "/bid job:race connects:" + sys.argv[1]]))
"""


def test_one_shot_processes_never_overspend_a_wallet(tmp_path: Path) -> None:
    """Attack: several one-shot ``exec`` bids race for one wallet of 60 Connects, each asking
    for more than a third of it. Each process's debit runs in its own ``BEGIN IMMEDIATE``
    on the direct store: at most the bids the wallet covers are placed, the others are
    refused, and the balance never goes below zero."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTS_")}
    env["CONNECTS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'race.db'}"
    base = [sys.executable, "-c", SPEND]
    first = subprocess.run([*base, "1"], env=env, cwd=tmp_path, capture_output=True, check=False)
    assert first.returncode == 0, first.stderr  # the wallet exists: 59 Connects left
    procs = [
        subprocess.Popen([*base, "25"], env=env, cwd=tmp_path, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    codes = [p.wait(120) for p in procs]
    for p in procs:
        assert p.stdout is not None
        p.stdout.close()
    assert sorted(codes) == [0, 0, 1, 1], codes  # 25 + 25 fit in 59; a third does not
    balance = subprocess.run(
        [sys.executable, "-m", "bot", "exec", "--user", "ana", "/balance"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert balance.stdout.startswith("9 Connects"), balance.stdout + balance.stderr
