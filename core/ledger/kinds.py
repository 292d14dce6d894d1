"""Upwork's other movements of Connects: the interview reward, spend on the profile (an
availability badge, a profile boost) and a plan's Connects on its billing day.

**Interview reward.** When a client starts an interview on a proposal and the freelancer
replies, Upwork gives back :data:`REWARD` Connects, at most :data:`CAP` in any
:data:`WINDOW` (rolling). ``/interview bid:#12`` credits it: to the account the bid drew on
(a pool's, when the bid was submitted under the pool, as Upwork gives an agency's proposal's
reward to the agency), once per bid (a unique index of ``interview_rewards``), only to the bid's
own author, never for a bid refunded or undone, nor for an invited proposal (Upwork rewards
none). The cap is counted per member who earned the rewards, in the same transaction as the
credit and after the member's wallet is locked, so two processes never both pass it.

Attacks, and what stops them: a member claiming another member's bid (only its author may:
a pool admin did not earn it either); a bid refunded or undone (final: refused); the same bid
twice, by a retry, a second process or a new request (one row per bid); a sixth reward in a
week (the cap, refused with when room frees); a bid placed, rewarded and undone to pump a
pool (a rewarded bid cannot be undone: :meth:`core.ledger.bids.Bids.undo`).

**Profile spend.** ``/spend on:badge connects:N`` (or ``on:profile_boost``) is a debit tied to
no job, drawn like a bid through :func:`core.ledger.postings.debit`, so the store refuses
overspend; a pool's spend is its admins' to record.

**Plans.** ``/plan name:plus day:15`` records the plan and its billing day; on each billing
day the notice worker grants the plan's Connects (:data:`core.base.vocabulary.PLAN_CONNECTS`)
once per cycle (a conditional update of the plan's last granted cycle), kept under ``[wallet]
max_balance``. Cycles starting on the 29th, 30th or 31st renew on the 1st
(:func:`renewal_day`). The cycle under way when a plan is set counts as granted (Upwork gave
those Connects already: they are in the balance, or ``/reconcile`` puts them there). A cycle
missed while no worker ran is granted once, late, not once per missed month.

Plan and reward Connects expire like purchases (``[wallet] expiry_months``): Upwork's Connects
expire a year from issue, and unused ones roll over with no cap on what one may hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from core.base.config import Config
from core.base.dates import DAY, utc_day
from core.base.keys import Actor
from core.base.vocabulary import (
    AWAITING,
    FINAL,
    PLAN_CONNECTS,
    BidStatus,
    EntryKind,
    LotSource,
    PlanName,
)
from core.interface.errors import AlreadyDone, BadInput, ConnectsError, NotFound
from core.interface.reply import Rich, cmd, when
from core.ledger import postings
from core.ledger.pools import Pools
from core.ledger.postings import Leg, Stamp
from core.ledger.wallets import Wallets, grant_amount
from core.store.base import Tx
from core.store.tables import bids as bid_table
from core.store.tables import kinds as table
from core.store.tables.kinds import Plan, Reward

REWARD = 10
CAP = 50
WINDOW = 7 * DAY

#: what ``/spend on:`` takes, and the entry kind each writes
SPEND_ON: dict[str, EntryKind] = {
    "badge": EntryKind.BADGE,
    "profile_boost": EntryKind.PROFILE_BOOST,
}


class RewardCapReached(ConnectsError):
    """A member's interview rewards of the last 7 days already reach Upwork's cap."""

    def __init__(self, cap: int, earned: int, frees_at: int) -> None:
        super().__init__(
            Rich(
                f"Upwork gives at most {cap} Connects of interview rewards in 7 days, and you "
                f"had {earned} in the last 7. Room frees ",
                when(frees_at),
                "; nothing added.",
            )
        )
        self.cap = cap
        self.earned = earned
        self.frees_at = frees_at


# ------------------------------------------------------------------------ the rules, pure


def room_frees_at(recent: Sequence[Reward], amount: int, cap: int, window: int) -> int | None:
    """When a reward of ``amount`` fits under ``cap`` given the rewards of the window
    (``recent``, oldest first): ``None`` when it fits now, else the moment enough of them have
    left the window (a reward of ``t`` counts until ``t + window``)."""
    total = sum(r.connects for r in recent)
    over = total + amount - cap
    if over <= 0:
        return None
    if amount > cap:
        raise ValueError("a reward larger than the cap never fits")
    for reward in recent:
        over -= reward.connects
        if over <= 0:
            return reward.created_at + window
    raise AssertionError("unreachable: the rewards sum to more than the excess")


def renewal_day(day: int) -> int:
    """The day of the month a billing cycle started on ``day`` renews: the same day, except
    the 29th to 31st, which renew on the 1st (of the next month)."""
    if not 1 <= day <= 31:
        raise ValueError("a billing day is 1 to 31")
    return 1 if day >= 29 else day


def cycle_start(day: int, now: int) -> int:
    """The start (UTC midnight) of the billing cycle of ``day`` under way at ``now``."""
    renews = renewal_day(day)
    t = datetime.fromtimestamp(now, UTC)
    year, month = t.year, t.month
    if t.day < renews:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return int(datetime(year, month, renews, tzinfo=UTC).timestamp())


def next_cycle(day: int, now: int) -> int:
    """The start of the billing cycle of ``day`` after the one under way at ``now``."""
    start = datetime.fromtimestamp(cycle_start(day, now), UTC)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return int(datetime(year, month, start.day, tzinfo=UTC).timestamp())


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Rewarded:
    KIND: ClassVar[str] = "interview_rewarded"
    bid: int
    job: str
    connects: int
    where: str
    balance: int
    status: str  # the bid's status afterwards
    was: str
    week: int  # the member's reward Connects in the window, this one included
    title: str | None = None  # the post's title, when the job is its link


@dataclass(frozen=True, slots=True)
class ProfileSpent:
    KIND: ClassVar[str] = "profile_spent"
    on: str
    connects: int
    where: str
    balance: int
    cents: int


@dataclass(frozen=True, slots=True)
class PlanSet:
    KIND: ClassVar[str] = "plan_set"
    plan: str | None  # None: no plan any more
    day: int
    monthly: int
    next_grant: int | None
    had: str | None


@dataclass(frozen=True, slots=True)
class PlanGranted:
    """What one plan grant gave: the Connects (0 when the wallet was at its maximum)."""

    user_key: str
    plan: str
    amount: int
    cycle: int
    notices: bool


# ----------------------------------------------------------------------------- changes


class Kinds:
    """The interview reward, profile spend and plans, under the ``[wallet]`` settings."""

    def __init__(self, config: Config, wallets: Wallets, pools: Pools) -> None:
        self.config = config
        self.wallets = wallets
        self.pools = pools

    async def interview(self, tx: Tx, actor: Actor, bid_id: int, stamp: Stamp) -> Rewarded:
        """Credit the interview reward of the actor's own bid ``bid_id`` to the account it drew
        on, and mark it ``interviewing`` if it awaited an answer. Refused: not the actor's bid,
        a final or invited bid, a bid rewarded already, the 7-day cap reached."""
        user = await self.wallets.ensure_user(tx, actor.user, stamp)  # locks the wallet first
        found = await bid_table.by_id(tx, bid_id)
        if found is None or found.bidder != actor.user.key:
            raise NotFound(Rich(f"No bid #{bid_id} of yours\n", cmd("history"), " lists your bids"))
        bid = await bid_table.locked(tx, found)
        await postings.expire(tx, bid.account_id, stamp)  # a pool's balance shown is spendable
        if bid.status in FINAL:
            raise AlreadyDone(
                f"Bid #{bid_id} was {bid.status}; an interview reward needs a bid that stands."
            )
        earlier = await table.reward_of(tx, bid_id)
        if earlier is not None:
            raise AlreadyDone(
                Rich(
                    f"Bid #{bid_id}'s interview reward ({earlier.connects} Connects) was "
                    "credited on ",
                    when(earlier.created_at),
                    "; nothing added.",
                )
            )
        if await table.invited(tx, bid_id):
            raise BadInput(
                f"Bid #{bid_id} was an invited proposal; Upwork gives no interview reward "
                "for those."
            )
        recent = await table.rewards_since(tx, user.key, stamp.now - WINDOW)
        frees = room_frees_at(recent, REWARD, CAP, WINDOW)
        if frees is not None:
            raise RewardCapReached(CAP, sum(r.connects for r in recent), frees)
        if not await table.add_reward(
            tx,
            bid_id=bid_id,
            bidder=user.key,
            account_id=bid.account_id,
            connects=REWARD,
            now=stamp.now,
        ):
            raise AlreadyDone(f"Bid #{bid_id}'s interview reward was credited already.")
        await postings.credit(
            tx,
            bid.account_id,
            REWARD,
            LotSource.INTERVIEW,
            stamp,
            expires_at=self.wallets.expiry_for(stamp.now),
            memo=f"interview on bid #{bid_id}",
        )
        status = bid.status
        if status in AWAITING or status == BidStatus.GHOSTED:
            await bid_table.set_status(tx, bid_id, BidStatus.INTERVIEWING, stamp.now)
            status = BidStatus.INTERVIEWING
        where = "your wallet"
        if bid.pool_id is not None:
            pool = await self.pools.by_id(tx, bid.pool_id)
            where = "the pool" if pool is None else f"pool {pool.name}"
        return Rewarded(
            bid_id,
            bid.job,
            REWARD,
            where,
            await postings.balance(tx, bid.account_id),
            status.value,
            bid.status.value,
            sum(r.connects for r in recent) + REWARD,
            bid.title if bid.title and bid.title != bid.job else None,
        )

    async def spend(
        self, tx: Tx, actor: Actor, on: str, connects: int, pool: str | None, stamp: Stamp
    ) -> ProfileSpent:
        """Spend ``connects`` on the profile (``on``: a key of :data:`SPEND_ON`) from the
        wallet, or from a pool by its admins; refused when short, like a bid."""
        kind = SPEND_ON.get(on)
        if kind is None:
            raise BadInput(f"on: {on!r} is not one of {', '.join(SPEND_ON)}")
        account = await self.wallets.account_for(tx, actor, pool, stamp)
        if account.pool is not None:
            self.pools.require_admin(actor, account.pool)
        what = "availability badge" if kind == EntryKind.BADGE else "profile boost"
        draw = await postings.debit(
            tx,
            account.id,
            [Leg(kind, connects, what)],
            stamp,
            label=account.label,
            own=account.own,
        )
        return ProfileSpent(on, connects, account.label, draw.balance, draw.cents)

    async def set_plan(
        self, tx: Tx, actor: Actor, name: str, day: int | None, stamp: Stamp
    ) -> PlanSet:
        """Record the actor's plan and billing day (``name`` ``none``: no plan); the cycle
        under way counts as granted, so the first grant comes on the next billing day."""
        user = await self.wallets.ensure_user(tx, actor.user, stamp)
        had = await table.plan_of(tx, user.key)
        if name == "none":
            await table.drop_plan(tx, user.key)
            return PlanSet(None, 0, 0, None, None if had is None else had.plan)
        try:
            plan = PlanName(name)
        except ValueError:
            raise BadInput(
                f"name: {name!r} is not a plan; use {', '.join(PlanName)} or none"
            ) from None
        if day is None:
            if had is None:
                raise BadInput(
                    Rich(
                        "day is required: your billing day (1-31), e.g. ",
                        cmd("plan", f"name:{plan} day:15"),
                    )
                )
            day = had.day
        cycle = cycle_start(day, stamp.now)
        if had is not None:
            cycle = max(cycle, had.cycle)  # never grant a cycle twice by changing the day
        await table.set_plan(tx, user.key, plan.value, day, cycle, stamp.now)
        upcoming = next_cycle(day, max(cycle, stamp.now))
        return PlanSet(
            plan.value,
            day,
            PLAN_CONNECTS[plan],
            upcoming,
            None if had is None else had.plan,
        )

    async def grant_plan(self, tx: Tx, user_key: str, now: int) -> PlanGranted | None:
        """Grant the member's plan Connects for the cycle under way at ``now`` if not granted
        yet (claimed in the plan's row, so once per cycle by any process), kept under ``[wallet]
        max_balance``; ``None`` when there was nothing to grant."""
        plan: Plan | None = await table.plan_of(tx, user_key)
        if plan is None:
            return None
        cycle = cycle_start(plan.day, now)
        if cycle <= plan.cycle:
            return None
        await tx.lock_account(plan.account_id)
        if not await table.claim_cycle(tx, user_key, cycle):
            return None
        limit = self.config.wallet.max_balance or None
        held = await postings.balance(tx, plan.account_id)
        monthly = PLAN_CONNECTS[PlanName(plan.plan)]
        amount = grant_amount(monthly, held, limit)
        if amount:
            await postings.credit(
                tx,
                plan.account_id,
                amount,
                LotSource.PLAN,
                Stamp("system", f"job:plan:{user_key}:{cycle}", now),
                expires_at=self.wallets.expiry_for(now),
                memo=f"{plan.plan} plan, cycle of {utc_day(cycle)}",
            )
        return PlanGranted(user_key, plan.plan, amount, cycle, plan.notices)

    @staticmethod
    async def due_plans(tx: Tx, now: int) -> list[str]:
        """The members whose plan has a cycle not granted yet at ``now``."""
        return [p.user_key for p in await table.all_plans(tx) if cycle_start(p.day, now) > p.cycle]
