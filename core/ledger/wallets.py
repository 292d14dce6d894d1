"""Wallets: users and their accounts, the welcome and monthly grants, purchases.

A user's wallet is created on first sight with the welcome grant (once, ever); a monthly grant
arrives on each anniversary of that day. :meth:`Wallets.account_for` names the account a
command acts on: the actor's wallet, or a pool of their community. Money moves only through
:mod:`core.ledger.postings`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from core.base.config import Config
from core.base.dates import add_months, months_elapsed
from core.base.keys import Actor, UserRef
from core.base.text import scrub
from core.base.vocabulary import LotSource
from core.interface.errors import AlreadyDone, MaxBalanceExceeded, NotFound
from core.interface.reply import Rich, cmd
from core.ledger import postings
from core.ledger.pools import Pool, Pools
from core.ledger.postings import Stamp
from core.quotes.amounts import dollars, tier_cents_per_connect
from core.store.base import Tx
from core.store.tables import accounts
from core.store.tables.accounts import User as User  # noqa: PLC0414 (re-exported)
from core.store.tables.postings import bought_lot

if TYPE_CHECKING:
    from core.ledger.results import NoticesSet, Purchased, Reconciled, Voided


class Account(NamedTuple):
    """The account a command acts on: a wallet, or a pool's account."""

    id: int
    label: str  # "your wallet" or "pool agency"
    pool: Pool | None = None

    @property
    def own(self) -> bool:
        """Whether this is the user's own wallet (not a pool's account)."""
        return self.pool is None


async def find_user(tx: Tx, key: str) -> User | None:
    """The user with ``key``, or ``None`` before their first command."""
    return await accounts.find_user(tx, key)


async def all_users(tx: Tx) -> list[User]:
    """Every user, in key order."""
    return await accounts.all_users(tx)


async def user_account(tx: Tx, key: str) -> int | None:
    """The wallet account of ``key``, or ``None``."""
    return await accounts.user_account(tx, key)


# ------------------------------------------------------------------------ the rules, pure


def grant_due_at(created_at: int, last_grant_at: int | None, now: int) -> bool:
    """Whether a monthly anniversary of ``created_at`` passed by ``now`` that the grant of
    ``last_grant_at`` (``None``: none yet) did not cover."""
    done = months_elapsed(created_at, last_grant_at or created_at)
    return months_elapsed(created_at, now) > done


def grant_anniversary(created_at: int, now: int) -> int:
    """The latest monthly anniversary of ``created_at`` at or before ``now``: the moment a
    grant given at ``now`` is for."""
    return add_months(created_at, months_elapsed(created_at, now))


def grant_amount(monthly: int, held: int, maximum: int | None) -> int:
    """The Connects a monthly grant of ``monthly`` gives a wallet holding ``held``: all of it,
    or what fits under ``maximum`` (never less than none)."""
    return monthly if maximum is None else max(0, min(monthly, maximum - held))


def exceeds_maximum(held: int, change: int, maximum: int | None) -> bool:
    """Whether a change of ``change`` Connects takes a wallet holding ``held`` over
    ``maximum`` (``None``: no maximum)."""
    return maximum is not None and held + change > maximum


def purchase_cents(connects: int, tier_cents: int, paid_cents: int | None) -> int:
    """What ``connects`` Connects cost: ``paid_cents`` when the buyer said, else the tier's
    price per Connect."""
    return connects * tier_cents if paid_cents is None else paid_cents


class Wallets:
    """Users, grants and purchases under the ``[wallet]`` and ``[pricing]`` settings."""

    def __init__(self, config: Config, pools: Pools) -> None:
        self.config = config
        self.pools = pools

    async def ensure_user(self, tx: Tx, user: UserRef, stamp: Stamp) -> User:
        """The user's row, created with the welcome grant on first sight (once, ever), with
        their account locked; a due monthly grant is credited and expired lots are swept."""
        found = await find_user(tx, user.key)
        if found is None:
            account = await postings.open_account(tx, "user", stamp.now)
            display = scrub(user.display)[:80]
            if not await accounts.add_user(tx, user.key, display, account, stamp.now):
                # another transaction created this user first
                await accounts.drop_account(tx, account)
            elif self.config.wallet.welcome_grant > 0:
                await postings.credit(
                    tx,
                    account,
                    self.config.wallet.welcome_grant,
                    LotSource.WELCOME,
                    Stamp(user.key, stamp.request_id, stamp.now),
                    memo="welcome grant",
                )
            found = await find_user(tx, user.key)
            assert found is not None
        await tx.lock_account(found.account_id)
        await self.grant_if_due(tx, found, stamp)
        await postings.expire(tx, found.account_id, stamp)
        return found

    async def set_notices(self, tx: Tx, user: UserRef, on: bool | None, stamp: Stamp) -> NoticesSet:
        """Turn the user's private notices on or off; ``None`` changes nothing and says
        which they are."""
        from core.ledger.results import NoticesSet

        found = await self.ensure_user(tx, user, stamp)
        if on is None:
            return NoticesSet(found.notices, changed=False)
        await accounts.set_notices(tx, user.key, on)
        return NoticesSet(on)

    def grant_due(self, user: User, now: int) -> bool:
        """Whether a monthly grant is due for ``user`` at ``now``."""
        if self.config.wallet.monthly_grant <= 0:
            return False
        return grant_due_at(user.created_at, user.last_grant_at, now)

    async def grant_if_due(self, tx: Tx, user: User, stamp: Stamp) -> int:
        """Credit the monthly grant if due (claimed in the row, so once per month); the
        Connects granted, kept under ``max_balance``."""
        if not self.grant_due(user, stamp.now):
            return 0
        anniversary = grant_anniversary(user.created_at, stamp.now)
        if not await accounts.claim_grant(tx, user.key, anniversary):
            return 0
        cap = await self._maximum(tx, user.account_id)
        held, limit = (0, None) if cap is None else cap
        amount = grant_amount(self.config.wallet.monthly_grant, held, limit)
        if amount:
            await postings.credit(
                tx,
                user.account_id,
                amount,
                LotSource.GRANT,
                Stamp("system", stamp.request_id, stamp.now),
                memo="monthly grant",
            )
        return amount

    async def account_for(self, tx: Tx, actor: Actor, pool: str | None, stamp: Stamp) -> Account:
        """The account a command acts on: the actor's wallet, or the pool ``pool`` of their
        community (locked, its expired lots swept). Permissions are the caller's to check."""
        user = await self.ensure_user(tx, actor.user, stamp)
        if not pool:
            return Account(user.account_id, "your wallet")
        found = await self.pools.find(tx, actor, pool)
        await tx.lock_account(found.account_id)
        await postings.expire(tx, found.account_id, stamp)
        return Account(found.account_id, f"pool {found.name}", found)

    async def _maximum(self, tx: Tx, account_id: int) -> tuple[int, int] | None:
        """What a wallet holds and ``[wallet] max_balance``; ``None`` (nothing read) without a
        maximum."""
        limit = self.config.wallet.max_balance
        if not limit:
            return None
        return await postings.balance(tx, account_id), limit

    async def require_room(
        self, tx: Tx, account: Account, change: int, refusal: Callable[[int, int], str]
    ) -> None:
        """Refuse a change of ``change`` Connects that would leave a wallet over ``[wallet]
        max_balance``: :class:`MaxBalanceExceeded` with ``refusal(held, maximum)``. Pools have
        no maximum."""
        cap = None if account.pool is not None else await self._maximum(tx, account.id)
        if cap is not None and exceeds_maximum(cap[0], change, cap[1]):
            raise MaxBalanceExceeded(refusal(*cap))

    def expiry_for(self, now: int) -> int | None:
        """When Connects bought at ``now`` expire (``None``: never)."""
        months = self.config.wallet.expiry_months
        return add_months(now, months) if months else None

    async def buy(
        self,
        tx: Tx,
        actor: Actor,
        connects: int,
        paid_cents: int | None,
        pool: str | None,
        stamp: Stamp,
    ) -> Purchased:
        """Record Connects bought, priced by tier unless ``paid_cents`` is given; into a pool
        (a top-up, its admins only) when ``pool`` is named."""
        account = await self.account_for(tx, actor, pool, stamp)
        kind = LotSource.PURCHASE
        if account.pool is not None:
            self.pools.require_admin(actor, account.pool)
            kind = LotSource.TOPUP
        per = tier_cents_per_connect(self.config.pricing, connects)
        cents = purchase_cents(connects, per, paid_cents)
        await self.require_room(
            tx,
            account,
            connects,
            lambda have, limit: (
                f"That would make {have + connects} Connects; the maximum is {limit}. "
                f"Buy at most {max(limit - have, 0)}."
            ),
        )
        expires = self.expiry_for(stamp.now)
        lot = await postings.credit(
            tx,
            account.id,
            connects,
            kind,
            stamp,
            cost_cents=cents,
            expires_at=expires,
            memo=f"{connects} Connects for {dollars(cents)}",
        )
        import secrets

        from core.ledger.results import Purchased

        return Purchased(
            connects,
            cents,
            per,
            paid_cents is not None,
            account.label,
            await postings.balance(tx, account.id),
            expires,
            lot,
            secrets.token_hex(4),
        )

    async def reconcile(
        self, tx: Tx, actor: Actor, connects: int, pool: str | None, stamp: Stamp
    ) -> Reconciled:
        """Make the wallet (or a pool, by its admins) hold exactly ``connects``, the balance
        Upwork shows, with one ``adjustment`` entry: a free lot when it is short, Connects taken
        oldest lots first when it holds more. Nothing is written when they agree."""
        account = await self.account_for(tx, actor, pool, stamp)
        if account.pool is not None:
            self.pools.require_admin(actor, account.pool)
        before = await postings.balance(tx, account.id)
        await self.require_room(
            tx,
            account,
            connects - before,
            lambda _, limit: (
                f"Upwork's {connects} is over this bot's maximum of "
                f"{limit} Connects ([wallet] max_balance)."
            ),
        )
        after = await postings.adjust(
            tx,
            account.id,
            connects - before,
            stamp,
            label=account.label,
            own=account.own,
            memo=f"set to {connects} as on Upwork (was {before})",
        )
        from core.ledger.results import Reconciled

        return Reconciled(before, after, account.label)

    async def void(self, tx: Tx, actor: Actor, purchase: int, stamp: Stamp) -> Voided:
        """Take back a purchase or top-up recorded by mistake: its author or a pool admin,
        within the undo window, none of it spent yet; a ``void`` entry, never a deletion."""
        lot = await bought_lot(tx, purchase)
        pool = (
            None if lot is None or lot.pool_id is None else await self.pools.by_id(tx, lot.pool_id)
        )
        mine = lot is not None and (
            lot.actor == actor.user.key or (pool is not None and self.pools.is_admin(actor, pool))
        )
        if lot is None or not mine:
            raise NotFound(
                Rich(f"No purchase #{purchase} of yours\n", cmd("history"), " lists your entries")
            )
        await tx.lock_account(lot.account_id)
        if lot.voided:
            raise AlreadyDone(f"Purchase #{purchase} was already voided.")
        if not self.config.wallet.undoable(lot.acquired_at, stamp.now):
            minutes = self.config.wallet.undo_minutes
            raise AlreadyDone(
                f"Purchase #{purchase} is older than {minutes} minutes; it "
                "stays. Record a correction with a new purchase."
            )
        if spent := lot.connects - lot.remaining:
            raise AlreadyDone(
                f"{spent} of purchase #{purchase}'s Connects were spent already; "
                "undo those bids first."
            )
        where = "your wallet" if pool is None else f"pool {pool.name}"
        balance = await postings.void(
            tx, lot.account_id, purchase, stamp, f"purchase #{purchase} voided"
        )
        from core.ledger.results import Voided

        return Voided(purchase, lot.connects, lot.cost_cents, where, balance)
