"""The ``pools`` and ``pool_members`` tables: a community's shared accounts, their members and
allowances, and what a member spent from one since a moment.

Who may read or change a pool is decided in :mod:`core.ledger.pools`; here is only SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from core.store.base import Row, Tx


class Pool(NamedTuple):
    """A shared account of one scope (a server, a workspace), with its owner, its low-balance
    threshold (0: off) and the channel warned below it."""

    id: int
    scope: str
    name: str
    account_id: int
    owner: str
    threshold: int
    channel: str | None


class Member(NamedTuple):
    key: str
    allowance: int | None  # Connects a month; None: no limit


class Membership(NamedTuple):
    """One of a user's pools, with its balance and the user's allowance in it."""

    pool: Pool
    balance: int
    allowance: int | None


def _pool(row: Row) -> Pool:
    channel = row["channel"]
    return Pool(
        int(row["id"]),
        str(row["scope"]),
        str(row["name"]),
        int(row["account_id"]),
        str(row["owner"]),
        int(row["threshold"]),
        None if channel is None else str(channel),
    )


def _allowance(row: Row) -> int | None:
    value = row["allowance"]
    return None if value is None else int(value)


async def by_name(tx: Tx, scope: str, name: str) -> Pool | None:
    """The pool ``name`` of ``scope``, or ``None``."""
    row = await tx.fetchone(
        "SELECT * FROM pools WHERE scope = :s AND name = :n", {"s": scope, "n": name}
    )
    return None if row is None else _pool(row)


async def by_id(tx: Tx, pool_id: int) -> Pool | None:
    """The pool ``pool_id``, or ``None``."""
    row = await tx.fetchone("SELECT * FROM pools WHERE id = :id", {"id": pool_id})
    return None if row is None else _pool(row)


async def member(tx: Tx, pool_id: int, key: str) -> Member | None:
    """The member ``key`` of the pool, or ``None``."""
    row = await tx.fetchone(
        "SELECT member, allowance FROM pool_members WHERE pool_id = :p AND member = :m",
        {"p": pool_id, "m": key},
    )
    return None if row is None else Member(str(row["member"]), _allowance(row))


async def members(tx: Tx, pool_id: int) -> list[Member]:
    """The pool's members, by key."""
    rows = await tx.fetchall(
        "SELECT member, allowance FROM pool_members WHERE pool_id = :p ORDER BY member",
        {"p": pool_id},
    )
    return [Member(str(r["member"]), _allowance(r)) for r in rows]


async def spent_since(tx: Tx, pool_id: int, member: str, since: int) -> int:
    """Connects ``member`` spent from the pool on bids placed at ``since`` or later, net of
    what came back."""
    row = await tx.fetchone(
        "SELECT COALESCE(SUM(connects + boost - refunded), 0) AS s FROM bids "
        "WHERE pool_id = :p AND bidder = :m AND created_at >= :since",
        {"p": pool_id, "m": member, "since": since},
    )
    return int(row["s"]) if row else 0


async def of_member(tx: Tx, key: str, scope: str) -> list[Membership]:
    """The pools of ``scope`` the user belongs to, by name, with their balances."""
    rows = await tx.fetchall(
        "SELECT p.*, a.balance, m.allowance FROM pool_members m JOIN pools p "
        "ON p.id = m.pool_id JOIN accounts a ON a.id = p.account_id "
        "WHERE m.member = :m AND p.scope = :s ORDER BY p.name",
        {"m": key, "s": scope},
    )
    return [Membership(_pool(r), int(r["balance"]), _allowance(r)) for r in rows]


async def stale_accounts(tx: Tx, key: str, scope: str, now: int) -> Sequence[int]:
    """Accounts of the user's pools in ``scope`` holding lots expired by ``now`` and not swept
    yet, ascending."""
    rows = await tx.fetchall(
        "SELECT DISTINCT p.account_id FROM pool_members m JOIN pools p ON p.id = m.pool_id "
        "JOIN lots l ON l.account_id = p.account_id WHERE m.member = :m AND p.scope = :s "
        "AND l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at <= :now "
        "ORDER BY p.account_id",
        {"m": key, "s": scope, "now": now},
    )
    return [int(r["account_id"]) for r in rows]


async def insert(
    tx: Tx, scope: str, name: str, account_id: int, owner: str, channel: str | None, now: int
) -> int:
    """A new pool drawing on ``account_id``, threshold off; its id."""
    row = await tx.fetchone(
        "INSERT INTO pools (scope, name, account_id, owner, threshold, channel, created_at) "
        "VALUES (:s, :n, :a, :o, 0, :c, :now) RETURNING id",
        {"s": scope, "n": name, "a": account_id, "o": owner, "c": channel, "now": now},
    )
    assert row is not None
    return int(row["id"])


async def add_member(tx: Tx, pool_id: int, key: str, now: int) -> bool:
    """Add a member with no allowance limit; ``False`` when they already were one."""
    added = await tx.execute(
        "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
        "VALUES (:p, :m, NULL, :now) ON CONFLICT (pool_id, member) DO NOTHING",
        {"p": pool_id, "m": key, "now": now},
    )
    return bool(added)


async def remove_member(tx: Tx, pool_id: int, key: str) -> bool:
    """Remove a member; ``False`` when they were none."""
    removed = await tx.execute(
        "DELETE FROM pool_members WHERE pool_id = :p AND member = :m", {"p": pool_id, "m": key}
    )
    return bool(removed)


async def set_allowance(tx: Tx, pool_id: int, key: str, connects: int | None) -> bool:
    """A member's monthly allowance (``None``: no limit); ``False`` when they are no member."""
    changed = await tx.execute(
        "UPDATE pool_members SET allowance = :n WHERE pool_id = :p AND member = :m",
        {"n": connects, "p": pool_id, "m": key},
    )
    return bool(changed)


async def set_threshold(tx: Tx, pool_id: int, connects: int, channel: str | None) -> None:
    """The pool's low-balance threshold (0: off) and the channel warned below it."""
    await tx.execute(
        "UPDATE pools SET threshold = :n, channel = :c WHERE id = :p",
        {"n": connects, "c": channel, "p": pool_id},
    )
