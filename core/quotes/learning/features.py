"""What the learned cost model reads from a bid's stored factors: one row of numbers per bid,
in the order of :data:`FEATURES`, ``nan`` where a factor is unknown (the trees learn which way
an unknown value goes at each split, so unknown is never mistaken for 0).

Words become ordinals where their values are ordered (experience, project length, weekly
hours, job size); the budget type is 0 for hourly, 1 for fixed. Amounts are whole dollars with
cents as decimals, the rating in stars, the client's time on Upwork in years at the moment the
bid was placed (a quote uses the moment it is asked).

The last column is the moment itself, in days since 1970 (a quote passes the moment it is
asked): when Upwork changes its prices on a date, the trees split on it and quote from the
bids after it. Without it, bids of the old and the new prices that a factor cannot tell apart
were explained by factors that do not matter (a synthetic community whose costs doubled 90
days ago, 400 bids before and 150 after: held-out error 3.2 Connects without it, 1.0 with
it, both with a 30-day half-life; on a community without a change it costs about a tenth of
a Connect of held-out error at 30 to 60 bids and a few hundredths from 120). Past the newest
bid a tree is flat, so a quote is priced as of the newest bids.

The client's country is not a feature: as a one-hot it would add some 200 sparse columns,
and a community's few hundred stated bids cannot estimate a separate effect for most
countries, so the splits they would offer are noise; as a native categorical feature it would
need a second kind of split in the exported predictor (category bitsets). The factors of the
job and of the client's history carry what the cost depends on.

Pure Python: a quote builds its row here without numpy.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

from core.quotes.bidrecords import BidFactors
from core.quotes.pricing import Factors

NAN = math.nan
DAY_SECONDS = 86400.0
YEAR_SECONDS = 365.25 * DAY_SECONDS

#: The model's inputs, in column order.
FEATURES: tuple[str, ...] = (
    "budget_type",
    "price",
    "size",
    "experience",
    "length",
    "hours",
    "funded",
    "verified",
    "client_spent",
    "hire_rate",
    "rating",
    "reviews",
    "hires",
    "proposals_min",
    "proposals_max",
    "interviewing",
    "invites",
    "member_years",
    "day",
)

#: Constrained never to lower the cost as they grow: the budget, the project's length and the
#: client's establishment (spend, hires, reviews, years a member).
INCREASING: frozenset[str] = frozenset(
    {"price", "length", "client_spent", "reviews", "hires", "member_years"}
)

#: ``monotonic_cst`` for the fit: 1 where the prediction may only rise with the feature.
MONOTONIC: tuple[int, ...] = tuple(1 if name in INCREASING else 0 for name in FEATURES)

ORDINALS: dict[str, dict[str, int]] = {
    "budget_type": {"hourly": 0, "fixed": 1},
    "size": {"small": 0, "medium": 1, "large": 2},
    "experience": {"entry": 0, "intermediate": 1, "expert": 2},
    "length": {"under_1_month": 0, "1_to_3_months": 1, "3_to_6_months": 2, "over_6_months": 3},
    "hours": {"under_30": 0, "30_plus": 1},
}

INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURES)}


def _word(kind: str, value: str | None) -> float:
    if value is None:
        return NAN
    code = ORDINALS[kind].get(value)
    return NAN if code is None else float(code)


def _number(value: int | bool | None, scale: float = 1.0) -> float:
    return NAN if value is None else float(value) / scale


def member_years(member_since: str | None, at: int) -> float:
    """Years from ``member_since`` (``YYYY-MM-DD``) to the epoch second ``at``, never below
    0; ``nan`` when unknown or unreadable."""
    if not member_since:
        return NAN
    try:
        since = datetime.strptime(member_since[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return NAN
    return max(0.0, (at - since.timestamp()) / YEAR_SECONDS)


def vector(f: BidFactors, at: int) -> list[float]:
    """The model's row for factors ``f`` as of the epoch second ``at``."""
    return [
        _word("budget_type", f.budget_type),
        _number(f.price_cents, 100.0),
        _word("size", f.size),
        _word("experience", f.experience),
        _word("length", f.length),
        _word("hours", f.hours),
        _number(f.funded),
        _number(f.verified),
        _number(f.client_spent_cents, 100.0),
        _number(f.hire_rate),
        _number(f.rating_hundredths, 100.0),
        _number(f.reviews),
        _number(f.hires),
        _number(f.proposals_min),
        _number(f.proposals_max),
        _number(f.interviewing),
        _number(f.invites),
        member_years(f.member_since, at),
        at / DAY_SECONDS,
    ]


def heuristic_factors(f: BidFactors) -> Factors:
    """The pricing heuristic's factors of a stored bid, as a typed quote maps them (amounts in
    cents, the rating in tenths, rounded the way a typed rating is)."""
    rating = None
    if f.rating_hundredths is not None:
        rating = int((Decimal(f.rating_hundredths) / 10).to_integral_value())
    return Factors(
        price_cents=f.price_cents,
        size=f.size if f.size in ORDINALS["size"] else None,
        funded=f.funded,
        verified=f.verified,
        client_spent_cents=f.client_spent_cents,
        hire_rate=f.hire_rate,
        rating_tenths=rating,
    )
