"""Pool commands: /pool create, add, remove, allowance, topup, info, threshold."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from core.base.keys import UserRef
from core.commands.purchases import render_purchase
from core.commands.registry import Change, Context, Read, register
from core.interface.catalog import BY_NAME
from core.interface.errors import BadInput
from core.interface.options import Values
from core.interface.reply import FIRST_LINES, ChannelRef, Mention, Reply, Rich, cmd, plural, when
from core.ledger.pools import Pool
from core.ledger.results import (
    AllowanceSet,
    MemberAdded,
    MemberRemoved,
    PoolCreated,
    Purchased,
    ThresholdSet,
)
from core.quotes.pricing import cents
from core.reads.balances import PoolView
from core.store.base import Tx

T = TypeVar("T")


async def _in_pool(ctx: Context, tx: Tx, name: str, op: Callable[[Pool], Awaitable[T]]) -> T:
    """Run ``op`` on the pool ``name`` once the command's declared access allows it, with the
    pool's account locked."""
    services = ctx.services
    pool = await services.pools.find(tx, ctx.actor, name)
    await services.pools.authorize(tx, ctx.actor, pool, BY_NAME[ctx.command].access)
    await tx.lock_account(pool.account_id)
    return await op(pool)


# ---------------------------------------------------------------------------------- create


@dataclass(frozen=True, slots=True)
class CreateOptions:
    name: str
    channel: str | None

    @staticmethod
    def of(v: Values) -> CreateOptions:
        return CreateOptions(v.text("name"), v.opt_text("channel"))


async def create_apply(ctx: Context, o: CreateOptions, tx: Tx, now: int) -> PoolCreated:
    services = ctx.services
    await services.wallets.ensure_user(tx, ctx.actor.user, ctx.stamp(now))
    return await services.pools.create(tx, ctx.actor, o.name, o.channel, now)


def create_render(ctx: Context, o: CreateOptions, r: PoolCreated) -> Reply:
    return Reply(
        f"Pool {r.pool} created",
        [
            "You own it; it starts at 0 Connects.",
            Rich("Next: ", cmd("pool topup"), " to fill it,"),
            Rich("then ", cmd("pool add"), " for each member"),
        ],
        details=[
            "For example:",
            cmd("pool topup", f"name:{r.pool} connects:80"),
            cmd("pool add", f"name:{r.pool} member:sam"),
        ],
    )


register(
    "pool create", Change(CreateOptions, PoolCreated, CreateOptions.of, create_apply, create_render)
)


# ---------------------------------------------------------------------------------- members


@dataclass(frozen=True, slots=True)
class MemberOptions:
    name: str
    member: UserRef

    @staticmethod
    def of(v: Values) -> MemberOptions:
        return MemberOptions(v.text("name"), v.user("member"))


async def add_apply(ctx: Context, o: MemberOptions, tx: Tx, now: int) -> MemberAdded:
    return await _in_pool(
        ctx, tx, o.name, lambda pool: ctx.services.pools.add_member(tx, pool, o.member, now)
    )


def add_render(ctx: Context, o: MemberOptions, r: MemberAdded) -> Reply:
    who = o.member.display
    if not r.added:
        return Reply(f"{who} is already in pool {r.pool}")
    return Reply(
        f"{who} added to pool {r.pool}", [Rich("They can now ", cmd("bid"), f" with pool:{r.pool}")]
    )


register("pool add", Change(MemberOptions, MemberAdded, MemberOptions.of, add_apply, add_render))


async def remove_apply(ctx: Context, o: MemberOptions, tx: Tx, now: int) -> MemberRemoved:
    return await _in_pool(
        ctx, tx, o.name, lambda pool: ctx.services.pools.remove_member(tx, pool, o.member)
    )


def remove_render(ctx: Context, o: MemberOptions, r: MemberRemoved) -> Reply:
    return Reply(
        f"{o.member.display} removed from pool {r.pool}", ["Their past bids stay in the ledger."]
    )


register(
    "pool remove",
    Change(MemberOptions, MemberRemoved, MemberOptions.of, remove_apply, remove_render),
)


@dataclass(frozen=True, slots=True)
class AllowanceOptions:
    name: str
    member: UserRef
    connects: int | None
    unlimited: bool | None

    @staticmethod
    def of(v: Values) -> AllowanceOptions:
        options = AllowanceOptions(
            v.text("name"), v.user("member"), v.opt_integer("connects"), v.opt_flag("unlimited")
        )
        if (options.connects is None) == (not options.unlimited):
            raise BadInput(
                Rich(
                    "Give connects:N (0 stops their spending) or unlimited:true, e.g. ",
                    cmd("pool allowance", "name:agency member:@sam connects:40"),
                )
            )
        return options


async def allowance_apply(ctx: Context, o: AllowanceOptions, tx: Tx, now: int) -> AllowanceSet:
    limit = None if o.unlimited else o.connects
    return await _in_pool(
        ctx,
        tx,
        o.name,
        lambda pool: ctx.services.pools.set_allowance(tx, pool, o.member, limit, now),
    )


def allowance_render(ctx: Context, o: AllowanceOptions, r: AllowanceSet) -> Reply:
    if r.allowance is None:
        return Reply(
            f"{o.member.display}: no monthly limit in pool {r.pool}",
            [f"{r.spent} spent this month"],
        )
    lines = [f"Pool {r.pool} · {allowance_left(r.allowance, r.spent)}"]
    if r.allowance == 0:
        lines.append("They cannot spend from the pool until you raise it.")
    return Reply(f"{o.member.display}: {plural(r.allowance)} a month", lines)


register(
    "pool allowance",
    Change(AllowanceOptions, AllowanceSet, AllowanceOptions.of, allowance_apply, allowance_render),
)


# ---------------------------------------------------------------------------------- topup


@dataclass(frozen=True, slots=True)
class TopupOptions:
    name: str
    connects: int
    paid: Decimal | None

    @staticmethod
    def of(v: Values) -> TopupOptions:
        return TopupOptions(v.text("name"), v.integer("connects"), v.opt_number("paid"))


async def topup_apply(ctx: Context, o: TopupOptions, tx: Tx, now: int) -> Purchased:
    paid = None if o.paid is None else cents(o.paid)
    return await ctx.services.wallets.buy(tx, ctx.actor, o.connects, paid, o.name, ctx.stamp(now))


def topup_render(ctx: Context, o: TopupOptions, r: Purchased) -> Reply:
    return render_purchase(r, f"Pool topped up: +{plural(r.connects)}", ctx.actor.user.key)


register("pool topup", Change(TopupOptions, Purchased, TopupOptions.of, topup_apply, topup_render))


# ---------------------------------------------------------------------------------- info


@dataclass(frozen=True, slots=True)
class NameOptions:
    name: str

    @staticmethod
    def of(v: Values) -> NameOptions:
        return NameOptions(v.text("name"))


def allowance_left(allowance: int, spent: int) -> str:
    """One wording wherever an allowance shows: ``15 of 20 left this month``."""
    return f"{max(allowance - spent, 0)} of {allowance} left this month"


def render_pool(view: PoolView) -> Reply:
    """A pool's balance, members with their spend this month, threshold and expiries; the
    members past the first screen in the details."""
    fields: list[tuple[str, str]] = []
    for m in view.members:
        owner = " (owner)" if m.owner else ""
        spend = (
            f"{m.spent} spent, no limit"
            if m.allowance is None
            else allowance_left(m.allowance, m.spent)
        )
        fields.append((Rich(Mention(m.key), owner), spend))
    lines: list[str] = [f"{plural(len(view.members), 'member')}"]
    if view.threshold:
        where = Rich(" in ", ChannelRef(view.channel)) if view.channel else ""
        lines.append(Rich(f"Warns below {view.threshold}", where))
    for lot in view.expiring:
        lines.append(f"⚠ {plural(lot.remaining)} expire on " + when(lot.expires_at))
    room = max(FIRST_LINES - len(lines), 2)
    return Reply(
        f"Pool {view.name}: {plural(view.balance)}",
        lines,
        fields[:room],
        detail_fields=fields[room:],
    )


async def info_read(ctx: Context, o: NameOptions) -> Reply:
    view = await ctx.services.balances.pool_info(
        ctx.actor, o.name, BY_NAME[ctx.command].access, ctx.now()
    )
    return render_pool(view)


register("pool info", Read(NameOptions, NameOptions.of, info_read))


# ---------------------------------------------------------------------------------- threshold


@dataclass(frozen=True, slots=True)
class ThresholdOptions:
    name: str
    connects: int
    channel: str | None

    @staticmethod
    def of(v: Values) -> ThresholdOptions:
        return ThresholdOptions(v.text("name"), v.integer("connects"), v.opt_text("channel"))


async def threshold_apply(ctx: Context, o: ThresholdOptions, tx: Tx, now: int) -> ThresholdSet:
    return await _in_pool(
        ctx,
        tx,
        o.name,
        lambda pool: ctx.services.pools.set_threshold(tx, pool, o.connects, o.channel),
    )


def threshold_render(ctx: Context, o: ThresholdOptions, r: ThresholdSet) -> Reply:
    if r.threshold == 0:
        return Reply(f"Pool {r.pool}: low-balance warning off")
    where = Rich(" in ", ChannelRef(r.channel)) if r.channel else " (no channel set yet)"
    return Reply(f"Pool {r.pool}: warns below {r.threshold}", [Rich("Announced", where)])


register(
    "pool threshold",
    Change(ThresholdOptions, ThresholdSet, ThresholdOptions.of, threshold_apply, threshold_render),
)
