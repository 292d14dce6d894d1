"""PostgreSQL through asyncpg: one shared ledger for several bot processes.

Write transactions run at READ COMMITTED. No-overspend is the database's job, not this
process's: the ledger's conditional ``UPDATE accounts ... WHERE balance >= :n`` waits for any
concurrent writer of the same row and re-checks its condition against the committed balance,
the ``CHECK (balance >= 0)`` constraint backs it, and :meth:`_Tx.lock_account` takes the
account's row lock (``SELECT ... FOR UPDATE``) where a decision reads more than the balance (a
member's monthly allowance, a bid's refund state, which lots expired), so those decisions
serialize per account.
Locks are taken in one order (the actor's wallet, then a pool), and a transaction that still
loses a race (deadlock, serialization failure, a unique key claimed meanwhile) is rolled back
and run again from the start: the rerun reads the winner's committed rows and decides again
(a request id that was claimed meanwhile replays the stored reply).

The pool opens at most ``pool_min`` connections up front (the default is one) and grows to
``pool_max`` only under concurrent load, so a one-shot command holds a single connection.
Scans (reads without ``quick``: exports, statistics) hold at most half of the pool at once
(one connection when ``pool_max`` is 1 or 2), so however many long reads run, quick reads and
writes always find a connection.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from core.store.base import Params, Row, check_params, redact, redact_text
from core.store.schema import VERSION_TABLE, log_applied, pending, render

T = TypeVar("T")

#: Attempts of one write before a conflict is raised to the caller.
MAX_ATTEMPTS = 30
#: Of those, how many may end in a unique violation (a racing insert; more means a real bug).
MAX_UNIQUE_RETRIES = 3

# A process that stops mid-transaction (paused, cut off from the network) would hold its row
# locks, and with them a pool, for as long as the server keeps its session: end such sessions.
_SESSION_DEFAULTS = {
    "application_name": "connects-bot",
    "idle_in_transaction_session_timeout": "60000",  # ms
}

_RETRY = (asyncpg.exceptions.SerializationError, asyncpg.exceptions.DeadlockDetectedError)

# String literals, quoted identifiers, comments and casts are copied through untouched; only a
# lone ``:name`` outside them is a parameter.
_SQL_TOKEN = re.compile(
    r"'(?:[^']|'')*'"  # 'text', with '' inside
    r'|"(?:[^"]|"")*"'  # "identifier"
    r"|--[^\n]*"  # -- comment
    r"|/\*.*?\*/"  # /* comment */
    r"|::"  # a cast, not a parameter
    r"|:([A-Za-z_][A-Za-z0-9_]*)",
    re.DOTALL,
)


@lru_cache(maxsize=1024)
def to_positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with ``:name`` parameters rewritten as ``$1, $2...`` (one number per distinct
    name), and the names in number order."""
    names: list[str] = []

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _SQL_TOKEN.sub(sub, sql), tuple(names)


def _bind(sql: str, params: Params | None) -> tuple[str, list[Any]]:
    query, names = to_positional(sql)
    if not names:
        return query, []
    values = params or {}
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"SQL parameter :{missing[0]} has no value")
    check_params(values)
    return query, [values[n] for n in names]


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as ``UPDATE 3`` or ``INSERT 0 1``."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Tx:
    __slots__ = ("conn", "locked")

    def __init__(self, conn: PoolConnectionProxy[asyncpg.Record]) -> None:
        self.conn = conn
        self.locked: set[int] = set()  # held until the transaction ends: no second round trip

    async def fetchone(self, sql: str, params: Params | None = None) -> Row | None:
        query, args = _bind(sql, params)
        # asyncpg.Record gives the access a Row promises (record[name], get, keys, items, in,
        # len) but is not registered as a Mapping, and iterating it yields values, not keys;
        # the core reads rows by column name only.
        return cast("Row | None", await self.conn.fetchrow(query, *args))

    async def fetchall(self, sql: str, params: Params | None = None) -> Sequence[Row]:
        query, args = _bind(sql, params)
        # a list of asyncpg.Record: see fetchone
        return cast("Sequence[Row]", await self.conn.fetch(query, *args))

    async def execute(self, sql: str, params: Params | None = None) -> int:
        query, args = _bind(sql, params)
        return _rowcount(await self.conn.execute(query, *args))

    async def lock_account(self, account_id: int) -> None:
        if account_id in self.locked:
            return
        await self.conn.execute("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", int(account_id))
        self.locked.add(int(account_id))


def _retryable(exc: BaseException, unique_seen: int) -> bool:
    if isinstance(exc, _RETRY):
        return True
    # Two processes inserted the same key at once (a request id delivered twice, a user seen
    # for the first time, a pool name): the rerun sees the committed row and takes the path
    # for an existing one.
    return (
        isinstance(exc, asyncpg.exceptions.UniqueViolationError)
        and unique_seen < MAX_UNIQUE_RETRIES
    )


def search_path_entries(setting: str) -> list[str]:
    """The entries of a ``search_path`` setting (``"$user", public``, ``a,"B c"``) as the
    server reads them: split on commas outside double quotes, each still in its SQL form."""
    entries: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in setting:
        if ch == '"':
            quoted = not quoted  # a doubled "" inside quotes toggles twice: stays quoted
        if ch == "," and not quoted:
            entries.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    entries.append("".join(buf).strip())
    return [e for e in entries if e]


def quote_ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


async def _ensure_schema(pool: asyncpg.Pool[asyncpg.Record]) -> None:
    """Create the schema the session's ``search_path`` names first (from the URL's
    ``search_path`` or ``options=-csearch_path=...``) when it does not exist, so the tables go
    where the URL says rather than failing or landing in a later schema. Raises
    :class:`ConnectionError` in one line when it cannot be created."""
    async with pool.acquire() as conn:
        setting = str(await conn.fetchval("SHOW search_path"))
        target: str | None = None
        for entry in search_path_entries(setting):
            # parse_ident folds unquoted names to lower case and unquotes quoted ones, exactly
            # as the server resolves search_path
            name = str(await conn.fetchval("SELECT (parse_ident($1::text))[1]", entry))
            if name != "$user" and not name.startswith("pg_"):  # not per-user nor system
                target = name
                break
        if target is None:
            return
        exists = "SELECT 1 FROM pg_namespace WHERE nspname = $1"
        if await conn.fetchval(exists, target):
            return
        try:
            async with conn.transaction():
                # processes starting together create it once (IF NOT EXISTS alone can race)
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('connects-bot create schema'))"
                )
                if not await conn.fetchval(exists, target):
                    await conn.execute(f"CREATE SCHEMA {quote_ident(target)}")
        except asyncpg.PostgresError as exc:
            raise ConnectionError(
                f"schema {quote_ident(target)} named in search_path does not exist and "
                f"could not be created ({exc})"
            ) from exc


def _failed(url: str, exc: BaseException) -> str:
    """Why the server at ``url`` could not be used, in one line with every credential of the
    URL masked (a driver's message can quote the connection string or part of it)."""
    why = " ".join(str(exc).split()) or type(exc).__name__
    return f"PostgreSQL at {redact(url)}: {redact_text(why, url)}"


class PostgresStore:
    """The shared store for several processes."""

    dialect = "postgresql"

    def __init__(self, url: str, pool: asyncpg.Pool[asyncpg.Record]) -> None:
        self.url = url
        self._pool = pool
        #: Conflicts retried since opening (deadlocks, serialization failures, unique races).
        self.retries = 0
        self.migrated: tuple[str, ...] = ()
        self._scan_slots = asyncio.Semaphore(max(1, pool.get_max_size() // 2))

    @classmethod
    async def open(cls, url: str, *, pool_min: int = 1, pool_max: int = 10) -> PostgresStore:
        """Connect to ``url`` (``postgresql://user:password@host:port/db``; query parameters
        such as ``?search_path=schema`` become session settings). Raises ``ValueError`` for bad
        pool sizes and ``ConnectionError`` (one line, every credential of the URL masked) when the
        URL cannot be read or the server cannot be reached or refuses the login or database."""
        if pool_max < 1 or pool_min < 0 or pool_min > pool_max:
            raise ValueError(
                f"storage pool sizes: need 0 <= pool_min ({pool_min}) <= "
                f"pool_max ({pool_max}) and pool_max >= 1"
            )
        # settings in the URL win over these defaults
        settings = {k: v for k, v in _SESSION_DEFAULTS.items() if f"{k}=" not in url}
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=pool_min,
                max_size=pool_max,
                server_settings=settings,
                max_inactive_connection_lifetime=300.0,
            )
        except Exception as exc:  # the driver's text may quote the URL: never chained
            raise ConnectionError(_failed(url, exc)) from None
        try:
            await _ensure_schema(pool)
        except Exception as exc:  # with pool_min = 0 the first connection is made here
            await pool.close()
            raise ConnectionError(_failed(url, exc)) from None
        except BaseException:
            await pool.close()
            raise
        return cls(url, pool)

    async def write(self, fn: Callable[[_Tx], Awaitable[T]]) -> T:
        attempt = unique_seen = 0
        while True:
            attempt += 1
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    return await fn(_Tx(conn))
            except asyncpg.PostgresError as exc:
                if attempt >= MAX_ATTEMPTS or not _retryable(exc, unique_seen):
                    raise
                if isinstance(exc, asyncpg.exceptions.UniqueViolationError):
                    unique_seen += 1
                self.retries += 1
                # a short, jittered pause so the same two transactions do not meet again
                await asyncio.sleep(random.uniform(0, 0.002 * min(attempt, 10)))

    async def read(self, fn: Callable[[_Tx], Awaitable[T]], *, quick: bool = False) -> T:
        if quick:
            return await self._snapshot(fn)
        async with self._scan_slots:  # a scan waits here for a slot, holding no connection
            return await self._snapshot(fn)

    async def _snapshot(self, fn: Callable[[_Tx], Awaitable[T]]) -> T:
        async with (
            self._pool.acquire() as conn,
            conn.transaction(isolation="repeatable_read", readonly=True),
        ):
            return await fn(_Tx(conn))

    async def migrate(self) -> int:
        applied: list[str] = []
        async with self._pool.acquire() as conn, conn.transaction():
            # one migrator per schema at a time, however many processes start together
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('connects-bot migrate ' || "
                "current_schema()))"
            )
            await conn.execute(render(VERSION_TABLE, "postgres"))
            done = {int(r[0]) for r in await conn.fetch("SELECT version FROM schema_version")}
            highest = max(done, default=0)
            for version, name, sql in pending("postgres", done):
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                    version,
                    name,
                    int(time.time()),
                )
                applied.append(name)
                done.add(version)
        for name in applied:
            log_applied(name, int(name.split("_", 1)[0]), highest)
        self.migrated = tuple(applied)
        return max(done, default=0)

    async def close(self) -> None:
        await self._pool.close()


__all__ = ["PostgresStore", "to_positional"]
