"""``db copy``: a whole ledger moves between SQLite and PostgreSQL, verified, or not at all."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import create_app
from core.base.config import parse
from core.base.keys import Actor
from core.reads.export import to_csv
from core.store import open_store, sides
from core.store.base import Tx
from core.store.copy import CopyFailed, CopyRefused, copy_ledger
from core.store.tables.export import export_rows
from tests.conftest import Clock, actor
from tests.store.generate import create_schema, generate


async def export(url: str) -> bytes:
    """The whole ledger as the CLI's export CSV."""
    store = await open_store(url, migrate=False)
    try:

        async def read(tx: Tx) -> bytes:
            return to_csv(await export_rows(tx, None))

        return await store.read(read)
    finally:
        await store.close()


async def scalar(url: str, sql: str) -> int:
    store = await open_store(url, migrate=False)
    try:

        async def read(tx: Tx) -> int:
            row = await tx.fetchone(sql)
            assert row is not None
            return int(row["n"])

        return await store.read(read)
    finally:
        await store.close()


async def small_ledger(url: str, clock: Clock | None = None) -> None:
    """A few users, a pool, bids, a refund and an undo, made through the application."""
    app = await create_app(parse({"storage": {"url": url}}, env={}), clock)
    owner, bob = actor("owner", admin=True), actor("bob")
    steps: list[tuple[Actor, str, dict[str, Any]]] = [
        (owner, "pool create", {"name": "agency"}),
        (owner, "pool topup", {"name": "agency", "connects": 80}),
        (owner, "pool add", {"name": "agency", "member": bob.user}),
        (bob, "bid", {"job": 'Logo, "v2"', "connects": 4, "pool": "agency"}),
        (bob, "bid", {"job": "Données", "connects": 3, "boost": 2}),
        (owner, "refund", {"bid": "#1", "reason": "completed"}),
        (bob, "undo", {"bid": "#2"}),
        (bob, "buy", {"connects": 40}),
    ]
    try:
        for i, (who, command, args) in enumerate(steps):
            reply = await app.dispatch(who, command, args, f"r{i}")
            assert not reply.error, (command, reply.title)
    finally:
        await app.close()


async def test_the_same_ledger_exports_the_same_bytes_on_both_backends(
    pg_url: str, tmp_path: Path
) -> None:
    """The same commands at the same times on SQLite and on PostgreSQL give byte-identical
    exports, with the byte order mark, the members' names and the dollar values."""
    sqlite_url = f"sqlite:///{tmp_path / 'a.db'}"
    await small_ledger(sqlite_url, Clock())
    await small_ledger(pg_url, Clock())
    data = await export(sqlite_url)
    assert await export(pg_url) == data
    assert data.startswith(b"\xef\xbb\xbfentry,")
    text = data.decode("utf-8-sig")
    assert "value_dollars,actor,member," in text.splitlines()[0]
    assert ",12.00,console:owner,owner," in text  # the pool's top-up: 80 for $12.00
    assert ",console:bob,bob," in text and "Données" in text


@pytest.mark.slow
async def test_round_trip_in_batches_keeps_every_byte(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite -> PostgreSQL -> SQLite on 20,000 entries read 2,000 rows a batch (ten batches of
    the entries, as 100,000 entries make at the real batch size): the exports at both ends (and
    in between) are byte-for-byte equal, and progress is reported as rows move. A copy at full
    scale (1,000,000 entries) is measured by bench/backends.py."""
    monkeypatch.setattr(sides, "BATCH", 2_000)
    first, last = tmp_path / "first.db", tmp_path / "last.db"
    first_url, last_url = f"sqlite:///{first}", f"sqlite:///{last}"
    await create_schema(first_url)
    written = await asyncio.to_thread(generate, str(first), 20_000)
    assert written["entries"] >= 20_000
    seen: list[tuple[str, int, int]] = []

    there = await copy_ledger(
        first_url, pg_url, progress=lambda t, done, total: seen.append((t, done, total))
    )
    back = await copy_ledger(pg_url, last_url)

    for summary in (there, back):
        assert {k: v for k, v in summary.counts.items() if k in written} == written
        assert summary.accounts_checked == written["accounts"]
        assert not summary.warnings
    original = await export(first_url)
    assert original.count(b"\n") > 20_000
    assert await export(pg_url) == original
    assert await export(last_url) == original
    entries = [(done, total) for t, done, total in seen if t == "entries"]
    assert len(entries) >= 10  # several reports for a large table
    assert [d for d, _ in entries] == sorted(d for d, _ in entries)
    assert entries[-1] == (written["entries"], written["entries"])
    assert any("entries" in line and f"{written['entries']:,}" in line for line in there.lines())


@pytest.mark.parametrize("direction", ["sqlite->postgres", "postgres->sqlite"])
async def test_copied_ledger_keeps_working(pg_url: str, tmp_path: Path, direction: str) -> None:
    """A ledger made by the application, copied either way: same export, same balances, and the
    application on the copy carries on (new ids follow the copied ones)."""
    sqlite_url = f"sqlite:///{tmp_path / 'a.db'}"
    src, dst = (sqlite_url, pg_url) if direction == "sqlite->postgres" else (pg_url, sqlite_url)
    await small_ledger(src)
    summary = await copy_ledger(src, dst)
    assert summary.counts["bids"] == 2
    assert await export(dst) == await export(src)
    app = await create_app(parse({"storage": {"url": dst}}, env={}))
    try:
        reply = await app.dispatch(
            actor("bob"), "bid", {"job": "after the move", "connects": 2}, "after-1"
        )
        assert reply.title == "Bid #3 placed"
        balance = await app.dispatch(actor("bob"), "balance", {}, "after-2")
        assert balance.title == "98 Connects"  # 60 + 40 bought - 2 (bid #2 was undone)
    finally:
        await app.close()
    assert await scalar(dst, "SELECT MAX(id) AS n FROM entries") > await scalar(
        src, "SELECT MAX(id) AS n FROM entries"
    )


async def test_non_empty_destination_is_refused_unless_forced(pg_url: str, tmp_path: Path) -> None:
    """A destination holding a ledger is left alone without force; with force its contents are
    replaced by the source's, in one go, and it stays append-only."""
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    await small_ledger(a)
    await small_ledger(pg_url)
    app = await create_app(parse({"storage": {"url": pg_url}}, env={}))
    try:  # make the destination differ from the source
        await app.dispatch(actor("zed"), "buy", {"connects": 10}, "extra")
    finally:
        await app.close()
    before = await export(pg_url)
    with pytest.raises(CopyRefused, match="--force"):
        await copy_ledger(a, pg_url)
    assert await export(pg_url) == before

    summary = await copy_ledger(a, pg_url, force=True)
    assert summary.replaced
    assert await export(pg_url) == await export(a)
    # and back into a non-empty SQLite file
    await small_ledger(b)
    with pytest.raises(CopyRefused):
        await copy_ledger(pg_url, b)
    await copy_ledger(pg_url, b, force=True)
    assert await export(b) == await export(a)
    for url in (pg_url, b):
        store = await open_store(url)
        try:

            async def delete(tx: Tx) -> None:
                await tx.execute("DELETE FROM entries")

            with pytest.raises(Exception, match="append-only"):
                await store.write(delete)
        finally:
            await store.close()


async def test_a_failed_check_commits_nothing(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the check before commit finds a difference, the destination keeps what it had and
    a SQLite file the copy created is removed."""
    src = f"sqlite:///{tmp_path / 'src.db'}"
    await small_ledger(src)
    await small_ledger(pg_url)
    before = await export(pg_url)
    real = sides.PostgresSide.balances

    async def off_by_one(self: sides.PostgresSide) -> dict[int, tuple[int, int]]:
        got = await real(self)
        return {k: (cached + 1, total) for k, (cached, total) in got.items()}

    monkeypatch.setattr(sides.PostgresSide, "balances", off_by_one)
    with pytest.raises(CopyFailed, match="nothing was committed"):
        await copy_ledger(src, pg_url, force=True)
    assert await export(pg_url) == before
    new_file = tmp_path / "new.db"
    with pytest.raises(CopyFailed):
        await copy_ledger(pg_url, f"sqlite:///{new_file}")
    assert not new_file.exists()


async def test_user_errors_are_one_clear_line(tmp_path: Path) -> None:
    """A missing source, an unknown scheme, the same database twice and a file that is not a
    ledger are refused before anything is written."""
    missing = tmp_path / "missing.db"
    with pytest.raises(CopyRefused, match="does not exist"):
        await copy_ledger(f"sqlite:///{missing}", f"sqlite:///{tmp_path / 'x.db'}")
    assert not (tmp_path / "x.db").exists()
    with pytest.raises(ValueError, match="sqlite:///"):
        await copy_ledger("mysql://db/x", f"sqlite:///{tmp_path / 'x.db'}")
    src = tmp_path / "src.db"
    await small_ledger(f"sqlite:///{src}")
    with pytest.raises(ValueError, match="same database"):
        await copy_ledger(f"sqlite:///{src}", f"sqlite:///{tmp_path / '.' / 'src.db'}")
    other = tmp_path / "other.db"
    other.write_bytes(b"")
    with pytest.raises(CopyRefused, match="no Connects ledger"):
        await copy_ledger(f"sqlite:///{other}", f"sqlite:///{tmp_path / 'y.db'}")


async def test_sqlite_to_sqlite_copy(tmp_path: Path) -> None:
    """Copying works between two SQLite files too (a backup that is verified)."""
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b' / 'c.db'}"
    await small_ledger(a)
    summary = await copy_ledger(a, b)
    assert await export(b) == await export(a)
    text = "\n".join(summary.lines())
    assert "Verified" in text and "entries" in text


async def test_a_source_behind_on_migrations_is_refused(tmp_path: Path) -> None:
    """A source at an older schema version is left untouched and the user is told to upgrade
    it first."""
    src = f"sqlite:///{tmp_path / 'old.db'}"
    await small_ledger(src)
    store = await open_store(src)
    try:

        async def downgrade(tx: Tx) -> None:
            await tx.execute("DELETE FROM schema_version WHERE version > 1")

        await store.write(downgrade)
    finally:
        await store.close()
    with pytest.raises(CopyRefused, match="db upgrade"):
        await copy_ledger(src, f"sqlite:///{tmp_path / 'new.db'}")
    assert not (tmp_path / "new.db").exists()


async def test_postgres_to_postgres(pg_url: str) -> None:
    """Between two PostgreSQL schemas (or servers) the copy is the same, verified."""
    import asyncpg

    from tests import conftest as root

    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(root.PG_URL)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        other = pg_url.rsplit("search_path=", 1)[0] + f"search_path={schema}"
        await small_ledger(pg_url)
        summary = await copy_ledger(pg_url, other)
        assert summary.counts["entries"] > 0
        assert await export(other) == await export(pg_url)
    finally:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()
