"""/reconcile: one adjustment entry makes the wallet (or a pool, by its admins) hold what
Upwork shows; the ledger's invariants hold; a retry changes nothing more."""

from __future__ import annotations

from core.app import App
from core.store.base import Tx
from tests.conftest import actor

ANA, BEN = actor("ana"), actor("ben")


async def _totals(app: App, key: str) -> tuple[int, int, int]:
    async def read(tx: Tx) -> tuple[int, int, int]:
        row = await tx.fetchone(
            "SELECT a.balance, (SELECT COALESCE(SUM(delta), 0) FROM entries e WHERE "
            "e.account_id = a.id) AS se, (SELECT COALESCE(SUM(remaining), 0) FROM lots l "
            "WHERE l.account_id = a.id) AS sl FROM accounts a JOIN users u ON u.account_id = "
            "a.id WHERE u.key = :k",
            {"k": key},
        )
        assert row is not None
        return int(row["balance"]), int(row["se"]), int(row["sl"])

    return await app.store.read(read)


async def test_down_up_and_equal(app: App) -> None:
    down = await app.run_text(ANA, "/reconcile connects:42", "r1")
    assert down.title == "Set to 42 Connects"
    assert down.lines == ["Your wallet: 60 → 42 (-18 adjustment)"]
    assert await app.run_text(ANA, "/reconcile connects:42", "r1") == down  # a retry
    assert await _totals(app, "console:ana") == (42, 42, 42)
    up = await app.run_text(ANA, "/reconcile connects:70", "r2")
    assert up.lines == ["Your wallet: 42 → 70 (+28 adjustment)"]
    same = await app.run_text(ANA, "/reconcile connects:70", "r3")
    assert same.title == "Already 70 Connects"
    assert await _totals(app, "console:ana") == (70, 70, 70)

    async def kinds(tx: Tx) -> list[tuple[str, int]]:
        rows = await tx.fetchall(
            "SELECT kind, delta FROM entries WHERE actor = 'console:ana' ORDER BY id"
        )
        return [(str(r["kind"]), int(r["delta"])) for r in rows]

    assert await app.store.read(kinds) == [("welcome", 60), ("adjustment", -18), ("adjustment", 28)]
    quote = await app.run_text(ANA, "/quote price:500", "r4")
    assert "at the best tier price" in quote.lines[0]  # a free adjustment is no purchase


async def test_a_pool_is_reconciled_by_its_admins_only(app: App) -> None:
    for line in (
        "/pool create name:crew",
        "/pool topup name:crew connects:30",
        "/pool add name:crew member:ben",
    ):
        assert not (await app.run_text(ANA, line, line)).error
    refused = await app.run_text(BEN, "/reconcile connects:5 pool:crew", "b1")
    assert refused.error and "owner or an admin" in refused.title
    done = await app.run_text(ANA, "/reconcile connects:12 pool:crew", "a1")
    assert done.lines == ["Pool crew: 30 → 12 (-18 adjustment)"]
    info = await app.run_text(ANA, "/pool info name:crew", "a2")
    assert info.title == "Pool crew: 12 Connects"
