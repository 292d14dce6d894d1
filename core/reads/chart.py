"""The balance chart: a step chart of an account's balance over time, drawn with matplotlib
(imported only when a chart is drawn, so one-shot commands stay light).

The chart is made for a phone: 960 px wide and shown 360-400 px wide, so its text is set at
10-12 pt on a 4-inch figure (13-16 px on the screen), with 3-5 ticks on the x axis. The x axis
is always time in UTC and ends at the moment the chart is drawn: times of day, with the date
as the axis label, when the history fits in one day; dates (and times, over a few days)
otherwise.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 4.0, 2.6, 240  # 960 x 624 px
GREEN, INK = "#14a800", "#1f2328"
MINUTE, HOUR, DAY = 60, 3600, 86400
MOST_TICKS = 5
# tick steps, finest first: fixed steps in seconds (aligned to UTC midnight), then days of the
# month, then months (aligned to January)
STEPS = (
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    4 * HOUR,
    6 * HOUR,
    8 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
)
MONTH_DAYS = (tuple(range(1, 29, 3)), (1, 6, 11, 16, 21, 26), (1, 8, 15, 22), (1, 15))
MONTHS = (1, 2, 3, 6, 12, 24, 36, 60, 120)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _months(start: int, end: int) -> Iterator[datetime]:
    """The first day of every month from ``start``'s to ``end``'s."""
    d = _utc(start)
    index, last = d.year * 12 + d.month - 1, _utc(end).year * 12 + _utc(end).month - 1
    while index <= last:
        yield datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)
        index += 1


def ticks(start: int, end: int) -> list[int]:
    """Tick times between ``start`` and ``end``: the finest round step giving at most
    ``MOST_TICKS`` (so 3-5 of them unless the range is very short or very long)."""
    for step in STEPS:
        marks = list(range(-(-start // step) * step, end + 1, step))
        if len(marks) <= MOST_TICKS:
            return marks
    for days in MONTH_DAYS:
        marks = [int(m.replace(day=d).timestamp()) for m in _months(start, end) for d in days]
        marks = [t for t in marks if start <= t <= end]
        if len(marks) <= MOST_TICKS:
            return marks
    for months in MONTHS:
        marks = [
            int(m.timestamp())
            for m in _months(start, end)
            if (m.year * 12 + m.month - 1) % months == 0
        ]
        marks = [t for t in marks if start <= t <= end]
        if len(marks) <= MOST_TICKS:
            return marks
    return marks


@dataclass(frozen=True, slots=True)
class TimeAxis:
    """The x range shown (epoch seconds), its ticks, how they read and the axis label."""

    start: int
    end: int
    ticks: list[int]
    label: str
    tick: Callable[[datetime], str]


def time_axis(first: int, last: int, now: int | None = None) -> TimeAxis:
    """The x axis for entries from ``first`` to ``last``: a margin before the first entry,
    and up to ``now``, where the last balance holds to, never past it (a balance drawn into
    the future would show what has not happened). Without ``now``, room after the last
    entry."""
    span = max(last, now or last) - first
    end = max(now, last) if now is not None else last + max(span // 12, 15 * MINUTE)
    # at least 20 minutes across (room for three ticks), widened back in time, never ahead
    start = min(first - max(span // 25, 5 * MINUTE), end - 20 * MINUTE)
    marks = ticks(start, end)
    a, b = _utc(start), _utc(end)
    if a.date() == b.date():
        return TimeAxis(start, end, marks, f"{a.day} {a:%B %Y} (UTC)", lambda d: f"{d:%H:%M}")
    if any(t % DAY for t in marks):
        return TimeAxis(
            start, end, marks, "Date and time (UTC)", lambda d: f"{d.day} {d:%b}\n{d:%H:%M}"
        )
    if end - start > 150 * DAY and all(_utc(t).day == 1 for t in marks):
        return TimeAxis(start, end, marks, "Date (UTC)", lambda d: f"{d:%b}\n{d.year}")
    years = str(a.year) if a.year == b.year else f"{a.year}–{b.year}"
    return TimeAxis(start, end, marks, f"Date (UTC), {years}", lambda d: f"{d.day} {d:%b}")


def chart_figure(series: Sequence[tuple[int, int]], title: str, now: int | None = None) -> Figure:
    """The chart of ``series`` ((epoch seconds, balance after), oldest first) as a matplotlib
    figure, its time axis ending at ``now``, drawn once so its layout, tick labels and text
    positions are final."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    if not series:
        raise ValueError("a chart needs at least one entry")
    axis = time_axis(series[0][0], series[-1][0], now)
    xs = [float(t) for t, _ in series] + [float(axis.end)]  # x is epoch seconds
    values = [b for _, b in series] + [series[-1][1]]  # the last balance holds to the edge

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # draws off screen: no pyplot, no global backend
    ax = fig.add_subplot()
    ax.step(xs, values, where="post", color=GREEN, linewidth=2.0)
    ax.fill_between(xs, values, step="post", alpha=0.15, color=GREEN, linewidth=0)
    ax.plot([xs[-2]], [values[-1]], "o", color=GREEN, markersize=5)
    ax.annotate(
        f"{values[-1]:,}",
        (xs[-1], values[-1]),
        textcoords="offset points",
        xytext=(-2, 5),
        ha="right",
        va="bottom",
        fontsize=12,
        fontweight="bold",
        color=INK,
    )
    ax.set_xlim(axis.start, axis.end)
    ax.xaxis.set_major_locator(FixedLocator(axis.ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: axis.tick(_utc(round(v)))))
    ax.set_xlabel(axis.label, fontsize=10, color=INK)
    top = max(*values, 1) * 1.3  # room above the line for the last balance
    ax.set_ylim(0, top)
    ax.yaxis.set_major_locator(
        FixedLocator(  # only ticks inside the axes get a label
            [
                y
                for y in MaxNLocator(nbins=4, integer=True, min_n_ticks=3).tick_values(0, top)
                if 0 <= y <= top
            ]
        )
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(v):,}"))
    ax.set_ylabel("Connects", fontsize=10, color=INK)
    _style(ax)
    _fit_title(fig, ax, title)
    return fig


def _style(ax: Axes) -> None:
    ax.grid(True, axis="y", alpha=0.35)
    ax.grid(True, axis="x", alpha=0.15)
    ax.tick_params(labelsize=10, colors=INK, length=3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _fit_title(fig: Figure, ax: Axes, title: str) -> None:
    """Set the title on one line if it fits the width at 12 or 11 pt, else on two lines, shrunk
    until it fits; the figure is drawn, so every position is final."""
    half = max(-(-len(title) // 2) + 4, 16)
    lines = textwrap.wrap(title, half) or [""]
    two = "\n".join(
        [lines[0], textwrap.shorten(" ".join(lines[1:]), half, placeholder="…")]
        if len(lines) > 2
        else lines
    )
    text = ax.set_title(title, fontsize=12, fontweight="bold", color=INK, loc="left")
    for words, size in (
        (title, 12.0),
        (title, 11.0),
        (two, 12.0),
        (two, 11.0),
        (two, 10.0),
        (two, 9.0),
    ):
        text.set_text(words)
        text.set_fontsize(size)
        fig.canvas.draw()
        if text.get_window_extent().x1 <= fig.bbox.width - 4:
            return


def chart_png(series: Sequence[tuple[int, int]], title: str, now: int | None = None) -> bytes:
    """The chart of ``series`` as a 960 x 624 PNG, its time axis ending at ``now``."""
    fig = chart_figure(series, title, now)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
