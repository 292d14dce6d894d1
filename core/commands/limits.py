"""/limits and /pool limits: daily, weekly and boost caps on spending (core/ledger/caps.py)."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.keys import UserRef
from core.commands.balance import cap_line, cap_resets
from core.commands.registry import Change, Context, register
from core.interface.catalog import BY_NAME
from core.interface.errors import Forbidden, NotFound
from core.interface.options import Values
from core.interface.reply import Reply, Rich, cmd
from core.ledger.caps import NAMES, LimitsSet, read_cap, set_caps
from core.store.base import Tx
from core.store.tables.caps import Setter


def _caps(v: Values) -> dict[str, int | None]:
    """The caps given, each read (0: clear) or ``None`` when not given."""
    out: dict[str, int | None] = {}
    for name in NAMES:
        text = v.opt_text(name)
        out[name] = None if text is None else read_cap(name, text)
    return out


def render_limits(r: LimitsSet, title: str, example: Rich) -> Reply:
    rooms = list(r.in_force())
    lines: list[str | Rich] = [cap_line(room, r.pool is not None) for room in rooms]
    if not lines:
        return Reply(title, [Rich("No caps. e.g. ", example)])
    details: list[str] = []
    for name in NAMES:
        own = getattr(r, f"own_{name}")
        limit = getattr(r, name)
        if own is not None and limit is not None and own > limit:
            lines.append(f"Your own {name} cap ({own}) is looser")
            details.append(
                f"Your own {name} cap is looser than the admins' {limit}: theirs applies."
            )
    details.extend(cap_resets(rooms))
    details.append("Refunded Connects free the room they took.")
    return Reply(title, lines, details=details)


# ---------------------------------------------------------------------------------- /limits


@dataclass(frozen=True, slots=True)
class LimitsOptions:
    daily: int | None
    weekly: int | None
    boost: int | None

    @staticmethod
    def of(v: Values) -> LimitsOptions:
        caps = _caps(v)
        return LimitsOptions(caps["daily"], caps["weekly"], caps["boost"])


async def limits_apply(ctx: Context, o: LimitsOptions, tx: Tx, now: int) -> LimitsSet:
    user = await ctx.services.wallets.ensure_user(tx, ctx.actor.user, ctx.stamp(now))
    updates = {"daily": o.daily, "weekly": o.weekly, "boost": o.boost}
    key = ctx.actor.user.key
    return await set_caps(tx, user.account_id, key, "self", updates, key, None, now)


def limits_render(ctx: Context, o: LimitsOptions, r: LimitsSet) -> Reply:
    title = "Your limits updated" if r.changed else "Your limits"
    return render_limits(r, title, cmd("limits", "daily:20 weekly:80 boost:10"))


register("limits", Change(LimitsOptions, LimitsSet, LimitsOptions.of, limits_apply, limits_render))


# ---------------------------------------------------------------------------------- /pool limits


@dataclass(frozen=True, slots=True)
class PoolLimitsOptions:
    name: str
    member: UserRef | None
    daily: int | None
    weekly: int | None
    boost: int | None

    @staticmethod
    def of(v: Values) -> PoolLimitsOptions:
        member = v["member"]
        caps = _caps(v)
        return PoolLimitsOptions(
            v.text("name"),
            member if isinstance(member, UserRef) else None,
            caps["daily"],
            caps["weekly"],
            caps["boost"],
        )


async def pool_limits_apply(ctx: Context, o: PoolLimitsOptions, tx: Tx, now: int) -> LimitsSet:
    """An admin sets (or shows) a member's caps in the pool; a member sets or shows their own,
    which only ever add to the admins' (attack: a member raising their pool cap)."""
    services = ctx.services
    await services.wallets.ensure_user(tx, ctx.actor.user, ctx.stamp(now))
    pool = await services.pools.find(tx, ctx.actor, o.name)
    await services.pools.authorize(tx, ctx.actor, pool, BY_NAME[ctx.command].access)
    target = o.member or ctx.actor.user
    admin = services.pools.is_admin(ctx.actor, pool)
    if target.key != ctx.actor.user.key and not admin:
        raise Forbidden(
            f"Only the owner or an admin of pool {pool.name} sets another member's limits."
        )
    if await services.pools.member(tx, pool.id, target.key) is None:
        raise NotFound(
            Rich(f"{target.display} is not in pool {pool.name}; ", cmd("pool add"), " first.")
        )
    setter: Setter = "admin" if admin else "self"
    updates = {"daily": o.daily, "weekly": o.weekly, "boost": o.boost}
    return await set_caps(
        tx, pool.account_id, target.key, setter, updates, ctx.actor.user.key, pool.name, now
    )


def pool_limits_render(ctx: Context, o: PoolLimitsOptions, r: LimitsSet) -> Reply:
    mine = o.member is None or r.member == ctx.actor.user.key
    who = "Your" if mine or o.member is None else f"{o.member.display}'s"
    title = f"{who} limits in pool {r.pool}{' updated' if r.changed else ''}"
    example = cmd("pool limits", f"name:{r.pool} daily:10")
    return render_limits(r, title, example)


register(
    "pool limits",
    Change(
        PoolLimitsOptions,
        LimitsSet,
        PoolLimitsOptions.of,
        pool_limits_apply,
        pool_limits_render,
    ),
)
