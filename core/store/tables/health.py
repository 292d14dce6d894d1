"""What an operator's probes and metrics read: whether the database answers, the notices
waiting to be sent, the current cost models' errors, and the accounts whose cached balance
differs from the sum of their entries (which must be none)."""

from __future__ import annotations

from dataclasses import dataclass

from core.store.base import Tx


async def ping(tx: Tx) -> bool:
    """Whether the database answers a query."""
    row = await tx.fetchone("SELECT 1 AS one")
    return row is not None and int(row["one"]) == 1


async def notice_backlog(tx: Tx) -> int:
    """Notices recorded and not sent yet (failed ones included until they are given up)."""
    row = await tx.fetchone("SELECT COUNT(*) AS n FROM notices WHERE sent_at IS NULL")
    return int(row["n"]) if row is not None else 0


@dataclass(frozen=True, slots=True)
class Fit:
    """A scope's current cost model: bids it learned from, its cross-validated error in
    hundredths of a Connect (``None`` before a fit), the heuristic's on the same bids, and
    whether it answers quotes."""

    scope: str
    sample_size: int
    mae_hundredths: int | None
    heuristic_mae_hundredths: int | None
    in_use: bool


async def fits(tx: Tx) -> list[Fit]:
    """Every scope's current cost model that was fitted, by scope."""
    rows = await tx.fetchall(
        "SELECT scope, sample_size, mae_hundredths, heuristic_mae_hundredths, in_use "
        "FROM cost_models WHERE fitted_at > 0 ORDER BY scope"
    )
    return [
        Fit(
            str(r["scope"]),
            int(r["sample_size"]),
            None if r["mae_hundredths"] is None else int(r["mae_hundredths"]),
            None if r["heuristic_mae_hundredths"] is None else int(r["heuristic_mae_hundredths"]),
            bool(r["in_use"]),
        )
        for r in rows
    ]


async def unbalanced(tx: Tx) -> int:
    """How many accounts' cached balance differs from the sum of their entries (0 always,
    unless the database was changed behind the bot's back)."""
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM accounts a WHERE a.balance <> "
        "(SELECT COALESCE(SUM(e.delta), 0) FROM entries e WHERE e.account_id = a.id)"
    )
    return int(row["n"]) if row is not None else 0
