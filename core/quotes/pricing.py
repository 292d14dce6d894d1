"""Pricing: what a bid costs in Connects, and what Connects cost in dollars.

Upwork does not publish its formula; it states the cost on every job page, and the cost a post
states always comes first (:mod:`core.quotes.estimates`). Without one, the default ``range``
model says only what today's posts state, ``[pricing] typical_low`` to ``typical_high`` (7-26
in every recent post): a range, never one confident number (its middle is kept only as the
figure a learned model's error is compared with). The ``seed`` model is a transparent
heuristic built from the factors the seed article names (client history, funding, job size and
price): each factor earns points, unknown factors count as neutral, and the points map linearly
onto the configured bounds (1-6 in the ``seed`` profile). It is monotone by construction: every
factor's points ascend with its value and the mapping from points to Connects never decreases.
The ``rate_card`` model prices by the job's value band. A boost is added on top of any of them.

It prices a job's facts (:class:`~core.base.facts.JobFacts`): money in integer cents, the
rating weighed in integer tenths of a star, rounded half up from the hundredths kept.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from core.base.facts import JobFacts
from core.base.pricingconfig import PricingConfig, SeedFactor
from core.quotes.amounts import cents as cents  # noqa: PLC0414 (re-exported)
from core.quotes.amounts import dollars as dollars  # noqa: PLC0414
from core.quotes.amounts import purchase_cents as purchase_cents  # noqa: PLC0414
from core.quotes.amounts import share_cents as share_cents  # noqa: PLC0414
from core.quotes.amounts import tier_cents_per_connect as tier_cents_per_connect  # noqa: PLC0414


@dataclass(frozen=True, slots=True)
class FactorLine:
    """One line of a quote's explanation: the factor, what was known, the points it added."""

    factor: str
    shown: str
    points: int
    max_points: int
    known: bool


@dataclass(frozen=True, slots=True)
class Quote:
    """A priced bid: ``connects`` from the model, plus ``boost``; ``total`` is what is spent."""

    connects: int
    boost: int
    model: str
    lines: tuple[FactorLine, ...]
    points: int
    max_points: int
    #: The ``range`` model's fewest and most Connects (``None``: one number); ``connects`` is
    #: then the range's middle, never shown or charged as the job's cost.
    typical: tuple[int, int] | None = None

    @property
    def total(self) -> int:
        return self.connects + self.boost

    def shown(self) -> str:
        """The Connects as a reply says them: ``about 7-26 Connects`` for a range, else
        ``4 Connects``."""
        if self.typical is None:
            return f"{self.connects} Connect" + ("" if self.connects == 1 else "s")
        low, high = self.typical
        return f"about {low}-{high} Connects"


def _band(factor: SeedFactor, value: int) -> int:
    return factor.points[bisect.bisect_right(factor.edges, value)]


def _seed(cfg: PricingConfig, f: JobFacts) -> tuple[list[FactorLine], int, int]:
    lines: list[FactorLine] = []

    def banded(name: str, factor: SeedFactor, value: int | None, shown: str) -> None:
        top = factor.points[-1]
        if value is None:
            lines.append(FactorLine(name, "unknown", factor.neutral, top, False))
        else:
            lines.append(FactorLine(name, shown, _band(factor, value), top, True))

    def flag(name: str, value: bool | None, points: int, neutral: int) -> None:
        if value is None:
            lines.append(FactorLine(name, "unknown", neutral, points, False))
        else:
            lines.append(
                FactorLine(name, "yes" if value else "no", points if value else 0, points, True)
            )

    size_top = max(cfg.size_points.values())
    if f.size is None:
        lines.append(FactorLine("size", "unknown", cfg.size_neutral, size_top, False))
    else:
        lines.append(FactorLine("size", f.size, cfg.size_points[f.size], size_top, True))
    banded(
        "price",
        cfg.price,
        None if f.price_cents is None else f.price_cents // 100,
        dollars(f.price_cents or 0),
    )
    banded(
        "client spent",
        cfg.client_spent,
        None if f.client_spent_cents is None else f.client_spent_cents // 100,
        dollars(f.client_spent_cents or 0),
    )
    banded("hire rate", cfg.hire_rate, f.hire_rate, f"{f.hire_rate}%")
    rating = f.rating_tenths
    banded("rating", cfg.rating, rating, f"{(rating or 0) // 10}.{(rating or 0) % 10}")
    flag("verified", f.verified, cfg.verified_points, cfg.verified_neutral)
    flag("funded", f.funded, cfg.funded_points, cfg.funded_neutral)
    points = sum(line.points for line in lines)
    top = sum(line.max_points for line in lines)
    return lines, points, top


def quote(cfg: PricingConfig, factors: JobFacts, boost: int = 0) -> Quote:
    """Price a job on its facts under the configured model (facts it has no points for,
    and facts not known, weigh nothing or neutrally); ``boost`` is added on top.

    The ``seed`` result is ``min + round(points * (max - min) / max_points)``, within
    ``[min_connects, max_connects]``. The ``range`` result is ``typical_low`` to
    ``typical_high`` whatever the facts, with its middle (half up) as ``connects``.
    """
    if cfg.model == "range":
        low, high = cfg.typical_low, cfg.typical_high
        middle = (low + high + 1) // 2
        return Quote(middle, boost, "range", (), 0, 0, (low, high))
    if cfg.model == "rate_card":
        if factors.price_cents is None:
            connects = cfg.rate_card_unknown * cfg.rate_card_scale
            shown = "unknown"
        else:
            index = bisect.bisect_right(cfg.rate_card_edges, factors.price_cents // 100)
            connects = cfg.rate_card_connects[index] * cfg.rate_card_scale
            shown = dollars(factors.price_cents)
        line = FactorLine(
            "price",
            shown,
            connects,
            max(cfg.rate_card_connects) * cfg.rate_card_scale,
            factors.price_cents is not None,
        )
        top = max(cfg.rate_card_connects) * cfg.rate_card_scale
        return Quote(connects, boost, "rate_card", (line,), connects, top)
    lines, points, top = _seed(cfg, factors)
    span = cfg.max_connects - cfg.min_connects
    connects = cfg.min_connects
    if top:
        connects += (points * span * 2 + top) // (top * 2)
    connects = max(cfg.min_connects, min(cfg.max_connects, connects))
    return Quote(connects, boost, "seed", tuple(lines), points, top)
