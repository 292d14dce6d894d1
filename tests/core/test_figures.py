"""Figures shown to the precision that keeps them true: never truncated into a rounder number.

The case: ``/stats`` showed "Per hire 60 Connects" for 609 Connects over 10 hires.
"""

from __future__ import annotations

import pytest

from core.app import App
from core.base.figures import per, per_cents, percent
from core.quotes.winrates import _pct
from tests.conftest import actor

ANA = actor("ana")


async def test_per_hire_keeps_its_decimal(app: App) -> None:
    """609 Connects (and $30.45) over 10 hires: 60.9 Connects and $3.05 (half a cent rounds
    up) per hire, through /stats as any platform shows it."""
    assert not (await app.run_text(ANA, "/buy connects:600 paid:30.45", "b0")).error
    for i in range(10):
        connects = 60 if i == 0 else 61
        bid = await app.run_text(ANA, f'/bid job:"Job {i}" connects:{connects}', f"b{i + 1}")
        assert not bid.error, bid.title
        assert not (await app.run_text(ANA, f"/outcome bid:#{i + 1} status:hired", f"o{i}")).error
    fields = dict((await app.run_text(ANA, "/stats period:all", "s1")).fields)
    assert fields["Bids"] == "10 · won 10 (100%)"
    assert fields["Per hire"].startswith("60.9 Connects · $")
    assert "60 Connects" not in fields["Per hire"]


@pytest.mark.parametrize(
    ("total", "count", "shown"),
    [(609, 10, "60.9"), (600, 10, "60"), (1000, 3, "333.3"), (2, 3, "0.7"), (6099, 100, "61.0")],
)
def test_per(total: int, count: int, shown: str) -> None:
    assert per(total, count) == shown


@pytest.mark.parametrize(
    ("cents", "count", "expected"),
    [(1005, 10, 101), (1004, 10, 100), (-1005, 10, -101), (3045, 10, 305), (0, 3, 0)],
)
def test_per_cents_rounds_half_up(cents: int, count: int, expected: int) -> None:
    assert per_cents(cents, count) == expected


@pytest.mark.parametrize(
    ("part", "whole", "places", "shown"),
    [
        (1, 4, 1, "25"),
        (150, 50_000, 1, "0.3"),
        (2_000, 500, 1, "400"),
        (1, 3, 0, "33"),
        (199, 200, 0, ">99"),
        (1, 300, 0, "<1"),
        (1, 3_000, 1, "<0.1"),
        (2_999, 3_000, 1, ">99.9"),
    ],
)
def test_percent_never_rounds_to_all_or_none(
    part: int, whole: int, places: int, shown: str
) -> None:
    assert percent(part, whole, places) == shown


@pytest.mark.parametrize(
    ("share", "shown"),
    [(0.996, ">99%"), (0.0004, "<0.1%"), (1.0, "100%"), (0.0, "0%"), (0.15, "15%")],
)
def test_hire_rates_never_read_as_all_or_none(share: float, shown: str) -> None:
    """The hire rates of "what wins" and "jobs like this" (and their 95% intervals)."""
    assert _pct(share) == shown
