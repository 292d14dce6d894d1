"""/balance: a wallet's or a pool's balance. An area of its own because it is the command run
most often in a process of its own (``connects-bot exec "/balance"``): it loads only this."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.interface.options import Values
from core.interface.reply import Reply, plural, when
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
    from core.commands.limits import cap_line

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
    return Reply(f"{plural(view.balance)}", ["Your wallet", *lines])


async def balance_read(ctx: Context, o: PoolOptions) -> Reply:
    view = await ctx.services.balances.balance(ctx.actor, o.pool, ctx.now(), ctx.request_id)
    if isinstance(view, PoolView):
        from core.commands.pools import render_pool

        return render_pool(view)
    return render_wallet(view)


register("balance", Read(PoolOptions, PoolOptions.of, balance_read))
