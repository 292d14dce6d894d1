"""The ``[pricing]`` section of the configuration: how a quote is priced and what Connects cost
to buy (:class:`PricingConfig`, with the ``seed`` model's :class:`SeedFactor` bands), the
profiles of defaults a file may name (:data:`PRICING_PROFILES`) and the models it may choose.
:mod:`core.base.config` reads and checks the section with the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SeedFactor:
    """One factor of the ``seed`` quote model: ascending band edges and the points of each band.

    ``points[i]`` applies to values below ``edges[i]``; the last entry of ``points`` applies at
    or above the last edge, so ``len(points) == len(edges) + 1``. ``neutral`` is used when the
    factor is unknown.
    """

    edges: tuple[int, ...]
    points: tuple[int, ...]
    neutral: int


@dataclass(frozen=True, slots=True)
class PricingConfig:
    """``[pricing]``: how a quote is priced (the ``range`` of today's posts, the ``seed`` points
    model or Upwork's ``rate_card``) and what Connects cost to buy.

    The class's own defaults are the ``seed`` profile's; a configuration without ``[pricing]
    profile`` gets :data:`PRICING_PROFILES` ``["upwork"]`` (see :data:`DEFAULT_PROFILE`)."""

    profile: str = "seed"  # the defaults below: "seed" (the article's) or "upwork" (today's)
    model: str = "seed"  # "range", "seed" or "rate_card"
    min_connects: int = 1
    max_connects: int = 6
    # seed model: points by factor; dollars and percents compared in whole units
    size_points: Mapping[str, int] = field(
        default_factory=lambda: {"small": 0, "medium": 1, "large": 2}
    )
    size_neutral: int = 1
    price: SeedFactor = SeedFactor((100, 500, 2000), (0, 1, 2, 3), 1)
    client_spent: SeedFactor = SeedFactor((1, 1000, 10000), (0, 1, 2, 3), 1)
    hire_rate: SeedFactor = SeedFactor((30, 70), (0, 1, 2), 1)
    # rating in tenths of a star: 4.0 -> 40
    rating: SeedFactor = SeedFactor((40, 48), (0, 1, 2), 1)
    verified_points: int = 1
    verified_neutral: int = 0
    funded_points: int = 1
    funded_neutral: int = 0
    # rate_card model: job value bands in dollars -> Connects (Upwork's 2/4/6/8 card)
    rate_card_edges: tuple[int, ...] = (50, 500, 5000)
    rate_card_connects: tuple[int, ...] = (2, 4, 6, 8)
    rate_card_unknown: int = 4
    rate_card_scale: int = 1  # 2: the doubled card Upwork tested (4/8/12/16)
    # purchase tiers: (minimum quantity, cents per Connect), ascending quantity
    tiers: tuple[tuple[int, int], ...] = ((1, 100), (10, 75), (20, 50), (40, 30), (80, 15))
    # cost per Connect assumed for a user who never recorded a purchase
    default_cents_per_connect: int = 15
    # range model: the Connects today's job posts state, fewest and most; a heuristic quote
    # shows this range, never one number, and a bid without a cost is refused
    typical_low: int = 7
    typical_high: int = 26
    # Upwork's service fee on what a freelancer is paid, in basis points (1000 = 10%: flat
    # since May 2023; per-contract rates have been reported, so it is set here, not assumed)
    fee_basis_points: int = 1000


#: Pricing defaults by ``[pricing] profile``; keys set in the file win over them.
#: ``upwork`` (the default): Upwork's published numbers as of 2026 ($0.15 a Connect in bundles
#: of 10, 20, 40, 60 and 80; the cost a post states first; without one, the ``range`` model:
#: "about 7-26", the range every recent post stated, with ``typical_low`` and
#: ``typical_high``; ``model = "rate_card"`` prices by Upwork's 2/4/6/8 card by job value,
#: 4/8/12/16 with ``rate_card_scale = 2``). ``seed``: the seed article's model (1-6 Connects
#: from the job's factors; $1.00 a Connect alone down to $0.15 in an 80 bundle).
PRICING_PROFILES: dict[str, PricingConfig] = {
    "seed": PricingConfig(),
    "upwork": PricingConfig(
        profile="upwork",
        model="range",
        min_connects=1,
        max_connects=32,
        tiers=((1, 15),),
        default_cents_per_connect=15,
    ),
}
#: The profile of a configuration that names none: today's Upwork.
DEFAULT_PROFILE = "upwork"
#: The models ``[pricing] model`` takes.
PRICING_MODELS = ("range", "seed", "rate_card")
