"""The two sides of ``db copy``: each backend's catalog, rows and bulk inserts, seen through
one small interface inside an open transaction.

PostgreSQL text cannot hold NUL (U+0000), which SQLite stores; a ledger written before text was
checked at the boundary (see :mod:`core.base.text`) may hold some. Copied into PostgreSQL, each NUL
becomes U+FFFD, the replacement character, the same way in every table (so keys still match
the rows that name them), and the copy counts the cells it changed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from core.store.base import Store, Tx

#: One value of a copied row, as the drivers read and write it.
Cell = int | float | str | bytes | bool | None

#: Rows moved per round trip.
BATCH = 10_000

#: What a NUL becomes in a text cell copied into PostgreSQL.
NUL_REPLACEMENT = "\ufffd"


class Side(Protocol):
    """One database as the copy sees it, inside an open transaction."""

    async def tables(self) -> list[str]:
        """Every table, the migration history included."""

    async def columns(self, table: str) -> list[str]: ...
    async def primary_key(self, table: str) -> list[str]: ...
    async def parents(self, table: str) -> set[str]: ...
    async def count(self, table: str) -> int: ...
    def rows(
        self, table: str, columns: Sequence[str], order: Sequence[str]
    ) -> AsyncIterator[list[tuple[Cell, ...]]]: ...
    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Cell, ...]]) -> int:
        """Insert ``rows``; how many text cells had to be changed to be stored."""

    async def clear(self, tables: Sequence[str]) -> None: ...
    async def after_copy(self, tables: Sequence[str]) -> None: ...
    async def balances(self) -> dict[int, tuple[int, int]]: ...


def quote_name(name: str) -> str:
    """A quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


_BALANCES = (
    "SELECT a.id, a.balance, COALESCE(s.total, 0) AS total FROM accounts a "
    "LEFT JOIN (SELECT account_id, SUM(delta) AS total FROM entries GROUP BY account_id) s "
    "ON s.account_id = a.id"
)


class SQLiteSide:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def _all(self, sql: str, *args: Any) -> list[Any]:
        async with self.conn.execute(sql, args) as cur:
            return list(await cur.fetchall())

    async def tables(self) -> list[str]:
        rows = await self._all(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in await self._all(f"PRAGMA table_info({quote_name(table)})")]

    async def primary_key(self, table: str) -> list[str]:
        info = await self._all(f"PRAGMA table_info({quote_name(table)})")
        return [str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]

    async def parents(self, table: str) -> set[str]:
        return {str(r[2]) for r in await self._all(f"PRAGMA foreign_key_list({quote_name(table)})")}

    async def count(self, table: str) -> int:
        return int((await self._all(f"SELECT COUNT(*) FROM {quote_name(table)}"))[0][0])

    async def rows(
        self, table: str, columns: Sequence[str], order: Sequence[str]
    ) -> AsyncIterator[list[tuple[Cell, ...]]]:
        sql = f"SELECT {', '.join(map(quote_name, columns))} FROM {quote_name(table)}" + (
            f" ORDER BY {', '.join(map(quote_name, order))}" if order else ""
        )
        async with self.conn.execute(sql) as cur:
            while True:
                batch = await cur.fetchmany(BATCH)
                if not batch:
                    return
                yield [tuple(r) for r in batch]

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Cell, ...]]) -> int:
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(map(quote_name, columns))
        await self.conn.executemany(
            f"INSERT INTO {quote_name(table)} ({names}) VALUES ({marks})", rows
        )
        return 0  # SQLite stores every text cell as it is

    async def clear(self, tables: Sequence[str]) -> None:
        # the append-only triggers refuse DELETE: lift them for this transaction only
        triggers = await self._all("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        for name, _ in triggers:
            await self.conn.execute(f"DROP TRIGGER {quote_name(name)}")
        for table in reversed(tables):
            await self.conn.execute(f"DELETE FROM {quote_name(table)}")
        for _, sql in triggers:
            await self.conn.execute(sql)

    async def after_copy(self, tables: Sequence[str]) -> None:
        return None  # INTEGER PRIMARY KEY continues after the largest id by itself

    async def balances(self) -> dict[int, tuple[int, int]]:
        return {int(r[0]): (int(r[1]), int(r[2])) for r in await self._all(_BALANCES)}


class PostgresSide:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def tables(self) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        return [str(r[0]) for r in rows]

    async def columns(self, table: str) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        return [str(r[0]) for r in rows]

    async def primary_key(self, table: str) -> list[str]:
        rows = await self.conn.fetch(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)",
            quote_name(table),
        )
        return [str(r[0]) for r in rows]

    async def parents(self, table: str) -> set[str]:
        rows = await self.conn.fetch(
            "SELECT p.relname FROM pg_constraint c JOIN pg_class p ON p.oid = c.confrelid "
            "WHERE c.contype = 'f' AND c.conrelid = $1::regclass",
            quote_name(table),
        )
        return {str(r[0]) for r in rows}

    async def count(self, table: str) -> int:
        return int(await self.conn.fetchval(f"SELECT COUNT(*) FROM {quote_name(table)}"))

    async def rows(
        self, table: str, columns: Sequence[str], order: Sequence[str]
    ) -> AsyncIterator[list[tuple[Cell, ...]]]:
        sql = f"SELECT {', '.join(map(quote_name, columns))} FROM {quote_name(table)}" + (
            f" ORDER BY {', '.join(map(quote_name, order))}" if order else ""
        )
        cursor = await self.conn.cursor(sql)
        while True:
            batch = await cursor.fetch(BATCH)
            if not batch:
                return
            yield [tuple(r) for r in batch]

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Cell, ...]]) -> int:
        storable, changed = without_nul(rows)
        await self.conn.copy_records_to_table(table, records=storable, columns=list(columns))
        return changed

    async def clear(self, tables: Sequence[str]) -> None:
        # TRUNCATE fires no row triggers, so the append-only rule stays in force for everyone
        await self.conn.execute(f"TRUNCATE {', '.join(map(quote_name, tables))}")

    async def after_copy(self, tables: Sequence[str]) -> None:
        rows = await self.conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE "
            "table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE "
            "'nextval(%')"
        )
        for table, column in rows:
            if table not in tables:
                continue
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence($1, $2), "
                f"COALESCE(MAX({quote_name(column)}), 0) + 1, false) FROM {quote_name(table)}",
                quote_name(table),
                column,
            )

    async def balances(self) -> dict[int, tuple[int, int]]:
        return {int(r[0]): (int(r[1]), int(r[2])) for r in await self.conn.fetch(_BALANCES)}


def without_nul(rows: list[tuple[Cell, ...]]) -> tuple[list[tuple[Cell, ...]], int]:
    """``rows`` with every NUL in a text cell replaced by :data:`NUL_REPLACEMENT`, and how
    many cells were changed (rows without one are passed through as they are)."""
    changed = 0
    out = rows
    for i, row in enumerate(rows):
        if not any(isinstance(cell, str) and "\x00" in cell for cell in row):
            continue
        if out is rows:
            out = list(rows)
        cells: list[Cell] = []
        for cell in row:
            if isinstance(cell, str) and "\x00" in cell:
                cell = cell.replace("\x00", NUL_REPLACEMENT)
                changed += 1
            cells.append(cell)
        out[i] = tuple(cells)
    return out, changed


def side_of(store: Store, tx: Tx) -> Side:
    # both backends' transactions carry their driver connection as ``conn``
    conn: Any = getattr(tx, "conn")  # noqa: B009
    if getattr(store, "dialect", "") == "sqlite":
        return SQLiteSide(conn)
    return PostgresSide(conn)
