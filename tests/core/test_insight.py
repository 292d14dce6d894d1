"""Insight helpers: the balance chart and time formatting."""

from __future__ import annotations

import struct

import pytest

from core.chart import chart_png
from core.insight import iso, since

DAY = 86400


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    "series",
    [
        [(1_790_000_000, 60)],
        [(1_790_000_000 + i * 60, 60 - i) for i in range(10)],
        [(1_790_000_000 + i * DAY, (i * 7) % 50) for i in range(90)],
    ],
    ids=["one entry", "one afternoon", "three months"],
)
def test_chart_is_a_phone_sized_png(series: list[tuple[int, int]]) -> None:
    """Charts of one entry, a short burst and months of history are 960x540 PNGs."""
    assert png_size(chart_png(series, "Your wallet: Connects over time")) == (960, 540)


def test_times_are_utc() -> None:
    """Stored epoch seconds print as ISO 8601 UTC; periods count back from now."""
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(None) == ""
    assert since("week", 10 * DAY) == 3 * DAY
    assert since("all", 10 * DAY) == 0


def test_reply_dates_read_as_utc_in_text() -> None:
    """A date placed with when() reads as a UTC date in plain text, and any format elsewhere."""
    from core.reply import Reply, times, when

    reply = Reply("Bought", [f"Expire on {when(1_800_000_000)}"])
    assert reply.text() == "Bought\nExpire on 2027-01-15"
    assert times(f"at {when(5)}", lambda ts: f"<{ts}>") == "at <5>"
    assert times("no dates ⟦here⟧") == "no dates ⟦here⟧"
