"""Read models: history, statistics, CSV exports and the balance views.

Reads never change state. Exports are deterministic: rows in id order, times as ISO 8601 UTC,
integers as written, dollars computed from integer cents, so the same ledger always gives the
same bytes on every backend. The
balance views say when a write must come first (a new user, a due grant, lots to expire), so
the commands that show them stay reads in the common case.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.base.dates import DAY
from core.base.vocabulary import BidStatus, ghost_cutoff, is_ghosted
from core.store.base import Tx
from core.store.tables.insight import (
    BidFigures,
    Draw,
    Entry,
    balance_series,
    bid_figures,
    bought,
    draws,
    recent_entries,
)

PERIOD_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}


def iso(ts: int | None) -> str:
    """Epoch seconds as ``2026-11-26T04:00:00Z``; empty for ``None``."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def since(period: str, now: int) -> int:
    """The start of ``period`` (``week``, ``month``, ``quarter``, ``year``, ``all``) before now."""
    days = PERIOD_DAYS.get(period)
    return 0 if days is None else now - days * DAY


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

    def add(self, bid: BidFigures, ghost_before: int, free: int = 0) -> None:
        self.bids += 1
        self.connects += bid.connects
        self.boost += bid.boost
        self.refunded += bid.refunded
        self.cents += bid.cost_cents
        self.refunded_cents += bid.refunded_cents
        self.free += free
        if bid.status == BidStatus.HIRED:
            self.hired += 1
        elif bid.status == BidStatus.LOST:
            self.lost += 1
        elif bid.status == BidStatus.INTERVIEWING:
            self.interviewing += 1
        elif is_ghosted(bid.status, bid.updated_at, ghost_before):
            self.ghosted += 1
            self.ghosted_connects += bid.connects + bid.boost - bid.refunded


def free_connects(bids: Sequence[BidFigures], drawn: Iterable[Draw]) -> dict[int, int]:
    """Per bid, the Connects still spent that came from lots costing nothing (grants), given
    what each drew (per bid, newest lot first): a refund gives back to the newest lots first,
    as :func:`core.ledger.postings.give_back` does."""
    refunded = {b.id: b.refunded for b in bids}
    free: dict[int, int] = {}
    for draw in drawn:
        back = min(refunded[draw.bid_id], draw.amount)
        refunded[draw.bid_id] -= back
        if draw.lot_cents == 0:
            free[draw.bid_id] = free.get(draw.bid_id, 0) + draw.amount - back
    return free


async def stats(
    tx: Tx, *, bidder: str | None, pool_id: int | None, start: int, now: int, ghost_days: int
) -> Stats:
    """Figures for the user's wallet bids (``bidder``) or a pool's bids, per member."""
    bids = await bid_figures(tx, bidder=bidder, pool_id=pool_id, start=start)
    total = Stats()
    ghost_before = ghost_cutoff(now, ghost_days)
    free = free_connects(bids, await draws(tx, [b.id for b in bids]))
    for bid in bids:
        total.add(bid, ghost_before, free.get(bid.id, 0))
        if pool_id is not None:
            total.members.setdefault(bid.bidder, Stats()).add(
                bid, ghost_before, free.get(bid.id, 0)
            )
    return total


# ---------------------------------------------------------------------------- balance views


async def cents_per_connect(tx: Tx, account_id: int | None) -> tuple[int, int] | None:
    """(cents, connects) over the account's purchases, or ``None`` if it bought none."""
    if account_id is None:
        return None
    paid = await bought(tx, account_id)
    if paid.connects == 0:
        return None
    return paid.cents, paid.connects


__all__ = [
    "PERIOD_DAYS",
    "Entry",
    "Stats",
    "balance_series",
    "cents_per_connect",
    "free_connects",
    "iso",
    "recent_entries",
    "since",
    "stats",
]
