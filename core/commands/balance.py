"""/balance: a wallet's or a pool's balance. An area of its own because it is the command run
most often in a process of its own (``connects-bot exec "/balance"``): it loads only this."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.interface.options import Values
from core.interface.reply import Reply, Rich, cmd, plural, when
from core.reads.balances import PoolView, WalletView


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """The option of /balance and /export: a pool's name, or none for the wallet."""

    pool: str | None

    @staticmethod
    def of(v: Values) -> PoolOptions:
        return PoolOptions(v.opt_text("pool"))


# ---------------------------------------------------------------------------------- /balance


def render_wallet(view: WalletView) -> Reply:
    lines: list[str] = []
    for p in view.pools:
        text = f"Pool {p.name}: {plural(p.balance)}"
        if p.allowance is not None:
            from core.commands.pools import allowance_left

            text += f" · your allowance: {allowance_left(p.allowance, p.spent)}"
        lines.append(text)
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
