"""Hire rates from bids with outcomes: with their 95% interval, by client factor band, and for
jobs like one being quoted.

A bid has an outcome once it is ``hired``, ``lost`` or ghosted (no news for the ghost period,
:mod:`core.base.vocabulary`); its hire rate is hires over those bids. Every rate comes with its
sample size and a Wilson score interval, which stays inside 0-100% and is honest for small
samples, where the normal approximation is not.

Rates shown to a member about other members are aggregates of other members only, counted
from the daily snapshot (:func:`refresh_snapshot`, table ``outcome_snapshot``), never from
live bids: the asker's own bids are left out of them (so padding a band with one's own bids
reveals nothing), a band or a set of similar jobs is shown only when at least ``[learning]
min_members`` distinct other members and the configured minimum of bids are in it, and a
change of one bid shows only at the next snapshot, mixed with a day of other changes. A
member's own figures (``/stats`` of their wallet) are their own, read live.

Jobs are *similar* to the one quoted when they share its budget type, its budget band and its
client's payment verification (each where the job states it): the three facts that most
separate a serious client's job from a long shot, and coarse enough that a community's bids
fill them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.base.config import LearningConfig
from core.base.vocabulary import OUTCOMES
from core.store.base import Tx
from core.store.tables import outcomes as outcome_table
from core.store.tables.outcomes import Outcome

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054
#: The statuses that are an outcome.
OUTCOME_STATUSES = tuple(status.value for status in OUTCOMES)


async def outcomes(
    tx: Tx,
    *,
    ghost_before: int,
    bidder: str | None = None,
    pool_id: int | None = None,
    scope: str | None = None,
    since: int = 0,
) -> list[Outcome]:
    """The bids with an outcome (a bid with no news since ``ghost_before`` counts as
    ghosted) of a user's wallet (``bidder``), of a pool, or of a scope (``scope``; every bid
    of the database when all three are ``None``), placed from ``since``: their outcome and the
    facts rates are banded by, never who placed them."""
    return await outcome_table.outcomes(
        tx, ghost_before=ghost_before, bidder=bidder, pool_id=pool_id, scope=scope, since=since
    )


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``hits`` successes in ``n`` trials, as fractions."""
    if n <= 0:
        return 0.0, 1.0
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Rate:
    """Hires among bids with outcomes."""

    hired: int
    bids: int
    members: int = 0

    @property
    def share(self) -> float:
        return self.hired / self.bids if self.bids else 0.0

    def interval(self) -> tuple[float, float]:
        return wilson(self.hired, self.bids)

    def text(self) -> str:
        """``6 of 41 hired: 15% (95%: 7-28%)``."""
        low, high = self.interval()
        return (
            f"{self.hired} of {self.bids} hired: {_pct(self.share)} "
            f"(95%: {_pct(low, sign=False)}-{_pct(high)})"
        )


def _pct(share: float, sign: bool = True) -> str:
    """A share in percent, rounded; one that is neither none nor all never reads as 0 or 100."""
    value = share * 100
    text = f"{value:.1f}" if 0 < value < 10 else f"{value:.0f}"
    if text == "0.0":
        text = "<0.1"
    elif text == "100" and value < 100:
        text = ">99"
    return text + ("%" if sign else "")


#: A budget band: from cents, below cents (``None``: open), label.
Band = tuple[int, int | None, str]
#: Budget bands by budget type.
BUDGET_BANDS: dict[str, tuple[Band, ...]] = {
    "hourly": ((0, 2_500, "under $25/hr"), (2_500, 5_000, "$25-50/hr"), (5_000, None, "$50+/hr")),
    "fixed": (
        (0, 25_000, "under $250"),
        (25_000, 100_000, "$250-1K"),
        (100_000, 500_000, "$1K-5K"),
        (500_000, None, "$5K+"),
    ),
}


def _band_of(
    budget_type: str | None, price_cents: int | None
) -> tuple[int, int | None, str] | None:
    if price_cents is None or budget_type not in BUDGET_BANDS:
        return None
    for band in BUDGET_BANDS[budget_type]:
        if band[1] is None or price_cents < band[1]:
            return band
    return None  # pragma: no cover - the last band is open


def budget_band(budget_type: str | None, price_cents: int | None) -> str | None:
    """The budget band of a job: ``$25-50/hr``, ``$250-1K``; ``None`` when unknown."""
    band = _band_of(budget_type, price_cents)
    return None if band is None else band[2]


def _proposals_band(bid: Outcome) -> str | None:
    low = bid.proposals_min
    if low is None:
        return None
    for edge, label in ((5, "under 5"), (10, "5-10"), (15, "10-15"), (20, "15-20"), (50, "20-50")):
        if low < edge:
            return label
    return "50+"


def _spend_band(bid: Outcome) -> str | None:
    cents = bid.client_spent_cents
    if cents is None:
        return None
    if cents == 0:
        return "$0"
    for edge, label in ((100_000, "under $1K"), (1_000_000, "$1K-10K"), (10_000_000, "$10K-100K")):
        if cents < edge:
            return label
    return "$100K+"


def _verified_band(bid: Outcome) -> str | None:
    return None if bid.verified is None else ("verified" if bid.verified else "not verified")


def _budget_band_of(bid: Outcome) -> str | None:
    band = budget_band(bid.budget_type, bid.price_cents)
    return None if band is None else f"{bid.budget_type} {band}"


#: Boost bands: from Connects, below Connects (``None``: open), label.
BOOST_BANDS: tuple[Band, ...] = (
    (0, 1, "none"),
    (1, 11, "1-10"),
    (11, 31, "11-30"),
    (31, None, "31+"),
)


def boost_bounds(boost: int) -> Band:
    """The boost band of a boost of ``boost`` Connects (0 or more)."""
    for band in BOOST_BANDS:
        if band[1] is None or boost < band[1]:
            return band
    raise AssertionError("the last band is open")  # pragma: no cover


def _boost_band(bid: Outcome) -> str | None:
    return None if bid.boost is None else boost_bounds(bid.boost)[2]


#: The client and job factors /stats shows hire rates by: (name, band of a bid, the bands in
#: the order of their values).
BANDS: tuple[tuple[str, Callable[[Outcome], str | None], tuple[str, ...]], ...] = (
    ("Payment", _verified_band, ("not verified", "verified")),
    ("Proposals", _proposals_band, ("under 5", "5-10", "10-15", "15-20", "20-50", "50+")),
    ("Client spend", _spend_band, ("$0", "under $1K", "$1K-10K", "$10K-100K", "$100K+")),
    (
        "Budget",
        _budget_band_of,
        tuple(f"{kind} {band[2]}" for kind, bands in BUDGET_BANDS.items() for band in bands),
    ),
    ("Experience", lambda bid: bid.experience, ("entry", "intermediate", "expert")),
    ("Boost", _boost_band, tuple(band[2] for band in BOOST_BANDS)),
)


def _in_order(key: tuple[int, str]) -> tuple[int, int, str]:
    """A band's place: its factor's, then its value's (a band not listed last, by name)."""
    factor, band = key
    order = BANDS[factor][2]
    return factor, order.index(band) if band in order else len(order), band


@dataclass(frozen=True, slots=True)
class BandRate:
    """The hire rate of one band of one factor."""

    factor: str
    band: str
    rate: Rate


def by_band(bids: Iterable[Outcome], min_count: int, min_members: int = 0) -> list[BandRate]:
    """Hire rates by factor band over bids with outcomes; bands with fewer than
    ``min_count`` bids, or fewer than ``min_members`` distinct bidders (bids whose bidder was
    not read count as one), are left out. In :data:`BANDS` order, each factor's bands in the
    order of their values (no boost, then 1-10, ...)."""
    counts: dict[tuple[int, str], list[int]] = {}
    bidders: dict[tuple[int, str], set[str]] = {}
    for bid in bids:
        hired = int(bid.hired)
        for i, (_, band_of, _order) in enumerate(BANDS):
            band = band_of(bid)
            if band is not None:
                hit = counts.setdefault((i, band), [0, 0])
                hit[0] += hired
                hit[1] += 1
                bidders.setdefault((i, band), set()).add(bid.bidder)
    return [
        BandRate(BANDS[i][0], band, Rate(hired, n, len(bidders[(i, band)])))
        for (i, band), (hired, n) in sorted(counts.items(), key=lambda kv: _in_order(kv[0]))
        if n >= min_count and len(bidders[(i, band)]) >= min_members
    ]


@dataclass(frozen=True, slots=True)
class Likeness:
    """What makes a job like the one quoted (``None``: not stated, so not compared)."""

    budget_type: str | None
    budget_band: str | None
    verified: bool | None
    bounds: Band | None = None  # the band's cents, for SQL

    def describe(self) -> str:
        """``hourly, $25-50/hr, payment verified``; ``any job`` when nothing is known."""
        parts = [p for p in (self.budget_type, self.budget_band) if p is not None]
        if self.verified is not None:
            parts.append("payment verified" if self.verified else "payment not verified")
        return ", ".join(parts) or "any job"

    def matches(self, bid: Outcome) -> bool:
        """Whether ``bid`` was on a job like this one."""
        if self.budget_type is not None and bid.budget_type != self.budget_type:
            return False
        if self.budget_band is not None and (
            bid.price_cents is None
            or budget_band(bid.budget_type, bid.price_cents) != self.budget_band
        ):
            return False
        return self.verified is None or (bid.verified is not None and bid.verified == self.verified)


def likeness(budget_type: str | None, price_cents: int | None, verified: bool | None) -> Likeness:
    """The likeness of a job with these facts."""
    band = _band_of(budget_type, price_cents)
    return Likeness(budget_type, None if band is None else band[2], verified, band)


async def similar_rate(
    tx: Tx, like: Likeness, scope: str | None, *, asker: str | None = None
) -> Rate:
    """The hire rate of other members' bids with outcomes on jobs like ``like`` in the daily
    snapshot, in ``scope`` (every bid of the database when ``None``), leaving out the bids of
    ``asker``; counted by the database, with how many distinct members placed them."""
    bounds = like.bounds
    tally = await outcome_table.snapshot_tally(
        tx,
        asker=asker or "",
        scope=scope,
        budget_type=like.budget_type,
        price_from=None if bounds is None else bounds[0],
        price_below=None if bounds is None else bounds[1],
        verified=like.verified,
    )
    return Rate(tally.hired, tally.bids, tally.members)


def minimums(learning: LearningConfig) -> tuple[int, int]:
    """The fewest bids with an outcome, and distinct members (besides the asker) placing them,
    a hire rate about other members of a community needs before it is shown: ``[learning]
    min_outcomes`` (never below ``min_count``) and ``min_members``."""
    return max(learning.min_outcomes, learning.min_count), learning.min_members


async def snapshot_rows(
    tx: Tx, *, asker: str, since: int, pool_id: int | None = None, scope: str | None = None
) -> list[Outcome]:
    """The bids with outcomes placed from ``since`` of the pool ``pool_id``, else of the
    community ``scope``, else of every scope, as of the daily snapshot, other than
    ``asker``'s: their outcome, bidder and the facts rates are banded by."""
    return await outcome_table.snapshot_outcomes(
        tx, asker=asker, since=since, pool_id=pool_id, scope=scope
    )


async def boost_rate(tx: Tx, boost: int, scope: str | None, *, asker: str | None = None) -> Rate:
    """The hire rate of other members' bids with outcomes whose boost is in the band of
    ``boost``, in the daily snapshot, in ``scope`` (every bid of the database when ``None``),
    leaving out the bids of ``asker``; with how many distinct members placed them."""
    low, high, _ = boost_bounds(boost)
    tally = await outcome_table.snapshot_tally(
        tx, asker=asker or "", scope=scope, boost_from=low, boost_below=high
    )
    return Rate(tally.hired, tally.bids, tally.members)


#: Snapshots are taken at most this often, in seconds: once a day.
SNAPSHOT_SECONDS = 86_400


async def refresh_snapshot(tx: Tx, now: int, ghost_before: int, every: int) -> bool:
    """Take the snapshot of every bid with an outcome (as of ``ghost_before`` for bids
    without news) when the last one is at least ``every`` seconds old (never more often than
    :data:`SNAPSHOT_SECONDS`): a conditional update claims it, so processes sharing a
    database take it once. Whether it was taken."""
    due = now - max(every, SNAPSHOT_SECONDS)
    return await outcome_table.take_snapshot(tx, now, due, ghost_before)


def similar(bids: Iterable[Outcome], like: Likeness) -> Rate:
    """The hire rate of the bids with outcomes on jobs like ``like``."""
    matched = [bid for bid in bids if like.matches(bid)]
    return Rate(sum(bid.hired for bid in matched), len(matched))


__all__ = [
    "BANDS",
    "BOOST_BANDS",
    "BUDGET_BANDS",
    "OUTCOME_STATUSES",
    "Z95",
    "BandRate",
    "Likeness",
    "Outcome",
    "Rate",
    "boost_bounds",
    "boost_rate",
    "budget_band",
    "by_band",
    "likeness",
    "minimums",
    "outcomes",
    "refresh_snapshot",
    "similar",
    "similar_rate",
    "snapshot_rows",
    "wilson",
]
