"""A long read never holds up a quick one: scans (exports, statistics) run on connections of
their own, so a ``/balance`` answers while an export is half-way through."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import asyncpg
import pytest

import core.reads.export
from bot.bootstrap import create_app, one_shot, open_configured_store
from core.base.config import parse
from core.store import open_store
from core.store.base import Store, Tx
from core.store.sqlite import SCAN_CONNECTIONS, SQLiteStore
from core.store.tables.export import ExportRow
from tests import conftest as root
from tests.conftest import Clock, actor


class Paused:
    """A scan that reads, then waits half-way until released."""

    def __init__(self) -> None:
        self.halfway = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, tx: Tx) -> int:
        first = await tx.fetchall("SELECT id FROM accounts ORDER BY id")
        self.halfway.set()
        await self.release.wait()
        second = await tx.fetchall("SELECT id FROM accounts ORDER BY id")
        return len(first) + len(second)


async def _balance(tx: Tx) -> int:
    row = await tx.fetchone("SELECT COALESCE(SUM(balance), 0) AS n FROM accounts")
    assert row is not None
    return int(row["n"])


async def _account(tx: Tx) -> None:
    await tx.execute("INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 5, 1)")


async def _quick_read_finishes_during_a_scan(store: Store) -> None:
    scan = Paused()
    task = asyncio.create_task(store.read(scan))
    await asyncio.wait_for(scan.halfway.wait(), 5)
    # a quick read, a write, and the quick read seeing the write, all while the scan waits
    assert await asyncio.wait_for(store.read(_balance, quick=True), 5) == 0
    await asyncio.wait_for(store.write(_account), 5)
    assert await asyncio.wait_for(store.read(_balance, quick=True), 5) == 5
    assert not task.done()  # finished before the scan was released
    scan.release.set()
    assert await asyncio.wait_for(task, 5) == 0  # the scan kept its snapshot: no account


async def test_a_quick_read_finishes_while_a_scan_waits(db_url: str) -> None:
    """With a scan stopped half-way, a quick read (and a write) still complete, on SQLite and
    on PostgreSQL."""
    store = await open_store(db_url)
    try:
        await _quick_read_finishes_during_a_scan(store)
    finally:
        await store.close()


async def test_sqlite_scans_run_side_by_side_on_their_own_connections(tmp_path: Path) -> None:
    """SQLite: quick reads alone open no scan connection; scans open up to SCAN_CONNECTIONS,
    run at once, and one more waits for a free one while quick reads go on; the connections
    are reused and closed with the store."""
    store = await open_store(f"sqlite:///{tmp_path / 'scans.db'}")
    assert isinstance(store, SQLiteStore)
    try:
        await store.read(_balance, quick=True)
        assert store._scanners == []  # a one-shot /balance opens nothing more

        scans = [Paused() for _ in range(SCAN_CONNECTIONS + 1)]
        tasks = [asyncio.create_task(store.read(s)) for s in scans]
        await asyncio.wait_for(
            asyncio.gather(*(s.halfway.wait() for s in scans[:SCAN_CONNECTIONS])), 5
        )
        await asyncio.sleep(0.05)
        assert not scans[-1].halfway.is_set()  # every scan connection is busy
        assert await asyncio.wait_for(store.read(_balance, quick=True), 5) == 0
        scans[0].release.set()
        await asyncio.wait_for(scans[-1].halfway.wait(), 5)  # takes the connection freed
        for s in scans:
            s.release.set()
        assert await asyncio.wait_for(asyncio.gather(*tasks), 5) == [0] * len(scans)
        assert len(store._scanners) == SCAN_CONNECTIONS
        await store.read(_balance)
        assert len(store._scanners) == SCAN_CONNECTIONS
    finally:
        await store.close()


async def test_an_in_memory_sqlite_store_reads_on_its_one_connection() -> None:
    """``sqlite://`` (one in-memory database, one connection) serves scans, quick reads and
    writes on that connection, one at a time."""
    store = await open_store("sqlite://")
    assert isinstance(store, SQLiteStore)
    try:
        await store.write(_account)
        assert await store.read(_balance) == 5
        assert await store.read(_balance, quick=True) == 5
        assert store._scanners == []
    finally:
        await store.close()


@pytest.mark.postgres
async def test_postgres_scans_leave_connections_for_quick_reads(pg_url: str) -> None:
    """PostgreSQL: scans hold at most half the pool (here one connection of two); a second
    scan waits for a slot holding no connection, so quick reads and writes still get one."""
    store = await open_store(pg_url, pool_max=2)
    try:
        first, second = Paused(), Paused()
        tasks = [asyncio.create_task(store.read(first)), asyncio.create_task(store.read(second))]
        await asyncio.wait_for(first.halfway.wait(), 5)
        await asyncio.sleep(0.05)
        assert not second.halfway.is_set()
        assert await asyncio.wait_for(store.read(_balance, quick=True), 5) == 0
        await asyncio.wait_for(store.write(_account), 5)
        first.release.set()
        await asyncio.wait_for(second.halfway.wait(), 5)
        second.release.set()
        assert await asyncio.wait_for(asyncio.gather(*tasks), 5) == [0, 2]
    finally:
        await store.close()


@pytest.mark.postgres
async def test_a_one_shot_export_holds_one_postgres_connection(pg_url: str) -> None:
    """A one-shot command's store (``pool_max = 1``) exports and reads on one connection."""
    name = f"oneshot-{uuid.uuid4().hex[:8]}"
    config = one_shot(parse({"storage": {"url": f"{pg_url}&application_name={name}"}}, env={}))
    store = await open_configured_store(config)
    try:
        await store.write(_account)

        async def export(tx: Tx) -> int:
            _, count = await core.reads.export.export_csv(tx, None)
            conn = await asyncpg.connect(root.PG_URL)
            try:
                held = await conn.fetchval(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1", name
                )
            finally:
                await conn.close()
            assert held == 1
            return count

        assert await store.read(export) == 0
        assert await store.read(_balance, quick=True) == 5
    finally:
        await store.close()


async def test_balance_answers_while_an_export_is_half_way(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the application: ``/export`` of a pool stopped after its first page does not
    hold up another user's ``/balance`` nor a bid; the export, once released, holds the
    entries of its snapshot, and the next one the bid as well."""
    app = await create_app(parse({"storage": {"url": db_url}}, env={}), Clock())
    owner, bob, cy = actor("owner", admin=True), actor("bob"), actor("cy")
    steps = [
        (owner, "pool create", {"name": "agency"}),
        (owner, "pool topup", {"name": "agency", "connects": 80}),
        (owner, "pool add", {"name": "agency", "member": bob.user}),
        *[(bob, "bid", {"job": f"job {i}", "connects": 1, "pool": "agency"}) for i in range(6)],
        (cy, "balance", {}),
    ]
    try:
        for i, (who, command, args) in enumerate(steps):
            assert not (await app.dispatch(who, command, args, f"s{i}")).error
        whole = await app.dispatch(owner, "export", {"pool": "agency"}, "e0")
        assert whole.file is not None

        halfway, release = asyncio.Event(), asyncio.Event()
        real = core.reads.export.export_pages

        async def paused(
            tx: Tx, account_ids: Sequence[int] | None, page: int = 1000
        ) -> AsyncIterator[Sequence[ExportRow]]:
            async for rows in real(tx, account_ids, 2):
                yield rows
                if not halfway.is_set():
                    halfway.set()
                    await release.wait()

        monkeypatch.setattr(core.reads.export, "export_pages", paused)
        export = asyncio.create_task(app.dispatch(owner, "export", {"pool": "agency"}, "e1"))
        await asyncio.wait_for(halfway.wait(), 5)
        balance = await asyncio.wait_for(app.dispatch(cy, "balance", {}, "b1"), 5)
        assert not balance.error and balance.title.startswith("60 Connects"), balance.title
        bid = await asyncio.wait_for(
            app.dispatch(bob, "bid", {"job": "late", "connects": 1, "pool": "agency"}, "b2"), 5
        )
        assert not bid.error, bid.title
        assert not export.done()
        release.set()
        reply = await asyncio.wait_for(export, 5)
        assert reply.file is not None and reply.file.data == whole.file.data
        monkeypatch.undo()
        after = await app.dispatch(owner, "export", {"pool": "agency"}, "e2")
        assert after.file is not None and b",late," in after.file.data
    finally:
        await app.close()
