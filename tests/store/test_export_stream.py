"""Exports read in pages and write CSV as they go: the same bytes as the one query they
replace, in one snapshot, with memory that does not grow with the ledger."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
import tracemalloc
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest

from core.reads.export import CSV_BOM, ENTRY_COLUMNS, export_csv, export_line, to_csv, write_export
from core.store import open_store
from core.store.base import Store, Tx
from core.store.copy import copy_ledger
from core.store.tables.export import ExportRow, export_pages, export_row, export_rows
from tests.store.generate import create_schema, generate

ENTRIES = 20_000

# The export as it was before it was paged: one query for every row, then the whole CSV.
OLD_SELECT = (
    "SELECT e.id AS entry, e.created_at, e.account_id, a.kind AS account_kind, "
    "COALESCE(u.key, p.scope || '/' || p.name) AS owner, e.kind, e.delta, e.balance_after, "
    "e.actor, m.display AS member, e.request_id, e.memo, e.bid_id, e.lot_id, b.job, "
    "b.connects AS bid_connects, b.boost, b.status AS bid_status, b.rate_type, "
    "b.rate_cents, b.note, b.refunded, b.refund_reason, b.cost_cents AS bid_cents, "
    "b.refunded_cents, l.connects AS lot_connects, l.cost_cents AS lot_cents, "
    "b.connects_stated, b.budget_type, b.price_cents, b.size, b.experience, b.length, b.hours, "
    "b.funded, b.verified, b.client_spent_cents, b.hire_rate, b.rating_hundredths, b.reviews, "
    "b.hires, b.proposals_min, b.proposals_max, b.interviewing, b.invites, b.country, "
    "b.member_since "
    "FROM entries e JOIN accounts a ON a.id = e.account_id "
    "LEFT JOIN users u ON u.account_id = e.account_id "
    "LEFT JOIN pools p ON p.account_id = e.account_id "
    "LEFT JOIN users m ON m.key = e.actor "
    "LEFT JOIN lots l ON l.id = e.lot_id "
)


async def old_export(tx: Tx, account_ids: Sequence[int] | None) -> bytes:
    where = ""
    params: dict[str, int] = {}
    if account_ids is not None:
        marks = []
        for i, account in enumerate(account_ids):
            params[f"a{i}"] = account
            marks.append(f":a{i}")
        where = f"WHERE e.account_id IN ({', '.join(marks) or 'NULL'}) "
    rows = await tx.fetchall(
        f"{OLD_SELECT}LEFT JOIN bids b ON b.id = e.bid_id {where}ORDER BY e.id", params
    )
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ENTRY_COLUMNS)
    for r in rows:
        writer.writerow(export_line(export_row(r)))
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated ledger of about 20,000 entries (users, four pools, bids, refunds, odd
    text)."""
    path = tmp_path_factory.mktemp("ledger") / "generated.db"
    asyncio.run(create_schema(f"sqlite:///{path}"))
    assert generate(str(path), ENTRIES)["entries"] in (ENTRIES, ENTRIES + 1)
    return path


@pytest.fixture
async def ledger(db_url: str, generated: Path) -> str:
    """``db_url`` holding the generated ledger."""
    if db_url.startswith("sqlite:"):
        shutil.copyfile(generated, db_url[len("sqlite:///") :])
    else:
        await copy_ledger(f"sqlite:///{generated}", db_url)
    return db_url


async def _accounts(tx: Tx) -> tuple[list[int], list[int]]:
    pools = [int(r["account_id"]) for r in await tx.fetchall("SELECT account_id FROM pools")]
    users = [
        int(r["account_id"])
        for r in await tx.fetchall("SELECT account_id FROM users ORDER BY key LIMIT 3")
    ]
    return sorted(pools), users


async def test_paged_export_is_byte_for_byte_the_one_query_export(ledger: str) -> None:
    """The whole ledger, a pool, a wallet, several accounts together, none, and an account
    with no entries: the paged export writes exactly the bytes of the single query, with any
    page size, and counts its rows."""
    store = await open_store(ledger, migrate=False)
    try:

        async def check(tx: Tx) -> None:
            pools, users = await _accounts(tx)
            cases: list[tuple[list[int] | None, tuple[int, ...]]] = [
                (None, (1000, 997)),
                ([pools[0]], (1000, 333, 1)),
                ([users[0]], (1000, 7, 1)),
                ([users[1], pools[1], users[2]], (1000, 13)),
                ([pools[2], pools[2]], (1000,)),
                ([], (1000,)),
                ([10**9], (1000,)),
            ]
            for accounts, pages in cases:
                expected = await old_export(tx, accounts)
                data, count = await export_csv(tx, accounts)
                assert data == expected, accounts
                assert count == len(await export_rows(tx, accounts))
                assert to_csv(await export_rows(tx, accounts)) == expected
                for page in pages:
                    chunks: list[bytes] = []
                    n = await write_export(tx, accounts, chunks.append, page)
                    assert b"".join(chunks) == expected, (accounts, page)
                    assert n == count
            whole, count = await export_csv(tx, None)
            assert count >= ENTRIES
            assert whole.startswith(b"\xef\xbb\xbfentry,time,account,")

        await store.read(check)
    finally:
        await store.close()


async def _traced_peak(store: Store, fn: Callable[[Tx], Awaitable[object]]) -> int:
    tracemalloc.start()
    try:
        await store.read(fn)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_an_export_writes_as_it_reads(ledger: str) -> None:
    """Chunks reach the writer page by page, and the rows in memory stay a page's worth: the
    peak of Python allocations while exporting a ledger to a writer that keeps nothing is a
    small part of what the one-query export holds."""
    store = await open_store(ledger, migrate=False)
    try:
        sizes: list[int] = []

        async def paged(tx: Tx) -> int:
            return await write_export(tx, None, lambda chunk: sizes.append(len(chunk)))

        async def at_once(tx: Tx) -> bytes:
            return await old_export(tx, None)

        peak = await _traced_peak(store, paged)
        old_peak = await _traced_peak(store, at_once)
    finally:
        await store.close()
    written = sum(sizes)
    assert len(sizes) > ENTRIES // 1000  # the head, then slices of every page
    assert max(sizes) < written // 50
    assert written > 4_000_000
    assert peak * 5 < old_peak, (peak, old_peak)


async def test_an_export_reads_one_snapshot(ledger: str) -> None:
    """An entry written while a paged export runs is not in it: every page reads the snapshot
    the first one saw."""
    store = await open_store(ledger, migrate=False)
    try:
        first_page, release = asyncio.Event(), asyncio.Event()

        async def pool_entries(tx: Tx) -> tuple[int, int]:
            pools, _ = await _accounts(tx)
            row = await tx.fetchone(
                "SELECT COUNT(*) AS n FROM entries WHERE account_id = :a", {"a": pools[0]}
            )
            assert row is not None
            return pools[0], int(row["n"])

        account, count = await store.read(pool_entries)

        async def export(tx: Tx) -> list[ExportRow]:
            rows: list[ExportRow] = []
            async for page in export_pages(tx, [account], 50):
                rows.extend(page)
                if not first_page.is_set():
                    first_page.set()
                    await release.wait()
            return rows

        task = asyncio.create_task(store.read(export))
        await asyncio.wait_for(first_page.wait(), 10)

        async def add(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO entries (account_id, delta, balance_after, kind, actor, "
                "request_id, memo, created_at) VALUES (:a, 0, 0, 'adjust', 'system', "
                "'late', 'written meanwhile', 1)",
                {"a": account},
            )

        await asyncio.wait_for(store.write(add), 10)
        release.set()
        rows = await asyncio.wait_for(task, 30)
        assert len(rows) == count > 50
        assert "written meanwhile" not in {r.memo for r in rows}
        assert await store.read(pool_entries) == (account, count + 1)
    finally:
        await store.close()
