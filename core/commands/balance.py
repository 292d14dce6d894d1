"""/balance: a wallet's or a pool's balance. An area of its own because it is the command run
most often in a process of its own (``connects-bot exec "/balance"``): it loads only this."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.interface.errors import utc_moment
from core.interface.options import Values
from core.interface.reply import FIRST_LINES, Reply, Rich, cmd, plural, when
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
    """One wording wherever a cap shows: ``Daily cap: 3 of 20 left today``; a pool's admins'
    cap says so (when each resets is in the details: :func:`cap_resets`)."""
    by = " · set by the pool's admins" if pool and room.setter == "admin" else ""
    return f"{_LABEL[room.name]}: {room.left} of {room.limit} left {_PERIOD[room.name]}{by}"


def cap_resets(rooms: list[CapRoom], where: str = "") -> list[str]:
    """When the caps reset, one line per moment: ``Daily and boost caps reset 2026-12-08
    00:00 UTC`` (``where``: ``in pool agency``)."""
    moments: dict[int, list[str]] = {}
    for room in rooms:
        moments.setdefault(room.resets_at, []).append(room.name)
    out = []
    for at, names in moments.items():
        caps = " and ".join(names)
        verb = "caps reset" if len(names) > 1 else "cap resets"
        out.append(f"{caps.capitalize()} {verb}{f' {where}' if where else ''} {utc_moment(at)}")
    return out


def render_wallet(view: WalletView) -> Reply:
    lines: list[str] = [cap_line(room, pool=False) for room in view.caps]
    details = cap_resets(list(view.caps))
    for p in view.pools:
        text = f"Pool {p.name}: {plural(p.balance)}"
        if p.allowance is not None:
            from core.commands.pools import allowance_left

            text += f" · your allowance: {allowance_left(p.allowance, p.spent)}"
        lines.append(text)
        lines.extend(f"  {cap_line(room, pool=True)}" for room in p.caps)
        details.extend(cap_resets(list(p.caps), f"in pool {p.name}"))
    for lot in view.expiring:
        lines.append(f"⚠ {plural(lot.remaining)} expire on " + when(lot.expires_at))
    first = ["Your wallet", *lines]
    if view.welcome_only:
        welcome = _welcome_lines(view.balance)
        first, details = first + welcome[:2], [*welcome[2:], *details]
    if len(first) > FIRST_LINES:  # many pools: the rest on request
        first, details = first[: FIRST_LINES - 1], [*first[FIRST_LINES - 1 :], *details]
        first.append("More under Details")
    return Reply(f"{plural(view.balance)}", first, details=details)


def _welcome_lines(balance: int) -> list[str]:
    """Where a new wallet's Connects come from: this bot's welcome grant (the operator's
    ``[wallet] welcome_grant``), not Upwork's count, which the bot cannot see; and how to
    match it. The last line is a detail."""
    start = (
        "A welcome grant, not your Upwork balance" if balance else "Empty: not your Upwork balance"
    )
    return [
        start,
        Rich("Match it: ", cmd("reconcile", "connects:N")),
        "The bot cannot see your Upwork balance; this bot's welcome grant is set by whoever "
        "runs it.",
    ]


async def balance_read(ctx: Context, o: PoolOptions) -> Reply:
    view = await ctx.services.balances.balance(ctx.actor, o.pool, ctx.now(), ctx.request_id)
    if isinstance(view, PoolView):
        from core.commands.pools import render_pool

        return render_pool(view)
    return render_wallet(view)


register("balance", Read(PoolOptions, PoolOptions.of, balance_read))
