"""Hire rates: the Wilson interval against published values, bands, likeness, privacy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.quotes.winrates import (
    BOOST_BANDS,
    Outcome,
    Rate,
    boost_bounds,
    budget_band,
    by_band,
    likeness,
    similar,
    wilson,
)


@pytest.mark.parametrize(
    ("hits", "n", "low", "high"),
    [
        # Brown, Cai and DasGupta (2001) and Newcombe (1998), 95% Wilson intervals
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (1, 20, 0.0089, 0.2361),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_matches_published_intervals(hits: int, n: int, low: float, high: float) -> None:
    """Four decimals of the published values."""
    got = wilson(hits, n)
    assert got == pytest.approx((low, high), abs=1e-4)


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_holds_the_observed_share(hits: int, n: int) -> None:
    """The interval stays in [0, 1] and holds the observed share."""
    hits = min(hits, n)
    low, high = wilson(hits, n)
    assert 0.0 <= low <= hits / n + 1e-12 and hits / n <= high + 1e-12 <= 1.0 + 1e-12


def test_rate_text() -> None:
    """Hires of bids, the share and the interval, in one phrase."""
    assert Rate(6, 41).text() == "6 of 41 hired: 15% (95%: 6.9-28%)"


@pytest.mark.parametrize(
    ("kind", "cents", "band"),
    [
        ("hourly", 2_499, "under $25/hr"),
        ("hourly", 2_500, "$25-50/hr"),
        ("hourly", 5_000, "$50+/hr"),
        ("fixed", 24_999, "under $250"),
        ("fixed", 100_000, "$1K-5K"),
        ("fixed", 500_000, "$5K+"),
        (None, 500_000, None),
        ("fixed", None, None),
    ],
)
def test_budget_bands(kind: str | None, cents: int | None, band: str | None) -> None:
    """Bands by budget type; unknown stays unknown."""
    assert budget_band(kind, cents) == band


def _row(status: str, verified: int | None = None, **facts: object) -> Outcome:
    """A bid with an outcome (``hired`` or not), verified given as the column's 0/1."""
    return Outcome(
        hired=status == "hired",
        verified=None if verified is None else bool(verified),
        **facts,  # type: ignore[arg-type]
    )


def test_bands_below_the_minimum_are_not_shown() -> None:
    """Five verified bids show; four unverified do not (no small aggregates)."""
    rows = [_row("hired" if i < 2 else "lost", verified=1) for i in range(5)]
    rows += [_row("lost", verified=0) for _ in range(4)]
    rates = by_band(rows, min_count=5)
    # rows without a bidder: one (unnamed) member
    assert [(r.factor, r.band, r.rate) for r in rates] == [("Payment", "verified", Rate(2, 5, 1))]


def test_bands_need_min_members_distinct_bidders() -> None:
    """Ten bids in a band: shown with 5 distinct bidders, not with 4 (however many bids)."""
    rows = [_row("lost", verified=1, bidder=f"m{i % 5}") for i in range(10)]
    assert [r.rate for r in by_band(rows, 5, min_members=5)] == [Rate(0, 10, 5)]
    fewer = [_row("lost", verified=1, bidder=f"m{i % 4}") for i in range(10)]
    assert by_band(fewer, 5, min_members=5) == []


def test_similar_jobs_share_budget_type_band_and_verification() -> None:
    """Only bids on jobs like the quoted one count; unknown facts of the quote compare all."""
    rows = [
        _row("hired", budget_type="hourly", price_cents=3_000, verified=1),
        _row("lost", budget_type="hourly", price_cents=4_500, verified=1),
        _row("hired", budget_type="hourly", price_cents=6_000, verified=1),
        _row("hired", budget_type="fixed", price_cents=3_000, verified=1),
        _row("lost", budget_type="hourly", price_cents=3_000, verified=0),
        _row("lost", budget_type="hourly", price_cents=None, verified=1),
    ]
    like = likeness("hourly", 4_000, True)
    assert like.describe() == "hourly, $25-50/hr, payment verified"
    assert similar(rows, like) == Rate(1, 2)
    assert similar(rows, likeness("hourly", None, None)) == Rate(2, 5)
    assert likeness(None, None, None).describe() == "any job"


@pytest.mark.parametrize(
    ("boost", "band"),
    [
        (0, "none"),
        (1, "1-10"),
        (10, "1-10"),
        (11, "11-30"),
        (30, "11-30"),
        (31, "31+"),
        (50, "31+"),
    ],
)
def test_boost_bands(boost: int, band: str) -> None:
    """No boost, 1-10, 11-30, 31+ Connects of boost, each edge on its side."""
    assert boost_bounds(boost)[2] == band
    low, high, _ = boost_bounds(boost)
    assert low <= boost and (high is None or boost < high)


def test_bands_are_in_the_order_of_their_values() -> None:
    """Within a factor, bands follow their values (no boost before 1-10 before 11-30 before
    31+; entry before expert), never their names; factors keep their order, boost last."""
    rows = [
        _row("lost", boost=boost, experience=level, bidder=f"m{i}")
        for boost, level in ((40, "expert"), (0, "entry"), (12, "intermediate"), (3, "expert"))
        for i in range(5)
    ]
    rates = by_band(rows, 5)
    assert [(r.factor, r.band) for r in rates] == [
        ("Experience", "entry"),
        ("Experience", "intermediate"),
        ("Experience", "expert"),
        ("Boost", "none"),
        ("Boost", "1-10"),
        ("Boost", "11-30"),
        ("Boost", "31+"),
    ]
    assert [r.rate.bids for r in rates] == [5, 5, 10, 5, 5, 5, 5]


@given(st.lists(st.tuples(st.integers(0, 60), st.booleans(), st.integers(0, 6)), max_size=80))
def test_boost_bands_hold_the_minimums_exactly(bids: list[tuple[int, bool, int]]) -> None:
    """Attack: one member reading another's outcome through a boost band. A boost band is
    shown exactly when it holds 5 bids of 3 distinct bidders, as every other band; its counts
    are the bids whose boost falls in it; a bid without a boost (copied before boosts were)
    is in no band."""
    rows = [_row("hired" if hired else "lost", boost=b, bidder=f"m{who}") for b, hired, who in bids]
    rows.append(_row("hired", bidder="m0"))  # boost not known
    shown = {r.band: r.rate for r in by_band(rows, 5, min_members=3) if r.factor == "Boost"}
    for low, high, band in BOOST_BANDS:
        inside = [(h, w) for b, h, w in bids if b >= low and (high is None or b < high)]
        members = len({w for _, w in inside})
        if len(inside) >= 5 and members >= 3:
            assert shown[band] == Rate(sum(h for h, _ in inside), len(inside), members)
        else:
            assert band not in shown
