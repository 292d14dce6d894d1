"""The balance chart: a step chart of an account's balance, drawn with matplotlib (imported
only when a chart is drawn, so one-shot commands stay light)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from core.dates import utc_day as day


def chart_png(series: Sequence[tuple[int, int]], title: str) -> bytes:
    """A step chart of the balance, sized and labelled to read on a phone.

    Over two days or more the x axis is the date; a shorter history is drawn entry by entry,
    where a time axis would squeeze every change into one vertical line.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    values = [b for _, b in series]
    by_date = len(series) > 1 and series[-1][0] - series[0][0] >= 2 * 86400
    if by_date:
        xs = [float(mdates.date2num(datetime.fromtimestamp(t, UTC)))  # type: ignore[no-untyped-call]
              for t, _ in series]
    else:
        xs = [float(i) for i in range(1, len(series) + 1)]
    if xs:  # hold the last balance for one more step, so it shows as a level, not a tick
        xs.append(xs[-1] + (1.0 if not by_date else max((xs[-1] - xs[0]) * 0.03, 0.1)))
        values.append(values[-1])
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=150)
    try:
        ax.step(xs, values, where="post", color="#14a800", linewidth=2.2)
        ax.fill_between(xs, values, step="post", alpha=0.15, color="#14a800")
        ax.set_title(title, fontsize=13)
        ax.set_ylabel("Connects", fontsize=11)
        ax.set_ylim(bottom=0, top=max([*values, 1]) * 1.15)
        ax.grid(True, alpha=0.3)
        if by_date:
            ax.set_xlabel("Date (UTC)", fontsize=11)
            locator = mdates.AutoDateLocator(maxticks=5)  # type: ignore[no-untyped-call]
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(
                mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        else:
            first, last = day(series[0][0]), day(series[-1][0])
            span = first if first == last else f"{first} to {last}"
            ax.set_xlabel(f"Entries, oldest to newest ({span})", fontsize=11)
            count = len(series)
            step = max(1, -(-count // 6))
            ax.set_xticks(list(range(1, count + 1, step)))
            ax.set_xlim(0.5, count + 1.5)  # one extra step holds the last balance
        ax.tick_params(labelsize=10)
        if values:
            ax.annotate(f"{values[-1]}", (xs[-1], values[-1]), textcoords="offset points",
                        xytext=(4, 4), fontsize=11, fontweight="bold")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
