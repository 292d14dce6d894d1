"""Pools: a shared account of a community, its members, allowances, access and threshold.

A pool belongs to one scope (a server, a workspace) and has an owner. Its admins are the owner
and the scope's admins; members may spend from it within their monthly allowance (0: none).
Every rule about who may do what to a pool lives here; handlers only call it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from core.base.dates import month_start
from core.base.keys import Actor, UserRef
from core.interface.catalog import Access
from core.interface.errors import BadInput, Forbidden, NotFound
from core.interface.reply import Rich, cmd
from core.ledger import postings
from core.store.base import Row, Tx

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Pool:
    id: int
    scope: str
    name: str
    account_id: int
    owner: str
    threshold: int
    channel: str | None

    @staticmethod
    def of(row: Row) -> Pool:
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


@dataclass(frozen=True, slots=True)
class Member:
    key: str
    allowance: int | None  # Connects a month; None: no limit


def _allowance(value: object) -> int | None:
    return None if value is None else int(str(value))


@dataclass(frozen=True, slots=True)
class Membership:
    """One of a user's pools, with its balance and the user's allowance in it."""

    pool: Pool
    balance: int
    allowance: int | None


@dataclass(frozen=True, slots=True)
class PoolCreated:
    KIND: ClassVar[str] = "pool_created"
    pool: str
    channel: str | None


@dataclass(frozen=True, slots=True)
class MemberAdded:
    KIND: ClassVar[str] = "member_added"
    pool: str
    added: bool


@dataclass(frozen=True, slots=True)
class MemberRemoved:
    KIND: ClassVar[str] = "member_removed"
    pool: str


@dataclass(frozen=True, slots=True)
class AllowanceSet:
    KIND: ClassVar[str] = "allowance_set"
    pool: str
    allowance: int | None  # None: no limit
    spent: int

    @staticmethod
    def upgrade(version: int, body: dict[str, object]) -> dict[str, object]:
        """Results stored before schema 2 wrote 0 for "no limit"."""
        if version < 2 and body.get("allowance") == 0:
            body["allowance"] = None
        return body


@dataclass(frozen=True, slots=True)
class ThresholdSet:
    KIND: ClassVar[str] = "threshold_set"
    pool: str
    threshold: int
    channel: str | None


class Pools:
    """Pool lookups, access rules and membership changes."""

    async def find(self, tx: Tx, actor: Actor, name: str) -> Pool:
        """The pool ``name`` of the actor's server or workspace."""
        if actor.scope is None:
            raise BadInput("Pools belong to a server or workspace: use this command there.")
        key = name.strip().lower()
        row = await tx.fetchone(
            "SELECT * FROM pools WHERE scope = :s AND name = :n", {"s": actor.scope, "n": key}
        )
        if row is None:
            raise NotFound(
                Rich(f"No pool named {key!r} here. ", cmd("balance"), " lists your pools.")
            )
        return Pool.of(row)

    async def by_id(self, tx: Tx, pool_id: int) -> Pool | None:
        row = await tx.fetchone("SELECT * FROM pools WHERE id = :id", {"id": pool_id})
        return None if row is None else Pool.of(row)

    async def member(self, tx: Tx, pool_id: int, key: str) -> Member | None:
        row = await tx.fetchone(
            "SELECT member, allowance FROM pool_members WHERE pool_id = :p AND member = :m",
            {"p": pool_id, "m": key},
        )
        return None if row is None else Member(str(row["member"]), _allowance(row["allowance"]))

    async def members(self, tx: Tx, pool_id: int) -> list[Member]:
        rows = await tx.fetchall(
            "SELECT member, allowance FROM pool_members WHERE pool_id = :p ORDER BY member",
            {"p": pool_id},
        )
        return [Member(str(r["member"]), _allowance(r["allowance"])) for r in rows]

    @staticmethod
    def is_admin(actor: Actor, pool: Pool) -> bool:
        return actor.user.key == pool.owner or (actor.is_admin and actor.scope == pool.scope)

    def require_admin(self, actor: Actor, pool: Pool) -> None:
        if not self.is_admin(actor, pool):
            raise Forbidden(f"Only the owner or an admin of pool {pool.name} can do that.")

    async def require_member_or_admin(self, tx: Tx, actor: Actor, pool: Pool) -> None:
        if self.is_admin(actor, pool):
            return
        if await self.member(tx, pool.id, actor.user.key) is None:
            raise Forbidden(f"You are not a member of pool {pool.name}.")

    async def authorize(self, tx: Tx, actor: Actor, pool: Pool, access: Access) -> None:
        """Apply a command's declared :class:`Access` to ``pool``."""
        if access is Access.POOL_ADMIN:
            self.require_admin(actor, pool)
        elif access is Access.POOL_MEMBER:
            await self.require_member_or_admin(tx, actor, pool)

    async def spent_this_month(self, tx: Tx, pool_id: int, member: str, now: int) -> int:
        """Connects ``member`` spent from the pool this calendar month, net of refunds."""
        row = await tx.fetchone(
            "SELECT COALESCE(SUM(connects + boost - refunded), 0) AS s FROM bids "
            "WHERE pool_id = :p AND bidder = :m AND created_at >= :since",
            {"p": pool_id, "m": member, "since": month_start(now)},
        )
        return int(row["s"]) if row else 0

    async def of_member(self, tx: Tx, key: str, scope: str | None) -> list[Membership]:
        """The pools of ``scope`` the user belongs to, by name."""
        if scope is None:
            return []
        rows = await tx.fetchall(
            "SELECT p.*, a.balance, m.allowance FROM pool_members m JOIN pools p "
            "ON p.id = m.pool_id JOIN accounts a ON a.id = p.account_id "
            "WHERE m.member = :m AND p.scope = :s ORDER BY p.name",
            {"m": key, "s": scope},
        )
        return [Membership(Pool.of(r), int(r["balance"]), _allowance(r["allowance"])) for r in rows]

    async def stale(self, tx: Tx, key: str, scope: str | None, now: int) -> Sequence[int]:
        """Accounts of the user's pools here that hold expired lots not swept yet."""
        if scope is None:
            return []
        rows = await tx.fetchall(
            "SELECT DISTINCT p.account_id FROM pool_members m JOIN pools p ON p.id = m.pool_id "
            "JOIN lots l ON l.account_id = p.account_id WHERE m.member = :m AND p.scope = :s "
            "AND l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at <= :now "
            "ORDER BY p.account_id",
            {"m": key, "s": scope, "now": now},
        )
        return [int(r["account_id"]) for r in rows]

    # ------------------------------------------------------------------ changes

    async def create(
        self, tx: Tx, actor: Actor, name: str, channel: str | None, now: int
    ) -> PoolCreated:
        """A new pool of the actor's community, owned by them, with them as its member."""
        key = name.strip().lower()
        if not NAME.match(key):
            raise BadInput("name: use 1-40 letters, digits, - or _, e.g. name:agency")
        if actor.scope is None:
            raise BadInput("Pools belong to a server or workspace: create one there.")
        exists = await tx.fetchone(
            "SELECT id FROM pools WHERE scope = :s AND name = :n", {"s": actor.scope, "n": key}
        )
        if exists is not None:
            raise BadInput(f"A pool named {key} already exists here; pick another name.")
        account = await postings.open_account(tx, "pool", now)
        row = await tx.fetchone(
            "INSERT INTO pools (scope, name, account_id, owner, threshold, channel, created_at) "
            "VALUES (:s, :n, :a, :o, 0, :c, :now) RETURNING id",
            {
                "s": actor.scope,
                "n": key,
                "a": account,
                "o": actor.user.key,
                "c": channel,
                "now": now,
            },
        )
        assert row is not None
        await tx.execute(
            "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
            "VALUES (:p, :m, NULL, :now)",
            {"p": row["id"], "m": actor.user.key, "now": now},
        )
        return PoolCreated(key, channel)

    async def add_member(self, tx: Tx, pool: Pool, member: UserRef, now: int) -> MemberAdded:
        added = await tx.execute(
            "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
            "VALUES (:p, :m, NULL, :now) ON CONFLICT (pool_id, member) DO NOTHING",
            {"p": pool.id, "m": member.key, "now": now},
        )
        return MemberAdded(pool.name, bool(added))

    async def remove_member(self, tx: Tx, pool: Pool, member: UserRef) -> MemberRemoved:
        if member.key == pool.owner:
            raise Forbidden("The owner cannot be removed from their pool.")
        removed = await tx.execute(
            "DELETE FROM pool_members WHERE pool_id = :p AND member = :m",
            {"p": pool.id, "m": member.key},
        )
        if not removed:
            raise NotFound(f"{member.display} is not in pool {pool.name}.")
        return MemberRemoved(pool.name)

    async def set_allowance(
        self, tx: Tx, pool: Pool, member: UserRef, connects: int | None, now: int
    ) -> AllowanceSet:
        """A member's monthly allowance: ``connects`` a month (0: none), ``None``: no limit."""
        changed = await tx.execute(
            "UPDATE pool_members SET allowance = :n WHERE pool_id = :p AND member = :m",
            {"n": connects, "p": pool.id, "m": member.key},
        )
        if not changed:
            raise NotFound(
                Rich(f"{member.display} is not in pool {pool.name}; ", cmd("pool add"), " first.")
            )
        spent = await self.spent_this_month(tx, pool.id, member.key, now)
        return AllowanceSet(pool.name, connects, spent)

    async def set_threshold(
        self, tx: Tx, pool: Pool, connects: int, channel: str | None
    ) -> ThresholdSet:
        """Warn below ``connects`` (0: off) in ``channel`` (else the pool's channel so far)."""
        where = channel or pool.channel
        await tx.execute(
            "UPDATE pools SET threshold = :n, channel = :c WHERE id = :p",
            {"n": connects, "c": where, "p": pool.id},
        )
        return ThresholdSet(pool.name, connects, where)
