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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.base.vocabulary import OUTCOMES, BidStatus, outcome_of, outcome_sql
from core.store.base import Row, Tx

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054
#: The statuses that are an outcome.
OUTCOME_STATUSES = tuple(status.value for status in OUTCOMES)


_OUTCOME_COLUMNS = (
    "status, budget_type, price_cents, verified, proposals_min, client_spent_cents, experience"
)
_HAS_OUTCOME = outcome_sql()


async def outcomes(
    tx: Tx,
    *,
    ghost_before: int,
    bidder: str | None = None,
    pool_id: int | None = None,
    scope: str | None = None,
    since: int = 0,
) -> list[Row]:
    """The bids with an outcome (a bid with no news since ``ghost_before`` counts as
    ghosted) of a user's wallet (``bidder``), of a pool, or of a scope (``scope``; every bid
    of the database when all three are ``None``), placed from ``since``: their outcome and the
    facts rates are banded by, never who placed them."""
    where = [_HAS_OUTCOME, "created_at >= :since"]
    params: dict[str, object] = {"ghost": ghost_before, "since": since}
    if pool_id is not None:
        where.append("pool_id = :p")
        params["p"] = pool_id
    elif bidder is not None:
        where.append("bidder = :b AND pool_id IS NULL")
        params["b"] = bidder
    elif scope is not None:
        where.append("scope = :s")
        params["s"] = scope
    rows = await tx.fetchall(
        f"SELECT {_OUTCOME_COLUMNS} FROM bids WHERE {' AND '.join(where)}", params
    )
    return [{**r, "status": outcome_of(str(r["status"])).value} for r in rows]


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


def _proposals_band(row: Row) -> str | None:
    low = row["proposals_min"]
    if low is None:
        return None
    for edge, label in ((5, "under 5"), (10, "5-10"), (15, "10-15"), (20, "15-20"), (50, "20-50")):
        if int(low) < edge:
            return label
    return "50+"


def _spend_band(row: Row) -> str | None:
    spent = row["client_spent_cents"]
    if spent is None:
        return None
    cents = int(spent)
    if cents == 0:
        return "$0"
    for edge, label in ((100_000, "under $1K"), (1_000_000, "$1K-10K"), (10_000_000, "$10K-100K")):
        if cents < edge:
            return label
    return "$100K+"


def _verified_band(row: Row) -> str | None:
    value = row["verified"]
    return None if value is None else ("verified" if int(value) else "not verified")


def _budget_row_band(row: Row) -> str | None:
    price = row["price_cents"]
    kind = row["budget_type"]
    band = budget_band(None if kind is None else str(kind), None if price is None else int(price))
    return None if band is None else f"{kind} {band}"


#: The client and job factors /stats shows hire rates by: (name, band of a bid row).
BANDS: tuple[tuple[str, Callable[[Row], str | None]], ...] = (
    ("Payment", _verified_band),
    ("Proposals", _proposals_band),
    ("Client spend", _spend_band),
    ("Budget", _budget_row_band),
    ("Experience", lambda row: None if row["experience"] is None else str(row["experience"])),
)


@dataclass(frozen=True, slots=True)
class BandRate:
    """The hire rate of one band of one factor."""

    factor: str
    band: str
    rate: Rate


def by_band(rows: Iterable[Row], min_count: int, min_members: int = 0) -> list[BandRate]:
    """Hire rates by factor band over bid rows with outcomes; bands with fewer than
    ``min_count`` bids, or (rows with a ``bidder``) fewer than ``min_members`` distinct
    bidders, are left out. In :data:`BANDS` order, then by band name."""
    counts: dict[tuple[int, str], list[int]] = {}
    bidders: dict[tuple[int, str], set[str]] = {}
    for row in rows:
        hired = int(str(row["status"]) == BidStatus.HIRED)
        bidder = str(row.get("bidder", ""))
        for i, (_, band_of) in enumerate(BANDS):
            band = band_of(row)
            if band is not None:
                hit = counts.setdefault((i, band), [0, 0])
                hit[0] += hired
                hit[1] += 1
                bidders.setdefault((i, band), set()).add(bidder)
    return [
        BandRate(BANDS[i][0], band, Rate(hired, n, len(bidders[(i, band)])))
        for (i, band), (hired, n) in sorted(counts.items())
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

    def matches(self, row: Row) -> bool:
        if self.budget_type is not None and row["budget_type"] != self.budget_type:
            return False
        if self.budget_band is not None:
            price = row["price_cents"]
            kind = row["budget_type"]
            if price is None or budget_band(str(kind), int(price)) != self.budget_band:
                return False
        if self.verified is not None:
            value = row["verified"]
            if value is None or bool(int(value)) != self.verified:
                return False
        return True


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
    where = ["bidder <> :me"]
    params: dict[str, object] = {"me": asker or ""}
    if scope is not None:
        where.append("scope = :s")
        params["s"] = scope
    if like.budget_type is not None:
        where.append("budget_type = :t")
        params["t"] = like.budget_type
    if like.bounds is not None:
        where.append("price_cents >= :lo")
        params["lo"] = like.bounds[0]
        if like.bounds[1] is not None:
            where.append("price_cents < :hi")
            params["hi"] = like.bounds[1]
    if like.verified is not None:
        where.append("verified = :v")
        params["v"] = int(like.verified)
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(hired), 0) AS h, COUNT(DISTINCT bidder) AS m "
        f"FROM outcome_snapshot WHERE {' AND '.join(where)}",
        params,
    )
    assert row is not None
    return Rate(int(row["h"]), int(row["n"]), int(row["m"]))


async def snapshot_rows(tx: Tx, *, pool_id: int, asker: str, since: int) -> list[Row]:
    """The pool's bids with outcomes placed from ``since``, as of the daily snapshot, other
    than ``asker``'s: their outcome, bidder and the facts rates are banded by."""
    rows = await tx.fetchall(
        "SELECT bidder, hired, budget_type, price_cents, verified, proposals_min, "
        "client_spent_cents, experience FROM outcome_snapshot WHERE pool_id = :p "
        "AND created_at >= :since AND bidder <> :me",
        {"p": pool_id, "since": since, "me": asker},
    )
    return [
        {**r, "status": (BidStatus.HIRED if int(r["hired"]) else BidStatus.LOST).value}
        for r in rows
    ]


#: The snapshot's row in ``snapshots``.
SNAPSHOT = "outcomes"
#: Snapshots are taken at most this often, in seconds: once a day.
SNAPSHOT_SECONDS = 86_400

_SNAPSHOT_FACTS = (
    "budget_type, price_cents, verified, proposals_min, client_spent_cents, experience"
)


async def refresh_snapshot(tx: Tx, now: int, ghost_before: int, every: int) -> bool:
    """Take the snapshot of every bid with an outcome (as of ``ghost_before`` for bids
    without news) when the last one is at least ``every`` seconds old (never more often than
    :data:`SNAPSHOT_SECONDS`): a conditional update claims it, so processes sharing a
    database take it once. Whether it was taken."""
    await tx.execute(
        "INSERT INTO snapshots (name, taken_at) VALUES (:n, 0) ON CONFLICT (name) DO NOTHING",
        {"n": SNAPSHOT},
    )
    claimed = await tx.execute(
        "UPDATE snapshots SET taken_at = :now WHERE name = :n AND taken_at <= :due",
        {"n": SNAPSHOT, "now": now, "due": now - max(every, SNAPSHOT_SECONDS)},
    )
    if not claimed:
        return False
    await tx.execute("DELETE FROM outcome_snapshot")
    facts = ", ".join(f"b.{c}" for c in _SNAPSHOT_FACTS.split(", "))
    await tx.execute(
        f"INSERT INTO outcome_snapshot (scope, pool_id, bidder, hired, created_at, "
        f"{_SNAPSHOT_FACTS}) SELECT COALESCE(b.scope, p.scope), b.pool_id, b.bidder, "
        f"CASE WHEN b.status = :hired THEN 1 ELSE 0 END, b.created_at, {facts} "
        f"FROM bids b LEFT JOIN pools p ON p.id = b.pool_id WHERE {outcome_sql('b')}",
        {"ghost": ghost_before, "hired": BidStatus.HIRED.value},
    )
    return True


def similar(rows: Sequence[Row], like: Likeness) -> Rate:
    """The hire rate of the bids with outcomes on jobs like ``like``."""
    matched = [r for r in rows if like.matches(r)]
    return Rate(sum(1 for r in matched if r["status"] == BidStatus.HIRED), len(matched))


__all__ = [
    "BANDS",
    "BUDGET_BANDS",
    "OUTCOME_STATUSES",
    "Z95",
    "BandRate",
    "Likeness",
    "Rate",
    "budget_band",
    "by_band",
    "likeness",
    "outcomes",
    "refresh_snapshot",
    "similar",
    "similar_rate",
    "snapshot_rows",
    "wilson",
]
