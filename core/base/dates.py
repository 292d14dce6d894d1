"""Calendar arithmetic on UTC epoch seconds: grants by anniversary month, expiry dates,
monthly allowances."""

from __future__ import annotations

from datetime import UTC, datetime

DAY = 86400


def days_in_month(year: int, month: int) -> int:
    """How many days ``month`` (1 to 12) of ``year`` has, leap years as the Gregorian
    calendar counts them (what :func:`calendar.monthrange` says, without importing it)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(ts: int, months: int) -> int:
    """``ts`` moved ``months`` calendar months later, the day clamped to the month's end."""
    dt = datetime.fromtimestamp(ts, UTC)
    month0 = dt.month - 1 + months
    year, month = dt.year + month0 // 12, month0 % 12 + 1
    day = min(dt.day, days_in_month(year, month))
    return int(dt.replace(year=year, month=month, day=day).timestamp())


def months_elapsed(start: int, now: int) -> int:
    """Whole anniversary months from ``start`` to ``now``."""
    a, b = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(now, UTC)
    months = (b.year - a.year) * 12 + b.month - a.month
    if months > 0 and add_months(start, months) > now:
        months -= 1
    return max(months, 0)


def month_start(now: int) -> int:
    """The first second of ``now``'s calendar month, UTC."""
    dt = datetime.fromtimestamp(now, UTC)
    return int(datetime(dt.year, dt.month, 1, tzinfo=UTC).timestamp())


def utc_day(ts: int) -> str:
    """``ts`` as ``2026-11-26`` (UTC)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
