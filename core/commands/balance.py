"""/balance: a wallet's or a pool's balance. An area of its own because it is the command run
most often in a process of its own (``connects-bot exec "/balance"``): it loads only this."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.interface.errors import utc_moment
from core.interface.options import Values
from core.interface.reply import Reply, Rich, cmd, plural, when
from core.ledger.caps import CapRoom
from core.reads.balances import PoolView, WalletView


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """The option of /balance and /export: a pool's name, or none for the wallet."""

    pool: str | None

    @staticmethod
    def of(v: Values) -> PoolOptions:
        return PoolOptions(v.opt_text("pool"))


# ---------------------------------------------------------------------------------- /balance

_PERIOD = {"daily": "today", "weekly": "this week", "boost": "today"}
_LABEL = {"daily": "Daily cap", "weekly": "Weekly cap", "boost": "Boost cap"}


def cap_line(room: CapRoom, pool: bool) -> str:
    """One wording wherever a cap shows: ``Daily cap: 3 of 20 left today (resets ...)``."""
    by = " · set by the pool's admins" if pool and room.setter == "admin" else ""
    return (
        f"{_LABEL[room.name]}: {room.left} of {room.limit} left {_PERIOD[room.name]}"
        f" (resets {utc_moment(room.resets_at)}){by}"
    )


def render_wallet(view: WalletView) -> Reply:
    lines: list[str] = [cap_line(room, pool=False) for room in view.caps]
    for p in view.pools:
        text = f"Pool {p.name}: {plural(p.balance)}"
        if p.allowance is not None:
            from core.commands.pools import allowance_left

            text += f" · your allowance: {allowance_left(p.allowance, p.spent)}"
        lines.append(text)
        lines.extend(f"  {cap_line(room, pool=True)}" for room in p.caps)
    for lot in view.expiring:
        lines.append(f"⚠ {plural(lot.remaining)} expire on " + when(lot.expires_at))
    if view.welcome_only:
        lines.extend(_welcome_lines(view.balance))
    return Reply(f"{plural(view.balance)}", ["Your wallet", *lines])


def _welcome_lines(balance: int) -> list[str]:
    """Where a new wallet's Connects come from: this bot's welcome grant (the operator's
    ``[wallet] welcome_grant``), not Upwork's count, which the bot cannot see; and how to
    match it."""
    start = (
        f"These {plural(balance)} are this bot's welcome grant (set by whoever runs it), "
        if balance
        else "Your wallet here starts empty: "
    )
    return [
        start + "not your Upwork balance: the bot cannot see that.",
        Rich("Set it to what Upwork shows with ", cmd("reconcile", "connects:N"), "."),
    ]


async def balance_read(ctx: Context, o: PoolOptions) -> Reply:
    view = await ctx.services.balances.balance(ctx.actor, o.pool, ctx.now(), ctx.request_id)
    if isinstance(view, PoolView):
        from core.commands.pools import render_pool

        return render_pool(view)
    return render_wallet(view)


register("balance", Read(PoolOptions, PoolOptions.of, balance_read))
