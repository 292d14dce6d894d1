"""Bids: placing one (with a pool's allowance and duplicate-job checks), refunding, undoing,
setting its outcome, and the confirmations a duplicate job waits for.

A bid's Connects are drawn through :func:`core.ledger.postings.debit` and come back through
:func:`core.ledger.postings.give_back` to the lots they came from. Refunds follow ``[policy]``:
reasons in ``refundable`` return everything, ``boost_only`` the boost, others nothing. ``refunded``
and ``undone`` are final statuses. Those rules are pure functions in :mod:`core.ledger.bidrules`;
the ``bids`` table's SQL is :mod:`core.store.tables.bids`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from core.base.config import Config
from core.base.keys import Actor
from core.base.vocabulary import BidStatus, EntryKind, ghost_cutoff
from core.interface.errors import AlreadyDone, BadInput, Forbidden, NotFound, NotRefundable
from core.interface.reply import Mention, Rich, cmd
from core.ledger import postings
from core.ledger.bidrules import allowance_left, check_outcome, check_undo, refund_amount
from core.ledger.pools import Pools
from core.ledger.postings import Leg, Stamp
from core.ledger.wallets import Wallets
from core.quotes.bidrecords import (
    BidPlaced,
    BidSpec,
    BidState,
    Earlier,
    NeedsConfirmation,
    OutcomeSet,
    RecentBid,
    Refunded,
    Undone,
)
from core.store.base import Tx, Unstorable
from core.store.tables import bids as table
from core.store.tables import kinds as kinds_table
from core.store.tables.bids import Bid


def job_key(job: str) -> str:
    """A job's identity for duplicate detection: an Upwork job id (``~01abc``) when the text
    holds one, else the URL without query, else the title, case and spacing folded."""
    text = job.strip()
    match = re.search(r"~0[0-9a-z]{6,}", text, re.IGNORECASE)
    if match:
        return match.group(0).lower()
    if re.match(r"^https?://", text, re.IGNORECASE):
        return re.split(r"[?#]", text, maxsplit=1)[0].rstrip("/").lower()
    return " ".join(text.lower().split())


def _titled(bid: Bid) -> str | None:
    """The title a reply names a bid by, when its job is a link and the post had one."""
    return bid.title if bid.title and bid.title != bid.job else None


def _no_bid(bid_id: int) -> Rich:
    return Rich(f"No bid #{bid_id} of yours\n", cmd("history"), " lists your bids")


def parse_bid_id(text: str) -> int:
    """``"#12"`` or ``"12"`` -> 12; anything else raises :class:`BadInput`."""
    raw = str(text).strip()
    match = re.fullmatch(r"#?\s*(\d{1,12})(?:\s.*)?", raw)
    if not match:
        raise BadInput(f"bid: {raw!r} is not a bid number; use #N, e.g. bid:#12")
    return int(match.group(1))


class Bids:
    """Bid changes under ``[wallet]`` (undo window) and ``[policy]`` (refunds)."""

    def __init__(self, config: Config, wallets: Wallets, pools: Pools) -> None:
        self.config = config
        self.wallets = wallets
        self.pools = pools

    async def place(
        self, tx: Tx, actor: Actor, spec: BidSpec, stamp: Stamp, confirmed: bool = False
    ) -> BidPlaced:
        """Spend ``spec.connects + spec.boost`` on a job; refused when short, over allowance,
        or (unless ``confirmed``) when the pool already bid on the same job, or when a number
        of it is beyond what the ledger keeps (before anything is read or charged)."""
        if (bad := spec.unstorable()) is not None:
            raise Unstorable(bad[1], bad[0])
        account = await self.wallets.account_for(tx, actor, spec.pool, stamp)
        total = spec.connects + spec.boost
        key = job_key(spec.job)
        left = None
        pool = account.pool
        if pool is not None:
            member = await self.pools.member(tx, pool.id, actor.user.key)
            if member is None:
                raise Forbidden(f"You are not a member of pool {pool.name}; ask its owner.")
            if member.allowance is not None:
                spent = await self.pools.spent_this_month(tx, pool.id, actor.user.key, stamp.now)
                left = allowance_left(member.allowance, spent, total, pool.name)
            if not confirmed:
                earlier = await table.first_on_job(tx, pool.id, key)
                if earlier is not None:
                    raise NeedsConfirmation(
                        Earlier(earlier.id, earlier.bidder, earlier.created_at),
                        pool.name,
                        spec.connects,
                        spec.boost,
                    )

        async def record(cents: int) -> int:
            return await table.insert(
                tx,
                account_id=account.id,
                pool_id=pool.id if pool else None,
                bidder=actor.user.key,
                job=spec.job,
                job_key=key,
                connects=spec.connects,
                boost=spec.boost,
                cost_cents=cents,
                rate_type=spec.rate_type,
                rate_cents=spec.rate_cents,
                note=spec.note,
                stated=not spec.quoted,
                scope=actor.scope,
                request_id=stamp.request_id,
                now=stamp.now,
                factors=spec.factors.columns(),
                title=spec.title,
            )

        legs = [
            Leg(EntryKind.BID, spec.connects, spec.job[:200]),
            Leg(EntryKind.BOOST, spec.boost, "boost"),
        ]
        bid_id = 0

        async def link(cents: int) -> int:
            nonlocal bid_id
            bid_id = await record(cents)
            return bid_id

        fix = None
        if pool is not None:
            fix = (
                Rich(
                    "Top it up with ",
                    cmd("pool topup", f"name:{pool.name} connects:{max(total, 80)}"),
                )
                if self.pools.is_admin(actor, pool)
                else Rich("Ask its owner, ", Mention(pool.owner), ", to top it up.")
            )
        draw = await postings.debit(
            tx, account.id, legs, stamp, label=account.label, own=account.own, link=link, fix=fix
        )
        if spec.invited:
            await kinds_table.mark_invited(tx, bid_id)
        return BidPlaced(
            bid=bid_id,
            job=spec.job,
            connects=spec.connects,
            boost=spec.boost,
            total=total,
            where=account.label,
            balance=draw.balance,
            cost_cents=draw.cents,
            quoted=spec.quoted,
            allowance_left=left,
            undo_until=self.config.wallet.undo_until(stamp.now),
            nonce=secrets.token_hex(4),
            rate_type=spec.rate_type,
            rate_cents=spec.rate_cents,
            pool=pool.name if pool else None,
            threshold=pool.threshold if pool else 0,
            title=spec.title if spec.title and spec.title != spec.job else None,
        )

    async def _for_change(self, tx: Tx, actor: Actor, bid_id: int) -> Bid:
        """A bid the actor may change: their own, or one of a pool they administer."""
        bid = await table.by_id(tx, bid_id)
        if bid is None:
            raise NotFound(_no_bid(bid_id))
        if bid.bidder == actor.user.key:
            return bid
        if bid.pool_id is not None:
            pool = await self.pools.by_id(tx, bid.pool_id)
            if pool is not None and self.pools.is_admin(actor, pool):
                return bid
            if pool is not None and actor.scope == pool.scope:
                raise Forbidden(
                    f"Bid #{bid_id} is another member's; only its author or a pool "
                    "admin can change it."
                )
        raise NotFound(_no_bid(bid_id))

    @staticmethod
    async def _give_back(
        tx: Tx, bid: Bid, amount: int, kind: EntryKind, stamp: Stamp, reason: str | None
    ) -> int:
        """Return ``amount`` of the bid's Connects and mark it ``refunded`` or ``undone``; the
        account's balance afterwards."""
        if amount == 0:  # an invited proposal cost nothing: no entry to write
            back = postings.Draw(await postings.balance(tx, bid.account_id), 0)
        else:
            back = await postings.give_back(
                tx, bid.account_id, bid.id, amount, kind, stamp, reason or kind
            )
        status = BidStatus.REFUNDED if kind == EntryKind.REFUND else BidStatus.UNDONE
        await table.set_returned(tx, bid.id, status, amount, back.cents, reason, stamp.now)
        return back.balance

    async def refund(
        self, tx: Tx, actor: Actor, bid_id: int, reason: str, stamp: Stamp
    ) -> Refunded:
        """Refund a bid once, by policy (:func:`~core.ledger.bidrules.refund_amount`):
        refundable reasons return everything, ``outbid`` only the boost, others nothing
        (refused)."""
        await self.wallets.ensure_user(tx, actor.user, stamp)
        bid = await table.locked(tx, await self._for_change(tx, actor, bid_id))
        amount = refund_amount(
            self.config.policy, reason, bid_id, bid.status, bid.connects, bid.boost, bid.refunded
        )
        if amount == 0:
            raise NotRefundable(
                f"Bid #{bid_id} was an invited proposal and cost nothing: nothing to refund."
            )
        balance = await self._give_back(tx, bid, amount, EntryKind.REFUND, stamp, reason)
        return Refunded(
            bid_id,
            amount,
            reason,
            balance,
            bid.total,
            bid.job,
            "your wallet" if bid.pool_id is None else "the pool",
            _titled(bid),
        )

    async def undo(self, tx: Tx, actor: Actor, bid_id: int, stamp: Stamp) -> Undone:
        """Take back a fresh bid: its author only, within the undo window."""
        bid = await table.by_id(tx, bid_id)
        if bid is None or bid.bidder != actor.user.key:
            raise NotFound(f"No bid #{bid_id} of yours to undo.")
        bid = await table.locked(tx, bid)
        check_undo(self.config.wallet, bid_id, bid.status, bid.created_at, stamp.now)
        if await kinds_table.reward_of(tx, bid_id) is not None:  # a client interviewed: it stands
            raise AlreadyDone(f"Bid #{bid_id} earned an interview reward; it stays.")
        balance = await self._give_back(tx, bid, bid.total, EntryKind.UNDO, stamp, None)
        return Undone(bid_id, bid.total, balance, bid.job)

    async def set_outcome(
        self, tx: Tx, actor: Actor, bid_id: int, status: BidStatus, now: int
    ) -> OutcomeSet:
        """Record news of a bid (viewed, interviewing, hired, lost); final statuses stay."""
        bid = await self._for_change(tx, actor, bid_id)
        check_outcome(bid_id, bid.status, status)
        if not await table.set_status(tx, bid_id, status, now):
            # refunded or undone by a concurrent request since it was read
            raise AlreadyDone(f"Bid #{bid_id} was refunded or undone; its status is final.")
        return OutcomeSet(bid_id, status, bid.status.value, bid.job, _titled(bid))

    @staticmethod
    async def state(tx: Tx, bid_id: int, now: int) -> BidState | None:
        standing = await table.standing(tx, bid_id, now)
        return None if standing is None else BidState(standing.status, standing.spendable)

    @staticmethod
    async def recent(tx: Tx, key: str, limit: int = 25) -> Sequence[RecentBid]:
        """The user's newest bids, newest first."""
        return [
            RecentBid(b.id, b.job, b.connects, b.boost, b.status)
            for b in await table.recent(tx, key, limit)
        ]


async def mark_ghosted(tx: Tx, now: int, ghost_days: int) -> int:
    """Mark every bid with no news for ``ghost_days`` as ``ghosted`` (see
    :mod:`core.base.vocabulary`); how many were marked."""
    return await table.mark_ghosted(tx, ghost_cutoff(now, ghost_days), now)
