"""The reads behind history, statistics and the balance views: ledger entries, the bids of a
wallet or a pool with the lots they drew from, and the lots an account holds.

Reads only; :mod:`core.reads.insight` and :mod:`core.reads.balances` turn these records into
what users see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.base.vocabulary import BOUGHT, BidStatus, EntryKind
from core.store.base import Tx
from core.store.tables.words import sql_list


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry as history shows it, with its bid's job."""

    created_at: int
    delta: int
    kind: EntryKind
    balance_after: int
    memo: str
    bid_id: int | None
    job: str | None
    title: str | None = None  # the post's title, when the bid's job is its link


async def recent_entries(tx: Tx, account_id: int, limit: int) -> list[Entry]:
    """The account's newest ``limit`` entries, newest first."""
    rows = await tx.fetchall(
        "SELECT e.created_at, e.delta, e.kind, e.balance_after, e.memo, e.bid_id, b.job, "
        "b.title "
        "FROM entries e LEFT JOIN bids b ON b.id = e.bid_id "
        "WHERE e.account_id = :a ORDER BY e.id DESC LIMIT :n",
        {"a": account_id, "n": limit},
    )
    return [
        Entry(
            int(r["created_at"]),
            int(r["delta"]),
            EntryKind(r["kind"]),
            int(r["balance_after"]),
            str(r["memo"] or ""),
            None if r["bid_id"] is None else int(r["bid_id"]),
            None if r["job"] is None else str(r["job"]),
            None if r["title"] is None else str(r["title"]),
        )
        for r in rows
    ]


async def balance_series(tx: Tx, account_id: int, limit: int = 1000) -> list[tuple[int, int]]:
    """(time, balance after) of the account's last ``limit`` entries, oldest first."""
    rows = await tx.fetchall(
        "SELECT created_at, balance_after FROM entries WHERE account_id = :a "
        "ORDER BY id DESC LIMIT :n",
        {"a": account_id, "n": limit},
    )
    return [(int(r["created_at"]), int(r["balance_after"])) for r in reversed(rows)]


@dataclass(frozen=True, slots=True)
class BidFigures:
    """What statistics count of one bid: its Connects and dollars, and where it stands."""

    id: int
    bidder: str
    connects: int
    boost: int
    refunded: int
    cost_cents: int
    refunded_cents: int
    status: BidStatus
    updated_at: int


_BID_FIGURES = (
    "SELECT id, bidder, connects, boost, refunded, cost_cents, refunded_cents, status, "
    "updated_at FROM bids "
)


async def bid_figures(
    tx: Tx, *, bidder: str | None, pool_id: int | None, start: int
) -> list[BidFigures]:
    """The bids placed from ``start`` on, in id order, of the pool ``pool_id`` (every member's)
    or, without one, of ``bidder``'s wallet; undone bids are left out."""
    if pool_id is not None:
        rows = await tx.fetchall(
            _BID_FIGURES + "WHERE pool_id = :p AND created_at >= :s AND status <> :undone "
            "ORDER BY id",
            {"p": pool_id, "s": start, "undone": BidStatus.UNDONE.value},
        )
    else:
        rows = await tx.fetchall(
            _BID_FIGURES + "WHERE bidder = :b AND pool_id IS NULL AND created_at >= :s "
            "AND status <> :undone ORDER BY id",
            {"b": bidder, "s": start, "undone": BidStatus.UNDONE.value},
        )
    return [
        BidFigures(
            int(r["id"]),
            str(r["bidder"]),
            int(r["connects"]),
            int(r["boost"]),
            int(r["refunded"]),
            int(r["cost_cents"]),
            int(r["refunded_cents"]),
            BidStatus(r["status"]),
            int(r["updated_at"]),
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class Draw:
    """Connects a bid drew from one lot, and what that whole lot cost."""

    bid_id: int
    amount: int
    lot_cents: int


async def draws(tx: Tx, bid_ids: Sequence[int]) -> list[Draw]:
    """What the bids ``bid_ids`` drew from their lots: per bid (ascending), the newest lot
    first, the order in which a refund gives Connects back."""
    if not bid_ids:
        return []
    params = {f"b{i}": bid_id for i, bid_id in enumerate(bid_ids)}
    rows = await tx.fetchall(
        "SELECT u.bid_id, u.amount, l.cost_cents FROM lot_usage u JOIN lots l ON l.id = u.lot_id "
        f"WHERE u.bid_id IN ({', '.join(':' + k for k in params)}) "
        "ORDER BY u.bid_id, l.acquired_at DESC, l.id DESC",
        params,
    )
    return [Draw(int(r["bid_id"]), int(r["amount"]), int(r["cost_cents"])) for r in rows]


@dataclass(frozen=True, slots=True)
class Bought:
    """What an account's purchases and top-ups that were not voided cost, and brought."""

    cents: int
    connects: int


async def bought(tx: Tx, account_id: int) -> Bought:
    """The account's purchases and top-ups that were not voided, summed (zeros for none)."""
    row = await tx.fetchone(
        "SELECT COALESCE(SUM(cost_cents), 0) AS c, COALESCE(SUM(connects), 0) AS n FROM lots l "
        f"WHERE account_id = :a AND source IN {sql_list(BOUGHT)} AND NOT EXISTS (SELECT 1 "
        "FROM entries v WHERE v.lot_id = l.id AND v.kind = :void)",
        {"a": account_id, "void": EntryKind.VOID.value},
    )
    return Bought(0, 0) if row is None else Bought(int(row["c"]), int(row["n"]))
