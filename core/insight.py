"""Insight: history, statistics, CSV exports and the balance chart.

Exports are deterministic: rows in id order, times as ISO 8601 UTC, integers as written, so the
same ledger always gives the same bytes on every backend.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.store.base import Row, Tx

PERIOD_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}

ENTRY_COLUMNS = (
    "entry", "time", "account", "account_kind", "owner", "kind", "delta", "balance_after",
    "actor", "request", "memo", "bid", "job", "bid_connects", "boost", "bid_status",
    "rate_type", "rate_cents", "note", "refunded", "refund_reason",
)


def iso(ts: int | None) -> str:
    """Epoch seconds as ``2026-11-26T04:00:00Z``; empty for ``None``."""
    if ts is None:
        return ""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d")


def since(period: str, now: int) -> int:
    """The start of ``period`` (``week``, ``month``, ``quarter``, ``year``, ``all``) before now."""
    days = PERIOD_DAYS.get(period)
    return 0 if days is None else now - days * 86400


async def recent_entries(tx: Tx, account_id: int, limit: int) -> Sequence[Row]:
    """The account's newest ``limit`` entries, newest first."""
    return await tx.fetchall(
        "SELECT e.*, b.job FROM entries e LEFT JOIN bids b ON b.id = e.bid_id "
        "WHERE e.account_id = :a ORDER BY e.id DESC LIMIT :n",
        {"a": account_id, "n": limit},
    )


async def balance_series(tx: Tx, account_id: int, limit: int = 1000) -> list[tuple[int, int]]:
    """(time, balance after) of the account's last ``limit`` entries, oldest first."""
    rows = await tx.fetchall(
        "SELECT created_at, balance_after FROM entries WHERE account_id = :a "
        "ORDER BY id DESC LIMIT :n",
        {"a": account_id, "n": limit},
    )
    return [(int(r["created_at"]), int(r["balance_after"])) for r in reversed(rows)]


@dataclass(slots=True)
class Stats:
    """Figures for a set of bids."""

    bids: int = 0
    connects: int = 0
    boost: int = 0
    refunded: int = 0
    cents: int = 0
    refunded_cents: int = 0
    hired: int = 0
    lost: int = 0
    interviewing: int = 0
    ghosted: int = 0
    ghosted_connects: int = 0
    members: dict[str, Stats] = field(default_factory=dict)

    @property
    def net(self) -> int:
        return self.connects + self.boost - self.refunded

    @property
    def net_cents(self) -> int:
        return self.cents - self.refunded_cents

    @property
    def win_rate_pct(self) -> int | None:
        """Hires per bid, percent rounded half up; ``None`` without bids."""
        return None if not self.bids else (self.hired * 200 + self.bids) // (self.bids * 2)

    def add(self, bid: Row, ghost_before: int) -> None:
        self.bids += 1
        self.connects += int(bid["connects"])
        self.boost += int(bid["boost"])
        self.refunded += int(bid["refunded"])
        self.cents += int(bid["cost_cents"])
        self.refunded_cents += int(bid["refunded_cents"])
        status = bid["status"]
        if status == "hired":
            self.hired += 1
        elif status == "lost":
            self.lost += 1
        elif status == "interviewing":
            self.interviewing += 1
        elif status == "ghosted" or (
            status in ("submitted", "viewed") and int(bid["updated_at"]) < ghost_before
        ):
            self.ghosted += 1
            self.ghosted_connects += int(bid["connects"]) + int(bid["boost"]) - int(
                bid["refunded"])


async def stats(tx: Tx, *, bidder: str | None, pool_id: int | None, start: int, now: int,
                ghost_days: int) -> Stats:
    """Figures for the user's wallet bids (``bidder``) or a pool's bids, per member."""
    if pool_id is not None:
        rows = await tx.fetchall(
            "SELECT * FROM bids WHERE pool_id = :p AND created_at >= :s "
            "AND status <> 'undone' ORDER BY id",
            {"p": pool_id, "s": start},
        )
    else:
        rows = await tx.fetchall(
            "SELECT * FROM bids WHERE bidder = :b AND pool_id IS NULL AND created_at >= :s "
            "AND status <> 'undone' ORDER BY id",
            {"b": bidder, "s": start},
        )
    total = Stats()
    ghost_before = now - ghost_days * 86400
    for bid in rows:
        total.add(bid, ghost_before)
        if pool_id is not None:
            total.members.setdefault(str(bid["bidder"]), Stats()).add(bid, ghost_before)
    return total


async def export_rows(tx: Tx, account_ids: Sequence[int] | None) -> Sequence[Row]:
    """Ledger entries joined with their bids and owners, in id order; all when ``None``."""
    where = ""
    params: dict[str, int] = {}
    if account_ids is not None:
        marks = []
        for i, account in enumerate(account_ids):
            params[f"a{i}"] = account
            marks.append(f":a{i}")
        where = f"WHERE e.account_id IN ({', '.join(marks) or 'NULL'}) "
    return await tx.fetchall(
        "SELECT e.id AS entry, e.created_at, e.account_id, a.kind AS account_kind, "
        "COALESCE(u.key, p.scope || '/' || p.name) AS owner, e.kind, e.delta, e.balance_after, "
        "e.actor, e.request_id, e.memo, e.bid_id, b.job, b.connects AS bid_connects, b.boost, "
        "b.status AS bid_status, b.rate_type, b.rate_cents, b.note, b.refunded, "
        "b.refund_reason FROM entries e JOIN accounts a ON a.id = e.account_id "
        "LEFT JOIN users u ON u.account_id = e.account_id "
        "LEFT JOIN pools p ON p.account_id = e.account_id "
        f"LEFT JOIN bids b ON b.id = e.bid_id {where}ORDER BY e.id",
        params,
    )


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def to_csv(rows: Sequence[Row]) -> bytes:
    """The export rows as CSV bytes (UTF-8, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ENTRY_COLUMNS)
    for r in rows:
        writer.writerow([
            r["entry"], iso(r["created_at"]), r["account_id"], r["account_kind"], r["owner"],
            r["kind"], r["delta"], r["balance_after"], r["actor"], r["request_id"], r["memo"],
            *(_cell(r[k]) for k in ("bid_id", "job", "bid_connects", "boost", "bid_status",
                                    "rate_type", "rate_cents", "note", "refunded",
                                    "refund_reason")),
        ])
    return out.getvalue().encode("utf-8")


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
