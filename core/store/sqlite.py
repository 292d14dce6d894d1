"""SQLite through aiosqlite: WAL, a busy timeout, ``BEGIN IMMEDIATE`` write transactions.

One writer connection, one reader connection for quick reads, and up to ``SCAN_CONNECTIONS``
more for scans (exports, statistics), opened when the first scan comes. WAL lets every reader
read its own snapshot while others read and write, so a quick read (``/balance``) never waits
behind a scan, and a scan never waits behind a quick read. The asyncio locks only share each
connection between tasks; overspend across processes is refused by the database (the
conditional update inside ``BEGIN IMMEDIATE``), never by these locks.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import aiosqlite

from core.store.base import Params, Row, check_params
from core.store.direct import (
    check_wal,
    configure,
    fetch_all,
    fetch_one,
    migrate_connection,
    run_statement,
    sqlite_path,
)
from core.store.schema import log_applied

T = TypeVar("T")

#: Scans (reads without ``quick``) that run at once, each on a connection of its own; more wait
#: for one of them to finish, never the quick reads.
SCAN_CONNECTIONS = 2


class _Tx:
    """Statements of one transaction. Each runs as a single call on the connection's thread
    (execute, fetch and close together), which keeps a command to one thread hop per
    statement."""

    __slots__ = ("conn",)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def _call(
        self, fn: Callable[[sqlite3.Connection, str, Params], T], sql: str, params: Params | None
    ) -> T:
        if params:
            check_params(params)
        # aiosqlite internals ._conn/._execute: one thread hop a statement (pyproject bounds it)
        raw = self.conn._conn  # the sqlite3 connection, used on aiosqlite's own thread
        result: T = await self.conn._execute(  # type: ignore[no-untyped-call]
            fn, raw, sql, params or {}
        )
        return result

    async def fetchone(self, sql: str, params: Params | None = None) -> Row | None:
        return await self._call(fetch_one, sql, params)

    async def fetchall(self, sql: str, params: Params | None = None) -> Sequence[Row]:
        return await self._call(fetch_all, sql, params)

    async def execute(self, sql: str, params: Params | None = None) -> int:
        return await self._call(run_statement, sql, params)

    async def lock_account(self, account_id: int) -> None:
        return None  # BEGIN IMMEDIATE already holds the database's write lock


class _InlineTx(_Tx):
    """Statements run directly on the connection, without a hop to aiosqlite's thread.

    Used for write transactions: inside ``BEGIN IMMEDIATE`` this connection already holds the
    database's write lock, so its statements never wait for another process; they touch the
    page cache and return in microseconds. The steps that can block (waiting for the lock at
    ``BEGIN IMMEDIATE``, the fsync at ``COMMIT``) stay on aiosqlite's thread. Also used for
    quick reads (a few indexed lookups; WAL readers do not wait for writers). Scans such as
    exports keep one hop per statement so the event loop is never held.
    """

    __slots__ = ()

    async def _call(
        self, fn: Callable[[sqlite3.Connection, str, Params], T], sql: str, params: Params | None
    ) -> T:
        if params:
            check_params(params)
        # aiosqlite internal ._conn: the sqlite3 connection, run inline (pyproject bounds it)
        return fn(self.conn._conn, sql, params or {})


class SQLiteStore:
    """The embedded default store."""

    dialect = "sqlite"

    def __init__(
        self,
        url: str,
        writer: aiosqlite.Connection,
        reader: aiosqlite.Connection,
        connect: Callable[[], Awaitable[aiosqlite.Connection]] | None = None,
        scan_connections: int = SCAN_CONNECTIONS,
    ) -> None:
        self.url = url
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        self._busy_timeout_ms = 30000
        # scans: connections of their own, opened on demand (None: they share the reader)
        self._connect = connect
        self._scan_slots = asyncio.Semaphore(max(1, scan_connections))
        self._scanners: list[aiosqlite.Connection] = []  # every scan connection opened
        self._idle_scanners: list[aiosqlite.Connection] = []
        self._closed = False
        self.migrated: tuple[str, ...] = ()

    @classmethod
    async def open(
        cls, url: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 30000
    ) -> SQLiteStore:
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)

        async def connect() -> aiosqlite.Connection:
            # check_same_thread=False: write statements run on the event loop's thread while
            # the connection holds the write lock (see _WriteTx); never two threads at once
            conn = await aiosqlite.connect(
                path, isolation_level=None, timeout=busy_timeout_ms / 1000, check_same_thread=False
            )
            # aiosqlite internal ._conn: the same settings as the direct store (pyproject bounds it)
            await conn._execute(  # type: ignore[no-untyped-call]
                configure, conn._conn, synchronous, busy_timeout_ms
            )
            return conn

        writer = await connect()
        try:
            check_wal(await (await writer.execute("PRAGMA journal_mode = WAL")).fetchone(), path)
            reader = writer if path == ":memory:" else await connect()
        except BaseException:
            await writer.close()
            raise
        if reader is writer:  # one in-memory database: every statement on its one connection
            store = cls(url, writer, reader)
            store._read_lock = store._write_lock
        else:
            store = cls(url, writer, reader, connect)
        store._busy_timeout_ms = int(busy_timeout_ms)
        return store

    async def write(self, fn: Callable[[_Tx], Awaitable[T]]) -> T:
        async with self._write_lock:
            conn = self._writer
            await self._begin(conn)
            try:
                result = await fn(_InlineTx(conn))
            except BaseException:
                await _statement(conn, "ROLLBACK")
                raise
            await _statement(conn, "COMMIT")
            return result

    async def _begin(self, conn: aiosqlite.Connection) -> None:
        """``BEGIN IMMEDIATE``: at once when no other writer holds the lock, else waiting for it
        on aiosqlite's thread (busy timeout), never on the event loop."""
        # aiosqlite internal ._conn: BEGIN IMMEDIATE tried inline first (pyproject bounds it)
        raw = conn._conn
        raw.execute("PRAGMA busy_timeout = 0")
        try:
            raw.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        finally:
            raw.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        # busy_timeout covers BEGIN IMMEDIATE; this loop only guards a lock held past it
        deadline = time.monotonic() + 60
        while True:
            try:
                await _statement(conn, "BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.01)

    async def read(self, fn: Callable[[_Tx], Awaitable[T]], *, quick: bool = False) -> T:
        if not quick and self._connect is not None:
            return await self._scan(fn)
        async with self._read_lock:
            conn = self._reader
            if quick:
                # aiosqlite internal ._conn: a quick read runs inline (pyproject bounds it)
                raw = conn._conn
                raw.execute("BEGIN")
                try:
                    return await fn(_InlineTx(conn))
                finally:
                    raw.execute("COMMIT")
            return await _snapshot(conn, fn)

    async def _scan(self, fn: Callable[[_Tx], Awaitable[T]]) -> T:
        """A read that may take long, on a scan connection of its own: the reader stays free
        for quick reads however long this one takes."""
        async with self._scan_slots:
            if self._closed:
                raise RuntimeError("the store is closed")
            if self._idle_scanners:
                conn = self._idle_scanners.pop()
            else:
                assert self._connect is not None
                conn = await self._connect()
                self._scanners.append(conn)
            try:
                return await _snapshot(conn, fn)
            finally:
                self._idle_scanners.append(conn)

    async def migrate(self) -> int:
        async with self._write_lock:
            conn = self._writer
            await self._begin(conn)
            try:
                # aiosqlite internals ._execute/._conn: the one runner on its thread
                version, applied, highest = await conn._execute(  # type: ignore[no-untyped-call]
                    migrate_connection, conn._conn
                )
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
            for name in applied:
                log_applied(name, int(name.split("_", 1)[0]), highest)
            self.migrated = tuple(applied)
            return int(version)

    async def close(self) -> None:
        self._closed = True
        for conn in self._scanners:
            await conn.close()
        if self._reader is not self._writer:
            await self._reader.close()
        await self._writer.close()


async def _snapshot(conn: aiosqlite.Connection, fn: Callable[[_Tx], Awaitable[T]]) -> T:
    """``fn`` in a read transaction on ``conn``, one thread hop per statement: the event loop
    serves other requests while each statement runs."""
    await _statement(conn, "BEGIN")
    try:
        return await fn(_Tx(conn))
    finally:
        await _statement(conn, "COMMIT")


async def _statement(conn: aiosqlite.Connection, sql: str) -> None:
    """A transaction control statement in one thread hop."""
    # aiosqlite internals ._execute/._conn: the statement in one thread hop (pyproject bounds it)
    await conn._execute(conn._conn.execute, sql)  # type: ignore[no-untyped-call]
