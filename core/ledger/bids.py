"""Bids: placing one (with a pool's allowance and duplicate-job checks), refunding, undoing,
setting its outcome, and the confirmations a duplicate job waits for.

A bid's Connects are drawn through :func:`core.ledger.postings.debit` and come back through
:func:`core.ledger.postings.give_back` to the lots they came from. Refunds follow ``[policy]``:
reasons in ``refundable`` return everything, ``boost_only`` the boost, others nothing. ``refunded``
and ``undone`` are final statuses.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from core.base.config import Config
from core.base.keys import Actor
from core.base.vocabulary import FINAL, BidStatus, EntryKind, ghost_cutoff, sql_list, unanswered_sql
from core.interface.errors import (
    AllowanceExceeded,
    AlreadyDone,
    BadInput,
    Forbidden,
    NotFound,
    NotRefundable,
)
from core.interface.reply import Mention, Rich, cmd
from core.ledger import postings
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
from core.store.base import Row, Tx, Unstorable


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


def _no_bid(bid_id: int) -> Rich:
    return Rich(f"No bid #{bid_id} of yours. ", cmd("history"), " lists your bids.")


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
        allowance_left = None
        pool = account.pool
        if pool is not None:
            member = await self.pools.member(tx, pool.id, actor.user.key)
            if member is None:
                raise Forbidden(f"You are not a member of pool {pool.name}; ask its owner.")
            if member.allowance is not None:
                spent = await self.pools.spent_this_month(tx, pool.id, actor.user.key, stamp.now)
                left = member.allowance - spent
                if total > left:
                    raise AllowanceExceeded(total, max(left, 0), pool.name)
                allowance_left = left - total
            if not confirmed:
                earlier = await tx.fetchone(
                    "SELECT id, bidder, created_at FROM bids WHERE pool_id = :p AND job_key = :k "
                    f"AND status <> '{BidStatus.UNDONE.value}' ORDER BY id LIMIT 1",
                    {"p": pool.id, "k": key},
                )
                if earlier is not None:
                    raise NeedsConfirmation(
                        Earlier(
                            int(earlier["id"]), str(earlier["bidder"]), int(earlier["created_at"])
                        ),
                        pool.name,
                        spec.connects,
                        spec.boost,
                    )

        async def record(cents: int) -> int:
            factors = spec.factors.columns()
            names = ", ".join(factors)
            marks = ", ".join(f":f_{k}" for k in factors)
            row = await tx.fetchone(
                "INSERT INTO bids (account_id, pool_id, bidder, job, job_key, connects, boost, "
                "cost_cents, rate_type, rate_cents, note, status, refunded, created_at, "
                f"updated_at, request_id, connects_stated, scope, {names}) VALUES (:a, :p, :b, "
                ":job, :key, :c, :boost, :cents, :rt, :rate, :note, :status, 0, :now, :now, "
                f":rid, :stated, :scope, {marks}) RETURNING id",
                {
                    "a": account.id,
                    "p": pool.id if pool else None,
                    "b": actor.user.key,
                    "job": spec.job,
                    "key": key,
                    "c": spec.connects,
                    "boost": spec.boost,
                    "cents": cents,
                    "rt": spec.rate_type,
                    "rate": spec.rate_cents,
                    "note": spec.note,
                    "status": BidStatus.SUBMITTED.value,
                    "now": stamp.now,
                    "rid": stamp.request_id,
                    "stated": 0 if spec.quoted else 1,
                    "scope": actor.scope,
                    **{f"f_{k}": v for k, v in factors.items()},
                },
            )
            assert row is not None
            return int(row["id"])

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
            allowance_left=allowance_left,
            undo_until=self.config.wallet.undo_until(stamp.now),
            nonce=secrets.token_hex(4),
            rate_type=spec.rate_type,
            rate_cents=spec.rate_cents,
            pool=pool.name if pool else None,
            threshold=pool.threshold if pool else 0,
        )

    async def _for_change(self, tx: Tx, actor: Actor, bid_id: int) -> Row:
        """A bid the actor may change: their own, or one of a pool they administer."""
        bid = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid_id})
        if bid is None:
            raise NotFound(_no_bid(bid_id))
        if bid["bidder"] == actor.user.key:
            return bid
        if bid["pool_id"] is not None:
            pool = await self.pools.by_id(tx, int(bid["pool_id"]))
            if pool is not None and self.pools.is_admin(actor, pool):
                return bid
            if pool is not None and actor.scope == pool.scope:
                raise Forbidden(
                    f"Bid #{bid_id} is another member's; only its author or a pool "
                    "admin can change it."
                )
        raise NotFound(_no_bid(bid_id))

    @staticmethod
    async def _locked(tx: Tx, bid: Row) -> Row:
        """Lock the bid's account and read the bid again: a refund or undo that committed while
        this transaction waited for the lock (another process, on PostgreSQL) is seen."""
        await tx.lock_account(int(bid["account_id"]))
        row = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid["id"]})
        assert row is not None
        return row

    async def _give_back(
        self,
        tx: Tx,
        bid: Row,
        amount: int,
        kind: EntryKind,
        stamp: Stamp,
        reason: str | None,
    ) -> int:
        """Return ``amount`` of the bid's Connects and mark it ``refunded`` or ``undone``; the
        account's balance afterwards."""
        back = await postings.give_back(
            tx, int(bid["account_id"]), int(bid["id"]), amount, kind, stamp, reason or kind
        )
        await tx.execute(
            "UPDATE bids SET status = :s, refunded = :n, refunded_cents = :c, "
            "refund_reason = :r, updated_at = :now WHERE id = :id",
            {
                "s": (BidStatus.REFUNDED if kind == EntryKind.REFUND else BidStatus.UNDONE).value,
                "n": amount,
                "c": back.cents,
                "r": reason,
                "now": stamp.now,
                "id": bid["id"],
            },
        )
        return back.balance

    async def refund(
        self, tx: Tx, actor: Actor, bid_id: int, reason: str, stamp: Stamp
    ) -> Refunded:
        """Refund a bid once, by policy: refundable reasons return everything, ``outbid`` only
        the boost, others nothing (refused)."""
        await self.wallets.ensure_user(tx, actor.user, stamp)
        bid = await self._locked(tx, await self._for_change(tx, actor, bid_id))
        if bid["status"] in FINAL or int(bid["refunded"]) > 0:
            raise AlreadyDone(f"Bid #{bid_id} was already {bid['status']}; a bid refunds once.")
        policy = self.config.policy
        total = int(bid["connects"]) + int(bid["boost"])
        if reason in policy.refundable:
            amount = total
        elif reason in policy.boost_only:
            amount = int(bid["boost"])
            if amount == 0:
                raise NotRefundable(
                    f"'{reason}' returns the boost only, and bid #{bid_id} had "
                    "no boost: nothing to refund."
                )
        else:
            refundable = ", ".join((*policy.refundable, *policy.boost_only))
            raise NotRefundable(f"'{reason}' does not refund Connects. Refundable: {refundable}.")
        balance = await self._give_back(tx, bid, amount, EntryKind.REFUND, stamp, reason)
        return Refunded(
            bid_id,
            amount,
            reason,
            balance,
            total,
            str(bid["job"]),
            "your wallet" if bid["pool_id"] is None else "the pool",
        )

    async def undo(self, tx: Tx, actor: Actor, bid_id: int, stamp: Stamp) -> Undone:
        """Take back a fresh bid: its author only, within the undo window."""
        bid = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid_id})
        if bid is None or bid["bidder"] != actor.user.key:
            raise NotFound(f"No bid #{bid_id} of yours to undo.")
        bid = await self._locked(tx, bid)
        if bid["status"] in FINAL:
            raise AlreadyDone(f"Bid #{bid_id} was already {bid['status']}.")
        if not self.config.wallet.undoable(int(bid["created_at"]), stamp.now):
            minutes = self.config.wallet.undo_minutes
            raise AlreadyDone(
                Rich(f"Bid #{bid_id} is older than {minutes} minutes; use ", cmd("refund"), ".")
            )
        total = int(bid["connects"]) + int(bid["boost"])
        balance = await self._give_back(tx, bid, total, EntryKind.UNDO, stamp, None)
        return Undone(bid_id, total, balance, str(bid["job"]))

    async def set_outcome(
        self, tx: Tx, actor: Actor, bid_id: int, status: BidStatus, now: int
    ) -> OutcomeSet:
        """Record news of a bid (viewed, interviewing, hired, lost); final statuses stay."""
        bid = await self._for_change(tx, actor, bid_id)
        if bid["status"] in FINAL:
            raise AlreadyDone(f"Bid #{bid_id} was {bid['status']}; its status is final.")
        changed = await tx.execute(
            "UPDATE bids SET status = :s, updated_at = :now WHERE id = :id "
            f"AND status NOT IN {sql_list(FINAL)}",
            {"s": status.value, "now": now, "id": bid_id},
        )
        if not changed:  # refunded or undone by a concurrent request since it was read
            raise AlreadyDone(f"Bid #{bid_id} was refunded or undone; its status is final.")
        return OutcomeSet(bid_id, status, str(bid["status"]), str(bid["job"]))

    @staticmethod
    async def state(tx: Tx, bid_id: int, now: int) -> BidState | None:
        row = await tx.fetchone(
            "SELECT b.status, (SELECT COALESCE(SUM(l.remaining), 0) FROM lots l "
            "WHERE l.account_id = b.account_id AND (l.expires_at IS NULL OR l.expires_at > :now)"
            ") AS spendable FROM bids b WHERE b.id = :id",
            {"id": bid_id, "now": now},
        )
        return None if row is None else BidState(BidStatus(row["status"]), int(row["spendable"]))

    @staticmethod
    async def recent(tx: Tx, key: str, limit: int = 25) -> Sequence[RecentBid]:
        """The user's newest bids, newest first."""
        rows = await tx.fetchall(
            "SELECT id, job, connects, boost, status FROM bids WHERE bidder = :b "
            "ORDER BY id DESC LIMIT :n",
            {"b": key, "n": limit},
        )
        return [
            RecentBid(
                int(r["id"]),
                str(r["job"]),
                int(r["connects"]),
                int(r["boost"]),
                BidStatus(r["status"]),
            )
            for r in rows
        ]


async def mark_ghosted(tx: Tx, now: int, ghost_days: int) -> int:
    """Mark every bid with no news for ``ghost_days`` as ``ghosted`` (see
    :mod:`core.base.vocabulary`); how many were marked."""
    return await tx.execute(
        "UPDATE bids SET status = :s, updated_at = :now WHERE " + unanswered_sql(),
        {"s": BidStatus.GHOSTED.value, "now": now, "ghost": ghost_cutoff(now, ghost_days)},
    )
