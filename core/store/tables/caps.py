"""The ``spend_caps`` table, and the draws of spending kinds a cap counts.

What a cap means and when it refuses is :mod:`core.ledger.caps`; here is only SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.store.base import Tx

Setter = Literal["self", "admin"]


@dataclass(frozen=True, slots=True)
class CapRow:
    """The caps one setter put on one spender's draws from one account (``None``: no limit)."""

    setter: Setter
    daily: int | None
    weekly: int | None
    boost: int | None


@dataclass(frozen=True, slots=True)
class Spending:
    """Connects a spender drew in a day and in the week holding it, net of what came back:
    the day's total, the day's boost kinds, the week's total."""

    day: int
    day_boost: int
    week: int


def _opt(value: object) -> int | None:
    return None if value is None else int(str(value))


async def caps_of(tx: Tx, account_id: int, member: str) -> list[CapRow]:
    """Every setter's caps on ``member``'s draws from ``account_id``."""
    rows = await tx.fetchall(
        "SELECT setter, daily, weekly, boost FROM spend_caps "
        "WHERE account_id = :a AND member = :m ORDER BY setter",
        {"a": account_id, "m": member},
    )
    return [
        CapRow(
            "admin" if str(r["setter"]) == "admin" else "self",
            _opt(r["daily"]),
            _opt(r["weekly"]),
            _opt(r["boost"]),
        )
        for r in rows
    ]


async def put(
    tx: Tx,
    account_id: int,
    member: str,
    row: CapRow,
    set_by: str,
    now: int,
) -> None:
    """Store ``row`` as the setter's caps on ``member`` (replacing theirs); a row with no cap
    left is removed."""
    key = {"a": account_id, "m": member, "s": row.setter}
    if row.daily is None and row.weekly is None and row.boost is None:
        await tx.execute(
            "DELETE FROM spend_caps WHERE account_id = :a AND member = :m AND setter = :s", key
        )
        return
    await tx.execute(
        "INSERT INTO spend_caps (account_id, member, setter, daily, weekly, boost, set_by, "
        "updated_at) VALUES (:a, :m, :s, :d, :w, :b, :by, :now) "
        "ON CONFLICT (account_id, member, setter) DO UPDATE SET daily = excluded.daily, "
        "weekly = excluded.weekly, boost = excluded.boost, set_by = excluded.set_by, "
        "updated_at = excluded.updated_at",
        {**key, "d": row.daily, "w": row.weekly, "b": row.boost, "by": set_by, "now": now},
    )


async def spending(
    tx: Tx,
    account_id: int,
    actor: str,
    day: int,
    week: int,
    kinds: Sequence[str],
    boosting: Sequence[str],
) -> Spending:
    """What ``actor`` drew from ``account_id`` by entries of ``kinds`` since ``day`` and since
    ``week`` (at or before ``day``), each bid net of the Connects that came back to it (its
    ``refunded``, taken off its boost first for the ``boosting`` kinds); an entry without a bid
    counts whole. One pass over the spender's entries of the week (index ``entries_spender``)."""
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    boost_marks = ", ".join(f":b{i}" for i in range(len(boosting))) or "NULL"
    params: dict[str, object] = {f"k{i}": kind for i, kind in enumerate(kinds)}
    params.update({f"b{i}": kind for i, kind in enumerate(boosting)})
    row = await tx.fetchone(
        "SELECT "
        "COALESCE(SUM(CASE WHEN g.at >= :day THEN g.drawn - g.back ELSE 0 END), 0) AS day, "
        "COALESCE(SUM(CASE WHEN g.at >= :day THEN g.boosted - "
        "CASE WHEN g.back < g.boosted THEN g.back ELSE g.boosted END ELSE 0 END), 0) "
        "AS day_boost, "
        "COALESCE(SUM(g.drawn - g.back), 0) AS week "
        "FROM (SELECT MIN(e.created_at) AS at, SUM(-e.delta) AS drawn, "
        f"SUM(CASE WHEN e.kind IN ({boost_marks}) THEN -e.delta ELSE 0 END) AS boosted, "
        "MAX(CASE WHEN b.refunded IS NULL THEN 0 WHEN b.refunded > b.connects + b.boost "
        "THEN b.connects + b.boost ELSE b.refunded END) AS back "
        "FROM entries e LEFT JOIN bids b ON b.id = e.bid_id "
        "WHERE e.account_id = :a AND e.actor = :m AND e.created_at >= :week "
        f"AND e.kind IN ({marks}) GROUP BY COALESCE(e.bid_id, -e.id)) g",
        {**params, "a": account_id, "m": actor, "day": day, "week": week},
    )
    if row is None:
        return Spending(0, 0, 0)
    return Spending(int(str(row["day"])), int(str(row["day_boost"])), int(str(row["week"])))
