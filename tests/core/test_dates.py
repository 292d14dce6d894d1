"""Calendar arithmetic (:mod:`core.base.dates`) without the standard library's calendar module:
the days of a month agree with it for every month of every year datetime holds."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from core.base.dates import add_months, days_in_month

YEARS = st.integers(min_value=1, max_value=9999)
MONTHS = st.integers(min_value=1, max_value=12)


@given(YEARS, MONTHS)
def test_days_in_month_agree_with_the_calendar_module(year: int, month: int) -> None:
    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


def test_the_century_leap_rules() -> None:
    assert [days_in_month(y, 2) for y in (1900, 2000, 2024, 2026, 2100)] == [28, 29, 29, 28, 28]


@given(
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(9000, 12, 31)),
    st.integers(min_value=-120, max_value=120),
)
def test_add_months_clamps_to_the_last_day(moment: datetime, months: int) -> None:
    """The day is kept where the month has it, else the month's last day; the time of day
    is kept."""
    start = moment.replace(tzinfo=UTC, microsecond=0)
    moved = datetime.fromtimestamp(add_months(int(start.timestamp()), months), UTC)
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    assert (moved.year, moved.month) == (year, month)
    assert moved.day == min(start.day, calendar.monthrange(year, month)[1])
    assert moved.time() == start.time()
