"""SQLite on the calling thread, for a process that runs one command and exits.

The same database, pragmas and transactions as :mod:`core.store.sqlite` (WAL, a busy timeout,
``BEGIN IMMEDIATE`` write transactions, ``BEGIN`` ... ``COMMIT`` read snapshots), and the same
async interface, but every method runs its statements directly on a :mod:`sqlite3` connection
and returns without ever suspending. A command's coroutine over this store can therefore be run
to the end without an event loop (the command line's ``bot.inline``), and a one-shot ``exec``
imports neither asyncio nor aiosqlite. Waiting for another process's write lock blocks the
thread, which is all a one-shot process has to do meanwhile.

This module also holds what both SQLite stores share: the URL's file, the connection's settings,
the statement helpers and the migration runner (:func:`migrate_connection`), which the async
store runs on aiosqlite's thread.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from core.store.base import Params, Row, check_params
from core.store.schema import VERSION_TABLE, log_applied, pending, render

T = TypeVar("T")

#: How long a write waits for another writer past the busy timeout, retrying (seconds).
LOCK_DEADLINE = 60


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////abs/path.db`` URL."""
    if url in ("sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if not url.startswith("sqlite:///"):
        raise ValueError(f"storage url {url!r}: SQLite URLs look like sqlite:///connects.db")
    return url[len("sqlite:///") :]


def configure(conn: sqlite3.Connection, synchronous: str, busy_timeout_ms: int) -> None:
    """The settings every connection of either SQLite store runs with."""
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")


def check_wal(mode: sqlite3.Row | None, path: str) -> None:
    """Raise unless ``PRAGMA journal_mode = WAL`` answered ``wal`` (a file database)."""
    if mode is not None and path != ":memory:" and str(mode[0]).lower() != "wal":
        raise RuntimeError(f"{path}: could not switch the database to WAL")


def fetch_one(conn: sqlite3.Connection, sql: str, params: Params) -> Row | None:
    cur = conn.execute(sql, params)
    try:
        return cur.fetchone()  # type: ignore[no-any-return]
    finally:
        cur.close()


def fetch_all(conn: sqlite3.Connection, sql: str, params: Params) -> Sequence[Row]:
    cur = conn.execute(sql, params)
    try:
        return cur.fetchall()
    finally:
        cur.close()


def run_statement(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cur = conn.execute(sql, params)
    try:
        return cur.rowcount
    finally:
        cur.close()


def migrate_connection(conn: sqlite3.Connection) -> tuple[int, list[str], int]:
    """Apply every pending migration on ``conn``, inside the write transaction the caller
    began: (the schema version afterwards, the files applied in order, the highest version
    recorded before). Both SQLite stores run this one runner."""
    conn.execute(render(VERSION_TABLE, "sqlite"))
    done = {int(r[0]) for r in conn.execute("SELECT version FROM schema_version").fetchall()}
    highest = max(done, default=0)
    applied: list[str] = []
    for version, name, sql in pending("sqlite", done):
        kept = _indexes_and_triggers(conn) if version < highest else None
        for statement in statements(sql):
            conn.execute(statement)
        if kept is not None:
            _restore(conn, kept)
        conn.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
            (version, name, int(time.time())),
        )
        applied.append(name)
        done.add(version)
    return max(done, default=0), applied, highest


def _indexes_and_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every index and trigger a migration declared: (name, CREATE text)."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def _restore(conn: sqlite3.Connection, kept: list[tuple[str, str]]) -> None:
    """Create again the indexes and triggers a migration applied late dropped with a table it
    rebuilt (SQLite changes a column's constraints only by rebuilding its table): a later
    version had created them on the old table."""
    present = {name for name, _ in _indexes_and_triggers(conn)}
    for name, sql in kept:
        if name not in present:
            conn.execute(sql)


def statements(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


class DirectTx:
    """Statements of one transaction, run on the calling thread."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def fetchone(self, sql: str, params: Params | None = None) -> Row | None:
        if params:
            check_params(params)
        return fetch_one(self.conn, sql, params or {})

    async def fetchall(self, sql: str, params: Params | None = None) -> Sequence[Row]:
        if params:
            check_params(params)
        return fetch_all(self.conn, sql, params or {})

    async def execute(self, sql: str, params: Params | None = None) -> int:
        if params:
            check_params(params)
        return run_statement(self.conn, sql, params or {})

    async def lock_account(self, account_id: int) -> None:
        return None  # BEGIN IMMEDIATE already holds the database's write lock


class DirectSQLiteStore:
    """The SQLite store of a one-shot process: one writer connection, and a reader opened by
    the first read (a file database; an in-memory one reads on its only connection). Nothing
    shares them: one command runs its transactions one after another."""

    dialect = "sqlite"

    def __init__(
        self, url: str, writer: sqlite3.Connection, connect: Callable[[], sqlite3.Connection]
    ) -> None:
        self.url = url
        self._writer = writer
        self._reader: sqlite3.Connection | None = None
        self._connect = connect
        self._busy_timeout_ms = 30000
        self._memory = False
        self.migrated: tuple[str, ...] = ()

    @classmethod
    async def open(
        cls, url: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 30000
    ) -> DirectSQLiteStore:
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
            try:
                configure(conn, synchronous, busy_timeout_ms)
            except BaseException:
                conn.close()
                raise
            return conn

        writer = connect()
        try:
            check_wal(writer.execute("PRAGMA journal_mode = WAL").fetchone(), path)
        except BaseException:
            writer.close()
            raise
        store = cls(url, writer, connect)
        store._busy_timeout_ms = int(busy_timeout_ms)
        store._memory = path == ":memory:"
        return store

    def _begin_immediate(self) -> None:
        """``BEGIN IMMEDIATE``, waiting up to the busy timeout for another writer; past it, a
        lock still held is retried until :data:`LOCK_DEADLINE`."""
        deadline = time.monotonic() + LOCK_DEADLINE
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    async def write(self, fn: Callable[[DirectTx], Awaitable[T]]) -> T:
        self._begin_immediate()
        try:
            result = await fn(DirectTx(self._writer))
        except BaseException:
            self._writer.execute("ROLLBACK")
            raise
        self._writer.execute("COMMIT")
        return result

    async def read(self, fn: Callable[[DirectTx], Awaitable[T]], *, quick: bool = False) -> T:
        conn = self._reading()
        conn.execute("BEGIN")
        try:
            return await fn(DirectTx(conn))
        finally:
            conn.execute("COMMIT")

    def _reading(self) -> sqlite3.Connection:
        if self._memory:
            return self._writer
        if self._reader is None:
            self._reader = self._connect()
        return self._reader

    async def migrate(self) -> int:
        self._begin_immediate()
        try:
            version, applied, highest = migrate_connection(self._writer)
        except BaseException:
            self._writer.execute("ROLLBACK")
            raise
        self._writer.execute("COMMIT")
        for name in applied:
            log_applied(name, int(name.split("_", 1)[0]), highest)
        self.migrated = tuple(applied)
        return version

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._writer.close()
