"""The factors' effects in words: what changing one factor does to the learned cost.

At fit time each comparison below is measured as a partial dependence: the model's average
prediction over the community's own bids (weighted like the fit) with the factor set to the
``high`` value, minus the same with it set to ``low``. A comparison is measured only when at
least ``[learning] min_count`` bids sit at or below ``low`` and as many at or above ``high``, so
no effect is claimed for values the community never bid on. Only effects of half a Connect or
more are kept, largest first; they are stored with the model as ``[key, delta]`` pairs and put
into words here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Effects smaller than this (in Connects) are not worth a line.
SMALLEST = 0.5


@dataclass(frozen=True, slots=True)
class Comparison:
    """Setting ``feature`` to ``high`` rather than ``low``, said as ``words``."""

    key: str
    feature: str
    low: float
    high: float
    words: str


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("budget_50_500", "price", 50, 500, "a budget of $500 rather than $50"),
    Comparison("budget_500_5000", "price", 500, 5000, "a budget of $5,000 rather than $500"),
    Comparison("fixed", "budget_type", 0, 1, "a fixed price rather than hourly"),
    Comparison("size", "size", 0, 2, "a large job rather than a small one"),
    Comparison("experience", "experience", 0, 2, "expert level rather than entry level"),
    Comparison("length", "length", 0, 3, "a project of over 6 months rather than under 1 month"),
    Comparison("hours", "hours", 0, 1, "30+ hours a week rather than fewer"),
    Comparison("verified", "verified", 0, 1, "payment verified"),
    Comparison("funded", "funded", 0, 1, "job funded"),
    Comparison(
        "spent", "client_spent", 0, 10_000, "a client who spent $10,000 rather than nothing"
    ),
    Comparison("hire_rate", "hire_rate", 20, 80, "a client hire rate of 80% rather than 20%"),
    Comparison("rating", "rating", 4.0, 5.0, "a client rated 5.0 rather than 4.0"),
    Comparison("hires", "hires", 0, 10, "a client with 10 hires rather than none"),
    Comparison("reviews", "reviews", 0, 10, "a client with 10 reviews rather than none"),
    Comparison("years", "member_years", 0, 5, "a client on Upwork for 5 years rather than new"),
    Comparison(
        "proposals", "proposals_min", 0, 50, "50 or more proposals rather than fewer than 5"
    ),
)

BY_KEY: dict[str, Comparison] = {c.key: c for c in COMPARISONS}


def amount(delta: float) -> str:
    """``+6 Connects``, ``-1 Connect``, ``+0.6 Connects``: whole from one Connect up."""
    if abs(delta) >= 0.95:
        whole = round(delta)
        return f"{whole:+d} Connect{'' if abs(whole) == 1 else 's'}"
    return f"{delta:+.1f} Connects"


def in_words(effects: Sequence[tuple[str, float]], limit: int = 6) -> tuple[str, ...]:
    """The stored ``(key, delta)`` pairs as lines, e.g. ``payment verified: +1 Connect``;
    keys this code does not know are skipped."""
    lines = []
    for key, delta in effects:
        comparison = BY_KEY.get(key)
        if comparison is not None and abs(delta) >= SMALLEST:
            lines.append(f"{comparison.words}: {amount(delta)}")
    return tuple(lines[:limit])
