"""Notices: the ``notices`` queue (recorded once under a unique key, claimed with a lease,
marked sent or failed), and what the notice jobs read to decide them: accounts with expired
lots, pools below their threshold, lots about to expire (bids to ask about are
:mod:`core.store.tables.asks`).

:mod:`core.notices` decides and words the notices; this module only stores and reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.store.base import Tx

#: Where a notice goes: a channel of a server or workspace, or a private message.
TargetKind = Literal["channel", "dm"]


async def queue(
    tx: Tx,
    *,
    key: str,
    subject: str,
    platform: str,
    target_kind: TargetKind,
    scope: str | None,
    target: str,
    text: str,
    at_time: int | None,
    now: int,
    buttons: str | None = None,
) -> bool:
    """Record a notice under ``key`` (``text`` as stored, ``buttons`` as JSON or ``None``);
    ``False`` when that key was already taken, and nothing is recorded."""
    row = await tx.fetchone(
        "INSERT INTO notices (key, subject, platform, target_kind, scope, target, text, at_time, "
        "created_at, buttons) VALUES (:key, :subject, :platform, :kind, :scope, :target, :text, "
        ":at, :now, :buttons) ON CONFLICT (key) DO NOTHING RETURNING id",
        {
            "key": key,
            "subject": subject,
            "platform": platform,
            "kind": target_kind,
            "scope": scope,
            "target": target,
            "text": text,
            "at": at_time,
            "now": now,
            "buttons": buttons,
        },
    )
    return row is not None


async def last_queued(tx: Tx, subject: str) -> int | None:
    """When the newest notice about ``subject`` was recorded, or ``None`` for none."""
    row = await tx.fetchone(
        "SELECT MAX(created_at) AS t FROM notices WHERE subject = :s", {"s": subject}
    )
    return None if row is None or row["t"] is None else int(row["t"])


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice claimed for delivery."""

    id: int
    key: str
    target_kind: TargetKind
    scope: str | None
    target: str
    text: str  # as stored (core.interface.reply.stored)
    at_time: int | None
    buttons: str | None = None  # as kept (core.ledger.outcome_asks.packed), or None


async def claim(
    tx: Tx, *, platform: str, now: int, stale_before: int, max_attempts: int, batch: int
) -> list[Notice]:
    """Claim at most ``batch`` unsent notices of ``platform`` that no one holds (never claimed,
    or claimed before ``stale_before``) and that were tried fewer than ``max_attempts`` times:
    each gets its lease from ``now`` and one more attempt. In id order."""
    rows = await tx.fetchall(
        "UPDATE notices SET claimed_at = :now, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM notices WHERE platform = :p AND sent_at IS NULL "
        "AND (claimed_at IS NULL OR claimed_at < :stale) AND attempts < :max "
        "ORDER BY id LIMIT :n) "
        "AND sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < :stale) "
        "RETURNING id, key, target_kind, scope, target, text, at_time, buttons",
        {"now": now, "p": platform, "stale": stale_before, "max": max_attempts, "n": batch},
    )
    notices = [
        Notice(
            int(r["id"]),
            str(r["key"]),
            "channel" if r["target_kind"] == "channel" else "dm",
            None if r["scope"] is None else str(r["scope"]),
            str(r["target"]),
            str(r["text"]),
            None if r["at_time"] is None else int(r["at_time"]),
            None if r["buttons"] is None else str(r["buttons"]),
        )
        for r in rows
    ]
    return sorted(notices, key=lambda n: n.id)


async def mark_sent(tx: Tx, notice_id: int, now: int) -> None:
    """The notice was delivered at ``now``."""
    await tx.execute(
        "UPDATE notices SET sent_at = :now WHERE id = :id", {"now": now, "id": notice_id}
    )


async def mark_failed(tx: Tx, notice_id: int, error: str) -> None:
    """The notice's last delivery failed with ``error``; it is tried again after its lease."""
    await tx.execute(
        "UPDATE notices SET last_error = :e WHERE id = :id", {"e": error, "id": notice_id}
    )


# ------------------------------------------------------------------------ what the jobs read


async def accounts_with_expired_lots(tx: Tx, now: int) -> list[int]:
    """The accounts holding lots past their expiry at ``now`` with Connects left, ascending."""
    rows = await tx.fetchall(
        "SELECT DISTINCT account_id FROM lots WHERE remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY account_id",
        {"now": now},
    )
    return [int(r["account_id"]) for r in rows]


async def low_pools(tx: Tx) -> list[int]:
    """The pools with a threshold and a channel whose balance is below that threshold, by id."""
    rows = await tx.fetchall(
        "SELECT p.id FROM pools p JOIN accounts a ON a.id = p.account_id "
        "WHERE p.threshold > 0 AND p.channel IS NOT NULL AND a.balance < p.threshold "
        "ORDER BY p.id",
    )
    return [int(r["id"]) for r in rows]


@dataclass(frozen=True, slots=True)
class PoolBalance:
    """A pool with its balance and where its warnings go."""

    id: int
    name: str
    scope: str
    account_id: int
    balance: int
    threshold: int
    channel: str | None


async def pool_balance(tx: Tx, pool_id: int) -> PoolBalance | None:
    """The pool ``pool_id`` with its balance, or ``None``."""
    row = await tx.fetchone(
        "SELECT p.id, p.name, p.scope, p.account_id, a.balance, p.threshold, p.channel "
        "FROM pools p JOIN accounts a ON a.id = p.account_id WHERE p.id = :p",
        {"p": pool_id},
    )
    if row is None:
        return None
    return PoolBalance(
        int(row["id"]),
        str(row["name"]),
        str(row["scope"]),
        int(row["account_id"]),
        int(row["balance"]),
        int(row["threshold"]),
        None if row["channel"] is None else str(row["channel"]),
    )


@dataclass(frozen=True, slots=True)
class ExpiringLot:
    """A lot with Connects left that expires soon, and whose it is: a user's wallet
    (``user_key``) or a pool (its ``owner`` and ``pool_name``)."""

    id: int
    remaining: int
    expires_at: int
    user_key: str | None
    owner: str | None
    pool_name: str | None


async def expiring_lots(tx: Tx, now: int, until: int) -> list[ExpiringLot]:
    """The lots with Connects left that expire after ``now`` and at ``until`` or before, by id."""
    rows = await tx.fetchall(
        "SELECT l.id, l.remaining, l.expires_at, u.key AS user_key, p.owner, p.name "
        "FROM lots l LEFT JOIN users u ON u.account_id = l.account_id "
        "LEFT JOIN pools p ON p.account_id = l.account_id "
        "WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at > :now "
        "AND l.expires_at <= :until ORDER BY l.id",
        {"now": now, "until": until},
    )
    return [
        ExpiringLot(
            int(r["id"]),
            int(r["remaining"]),
            int(r["expires_at"]),
            None if r["user_key"] is None else str(r["user_key"]),
            None if r["owner"] is None else str(r["owner"]),
            None if r["name"] is None else str(r["name"]),
        )
        for r in rows
    ]
