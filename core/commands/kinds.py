"""Upwork's other movements: /interview (the +10 reward), /spend (badge, profile boost) and
/plan (a plan's Connects on each billing day). The rules are :mod:`core.ledger.kinds`."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Change, Context, register
from core.interface.options import Values
from core.interface.reply import Reply, Rich, cmd, plural, when
from core.ledger.bids import parse_bid_id
from core.ledger.kinds import CAP, Kinds, PlanSet, ProfileSpent, Rewarded, renewal_day
from core.quotes.amounts import dollars
from core.store.base import Tx


def _kinds(ctx: Context) -> Kinds:
    services = ctx.services
    return Kinds(services.config, services.wallets, services.pools)


# ---------------------------------------------------------------------------- /interview


@dataclass(frozen=True, slots=True)
class InterviewOptions:
    bid: int

    @staticmethod
    def of(v: Values) -> InterviewOptions:
        return InterviewOptions(parse_bid_id(v.text("bid")))


async def interview_apply(ctx: Context, o: InterviewOptions, tx: Tx, now: int) -> Rewarded:
    return await _kinds(ctx).interview(tx, ctx.actor, o.bid, ctx.stamp(now))


def interview_render(ctx: Context, o: InterviewOptions, r: Rewarded) -> Reply:
    from core.commands.money import named

    job, details = named(r.job, r.title)
    lines = [
        f"Bid #{r.bid} · {job}" if job == r.job else f"Bid #{r.bid}",
        *([] if job == r.job else [job]),
        f"+{r.connects} to {r.where} · {plural(r.balance)} there now",
        f"7 days' rewards: {r.week} of Upwork's {CAP}",
    ]
    if r.status != r.was:
        lines.append(f"Status: {r.status} (was {r.was})")
    details.append(f"Upwork rewards at most {CAP} Connects for interviews in any 7 days.")
    return Reply(f"Interview reward: +{r.connects}", lines, details=details)


register(
    "interview",
    Change(InterviewOptions, Rewarded, InterviewOptions.of, interview_apply, interview_render),
)


# -------------------------------------------------------------------------------- /spend


@dataclass(frozen=True, slots=True)
class SpendOptions:
    on: str
    connects: int
    pool: str | None

    @staticmethod
    def of(v: Values) -> SpendOptions:
        return SpendOptions(v.text("on"), v.integer("connects"), v.opt_text("pool"))


async def spend_apply(ctx: Context, o: SpendOptions, tx: Tx, now: int) -> ProfileSpent:
    return await _kinds(ctx).spend(tx, ctx.actor, o.on, o.connects, o.pool, ctx.stamp(now))


def spend_render(ctx: Context, o: SpendOptions, r: ProfileSpent) -> Reply:
    what = "availability badge" if r.on == "badge" else "profile boost"
    return Reply(
        f"Spent {plural(r.connects)} on {what}",
        [f"From {r.where} ({dollars(r.cents)}) · {plural(r.balance)} left"],
    )


register("spend", Change(SpendOptions, ProfileSpent, SpendOptions.of, spend_apply, spend_render))


# --------------------------------------------------------------------------------- /plan


@dataclass(frozen=True, slots=True)
class PlanOptions:
    name: str
    day: int | None

    @staticmethod
    def of(v: Values) -> PlanOptions:
        return PlanOptions(v.text("name"), v.opt_integer("day"))


async def plan_apply(ctx: Context, o: PlanOptions, tx: Tx, now: int) -> PlanSet:
    return await _kinds(ctx).set_plan(tx, ctx.actor, o.name, o.day, ctx.stamp(now))


def plan_render(ctx: Context, o: PlanOptions, r: PlanSet) -> Reply:
    if r.plan is None:
        said = "no plan was set" if r.had is None else f"{r.had} removed"
        return Reply("No plan", [f"{said.capitalize()}; no plan Connects will arrive."])
    renews = renewal_day(r.day)
    day = f"Billing day {r.day}" + (f" (renews on the {renews}st)" if renews != r.day else "")
    lines: list[str] = [f"{plural(r.monthly)} each billing cycle", day]
    details: list[str] = []
    if r.next_grant is not None:
        lines.append(Rich("Next grant: ", when(r.next_grant)))
        lines.append("This cycle's Connects count as given")
        details.append(
            Rich("If this cycle's are not in your wallet yet, ", cmd("reconcile"), " it.")
        )
    return Reply(f"Plan: {r.plan}", lines, details=details)


register("plan", Change(PlanOptions, PlanSet, PlanOptions.of, plan_apply, plan_render))
