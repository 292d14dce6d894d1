"""Pricing: the seed and rate-card models, boosts, purchase tiers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.config import ConfigError
from core.base.facts import JobFacts
from core.base.pricingconfig import PRICING_PROFILES, PricingConfig
from core.quotes.pricing import (
    cents,
    dollars,
    purchase_cents,
    quote,
    tier_cents_per_connect,
)

CFG = PricingConfig()

WEAK_SMALL = JobFacts(
    price_cents=3000,
    size="small",
    funded=False,
    verified=False,
    client_spent_cents=0,
    hire_rate=0,
    rating_hundredths=0,
)
STRONG_BIG = JobFacts(
    price_cents=800_000,
    size="large",
    funded=True,
    verified=True,
    client_spent_cents=10_000_000,
    hire_rate=95,
    rating_hundredths=490,
)


@pytest.mark.parametrize(
    ("factors", "low", "high"),
    [
        (WEAK_SMALL, 1, 2),
        (replace(WEAK_SMALL, verified=True), 1, 2),
        (replace(WEAK_SMALL, price_cents=9000, hire_rate=20), 1, 2),
        (STRONG_BIG, 5, 6),
        (replace(STRONG_BIG, rating_hundredths=450), 5, 6),
        (replace(STRONG_BIG, hire_rate=60), 5, 6),
        (JobFacts(), 2, 4),
    ],
)
def test_seed_extremes(factors: JobFacts, low: int, high: int) -> None:
    """Weak clients on small jobs cost 1-2; reliable high payers on big jobs 5-6."""
    q = quote(CFG, factors)
    assert low <= q.connects <= high
    assert q.total == q.connects


def test_every_factor_explained() -> None:
    """A quote names each factor with the points it added, unknown ones as neutral."""
    q = quote(CFG, JobFacts(size="large"))
    names = [line.factor for line in q.lines]
    assert names == ["size", "price", "client spent", "hire rate", "rating", "verified", "funded"]
    assert q.lines[0].known and q.lines[0].points == 2
    assert not q.lines[1].known and q.lines[1].points == CFG.price.neutral
    assert q.points == sum(line.points for line in q.lines)


def test_rating_zero_is_weakest_not_unknown() -> None:
    """A given rating of 0 counts as the weakest rating, not as unknown."""
    zero = quote(CFG, JobFacts(rating_hundredths=0))
    unknown = quote(CFG, JobFacts())
    assert zero.points == unknown.points - CFG.rating.neutral
    assert zero.lines[4].known


def test_boost_adds_on_top() -> None:
    """A boost adds to either model's price."""
    assert quote(CFG, STRONG_BIG, boost=4).total == 10
    card = replace(CFG, model="rate_card")
    assert quote(card, JobFacts(price_cents=100_000), boost=2).total == 6 + 2


@pytest.mark.parametrize(
    ("price", "connects"),
    [
        (None, 4),
        (0, 2),
        (4_999, 2),
        (5_000, 4),
        (49_999, 4),
        (50_000, 6),
        (499_999, 6),
        (500_000, 8),
        (10**9, 8),
    ],
)
def test_rate_card_bands(price: int | None, connects: int) -> None:
    """The rate card prices by job value band, 2/4/6/8 by default."""
    assert quote(replace(CFG, model="rate_card"), JobFacts(price_cents=price)).connects == connects


factors = st.builds(
    JobFacts,
    price_cents=st.none() | st.integers(0, 10**9),
    size=st.none() | st.sampled_from(["small", "medium", "large"]),
    funded=st.none() | st.booleans(),
    verified=st.none() | st.booleans(),
    client_spent_cents=st.none() | st.integers(0, 10**9),
    hire_rate=st.none() | st.integers(0, 100),
    rating_hundredths=st.none() | st.integers(0, 500),
)

SIZES = ["small", "medium", "large"]


def _improve(f: JobFacts, which: str) -> JobFacts | None:
    """``f`` with one known factor made better, or None when it cannot improve."""
    if which == "price" and f.price_cents is not None:
        return replace(f, price_cents=f.price_cents + 50_000)
    if which == "spent" and f.client_spent_cents is not None:
        return replace(f, client_spent_cents=f.client_spent_cents * 3 + 100_000)
    if which == "hire" and f.hire_rate is not None and f.hire_rate < 100:
        return replace(f, hire_rate=min(100, f.hire_rate + 25))
    if which == "rating" and f.rating_hundredths is not None and f.rating_hundredths < 500:
        return replace(f, rating_hundredths=min(500, f.rating_hundredths + 37))
    if which == "size" and f.size is not None and f.size != "large":
        return replace(f, size=SIZES[SIZES.index(f.size) + 1])
    if which == "funded" and f.funded is False:
        return replace(f, funded=True)
    if which == "verified" and f.verified is False:
        return replace(f, verified=True)
    return None


@given(factors, st.sampled_from(["price", "spent", "hire", "rating", "size", "funded", "verified"]))
def test_monotone(f: JobFacts, which: str) -> None:
    """Improving any one factor never lowers the quote."""
    better = _improve(f, which)
    if better is not None:
        assert quote(CFG, better).connects >= quote(CFG, f).connects


@given(factors, st.integers(0, 50))
def test_bounded(f: JobFacts, boost: int) -> None:
    """The seed quote stays within its configured bounds; the boost is added exactly."""
    q = quote(CFG, f, boost)
    assert CFG.min_connects <= q.connects <= CFG.max_connects
    assert q.total == q.connects + boost


@given(factors)
def test_custom_bounds(f: JobFacts) -> None:
    """Bounds come from configuration."""
    cfg = replace(CFG, min_connects=2, max_connects=16)
    assert 2 <= quote(cfg, f).connects <= 16


@pytest.mark.parametrize(
    ("qty", "per"),
    [(1, 100), (9, 100), (10, 75), (19, 75), (20, 50), (40, 30), (79, 30), (80, 15), (10_000, 15)],
)
def test_tiers(qty: int, per: int) -> None:
    """The price per Connect falls with quantity, from $1.00 to $0.15."""
    assert tier_cents_per_connect(CFG, qty) == per
    assert purchase_cents(CFG, qty) == qty * per


@pytest.mark.parametrize(
    ("text", "expected"), [("4.005", 401), ("0.1", 10), ("1234.56", 123456), ("0", 0)]
)
def test_cents_exact(text: str, expected: int) -> None:
    """Dollars become integer cents exactly, half up."""
    assert cents(text) == expected


def test_dollars_format() -> None:
    """Cents print as dollars with separators."""
    assert dollars(123456) == "$1,234.56"
    assert dollars(-5) == "-$0.05"


def test_pricing_profiles() -> None:
    """[pricing] profile picks the defaults (upwork, the default: today's published numbers;
    seed: the article's); keys set in the file win; the doubled card doubles every band."""
    from bot.settings import parse

    default = parse({}, env={}).pricing
    assert default == parse({"pricing": {"profile": "upwork"}}, env={}).pricing
    assert (default.profile, default.model, default.tiers, default.default_cents_per_connect) == (
        "upwork",
        "range",
        ((1, 15),),
        15,
    )
    seed = parse({"pricing": {"profile": "seed"}}, env={}).pricing
    assert (seed.profile, seed.model, seed.max_connects, seed.tiers[0]) == (
        "seed",
        "seed",
        6,
        (1, 100),
    )
    card = parse({"pricing": {"model": "rate_card"}}, env={}).pricing
    assert [
        quote(card, JobFacts(price_cents=c)).connects
        for c in (1_000, 10_000, 100_000, 1_000_000, None)
    ] == [2, 4, 6, 8, 4]
    doubled = parse({"pricing": {"model": "rate_card", "rate_card_scale": 2}}, env={}).pricing
    assert [
        quote(doubled, JobFacts(price_cents=c)).connects
        for c in (1_000, 10_000, 100_000, 1_000_000)
    ] == [4, 8, 12, 16]
    mine = parse({"pricing": {"profile": "upwork", "max_connects": 26}}, env={}).pricing
    assert mine.max_connects == 26 and mine.model == "range"
    with pytest.raises(ConfigError, match=r"pricing\.profile"):
        parse({"pricing": {"profile": "cheap"}}, env={})
    with pytest.raises(ConfigError, match="rate_card_scale"):
        parse({"pricing": {"rate_card_scale": 3}}, env={})


# ------------------------------------------------------------------------------- range model

UPWORK = PRICING_PROFILES["upwork"]


@given(
    st.builds(
        JobFacts,
        budget_type=st.sampled_from([None, "hourly", "fixed"]),
        price_cents=st.none() | st.integers(0, 10**9),
        size=st.sampled_from([None, "small", "medium", "large"]),
        client_spent_cents=st.none() | st.integers(0, 10**9),
        hire_rate=st.none() | st.integers(0, 100),
    ),
    st.integers(0, 50),
)
def test_range_model_is_the_configured_range_whatever_the_facts(f: JobFacts, boost: int) -> None:
    """The default heuristic is today's range (7-26), never a number made up from the facts:
    its middle is kept for comparison only, and it reads as a range."""
    q = quote(UPWORK, f, boost)
    low, high = UPWORK.typical_low, UPWORK.typical_high
    assert q.typical == (low, high) and q.model == "range" and q.lines == ()
    assert low <= q.connects <= high and q.total == q.connects + boost
    assert q.shown() == f"about {low}-{high} Connects"


@given(st.integers(1, 100), st.integers(0, 100))
def test_range_bounds_are_configured(low: int, extra: int) -> None:
    """typical_low and typical_high set the range and its middle (half up); a range upside
    down or starting at 0 is refused naming the key."""
    from bot.settings import parse

    high = low + extra
    cfg = parse({"pricing": {"typical_low": low, "typical_high": high}}, env={}).pricing
    q = quote(cfg, JobFacts())
    assert q.typical == (low, high)
    assert q.connects * 2 in (low + high, low + high + 1)
    if extra:
        with pytest.raises(ConfigError, match="typical_low"):
            parse({"pricing": {"typical_low": high + 1, "typical_high": low}}, env={})
    with pytest.raises(ConfigError, match="typical_low"):
        parse({"pricing": {"typical_low": 0}}, env={})


def test_seed_and_rate_card_quotes_are_single_numbers() -> None:
    """Only the range model answers with a range; the seed and rate-card models stay one
    number each, as configured."""
    assert quote(CFG, STRONG_BIG).typical is None
    assert quote(replace(UPWORK, model="rate_card"), STRONG_BIG).typical is None
    assert quote(CFG, STRONG_BIG).shown() == f"{quote(CFG, STRONG_BIG).connects} Connects"
    assert quote(CFG, WEAK_SMALL).shown() == "1 Connect"  # the seed's floor, singular
