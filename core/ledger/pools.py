"""Pools: a shared account of a community, its members, allowances, access and threshold.

A pool belongs to one scope (a server, a workspace) and has an owner. Its admins are the owner
and the scope's admins; members may spend from it within their monthly allowance (0: none).
Every rule about who may do what to a pool lives here; handlers only call it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.base.dates import month_start
from core.base.keys import Actor, UserRef
from core.interface.catalog import Access
from core.interface.errors import BadInput, Forbidden, NotFound
from core.interface.reply import Rich, cmd
from core.ledger import postings
from core.store.base import Tx
from core.store.tables import pools as table
from core.store.tables.pools import Member, Membership, Pool

if TYPE_CHECKING:
    from core.ledger.results import (
        AllowanceSet,
        MemberAdded,
        MemberRemoved,
        PoolCreated,
        ThresholdSet,
    )

__all__ = [
    "NAME",
    "Member",
    "Membership",
    "Pool",
    "Pools",
]

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class Pools:
    """Pool lookups, access rules and membership changes."""

    async def find(self, tx: Tx, actor: Actor, name: str) -> Pool:
        """The pool ``name`` of the actor's server or workspace."""
        if actor.scope is None:
            raise BadInput("Pools belong to a server or workspace: use this command there.")
        key = name.strip().lower()
        pool = await table.by_name(tx, actor.scope, key)
        if pool is None:
            raise NotFound(
                Rich(f"No pool named {key!r} here. ", cmd("balance"), " lists your pools.")
            )
        return pool

    async def by_id(self, tx: Tx, pool_id: int) -> Pool | None:
        return await table.by_id(tx, pool_id)

    async def member(self, tx: Tx, pool_id: int, key: str) -> Member | None:
        return await table.member(tx, pool_id, key)

    async def members(self, tx: Tx, pool_id: int) -> list[Member]:
        return await table.members(tx, pool_id)

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
        return await table.spent_since(tx, pool_id, member, month_start(now))

    async def of_member(self, tx: Tx, key: str, scope: str | None) -> list[Membership]:
        """The pools of ``scope`` the user belongs to, by name."""
        if scope is None:
            return []
        return await table.of_member(tx, key, scope)

    async def stale(self, tx: Tx, key: str, scope: str | None, now: int) -> Sequence[int]:
        """Accounts of the user's pools here that hold expired lots not swept yet."""
        if scope is None:
            return []
        return await table.stale_accounts(tx, key, scope, now)

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
        if await table.by_name(tx, actor.scope, key) is not None:
            raise BadInput(f"A pool named {key} already exists here; pick another name.")
        account = await postings.open_account(tx, "pool", now)
        pool_id = await table.insert(tx, actor.scope, key, account, actor.user.key, channel, now)
        await table.add_member(tx, pool_id, actor.user.key, now)
        from core.ledger.results import PoolCreated

        return PoolCreated(key, channel)

    async def add_member(self, tx: Tx, pool: Pool, member: UserRef, now: int) -> MemberAdded:
        added = await table.add_member(tx, pool.id, member.key, now)
        from core.ledger.results import MemberAdded

        return MemberAdded(pool.name, added)

    async def remove_member(self, tx: Tx, pool: Pool, member: UserRef) -> MemberRemoved:
        if member.key == pool.owner:
            raise Forbidden("The owner cannot be removed from their pool.")
        if not await table.remove_member(tx, pool.id, member.key):
            raise NotFound(f"{member.display} is not in pool {pool.name}.")
        from core.ledger.results import MemberRemoved

        return MemberRemoved(pool.name)

    async def set_allowance(
        self, tx: Tx, pool: Pool, member: UserRef, connects: int | None, now: int
    ) -> AllowanceSet:
        """A member's monthly allowance: ``connects`` a month (0: none), ``None``: no limit."""
        if not await table.set_allowance(tx, pool.id, member.key, connects):
            raise NotFound(
                Rich(f"{member.display} is not in pool {pool.name}; ", cmd("pool add"), " first.")
            )
        spent = await self.spent_this_month(tx, pool.id, member.key, now)
        from core.ledger.results import AllowanceSet

        return AllowanceSet(pool.name, connects, spent)

    async def set_threshold(
        self, tx: Tx, pool: Pool, connects: int, channel: str | None
    ) -> ThresholdSet:
        """Warn below ``connects`` (0: off) in ``channel`` (else the pool's channel so far)."""
        where = channel or pool.channel
        await table.set_threshold(tx, pool.id, connects, where)
        from core.ledger.results import ThresholdSet

        return ThresholdSet(pool.name, connects, where)
