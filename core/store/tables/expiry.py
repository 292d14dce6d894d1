"""The reads behind a balance view's expiry lines: an account's lots that expire soon, and
whether any has expired and is not swept yet.

Apart from :mod:`core.store.tables.insight` so that ``/balance`` does not load the records of
history and statistics.
"""

from __future__ import annotations

from typing import NamedTuple

from core.store.base import Tx


class Due(NamedTuple):
    """Connects of one lot that expire soon."""

    remaining: int
    expires_at: int


async def expiring_by(tx: Tx, account_id: int, until: int) -> list[Due]:
    """The account's lots with Connects left that expire at ``until`` or before (already
    past included), soonest first."""
    rows = await tx.fetchall(
        "SELECT remaining, expires_at FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :until ORDER BY expires_at, id",
        {"a": account_id, "until": until},
    )
    return [Due(int(r["remaining"]), int(r["expires_at"])) for r in rows]


async def has_expired(tx: Tx, account_id: int, now: int) -> bool:
    """Whether the account holds lots past their expiry date that are not swept yet."""
    row = await tx.fetchone(
        "SELECT 1 AS x FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :now LIMIT 1",
        {"a": account_id, "now": now},
    )
    return row is not None
