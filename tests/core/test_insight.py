"""Insight helpers: the balance chart, time formatting, and the statistics' rules."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.vocabulary import BidStatus
from core.reads.chart import chart_figure, chart_png, time_axis
from core.reads.export import plain_dollars
from core.reads.insight import Stats, free_connects, iso, since
from core.store.tables.insight import BidFigures, Draw

DAY = 86400
T0 = 1_790_000_000  # 2026-09-21 14:13:20 UTC
ONE_ENTRY = [(T0, 60)]
WITHIN_AN_HOUR = [(T0 + i * 7 * 60, 60 - 3 * i) for i in range(6)]  # 35 minutes
A_YEAR = [(T0 + i * 4 * DAY, 5 + (i * 7) % 50) for i in range(92)]  # 364 days
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def x_ticks(fig: Any) -> list[tuple[float, str]]:
    """The x axis ticks inside the view: (position, label)."""
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    return [
        (x, label.get_text())
        for x, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
        if lo <= x <= hi
    ]


@pytest.mark.parametrize(
    "series",
    [ONE_ENTRY, WITHIN_AN_HOUR, A_YEAR, [(T0 + i * 2 * 3600, 60 - i) for i in range(30)]],
    ids=["one entry", "within an hour", "a year", "a few days"],
)
def test_chart_is_a_phone_sized_png(series: list[tuple[int, int]]) -> None:
    """Every chart is a 960x624 PNG: crisp on a phone screen 360-400 px wide."""
    assert png_size(chart_png(series, "Your wallet: Connects over time")) == (960, 624)


@pytest.mark.parametrize(
    ("series", "tick", "axis_label"),
    [
        (ONE_ENTRY, r"\d\d:\d\d", "21 September 2026 (UTC)"),
        (WITHIN_AN_HOUR, r"\d\d:\d\d", "21 September 2026 (UTC)"),
        (A_YEAR, rf"({MONTHS})\n20\d\d", "Date (UTC)"),
    ],
    ids=["one entry", "within an hour", "a year"],
)
def test_chart_x_axis_shows_dates_and_times(
    series: list[tuple[int, int]], tick: str, axis_label: str
) -> None:
    """The x axis is time in every case: times of day under the date for a history within
    one day, months and years for a long one; never entry numbers. Each label names the time
    at its position, and the positions span the history."""
    fig = chart_figure(series, "Your wallet: Connects over time")
    ticks = x_ticks(fig)
    assert 3 <= len(ticks) <= 5, ticks
    assert fig.axes[0].get_xlabel() == axis_label
    for x, text in ticks:
        assert re.fullmatch(tick, text), ticks
        at = datetime.fromtimestamp(round(x), UTC)
        assert text in (f"{at:%H:%M}", f"{at:%b}\n{at.year}")
        assert series[0][0] - DAY <= x <= series[-1][0] + 60 * DAY
    assert not any(re.fullmatch(r"\d{1,3}", text) for _, text in ticks)


@pytest.mark.parametrize(
    ("series", "title"),
    [
        (ONE_ENTRY, "Your wallet: Connects over time"),
        (WITHIN_AN_HOUR, "Your wallet: Connects over time"),
        (A_YEAR, "Pool agency: Connects over time"),
        (
            [(T0 + i * 5 * 3600, 12_600 - 370 * i) for i in range(12)],
            "Pool agency-with-a-long-name-of-forty-ch: Connects over time",
        ),
    ],
    ids=["one entry", "within an hour", "a year", "long title, big balance"],
)
def test_chart_text_stays_inside_and_last_balance_is_labelled(
    series: list[tuple[int, int]], title: str
) -> None:
    """Every piece of text (title, axis labels, ticks, the last balance) lies inside the
    figure, and the image's edges are blank: nothing is clipped."""
    fig = chart_figure(series, title)
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    texts = [
        t for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()) if t.get_text()
    ]
    assert len(texts) >= 10  # title, two axis labels, x and y ticks, the last balance
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0, (text.get_text(), box)
        assert box.x1 <= width and box.y1 <= height, (text.get_text(), box)
    last = f"{series[-1][1]:,}"
    assert [t.get_text() for t in fig.axes[0].texts] == [last]
    from PIL import Image

    image = Image.open(io.BytesIO(chart_png(series, title))).convert("L")
    w, h = image.size
    for box in ((0, 0, w, 3), (0, h - 3, w, h), (0, 0, 3, h), (w - 3, 0, w, h)):
        assert image.crop(box).getextrema()[0] > 240, f"ink at the edge {box}"


def test_time_axis_keeps_three_to_five_ticks_at_any_span() -> None:
    """From one entry to five years, the axis has 3-5 round ticks inside its range, each
    with a date or time label."""
    span = 0
    while span < 5 * 365 * DAY:
        for start in (T0, T0 + 9 * 3600 + 50 * 60):
            axis = time_axis(start, start + span)
            assert 3 <= len(axis.ticks) <= 5, (span, axis.ticks)
            assert all(axis.start <= t <= axis.end for t in axis.ticks)
            labels = [axis.tick(datetime.fromtimestamp(t, UTC)) for t in axis.ticks]
            assert all(re.search(rf"\d\d:\d\d|{MONTHS}", label) for label in labels)
        span = span * 5 // 4 + 60


def test_one_shot_commands_do_not_import_matplotlib() -> None:
    """The chart module imports matplotlib only when it draws."""
    code = (
        "import sys, core.app, core.commands.account, core.commands.stats, core.reads.chart; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_dollars_for_spreadsheets() -> None:
    """Export dollars are plain numbers with two decimals; unknown is empty."""
    assert [plain_dollars(c) for c in (1250, 5, 0, -75, 123_456_789, None)] == [
        "12.50",
        "0.05",
        "0.00",
        "-0.75",
        "1234567.89",
        "",
    ]


def test_times_are_utc() -> None:
    """Stored epoch seconds print as ISO 8601 UTC; periods count back from now."""
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(None) == ""
    assert since("week", 10 * DAY) == 3 * DAY
    assert since("all", 10 * DAY) == 0


def test_reply_dates_read_as_utc_in_text() -> None:
    """A date placed with when() reads as a UTC date in plain text, and any format elsewhere;
    text that looks like a date token is only text."""
    from core.interface.reply import Renderer, Reply, render, when

    reply = Reply("Bought", ["Expire on " + when(1_800_000_000)])
    assert reply.text() == "Bought\nExpire on 2027-01-15"
    angle = Renderer(date=lambda d: f"<{d.ts}>")
    assert render("at " + when(5), angle) == "at <5>"
    assert render("no dates ⟦t:5⟧ <t:5>", angle) == "no dates ⟦t:5⟧ <t:5>"
    assert "x " + when(10**15) == "x @1000000000000000"  # out of the calendar: no crash


def _bid(bid_id: int, refunded: int, status: BidStatus = BidStatus.SUBMITTED) -> BidFigures:
    return BidFigures(bid_id, "console:ana", 10, 0, refunded, 150, 0, status, T0)


def test_free_connects_are_what_grants_paid_after_refunds_to_the_newest_lots() -> None:
    """A refund gives back to the newest lot first: what stays spent from lots that cost
    nothing (grants) is the bid's free part."""
    bids = [_bid(1, 3), _bid(2, 0), _bid(3, 6), _bid(4, 0)]
    drawn = [
        Draw(1, 5, 0),  # bid 1: a grant (newest), then a purchase; 3 come back from the grant
        Draw(1, 5, 750),
        Draw(2, 4, 0),
        Draw(3, 5, 750),  # bid 3: a purchase (newest) gives back 5, the grant 1
        Draw(3, 5, 0),
        Draw(4, 10, 1500),  # bought only: nothing free
    ]
    assert free_connects(bids, drawn) == {1: 2, 2: 4, 3: 4}
    assert free_connects([], []) == {}


def test_stats_count_a_bid_awaiting_news_past_the_cutoff_as_ghosted() -> None:
    total = Stats()
    total.add(_bid(1, 0, BidStatus.HIRED), ghost_before=T0 + 1)
    total.add(_bid(2, 4, BidStatus.VIEWED), ghost_before=T0 + 1, free=3)
    total.add(_bid(3, 0, BidStatus.SUBMITTED), ghost_before=T0)
    assert (total.bids, total.hired, total.ghosted, total.ghosted_connects) == (3, 1, 1, 6)
    assert (total.net, total.free, total.net_cents) == (26, 3, 450)


@given(
    first=st.integers(T0, T0 + 400 * DAY),
    span=st.integers(0, 3 * 365 * DAY),
    lag=st.integers(0, 90 * DAY),
)
def test_time_axis_ends_at_now(first: int, span: int, lag: int) -> None:
    """The chart's time axis ends at the moment it is drawn, never past it: the last balance
    holds up to now and is not drawn into the future; its ticks stay 3-5 and inside."""
    now = first + span + lag
    axis = time_axis(first, first + span, now)
    assert axis.end == now
    assert 3 <= len(axis.ticks) <= 5, (span, lag, axis.ticks)
    assert all(axis.start <= t <= axis.end for t in axis.ticks)
