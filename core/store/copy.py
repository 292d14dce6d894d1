"""``connects-bot db copy``: move a whole ledger between databases, and prove nothing was lost.

The source is read in one snapshot; the destination is written in one transaction that also
checks the result before it commits: the same number of rows in every table, and for every
account the same cached balance and the same sum of entries on both sides. Any difference rolls
the destination back and raises :class:`CopyFailed`, so a copy is complete or absent.

Ids are kept, so bids, entries and lots keep the numbers users have seen; PostgreSQL's identity
sequences are moved past the copied ids afterwards. A missing SQLite file, or an empty
PostgreSQL database, is created and migrated first. A destination that already holds data is
refused unless ``force`` is given; then its contents are replaced in the same transaction.
Text PostgreSQL cannot store (NUL, from a SQLite ledger written before text was checked) is
changed on the way in and counted in the summary, rather than failing the copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from core.interface.errors import ConnectsError
from core.store import open_store
from core.store.base import Store, Tx, redact
from core.store.direct import sqlite_path
from core.store.schema import available
from core.store.sides import Side, quote_name, side_of

T = TypeVar("T")

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
    #: text cells whose NUL characters became U+FFFD (PostgreSQL cannot store NUL)
    cleaned: int = 0

    def lines(self) -> list[str]:
        """The summary as short lines for a terminal."""
        width = max((len(t) for t in self.counts), default=0)
        out = [
            f"Copied {self.source} -> {self.destination} in {self.seconds:.1f} s"
            + (" (its previous contents replaced)" if self.replaced else "")
        ]
        out.extend(f"  {table.ljust(width)}  {n:>12,}" for table, n in self.counts.items())
        out.append(
            f"Verified: row counts equal in {len(self.counts)} tables; "
            f"{self.accounts_checked:,} account balance"
            f"{'' if self.accounts_checked == 1 else 's'} equal (cached and sum of "
            f"entries), {self.connects_total:,} Connects in all."
        )
        if self.cleaned:
            out.append(
                f"Changed: {self.cleaned:,} text cell{'' if self.cleaned == 1 else 's'} held NUL "
                "characters, which PostgreSQL cannot store; each NUL became U+FFFD."
            )
        out.extend(f"Warning: {w}" for w in self.warnings)
        return out


def _dialect(url: str) -> str:
    if url.startswith("sqlite:"):
        return "sqlite"
    if url.startswith(("postgresql:", "postgres:")):
        return "postgres"
    raise ValueError(f"{redact(url)!r}: use sqlite:///path.db or postgresql://host/db")


# The order a reader expects in the summary (the schema's own order); other tables follow.
_READING_ORDER = (
    "accounts",
    "users",
    "pools",
    "pool_members",
    "lots",
    "bids",
    "lot_usage",
    "entries",
    "requests",
    "confirmations",
    "notices",
    "cost_models",
)


async def _order(side: Side, tables: Sequence[str]) -> list[str]:
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
        packaged = {v for v, _ in available()}
        latest = max(packaged)

        async def versions(tx: Tx) -> set[int] | None:
            if not {"schema_version", "accounts"} <= set(await side_of(store, tx).tables()):
                return None
            rows = await tx.fetchall("SELECT version FROM schema_version")
            return {int(r["version"]) for r in rows}

        found = await store.read(versions)
        if found is None:
            raise CopyRefused(f"source {redact(url)} holds no Connects ledger.")
        if found != packaged:
            at = max(found, default=0)
            gap = sorted(packaged - found) if at >= latest else []
            without = f" without {', '.join(map(str, gap))}" if gap else ""
            raise CopyRefused(
                f"source {redact(url)} is at schema version {at}{without}, this program at "
                f"{latest}: run `connects-bot db upgrade` with the source's URL first."
            )
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


async def copy_ledger(
    src_url: str, dst_url: str, *, force: bool = False, progress: Progress | None = None
) -> CopySummary:
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


async def _copy_tables(
    s: Side, d: Side, tables: Sequence[str], progress: Progress | None
) -> tuple[dict[str, int], int]:
    """Every row of ``tables`` from ``s`` into ``d`` (parents first); rows copied by table,
    and the text cells the destination could only store changed."""
    counts: dict[str, int] = {}
    cleaned = 0
    for table in tables:
        columns = await d.columns(table)
        if set(columns) != set(await s.columns(table)):
            raise CopyRefused(f"table {table}: the two schemas differ; upgrade both.")
        total = await s.count(table)
        done = 0
        batches = s.rows(table, columns, await s.primary_key(table))
        async for batch in _read_ahead(batches):
            cleaned += await d.insert(table, columns, batch)
            done += len(batch)
            if progress is not None:
                progress(table, done, total)
        if progress is not None and done == 0:
            progress(table, 0, 0)
        counts[table] = done
    return counts, cleaned


async def _verify(
    s: Side, d: Side, tables: Sequence[str], counts: dict[str, int]
) -> tuple[dict[int, tuple[int, int]], list[str]]:
    """The check before commit: equal row counts and balances, or :class:`CopyFailed` (the
    whole copy rolls back). The balances and warnings about the source's own drift."""
    for table in tables:
        want, got = await s.count(table), await d.count(table)
        if want != got or counts[table] != want:
            raise CopyFailed(
                f"table {table}: {want} rows in the source, {got} copied; nothing was committed."
            )
    before, after = await s.balances(), await d.balances()
    if before != after:
        bad = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        raise CopyFailed(
            f"{len(bad)} account balances differ after the copy (first: "
            f"account {bad[0]}); nothing was committed."
        )
    warnings = [
        f"account {k}: cached balance {cached} but its entries sum to {total} "
        "(so in the source too)"
        for k, (cached, total) in sorted(after.items())
        if cached != total
    ]
    return after, warnings


async def _copy(src: Store, dst: Store, force: bool, progress: Progress | None) -> CopySummary:
    async def from_snapshot(stx: Tx) -> CopySummary:
        s = side_of(src, stx)
        src_tables = set(await s.tables()) - set(_SKIP)

        async def into(dtx: Tx) -> CopySummary:
            d = side_of(dst, dtx)
            tables = await _order(d, [t for t in await d.tables() if t not in _SKIP])
            if set(tables) != src_tables:
                raise CopyRefused(
                    f"the two schemas differ (tables only in the source: "
                    f"{sorted(src_tables - set(tables)) or 'none'}, only in the destination: "
                    f"{sorted(set(tables) - src_tables) or 'none'}); upgrade both first."
                )
            if getattr(dst, "dialect", "") != "sqlite":
                await dtx.execute(
                    f"LOCK TABLE {', '.join(map(quote_name, tables))} IN ACCESS EXCLUSIVE MODE"
                )
            held = {t: await d.count(t) for t in tables}
            if any(held.values()):
                if not force:
                    raise CopyRefused(
                        f"destination already holds a ledger ({held.get('entries', 0):,} "
                        "entries); pass --force to replace its contents."
                    )
                await d.clear(tables)
            counts, cleaned = await _copy_tables(s, d, tables, progress)
            await d.after_copy(tables)
            after, warnings = await _verify(s, d, tables, counts)
            return CopySummary(
                "",
                "",
                counts,
                len(after),
                sum(cached for cached, _ in after.values()),
                any(held.values()),
                0.0,
                warnings,
                cleaned,
            )

        return await dst.write(into)

    return await src.read(from_snapshot)


__all__ = ["CopyFailed", "CopyRefused", "CopySummary", "copy_ledger"]
