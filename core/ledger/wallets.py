"""Wallets: users and their accounts, the welcome and monthly grants, purchases.

A user's wallet is created on first sight with the welcome grant (once, ever); a monthly grant
arrives on each anniversary of that day. :meth:`Wallets.account_for` names the account a
command acts on: the actor's wallet, or a pool of their community. Money moves only through
:mod:`core.ledger.postings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from core.base.config import Config
from core.base.dates import add_months, months_elapsed
from core.base.keys import Actor, UserRef
from core.base.text import scrub
from core.base.vocabulary import BOUGHT, EntryKind, LotSource, sql_list
from core.interface.errors import AlreadyDone, MaxBalanceExceeded, NotFound
from core.interface.reply import Rich, cmd
from core.ledger import postings
from core.ledger.pools import Pool, Pools
from core.ledger.postings import Stamp
from core.quotes.pricing import dollars, tier_cents_per_connect
from core.store.base import Row, Tx


@dataclass(frozen=True, slots=True)
class User:
    """A user's row: their key, wallet account and grant bookkeeping."""

    key: str
    display: str
    account_id: int
    created_at: int
    last_grant_at: int | None
    notices: bool

    @staticmethod
    def of(row: Row) -> User:
        last = row["last_grant_at"]
        return User(
            str(row["key"]),
            str(row["display"]),
            int(row["account_id"]),
            int(row["created_at"]),
            None if last is None else int(last),
            bool(row["notices"]),
        )


@dataclass(frozen=True, slots=True)
class Account:
    """The account a command acts on: a wallet, or a pool's account."""

    id: int
    label: str  # "your wallet" or "pool agency"
    pool: Pool | None = None

    @property
    def own(self) -> bool:
        """Whether this is the user's own wallet (not a pool's account)."""
        return self.pool is None


@dataclass(frozen=True, slots=True)
class Purchased:
    """Connects bought (or topped up) and where they went."""

    KIND: ClassVar[str] = "purchase"
    connects: int
    cents: int
    tier_cents: int
    paid_given: bool
    where: str
    balance: int
    expires_at: int | None
    purchase: int | None = None  # the lot: what /void names (None: stored before voids)
    nonce: str = ""


@dataclass(frozen=True, slots=True)
class Voided:
    """A purchase taken back: its Connects and dollars, and where."""

    KIND: ClassVar[str] = "voided"
    purchase: int
    connects: int
    cents: int
    where: str
    balance: int


@dataclass(frozen=True, slots=True)
class Reconciled:
    """An account set to the balance Upwork shows: before, after, and where."""

    KIND: ClassVar[str] = "reconciled"
    before: int
    after: int
    where: str


@dataclass(frozen=True, slots=True)
class NoticesSet:
    """A user's private notices turned on or off."""

    KIND: ClassVar[str] = "notices_set"
    on: bool


async def find_user(tx: Tx, key: str) -> User | None:
    """The user with ``key``, or ``None`` before their first command."""
    row = await tx.fetchone("SELECT * FROM users WHERE key = :k", {"k": key})
    return None if row is None else User.of(row)


async def all_users(tx: Tx) -> list[User]:
    """Every user, in key order."""
    rows = await tx.fetchall("SELECT * FROM users ORDER BY key")
    return [User.of(row) for row in rows]


async def user_account(tx: Tx, key: str) -> int | None:
    """The wallet account of ``key``, or ``None``."""
    row = await tx.fetchone("SELECT account_id FROM users WHERE key = :k", {"k": key})
    return int(row["account_id"]) if row else None


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
            created = await tx.fetchone(
                "INSERT INTO users (key, display, account_id, created_at) "
                "VALUES (:k, :d, :a, :now) ON CONFLICT (key) DO NOTHING RETURNING key",
                {"k": user.key, "d": scrub(user.display)[:80], "a": account, "now": stamp.now},
            )
            if created is None:  # another transaction created this user first
                await tx.execute("DELETE FROM accounts WHERE id = :a", {"a": account})
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

    async def set_notices(self, tx: Tx, user: UserRef, on: bool, stamp: Stamp) -> NoticesSet:
        """Turn the user's private notices on or off."""
        await self.ensure_user(tx, user, stamp)
        await tx.execute(
            "UPDATE users SET notices = :v WHERE key = :k", {"v": 1 if on else 0, "k": user.key}
        )
        return NoticesSet(on)

    def grant_due(self, user: User, now: int) -> bool:
        """Whether a monthly grant is due for ``user`` at ``now``."""
        if self.config.wallet.monthly_grant <= 0:
            return False
        done = months_elapsed(user.created_at, user.last_grant_at or user.created_at)
        return months_elapsed(user.created_at, now) > done

    async def grant_if_due(self, tx: Tx, user: User, stamp: Stamp) -> int:
        """Credit the monthly grant if due (claimed in the row, so once per month); the
        Connects granted, kept under ``max_balance``."""
        if not self.grant_due(user, stamp.now):
            return 0
        anniversary = add_months(user.created_at, months_elapsed(user.created_at, stamp.now))
        claimed = await tx.execute(
            "UPDATE users SET last_grant_at = :t WHERE key = :k "
            "AND (last_grant_at IS NULL OR last_grant_at < :t)",
            {"t": anniversary, "k": user.key},
        )
        if not claimed:
            return 0
        amount = self.config.wallet.monthly_grant
        cap = await self._maximum(tx, user.account_id)
        if cap is not None:
            have, limit = cap
            amount = max(0, min(amount, limit - have))
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
        if cap is not None and cap[0] + change > cap[1]:
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
        cents = connects * per if paid_cents is None else paid_cents
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
        return Reconciled(before, after, account.label)

    async def void(self, tx: Tx, actor: Actor, purchase: int, stamp: Stamp) -> Voided:
        """Take back a purchase or top-up recorded by mistake: its author or a pool admin,
        within the undo window, none of it spent yet; a ``void`` entry, never a deletion."""
        row = await tx.fetchone(
            "SELECT l.id, l.account_id, l.connects, l.remaining, l.cost_cents, l.acquired_at, "
            "e.actor, p.id AS pool_id, (SELECT COUNT(*) FROM entries v WHERE v.lot_id = l.id "
            f"AND v.kind = '{EntryKind.VOID.value}') AS voided FROM lots l JOIN entries e "
            f"ON e.lot_id = l.id AND e.kind IN {sql_list(BOUGHT)} LEFT JOIN pools p "
            "ON p.account_id = l.account_id WHERE l.id = :l",
            {"l": purchase},
        )
        pool = (
            None
            if row is None or row["pool_id"] is None
            else await self.pools.by_id(tx, int(row["pool_id"]))
        )
        mine = row is not None and (
            row["actor"] == actor.user.key
            or (pool is not None and self.pools.is_admin(actor, pool))
        )
        if row is None or not mine:
            raise NotFound(
                Rich(f"No purchase #{purchase} of yours. ", cmd("history"), " lists your entries.")
            )
        await tx.lock_account(int(row["account_id"]))
        if int(row["voided"]):
            raise AlreadyDone(f"Purchase #{purchase} was already voided.")
        if not self.config.wallet.undoable(int(row["acquired_at"]), stamp.now):
            minutes = self.config.wallet.undo_minutes
            raise AlreadyDone(
                f"Purchase #{purchase} is older than {minutes} minutes; it "
                "stays. Record a correction with a new purchase."
            )
        spent = int(row["connects"]) - int(row["remaining"])
        if spent:
            raise AlreadyDone(
                f"{spent} of purchase #{purchase}'s Connects were spent already; "
                "undo those bids first."
            )
        where = "your wallet" if pool is None else f"pool {pool.name}"
        balance = await postings.void(
            tx, int(row["account_id"]), purchase, stamp, f"purchase #{purchase} voided"
        )
        return Voided(purchase, int(row["connects"]), int(row["cost_cents"]), where, balance)
