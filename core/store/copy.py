"""``connects-bot db copy``: move a whole ledger between databases, and prove nothing was lost.

The source is read in one snapshot; the destination is written in one transaction that also
checks the result before it commits: the same number of rows in every table, and for every
account the same cached balance and the same sum of entries on both sides. Any difference rolls
the destination back and raises :class:`CopyFailed`, so a copy is complete or absent.

Ids are kept, so bids, entries and lots keep the numbers users have seen; PostgreSQL's identity
sequences are moved past the copied ids afterwards. A missing SQLite file, or an empty
PostgreSQL database, is created and migrated first. A destination that already holds data is
refused unless ``force`` is given; then its contents are replaced in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from core.errors import ConnectsError
from core.store import open_store
from core.store.base import Store, Tx, migrations, redact
from core.store.sqlite import sqlite_path

#: One value of a copied row, as the drivers read and write it.
Cell = int | float | str | bytes | bool | None

T = TypeVar("T")

#: Rows moved per round trip.
BATCH = 10_000

Progress = Callable[[str, int, int], None]

# Tables a copy leaves alone: each database keeps its own migration history.
_SKIP = ("schema_version",)


class CopyRefused(ConnectsError):
    """The copy cannot start: a missing or unversioned source, a destination holding data."""


class CopyFailed(ConnectsError):
    """The copy ran but the destination did not match the source; nothing was committed."""


@dataclass(slots=True)
class CopySummary:
    """What a copy moved and checked."""

    source: str
    destination: str
    counts: dict[str, int]
    accounts_checked: int
    connects_total: int
    replaced: bool
    seconds: float
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""
        width = max((len(t) for t in self.counts), default=0)
        out = [f"Copied {self.source} -> {self.destination} in {self.seconds:.1f} s"
               + (" (its previous contents replaced)" if self.replaced else "")]
        out.extend(f"  {table.ljust(width)}  {n:>12,}" for table, n in self.counts.items())
        out.append(f"Verified: row counts equal in {len(self.counts)} tables; "
                   f"{self.accounts_checked:,} account balance"
                   f"{'' if self.accounts_checked == 1 else 's'} equal (cached and sum of "
                   f"entries), {self.connects_total:,} Connects in all.")
        out.extend(f"Warning: {w}" for w in self.warnings)
        return out


class _Side(Protocol):
    """One database as the copy sees it, inside an open transaction."""

    async def tables(self) -> list[str]:
        """Every table, the migration history included."""

    async def columns(self, table: str) -> list[str]: ...
    async def primary_key(self, table: str) -> list[str]: ...
    async def parents(self, table: str) -> set[str]: ...
    async def count(self, table: str) -> int: ...
    def rows(self, table: str, columns: Sequence[str],
             order: Sequence[str]) -> AsyncIterator[list[tuple[Cell, ...]]]: ...
    async def insert(self, table: str, columns: Sequence[str],
                     rows: list[tuple[Cell, ...]]) -> None: ...
    async def clear(self, tables: Sequence[str]) -> None: ...
    async def after_copy(self, tables: Sequence[str]) -> None: ...
    async def balances(self) -> dict[int, tuple[int, int]]: ...


def _q(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


_BALANCES = (
    "SELECT a.id, a.balance, COALESCE(s.total, 0) AS total FROM accounts a "
    "LEFT JOIN (SELECT account_id, SUM(delta) AS total FROM entries GROUP BY account_id) s "
    "ON s.account_id = a.id"
)


class _SQLiteSide:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def _all(self, sql: str, *args: Any) -> list[Any]:
        async with self.conn.execute(sql, args) as cur:
            return list(await cur.fetchall())

    async def tables(self) -> list[str]:
        rows = await self._all("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in await self._all(f"PRAGMA table_info({_q(table)})")]

    async def primary_key(self, table: str) -> list[str]:
        info = await self._all(f"PRAGMA table_info({_q(table)})")
        return [str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]

    async def parents(self, table: str) -> set[str]:
        return {str(r[2]) for r in await self._all(f"PRAGMA foreign_key_list({_q(table)})")}

    async def count(self, table: str) -> int:
        return int((await self._all(f"SELECT COUNT(*) FROM {_q(table)}"))[0][0])

    async def rows(self, table: str, columns: Sequence[str],
                   order: Sequence[str]) -> AsyncIterator[list[tuple[Cell, ...]]]:
        sql = (f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)}"
               + (f" ORDER BY {', '.join(map(_q, order))}" if order else ""))
        async with self.conn.execute(sql) as cur:
            while True:
                batch = await cur.fetchmany(BATCH)
                if not batch:
                    return
                yield [tuple(r) for r in batch]

    async def insert(self, table: str, columns: Sequence[str],
                     rows: list[tuple[Cell, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        await self.conn.executemany(
            f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) VALUES ({marks})", rows)

    async def clear(self, tables: Sequence[str]) -> None:
        # the append-only triggers refuse DELETE: lift them for this transaction only
        triggers = await self._all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        for name, _ in triggers:
            await self.conn.execute(f"DROP TRIGGER {_q(name)}")
        for table in reversed(tables):
            await self.conn.execute(f"DELETE FROM {_q(table)}")
        for _, sql in triggers:
            await self.conn.execute(sql)

    async def after_copy(self, tables: Sequence[str]) -> None:
        return None  # INTEGER PRIMARY KEY continues after the largest id by itself

    async def balances(self) -> dict[int, tuple[int, int]]:
        return {int(r[0]): (int(r[1]), int(r[2])) for r in await self._all(_BALANCES)}


class _PostgresSide:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def tables(self) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position", table)
        return [str(r[0]) for r in rows]

    async def primary_key(self, table: str) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", _q(table))
        return [str(r[0]) for r in rows]

    async def parents(self, table: str) -> set[str]:
        rows = await self.conn.fetch(
            "SELECT p.relname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid "
            "WHERE c.contype = 'f' AND c.conrelid = $1::regclass", _q(table))
        return {str(r[0]) for r in rows}

    async def count(self, table: str) -> int:
        return int(await self.conn.fetchval(f"SELECT COUNT(*) FROM {_q(table)}"))

    async def rows(self, table: str, columns: Sequence[str],
                   order: Sequence[str]) -> AsyncIterator[list[tuple[Cell, ...]]]:
        sql = (f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)}"
               + (f" ORDER BY {', '.join(map(_q, order))}" if order else ""))
        cursor = await self.conn.cursor(sql)
        while True:
            batch = await cursor.fetch(BATCH)
            if not batch:
                return
            yield [tuple(r) for r in batch]

    async def insert(self, table: str, columns: Sequence[str],
                     rows: list[tuple[Cell, ...]]) -> None:
        await self.conn.copy_records_to_table(table, records=rows, columns=list(columns))

    async def clear(self, tables: Sequence[str]) -> None:
        # TRUNCATE fires no row triggers, so the append-only rule stays in force for everyone
        await self.conn.execute(f"TRUNCATE {', '.join(map(_q, tables))}")

    async def after_copy(self, tables: Sequence[str]) -> None:
        rows = await self.conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE "
            "'nextval(%')")
        for table, column in rows:
            if table not in tables:
                continue
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence($1, $2), "
                f"COALESCE(MAX({_q(column)}), 0) + 1, false) FROM {_q(table)}",
                _q(table), column)

    async def balances(self) -> dict[int, tuple[int, int]]:
        return {int(r[0]): (int(r[1]), int(r[2])) for r in await self.conn.fetch(_BALANCES)}


def _side(store: Store, tx: Tx) -> _Side:
    # both backends' transactions carry their driver connection as ``conn``
    conn: Any = getattr(tx, "conn")  # noqa: B009
    if getattr(store, "dialect", "") == "sqlite":
        return _SQLiteSide(conn)
    return _PostgresSide(conn)


def _dialect(url: str) -> str:
    if url.startswith("sqlite:"):
        return "sqlite"
    if url.startswith(("postgresql:", "postgres:")):
        return "postgres"
    raise ValueError(f"{redact(url)!r}: use sqlite:///path.db or postgresql://host/db")


# The order a reader expects in the summary (the schema's own order); other tables follow.
_READING_ORDER = ("accounts", "users", "pools", "pool_members", "lots", "bids", "lot_usage",
                  "entries", "requests", "confirmations")


async def _order(side: _Side, tables: Sequence[str]) -> list[str]:
    """``tables`` with every table after the tables its foreign keys point to, otherwise in
    the schema's reading order."""
    parents = {t: (await side.parents(t)) & set(tables) - {t} for t in tables}
    rank = {t: i for i, t in enumerate(_READING_ORDER)}
    out: list[str] = []
    while len(out) < len(tables):
        ready = [t for t in tables if t not in out and parents[t] <= set(out)]
        if not ready:
            raise CopyFailed("the tables' foreign keys form a cycle; cannot order the copy")
        out.append(min(ready, key=lambda t: (rank.get(t, len(rank)), t)))
    return out


async def _read_ahead(batches: AsyncIterator[T]) -> AsyncIterator[T]:
    """``batches``, with the next one read while the caller writes the current one (the
    source and the destination are different connections)."""
    it = aiter(batches)
    pending: asyncio.Future[T] = asyncio.ensure_future(anext(it))
    try:
        while True:
            try:
                batch = await pending
            except StopAsyncIteration:
                return
            pending = asyncio.ensure_future(anext(it))
            yield batch
    finally:
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending


async def _open_source(url: str) -> Store:
    if _dialect(url) == "sqlite":
        path = sqlite_path(url)
        if path == ":memory:" or not _is_file(path):
            raise CopyRefused(f"source {path!r} does not exist: nothing to copy.")
    store = await open_store(url, migrate=False)
    try:
        latest = max(v for v, _, _ in migrations(_dialect(url)))

        async def version(tx: Tx) -> int | None:
            if not {"schema_version", "accounts"} <= set(await _side(store, tx).tables()):
                return None
            row = await tx.fetchone("SELECT MAX(version) AS v FROM schema_version")
            return None if row is None or row["v"] is None else int(row["v"])

        found = await store.read(version)
        if found is None:
            raise CopyRefused(f"source {redact(url)} holds no Connects ledger.")
        if found != latest:
            raise CopyRefused(f"source {redact(url)} is at schema version {found}, this "
                              f"program at {latest}: run `connects-bot db upgrade` with the "
                              "source's URL first.")
    except BaseException:
        await store.close()
        raise
    return store


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _remove_sqlite(path: str) -> None:
    """Remove a database file this copy created, with its WAL files."""
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def _same_database(a: str, b: str) -> bool:
    if _dialect(a) == _dialect(b) == "sqlite":
        pa, pb = sqlite_path(a), sqlite_path(b)
        return pa != ":memory:" and Path(pa).resolve() == Path(pb).resolve()
    return a == b


async def copy_ledger(src_url: str, dst_url: str, *, force: bool = False,
                      progress: Progress | None = None) -> CopySummary:
    """Copy the ledger at ``src_url`` into ``dst_url`` and verify it; see the module text.

    Raises ``ValueError`` for an unknown URL scheme or the same database twice,
    :class:`CopyRefused` for a missing source or a destination holding data (without
    ``force``), and :class:`CopyFailed` when the check before commit finds a difference."""
    _dialect(src_url)
    _dialect(dst_url)
    if _same_database(src_url, dst_url):
        raise ValueError("source and destination are the same database")
    started = time.monotonic()
    dst_path = sqlite_path(dst_url) if _dialect(dst_url) == "sqlite" else None
    created = dst_path is not None and dst_path != ":memory:" and not _is_file(dst_path)
    src = await _open_source(src_url)
    dst: Store | None = None
    try:
        dst = await open_store(dst_url)
        summary = await _copy(src, dst, force, progress)
    except BaseException:
        if dst is not None:
            await dst.close()
            dst = None
        if created and dst_path:
            _remove_sqlite(dst_path)
        raise
    finally:
        await src.close()
        if dst is not None:
            await dst.close()
    summary.source, summary.destination = redact(src_url), redact(dst_url)
    summary.seconds = time.monotonic() - started
    return summary


async def _copy_tables(s: _Side, d: _Side, tables: Sequence[str],
                       progress: Progress | None) -> dict[str, int]:
    """Every row of ``tables`` from ``s`` into ``d`` (parents first); rows copied by table."""
    counts: dict[str, int] = {}
    for table in tables:
        columns = await d.columns(table)
        if set(columns) != set(await s.columns(table)):
            raise CopyRefused(f"table {table}: the two schemas differ; upgrade both.")
        total = await s.count(table)
        done = 0
        batches = s.rows(table, columns, await s.primary_key(table))
        async for batch in _read_ahead(batches):
            await d.insert(table, columns, batch)
            done += len(batch)
            if progress is not None:
                progress(table, done, total)
        if progress is not None and done == 0:
            progress(table, 0, 0)
        counts[table] = done
    return counts


async def _verify(s: _Side, d: _Side, tables: Sequence[str],
                  counts: dict[str, int]) -> tuple[dict[int, tuple[int, int]], list[str]]:
    """The check before commit: equal row counts and balances, or :class:`CopyFailed` (the
    whole copy rolls back). The balances and warnings about the source's own drift."""
    for table in tables:
        want, got = await s.count(table), await d.count(table)
        if want != got or counts[table] != want:
            raise CopyFailed(f"table {table}: {want} rows in the source, {got} copied; "
                             "nothing was committed.")
    before, after = await s.balances(), await d.balances()
    if before != after:
        bad = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise CopyFailed(f"{len(bad)} account balances differ after the copy (first: "
                         f"account {bad[0]}); nothing was committed.")
    warnings = [f"account {k}: cached balance {cached} but its entries sum to {total} "
                "(so in the source too)"
                for k, (cached, total) in sorted(after.items()) if cached != total]
    return after, warnings


async def _copy(src: Store, dst: Store, force: bool, progress: Progress | None) -> CopySummary:
    async def from_snapshot(stx: Tx) -> CopySummary:
        s = _side(src, stx)
        src_tables = set(await s.tables()) - set(_SKIP)

        async def into(dtx: Tx) -> CopySummary:
            d = _side(dst, dtx)
            tables = await _order(d, [t for t in await d.tables() if t not in _SKIP])
            if set(tables) != src_tables:
                raise CopyRefused(
                    f"the two schemas differ (tables only in the source: "
                    f"{sorted(src_tables - set(tables)) or 'none'}, only in the destination: "
                    f"{sorted(set(tables) - src_tables) or 'none'}); upgrade both first.")
            if getattr(dst, "dialect", "") != "sqlite":
                await dtx.execute(
                    f"LOCK TABLE {', '.join(map(_q, tables))} IN ACCESS EXCLUSIVE MODE")
            held = {t: await d.count(t) for t in tables}
            if any(held.values()):
                if not force:
                    raise CopyRefused(
                        f"destination already holds a ledger ({held.get('entries', 0):,} "
                        "entries); pass --force to replace its contents.")
                await d.clear(tables)
            counts = await _copy_tables(s, d, tables, progress)
            await d.after_copy(tables)
            after, warnings = await _verify(s, d, tables, counts)
            return CopySummary("", "", counts, len(after),
                               sum(cached for cached, _ in after.values()),
                               any(held.values()), 0.0, warnings)

        return await dst.write(into)

    return await src.read(from_snapshot)


__all__ = ["CopyFailed", "CopyRefused", "CopySummary", "copy_ledger"]
