"""Balance views: a user's wallet with their pools and expiries, and a pool with its members.

They are reads in the common case; when a write must come first (a user seen for the first
time, a grant due, lots past their date), that write runs once and the read is taken again, so
a balance never shows Connects that have already expired.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from core.base.config import Config
from core.base.dates import DAY
from core.base.keys import Actor
from core.base.vocabulary import EntryKind
from core.interface.catalog import Access
from core.interface.errors import NotFound
from core.ledger import caps, postings
from core.ledger.caps import CapRoom
from core.ledger.pools import Pool, Pools
from core.ledger.postings import Stamp
from core.ledger.wallets import Wallets, find_user, user_account
from core.store.base import Store, Tx
from core.store.tables.expiry import Due, expiring_by, has_expired
from core.store.tables.postings import first_kinds


async def expiring(tx: Tx, account_id: int, now: int, days: int) -> list[Due]:
    """The account's lots expiring within ``days`` (or already past), soonest first."""
    return await expiring_by(tx, account_id, now + days * DAY)


class PoolLine(NamedTuple):
    """One of the user's pools in their balance: its balance, their allowance and spend."""

    name: str
    balance: int
    allowance: int | None  # None: no limit
    spent: int
    caps: Sequence[CapRoom] = ()  # the member's caps in force here


class WalletView(NamedTuple):
    """A wallet's balance, the user's pools here and lots expiring soon; ``welcome_only``:
    nothing but the welcome grant (if any) was ever recorded, so the balance is the bot's
    figure, not the user's real Upwork balance."""

    balance: int
    pools: list[PoolLine]
    expiring: list[Due]
    caps: Sequence[CapRoom] = ()  # the wallet's caps in force
    welcome_only: bool = False


class MemberLine(NamedTuple):
    key: str
    allowance: int | None  # None: no limit
    spent: int
    owner: bool


class PoolView(NamedTuple):
    name: str
    balance: int
    members: list[MemberLine]
    threshold: int
    channel: str | None
    expiring: list[Due]


class Balances:
    """The balance views under ``[wallet] expiring_soon_days``."""

    def __init__(self, config: Config, store: Store, wallets: Wallets, pools: Pools) -> None:
        self.config = config
        self.store = store
        self.wallets = wallets
        self.pools = pools

    async def ensure_known(self, actor: Actor, now: int, request_id: str) -> None:
        """Make the actor's wallet current before a read shows it: created with the welcome
        grant on first sight, a due grant credited, expired lots swept (a write only when one
        of those is needed), so every read command sees the same wallet. Reads of a pool skip
        it: a refused read must change nothing."""

        async def current(tx: Tx) -> bool:
            user = await find_user(tx, actor.user.key)
            return (
                user is not None
                and not self.wallets.grant_due(user, now)
                and not await has_expired(tx, user.account_id, now)
            )

        if await self.store.read(current, quick=True):
            return

        async def prepare(tx: Tx) -> None:
            await self.wallets.ensure_user(tx, actor.user, Stamp(actor.user.key, request_id, now))

        await self.store.write(prepare)

    async def readable(
        self, tx: Tx, actor: Actor, pool_name: str | None, admin: bool
    ) -> tuple[int, str]:
        """The account to read and its label: the actor's wallet, or a pool they belong to
        (with ``admin``: only its admins)."""
        if not pool_name:
            account = await user_account(tx, actor.user.key)
            if account is None:
                raise NotFound("Nothing recorded yet: your wallet starts with your first command.")
            return account, "Your wallet"
        pool = await self.pools.find(tx, actor, pool_name)
        if admin:
            self.pools.require_admin(actor, pool)
        else:
            await self.pools.require_member_or_admin(tx, actor, pool)
        return pool.account_id, f"Pool {pool.name}"

    async def pool_view(self, tx: Tx, pool: Pool, now: int) -> PoolView:
        balance = await postings.balance(tx, pool.account_id)
        members = [
            MemberLine(
                m.key,
                m.allowance,
                await self.pools.spent_this_month(tx, pool.id, m.key, now),
                m.key == pool.owner,
            )
            for m in await self.pools.members(tx, pool.id)
        ]
        due = await expiring(tx, pool.account_id, now, self.config.wallet.expiring_soon_days)
        return PoolView(pool.name, balance, members, pool.threshold, pool.channel, due)

    async def pool_info(self, actor: Actor, name: str, access: Access, now: int) -> PoolView:
        """The pool ``name`` of the actor's community, as ``access`` allows."""

        async def read(tx: Tx) -> PoolView:
            pool = await self.pools.find(tx, actor, name)
            await self.pools.authorize(tx, actor, pool, access)
            return await self.pool_view(tx, pool, now)

        return await self.store.read(read, quick=True)

    async def _pool_lines(self, tx: Tx, actor: Actor, now: int) -> list[PoolLine]:
        """The actor's pools here, with what they spent of their allowance this month."""
        lines = []
        for m in await self.pools.of_member(tx, actor.user.key, actor.scope):
            spent = 0
            if m.allowance is not None:
                spent = await self.pools.spent_this_month(tx, m.pool.id, actor.user.key, now)
            room = await caps.room(tx, m.pool.account_id, actor.user.key, now)
            lines.append(PoolLine(m.pool.name, m.balance, m.allowance, spent, room))
        return lines

    async def balance(
        self, actor: Actor, pool_name: str | None, now: int, request_id: str
    ) -> WalletView | PoolView:
        """The actor's wallet (with their pools here), or the pool ``pool_name``."""
        soon = self.config.wallet.expiring_soon_days

        async def read(tx: Tx) -> WalletView | PoolView | None:
            """The view, or ``None`` when a write must come first."""
            user = await find_user(tx, actor.user.key)
            if user is None or self.wallets.grant_due(user, now):
                return None
            due = await expiring(tx, user.account_id, now, soon)
            if any(lot.expires_at <= now for lot in due):
                return None
            if pool_name:
                pool = await self.pools.find(tx, actor, pool_name)
                await self.pools.require_member_or_admin(tx, actor, pool)
                if await has_expired(tx, pool.account_id, now):
                    return None
                return await self.pool_view(tx, pool, now)
            if await self.pools.stale(tx, actor.user.key, actor.scope, now):
                return None
            balance = await postings.balance(tx, user.account_id)
            room = await caps.room(tx, user.account_id, actor.user.key, now)
            kinds = await first_kinds(tx, user.account_id, 2)
            welcome_only = all(kind is EntryKind.WELCOME for kind in kinds)
            lines = await self._pool_lines(tx, actor, now)
            return WalletView(balance, lines, due, room, welcome_only)

        view = await self.store.read(read, quick=True)
        if view is None:
            stamp = Stamp(actor.user.key, request_id, now)

            async def prepare(tx: Tx) -> None:
                await self.wallets.ensure_user(tx, actor.user, stamp)
                if pool_name:  # refused here, nothing is kept (not even a first-sight wallet)
                    pool = await self.pools.find(tx, actor, pool_name)
                    await self.pools.require_member_or_admin(tx, actor, pool)
                    await postings.expire(tx, pool.account_id, stamp)
                for account in await self.pools.stale(tx, actor.user.key, actor.scope, now):
                    await postings.expire(tx, account, stamp)

            await self.store.write(prepare)
            view = await self.store.read(read, quick=True)
        assert view is not None, "balance still stale after its write"
        return view
