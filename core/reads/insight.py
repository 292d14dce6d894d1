"""Read models: history, statistics, CSV exports and the balance views.

Reads never change state. Exports are deterministic: rows in id order, times as ISO 8601 UTC,
integers as written, dollars computed from integer cents, so the same ledger always gives the
same bytes on every backend. The
balance views say when a write must come first (a new user, a due grant, lots to expire), so
the commands that show them stay reads in the common case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.base.dates import DAY
from core.base.vocabulary import BOUGHT, BidStatus, EntryKind, ghost_cutoff, is_ghosted, sql_list
from core.store.base import Row, Tx

PERIOD_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}


# The export's columns, in order (docs/csv.md). New columns go next to the ones they
# explain; existing ones are never renamed or removed.
def iso(ts: int | None) -> str:
    """Epoch seconds as ``2026-11-26T04:00:00Z``; empty for ``None``."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def since(period: str, now: int) -> int:
    """The start of ``period`` (``week``, ``month``, ``quarter``, ``year``, ``all``) before now."""
    days = PERIOD_DAYS.get(period)
    return 0 if days is None else now - days * DAY


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry as history shows it."""

    created_at: int
    delta: int
    kind: str
    balance_after: int
    memo: str
    bid_id: int | None
    job: str | None


async def recent_entries(tx: Tx, account_id: int, limit: int) -> list[Entry]:
    """The account's newest ``limit`` entries, newest first."""
    rows = await tx.fetchall(
        "SELECT e.*, b.job FROM entries e LEFT JOIN bids b ON b.id = e.bid_id "
        "WHERE e.account_id = :a ORDER BY e.id DESC LIMIT :n",
        {"a": account_id, "n": limit},
    )
    return [
        Entry(
            int(r["created_at"]),
            int(r["delta"]),
            str(r["kind"]),
            int(r["balance_after"]),
            str(r["memo"] or ""),
            None if r["bid_id"] is None else int(r["bid_id"]),
            None if r["job"] is None else str(r["job"]),
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


@dataclass(slots=True)
class Stats:
    """Figures for a set of bids."""

    bids: int = 0
    connects: int = 0
    boost: int = 0
    refunded: int = 0
    cents: int = 0
    refunded_cents: int = 0
    free: int = 0  # Connects spent that came from free lots (welcome and monthly grants)
    hired: int = 0
    lost: int = 0
    interviewing: int = 0
    ghosted: int = 0
    ghosted_connects: int = 0
    members: dict[str, Stats] = field(default_factory=dict)

    @property
    def net(self) -> int:
        return self.connects + self.boost - self.refunded

    @property
    def net_cents(self) -> int:
        return self.cents - self.refunded_cents

    def add(self, bid: Row, ghost_before: int, free: int = 0) -> None:
        self.bids += 1
        self.connects += int(bid["connects"])
        self.boost += int(bid["boost"])
        self.refunded += int(bid["refunded"])
        self.cents += int(bid["cost_cents"])
        self.refunded_cents += int(bid["refunded_cents"])
        self.free += free
        status = str(bid["status"])
        if status == BidStatus.HIRED:
            self.hired += 1
        elif status == BidStatus.LOST:
            self.lost += 1
        elif status == BidStatus.INTERVIEWING:
            self.interviewing += 1
        elif is_ghosted(status, int(bid["updated_at"]), ghost_before):
            self.ghosted += 1
            self.ghosted_connects += int(bid["connects"]) + int(bid["boost"]) - int(bid["refunded"])


async def _free_connects(tx: Tx, bids: Sequence[Row]) -> dict[int, int]:
    """Per bid, the Connects still spent that came from lots costing nothing (grants): a
    refund gives back to the newest lots first, as :func:`core.ledger.postings.give_back` does."""
    if not bids:
        return {}
    refunded = {int(b["id"]): int(b["refunded"]) for b in bids}
    params = {f"b{i}": bid_id for i, bid_id in enumerate(refunded)}
    rows = await tx.fetchall(
        "SELECT u.bid_id, u.amount, l.cost_cents FROM lot_usage u JOIN lots l ON l.id = u.lot_id "
        f"WHERE u.bid_id IN ({', '.join(':' + k for k in params)}) "
        "ORDER BY u.bid_id, l.acquired_at DESC, l.id DESC",
        params,
    )
    free: dict[int, int] = {}
    for row in rows:
        bid_id, amount = int(row["bid_id"]), int(row["amount"])
        back = min(refunded[bid_id], amount)
        refunded[bid_id] -= back
        if int(row["cost_cents"]) == 0:
            free[bid_id] = free.get(bid_id, 0) + amount - back
    return free


async def stats(
    tx: Tx, *, bidder: str | None, pool_id: int | None, start: int, now: int, ghost_days: int
) -> Stats:
    """Figures for the user's wallet bids (``bidder``) or a pool's bids, per member."""
    if pool_id is not None:
        rows = await tx.fetchall(
            "SELECT * FROM bids WHERE pool_id = :p AND created_at >= :s "
            "AND status <> :undone ORDER BY id",
            {"p": pool_id, "s": start, "undone": BidStatus.UNDONE.value},
        )
    else:
        rows = await tx.fetchall(
            "SELECT * FROM bids WHERE bidder = :b AND pool_id IS NULL AND created_at >= :s "
            "AND status <> :undone ORDER BY id",
            {"b": bidder, "s": start, "undone": BidStatus.UNDONE.value},
        )
    total = Stats()
    ghost_before = ghost_cutoff(now, ghost_days)
    free = await _free_connects(tx, rows)
    for bid in rows:
        total.add(bid, ghost_before, free.get(int(bid["id"]), 0))
        if pool_id is not None:
            total.members.setdefault(str(bid["bidder"]), Stats()).add(
                bid, ghost_before, free.get(int(bid["id"]), 0)
            )
    return total


#: Entries read per page of an export: the rows of one page take little memory.
# ---------------------------------------------------------------------------- balance views


@dataclass(frozen=True, slots=True)
class Due:
    """Connects of one lot that expire soon."""

    remaining: int
    expires_at: int


async def expiring(tx: Tx, account_id: int, now: int, days: int) -> list[Due]:
    """The account's lots expiring within ``days`` (or already past), soonest first."""
    rows = await tx.fetchall(
        "SELECT remaining, expires_at FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :until ORDER BY expires_at, id",
        {"a": account_id, "until": now + days * DAY},
    )
    return [Due(int(r["remaining"]), int(r["expires_at"])) for r in rows]


async def has_expired(tx: Tx, account_id: int, now: int) -> bool:
    """Whether the account holds lots past their expiry date that are not swept yet."""
    row = await tx.fetchone(
        "SELECT 1 AS x FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :now LIMIT 1",
        {"a": account_id, "now": now},
    )
    return row is not None


async def cents_per_connect(tx: Tx, account_id: int | None) -> tuple[int, int] | None:
    """(cents, connects) over the account's purchases, or ``None`` if it bought none."""
    if account_id is None:
        return None
    row = await tx.fetchone(
        "SELECT COALESCE(SUM(cost_cents), 0) AS c, COALESCE(SUM(connects), 0) AS n FROM lots l "
        f"WHERE account_id = :a AND source IN {sql_list(BOUGHT)} AND NOT EXISTS (SELECT 1 "
        "FROM entries v WHERE v.lot_id = l.id AND v.kind = :void)",
        {"a": account_id, "void": EntryKind.VOID.value},
    )
    if row is None or int(row["n"]) == 0:
        return None
    return int(row["c"]), int(row["n"])
