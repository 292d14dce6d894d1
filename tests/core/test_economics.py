"""The economics of a bid against worked examples: what a hire pays after the fee, the
break-even hire rate c / (R·(1−f)) and the expected value p·R·(1−f) − c, exactly."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.quotes.economics import (
    JobValue,
    break_even,
    cents,
    expected,
    fee_text,
    job_value,
    net,
    percent_text,
    worth,
)
from core.quotes.winrates import wilson


@pytest.mark.parametrize(
    ("value", "fee_bp", "cost", "paid", "shown"),
    [
        # the brief's example: $75 job, 10% fee, $2.10 of Connects: 2.10 / 67.50 = 3.111%
        (7_500, 1_000, 210, Fraction(6_750), "3.11%"),
        # $500 job, 10 Connects at $0.15: 1.50 / 450 = 0.333%
        (50_000, 1_000, 150, Fraction(45_000), "0.33%"),
        # no fee: $100 job, $3.00 of Connects
        (10_000, 0, 300, Fraction(10_000), "3%"),
        # 20% (Upwork's old first tier): $500 job, $2.00: 0.5%
        (50_000, 2_000, 200, Fraction(40_000), "0.5%"),
        # half a hundredth rounds up: 1 cent over $8.00 is 0.125%
        (800, 0, 1, Fraction(800), "0.13%"),
        # a fee in basis points that leaves a fraction of a cent: $75.55 at 10% = $67.995
        (7_555, 1_000, 210, Fraction(67_995, 10), "3.09%"),
        # 12.5%: $10.00 pays $8.75; $0.30 of Connects is 3.4286%
        (1_000, 1_250, 30, Fraction(875), "3.43%"),
    ],
)
def test_break_even_worked_examples(
    value: int, fee_bp: int, cost: int, paid: Fraction, shown: str
) -> None:
    """A hire pays R·(1−f) exactly; the break-even rate is c over that, shown half up to
    0.01%."""
    assert net(value, fee_bp) == paid
    even = break_even(cost, value, fee_bp)
    assert even == Fraction(cost) / paid
    assert even is not None and percent_text(even) == shown


def test_a_bid_that_costs_what_a_hire_pays_never_breaks_even() -> None:
    """$2.00 job at 10%: a hire pays $1.80; a $1.80 bid needs a 100% hire rate, a dearer one
    more; a 100% fee leaves nothing to break even on."""
    assert break_even(180, 200, 1_000) == 1
    even = break_even(181, 200, 1_000)
    assert even is not None and even > 1
    assert break_even(1, 200, 10_000) is None


@pytest.mark.parametrize(
    ("hired", "bids", "value", "fee_bp", "cost", "ev_cents"),
    [
        # 6 of 41 hired on $75 jobs at 10%, $2.10 a bid: 6/41 × 6750 − 210 = 777.80... cents
        (6, 41, 7_500, 1_000, 210, 778),
        # 1 of 100 on $75: 67.5 − 210 = −142.5 cents: half away from zero
        (1, 100, 7_500, 1_000, 210, -143),
        # exactly half a cent either side of zero
        (1, 2, 101, 0, 51, -1),
        (1, 2, 101, 0, 50, 1),
        # no hires: the cost, lost
        (0, 30, 50_000, 1_000, 150, -150),
    ],
)
def test_expected_value_worked_examples(
    hired: int, bids: int, value: int, fee_bp: int, cost: int, ev_cents: int
) -> None:
    """p·R·(1−f) − c exactly, shown rounded half away from zero to the cent."""
    ev = expected(Fraction(hired, bids), value, fee_bp, cost)
    assert ev == Fraction(hired * value * (10_000 - fee_bp), bids * 10_000) - cost
    assert cents(ev) == ev_cents


@given(
    st.integers(1, 10_000_000_00),
    st.integers(0, 9_999),
    st.integers(0, 100_000),
)
def test_the_break_even_rate_has_an_expected_value_of_nothing(
    value: int, fee_bp: int, cost: int
) -> None:
    """At the break-even rate the expected value is exactly zero; above it positive, below it
    negative."""
    even = break_even(cost, value, fee_bp)
    assert even is not None
    assert expected(even, value, fee_bp, cost) == 0
    step = Fraction(1, 10**9)
    assert expected(even + step, value, fee_bp, cost) > 0
    if even > 0:
        assert expected(even - step, value, fee_bp, cost) < 0


@given(st.integers(0, 300), st.integers(1, 300), st.integers(1, 10**7), st.integers(0, 10**5))
def test_the_interval_of_the_expected_value_holds_it(
    hired: int, bids: int, value: int, cost: int
) -> None:
    """The expected value at the hire rate's interval ends brackets the one at the rate."""
    hired = min(hired, bids)
    w = worth(hired, bids, wilson(hired, bids), value, 1_000, cost)
    assert w.low <= w.mean <= w.high


@pytest.mark.parametrize(
    ("low", "high", "starts"),
    [
        (1, 5, "Pays on average"),
        (-5, -1, "Does not pay"),
        (-1, 5, "Not clear"),
        (0, 5, "Cannot lose"),  # a bid that costs nothing (an invited proposal)
        (0, 0, "Not clear"),  # no hire in sight and no cost
    ],
)
def test_the_verdict_reads_the_whole_interval(low: int, high: int, starts: str) -> None:
    """Pays only when even the low end pays; does not when even the high end does not."""
    from core.quotes.economics import Worth

    assert Worth(Fraction(0), Fraction(low), Fraction(high)).verdict().startswith(starts)


@pytest.mark.parametrize(
    ("kind", "price", "hours", "got"),
    [
        ("fixed", 7_500, None, JobValue(7_500)),
        ("fixed", 7_500, 40, JobValue(7_500)),  # hours do not change a fixed price
        ("hourly", 5_000, 40, JobValue(200_000, hourly=True, rate_cents=5_000, hours=40)),
        ("hourly", 5_000, None, "hours:N"),  # not guessed
        ("hourly", None, 40, "states no rate"),
        ("fixed", None, None, "states no budget"),
        (None, 7_500, None, "whether $75.00 is a fixed price or an hourly rate is not known"),
        (None, None, None, "budget is not known"),
    ],
)
def test_job_value_is_the_fixed_price_or_an_hourly_estimate(
    kind: str | None, price: int | None, hours: int | None, got: JobValue | str
) -> None:
    """R is the fixed price, or an hourly rate times the hours typed; else why there is none."""
    value = job_value(kind, price, hours)
    if isinstance(got, JobValue):
        assert value == got
    else:
        assert isinstance(value, str) and got in value


def test_job_value_says_which_it_is() -> None:
    """A fixed price says so; an hourly estimate shows rate and hours."""
    assert JobValue(7_500).describe() == "$75.00, the job's fixed price"
    hourly = JobValue(200_000, hourly=True, rate_cents=5_000, hours=40).describe()
    assert hourly.startswith("$2,000.00, an hourly estimate ($50.00/hr, ")
    assert hourly.endswith("× 40 hours you expect)")


@pytest.mark.parametrize(
    ("bp", "text"), [(1_000, "10%"), (0, "0%"), (1_250, "12.5%"), (5, "0.05%")]
)
def test_fee_text(bp: int, text: str) -> None:
    """Basis points as a percent, no trailing zeros."""
    assert fee_text(bp) == text


def test_a_tiny_share_is_not_shown_as_nothing() -> None:
    """Below half a hundredth of a percent: ``<0.01%``, never ``0%``."""
    assert percent_text(Fraction(1, 10**6)) == "<0.01%"
    assert percent_text(Fraction(0)) == "0%"
