"""The stored words (bid statuses, entry kinds, lot sources) and the ghosted rule: the
CSV contract (docs/csv.md) lists exactly the words the export writes, the ghosted rule's SQL
selects exactly the bids its Python says, the notice worker marks those bids, and no module of
the core spells a stored word on its own."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from itertools import product
from pathlib import Path

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config, WalletConfig
from core.base.vocabulary import (
    BidStatus,
    EntryKind,
    LotSource,
    ghost_cutoff,
    is_ghosted,
    outcome_of,
)
from core.notices import JobReport, Jobs
from core.reads.export import export_csv
from core.store.base import Tx
from core.store.tables.words import ghosted_sql, outcome_sql
from tests.conftest import Clock, actor

ROOT = Path(__file__).resolve().parents[2]
ANA = actor("ana")
DAY = 86400
_ids = iter(range(1, 10**9))


def _csv_contract_row(column: str) -> list[str]:
    """The backticked words of the CSV contract's row (docs/csv.md) for ``column``, after the
    column's own name (and, for ``bid_status``, after the word "status")."""
    text = (ROOT / "docs" / "csv.md").read_text(encoding="utf-8")
    section = text.split("# CSV export", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith(f"| `{column}`")]
    rows += [line for line in section.splitlines() if f", `{column}` |" in line]
    assert len(rows) == 1, f"one row of the CSV contract names `{column}`"
    cells = rows[0].split("|")
    assert cells[1].strip().endswith(f"`{column}`"), rows[0]
    described = cells[2]
    if column == "bid_status":
        described = described.split("status", 1)[1]
    return re.findall(r"`([a-z_]+)`", described)


def test_csv_contract_lists_the_entry_kinds() -> None:
    """The CSV contract's `kind` column lists every entry kind the ledger writes, in the enum's
    order, and nothing else (it once said `adjust` where the export writes `adjustment`)."""
    assert _csv_contract_row("kind") == [k.value for k in EntryKind]


def test_csv_contract_lists_the_bid_statuses() -> None:
    assert _csv_contract_row("bid_status") == [s.value for s in BidStatus]


def test_every_lot_source_is_an_entry_kind() -> None:
    """A credit's entry has its lot's source as its kind: each source must be a kind."""
    assert {s.value for s in LotSource} <= {k.value for k in EntryKind}


def test_undo_window_edges() -> None:
    """Within ``undo_minutes`` to the second, then not: the one rule /undo and /void use."""
    wallet = WalletConfig(undo_minutes=5)
    assert wallet.undo_until(1000) == 1300
    assert wallet.undoable(1000, 1300)
    assert not wallet.undoable(1000, 1301)


async def _run(app: App, text: str) -> None:
    reply = await app.run_text(ANA, text, f"vocab-{next(_ids)}")
    assert not reply.error, reply.text()


async def test_export_writes_every_kind_and_only_contract_words(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """Every entry kind, made through the commands, comes out of the export as the word the
    contract lists; every bid status it writes is a contract word."""
    app = await create_app(make_config(wallet={"monthly_grant": 10}), clock)
    try:
        await _run(app, "/balance")  # welcome
        await _run(app, "/bid job:one connects:5 boost:2")  # bid, boost
        await _run(app, "/bid job:two connects:3")
        await _run(app, "/undo bid:#2")  # undo
        await _run(app, "/bid job:three connects:3")
        await _run(app, "/interview bid:#3")  # interview
        await _run(app, "/outcome bid:#3 status:hired")
        await _run(app, "/refund bid:#1 reason:completed")  # refund
        await _run(app, "/buy connects:20")  # purchase
        await _run(app, "/buy connects:7")
        await _run(app, "/void purchase:#3")  # void (lots: 1 welcome, 2 and 3 bought)
        await _run(app, "/pool create name:agency")
        await _run(app, "/pool topup name:agency connects:30")  # topup
        await _run(app, "/reconcile connects:90")  # adjustment
        await _run(app, "/spend on:badge connects:2")  # badge
        await _run(app, "/spend on:profile_boost connects:3")  # profile_boost
        await _run(app, "/plan name:basic day:1")
        clock.advance(400 * DAY)
        await _run(app, "/balance")  # grant (monthly), expiry (the purchase)
        await Jobs(app.services).grants(clock.now, JobReport())  # plan

        async def read(tx: Tx) -> bytes:
            return (await export_csv(tx, None))[0]

        data = await app.services.store.read(read)
    finally:
        await app.close()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["kind"] for r in rows} == {k.value for k in EntryKind}
    statuses = {r["bid_status"] for r in rows if r["bid_status"]}
    assert statuses == {"refunded", "undone", "hired"}
    assert statuses <= set(_csv_contract_row("bid_status"))


async def _bids_grid(app: App, cutoff: int) -> list[tuple[int, str, int]]:
    """One bid per status and per last-news moment around ``cutoff``: (id, status, updated)."""
    grid = list(product(list(BidStatus), (cutoff - 1, cutoff, cutoff + 1)))
    for i in range(len(grid)):
        await _run(app, f"/bid job:grid-{i} connects:1")

    async def write(tx: Tx) -> None:
        for i, (status, updated) in enumerate(grid, start=1):
            await tx.execute(
                "UPDATE bids SET status = :s, updated_at = :u WHERE id = :id",
                {"s": status.value, "u": updated, "id": i},
            )

    await app.services.store.write(write)
    return [(i, s.value, u) for i, (s, u) in enumerate(grid, start=1)]


async def test_ghosted_sql_is_the_python_rule(app: App, clock: Clock) -> None:
    """On each database, the SQL of the ghosted rule and of "has an outcome" select exactly
    the bids the Python rule says, at the cutoff's edges and for every status."""
    cutoff = ghost_cutoff(clock.now, 14)
    grid = await _bids_grid(app, cutoff)

    async def read(tx: Tx) -> tuple[set[int], dict[int, str]]:
        ghosted = await tx.fetchall(f"SELECT id FROM bids WHERE {ghosted_sql()}", {"ghost": cutoff})
        outcome = await tx.fetchall(
            f"SELECT b.id, b.status FROM bids b WHERE {outcome_sql('b')}", {"ghost": cutoff}
        )
        return {int(r["id"]) for r in ghosted}, {int(r["id"]): str(r["status"]) for r in outcome}

    ghosted, outcome = await app.services.store.read(read)
    assert ghosted == {i for i, s, u in grid if is_ghosted(s, u, cutoff)}
    want = {i for i, s, u in grid if is_ghosted(s, u, cutoff) or s in ("hired", "lost")}
    assert set(outcome) == want
    assert {outcome_of(outcome[i]) for i in ghosted} == {BidStatus.GHOSTED}
    assert len(ghosted) == 3 + 2  # marked ghosted at any time; submitted and viewed before it


async def test_notice_worker_marks_the_ghosted_rule(app: App, clock: Clock) -> None:
    """The notice worker's ghost job marks as ``ghosted`` exactly the bids awaiting an answer
    since before the cutoff, and touches no other bid."""
    days = app.services.config.policy.ghost_days
    cutoff = ghost_cutoff(clock.now, days)
    grid = await _bids_grid(app, cutoff)
    from core.ledger.bids import mark_ghosted

    async def mark(tx: Tx) -> int:
        return await mark_ghosted(tx, clock.now, days)

    marked = await app.services.store.write(mark)

    async def read(tx: Tx) -> dict[int, str]:
        rows = await tx.fetchall("SELECT id, status FROM bids ORDER BY id")
        return {int(r["id"]): str(r["status"]) for r in rows}

    after = await app.services.store.read(read)
    stale = {i for i, s, u in grid if s in ("submitted", "viewed") and u < cutoff}
    assert marked == len(stale) == 2
    for i, status, _ in grid:
        assert after[i] == ("ghosted" if i in stale else status)


# A stored word spelled in SQL (status = 'ghosted', kind IN ('purchase', ...)) or a status,
# kind or source compared with a bare string (row["status"] == "hired") outside the vocabulary
# module: the rule or the word is being written a second time. (Button kinds and actions, also
# called "bid" or "undo", are other words and are not matched.)
_WORDS = "|".join(sorted({*BidStatus, *EntryKind, *LotSource}))
_SQL_WORD = re.compile(rf"(=|<>|\bIN\s*\(|,)\s*'({_WORDS})'")
_COMPARED = re.compile(
    rf'(\bstatus\b|\["kind"\]|\["source"\])\S*\s*(==|!=|\bin)\s*\(?\s*"({_WORDS})"'
)


def test_no_stored_word_spelled_outside_the_vocabulary() -> None:
    found = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _SQL_WORD.search(line) or _COMPARED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "use core.base.vocabulary:\n" + "\n".join(found)
