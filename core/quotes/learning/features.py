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

import dataclasses
import math
from datetime import UTC, datetime

from core.base.facts import FACTS, SCALE, Fact, JobFacts, Kind

NAN = math.nan
DAY_SECONDS = 86400.0
YEAR_SECONDS = 365.25 * DAY_SECONDS

#: The facts the model reads, in their declared order (each names its feature).
LEARNED: tuple[Fact, ...] = tuple(fact for fact in FACTS if fact.feature is not None)

#: The model's inputs, in column order: one per learned fact, then the day.
FEATURES: tuple[str, ...] = (*(fact.feature or "" for fact in LEARNED), "day")

#: Constrained never to lower the cost as they grow: the budget, the project's length and the
#: client's establishment (spend, hires, reviews, years a member): the facts declared rising.
INCREASING: frozenset[str] = frozenset(fact.feature or "" for fact in LEARNED if fact.rising)

#: ``monotonic_cst`` for the fit: 1 where the prediction may only rise with the feature.
MONOTONIC: tuple[int, ...] = tuple(1 if name in INCREASING else 0 for name in FEATURES)

#: The ordinal of each word of the facts that are words, in their declared order.
ORDINALS: dict[str, dict[str, int]] = {
    fact.feature or "": {word: i for i, word in enumerate(fact.choices)}
    for fact in LEARNED
    if fact.kind is Kind.WORD
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


def _feature(fact: Fact, value: int | str | bool | None, at: int) -> float:
    if fact.kind is Kind.WORD:
        assert fact.feature is not None and (value is None or isinstance(value, str))
        return _word(fact.feature, value)
    if fact.kind is Kind.DATE:
        assert value is None or isinstance(value, str)
        return member_years(value, at)
    assert not isinstance(value, str), fact.name
    return _number(value, float(SCALE.get(fact.kind, 1)))


def vector(f: JobFacts, at: int) -> list[float]:
    """The model's row for the facts ``f`` as of the epoch second ``at``."""
    return [*(_feature(fact, getattr(f, fact.name), at) for fact in LEARNED), at / DAY_SECONDS]


def heuristic_factors(f: JobFacts) -> JobFacts:
    """The facts of a stored bid as the pricing heuristic takes them: a size it does not
    know (a row written by hand) as unknown."""
    return f if f.size is None or f.size in ORDINALS["size"] else dataclasses.replace(f, size=None)
