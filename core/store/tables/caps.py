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
class Drawn:
    """One ledger entry that drew Connects of a spending kind: its kind, the Connects it took,
    its bid (if any) and the Connects that came back to that bid."""

    kind: str
    amount: int
    bid_id: int | None
    returned: int
    at: int


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


async def drawn_since(
    tx: Tx, account_id: int, actor: str, since: int, kinds: Sequence[str]
) -> list[Drawn]:
    """The entries of ``kinds`` by which ``actor`` drew from ``account_id`` at ``since`` or
    later, oldest first, each with the Connects returned to its bid."""
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    params: dict[str, object] = {f"k{i}": kind for i, kind in enumerate(kinds)}
    rows = await tx.fetchall(
        "SELECT e.kind, -e.delta AS amount, e.bid_id, e.created_at, "
        "COALESCE(b.refunded, 0) AS returned "
        "FROM entries e LEFT JOIN bids b ON b.id = e.bid_id "
        f"WHERE e.account_id = :a AND e.actor = :m AND e.created_at >= :since "
        f"AND e.kind IN ({marks}) ORDER BY e.created_at, e.id",
        {**params, "a": account_id, "m": actor, "since": since},
    )
    return [
        Drawn(
            str(r["kind"]),
            int(r["amount"]),
            _opt(r["bid_id"]),
            int(r["returned"]),
            int(r["created_at"]),
        )
        for r in rows
    ]
