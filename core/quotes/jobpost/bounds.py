"""What a job post can plausibly state, field by field: a value outside is not read, and the
post says so (``JobPost.unread``). Money is bounded as the typed options are (``MAX_DOLLARS``),
Connects as a bid and ``/reconcile`` take them, counts to what one job or client can show."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.facts import MAX_DOLLARS
from core.interface.commonoptions import MAX_CONNECTS_PER_BID, MAX_PURCHASE
from core.quotes.jobpost.activity import Bids, Proposals
from core.quotes.jobpost.client import Pair, Rating
from core.quotes.jobpost.job import Budget


@dataclass(frozen=True, slots=True)
class Bound:
    low: int
    high: int

    def holds(self, value: int | None) -> bool:
        return value is None or self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Bounds:
    connects: Bound = Bound(1, MAX_CONNECTS_PER_BID)
    balance: Bound = Bound(0, MAX_PURCHASE)
    fixed_cents: Bound = Bound(0, MAX_DOLLARS * 100)
    hourly_cents: Bound = Bound(0, 1_000 * 100)  # per hour
    spent: Bound = Bound(0, MAX_DOLLARS * 100)
    hourly: Bound = Bound(0, 1_000 * 100)
    count: Bound = Bound(0, 10_000)  # proposals, interviews, invites, jobs posted, open jobs
    hires: Bound = Bound(0, 100_000)
    reviews: Bound = Bound(0, 100_000)
    hours: Bound = Bound(0, 10_000_000)
    percent: Bound = Bound(0, 100)
    since: str = "1999-01-01"  # Upwork's oldest accounts (Elance, oDesk) are younger

    def budget_ok(self, budget: Budget) -> bool:
        """Within bounds, and a fixed price one figure (a range beside ``Fixed-price``
        contradicts itself: it is shown as not read, never taken as either end)."""
        if budget.kind == "fixed" and budget.low_cents != budget.high_cents:
            return False
        bound = self.hourly_cents if budget.kind == "hourly" else self.fixed_cents
        return bound.holds(budget.low_cents) and bound.holds(budget.high_cents)

    def bids_ok(self, bids: Bids) -> bool:
        return all(
            self.fixed_cents.holds(v) for v in (bids.high_cents, bids.avg_cents, bids.low_cents)
        )

    def proposals_ok(self, proposals: Proposals | None) -> bool:
        return proposals is None or (
            self.count.holds(proposals.low) and self.count.holds(proposals.high)
        )

    def rating_ok(self, rating: Rating) -> bool:
        return self.reviews.holds(rating.reviews)

    def hires_ok(self, hires: Pair) -> bool:
        return self.hires.holds(hires.first) and self.hires.holds(hires.second)

    def date_ok(self, date: str | None) -> bool:
        return date is None or date >= self.since


BOUNDS = Bounds()
