"""Purchase commands: /buy, /void for a purchase recorded by mistake (/pool topup renders with
the same reply), and /reconcile to match the balance Upwork shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.commands.registry import Change, Context, register
from core.interface.errors import BadInput
from core.interface.options import Values
from core.interface.reply import Button, ButtonStyle, Reply, cmd, plural, when
from core.ledger.results import Purchased, Reconciled, Voided
from core.quotes.pricing import cents, dollars
from core.store.base import Tx

# ---------------------------------------------------------------------------------- /buy


@dataclass(frozen=True, slots=True)
class BuyOptions:
    connects: int
    pool: str | None
    paid: Decimal | None

    @staticmethod
    def of(v: Values) -> BuyOptions:
        return BuyOptions(v.integer("connects"), v.opt_text("pool"), v.opt_number("paid"))


def render_purchase(r: Purchased, title: str, author: str) -> Reply:
    how = "paid" if r.paid_given else f"at {dollars(r.tier_cents)} each"
    lines = [f"{dollars(r.cents)} {how} · {plural(r.balance)} in {r.where}"]
    if r.expires_at:
        lines.append("Expire on " + when(r.expires_at))
    buttons = (
        []
        if r.purchase is None
        else [
            Button(
                "Undo",
                "void",
                f"{r.purchase}.{r.nonce}",
                ButtonStyle.DANGER,
                text_command=cmd("void", f"purchase:#{r.purchase}"),
                only_user=author,
            )
        ]
    )
    return Reply(title, lines, buttons=buttons)


async def buy_apply(ctx: Context, o: BuyOptions, tx: Tx, now: int) -> Purchased:
    paid = None if o.paid is None else cents(o.paid)
    return await ctx.services.wallets.buy(tx, ctx.actor, o.connects, paid, o.pool, ctx.stamp(now))


def buy_render(ctx: Context, o: BuyOptions, r: Purchased) -> Reply:
    return render_purchase(r, f"Bought {plural(r.connects)}", ctx.actor.user.key)


register("buy", Change(BuyOptions, Purchased, BuyOptions.of, buy_apply, buy_render))


@dataclass(frozen=True, slots=True)
class ReconcileOptions:
    connects: int
    pool: str | None

    @staticmethod
    def of(v: Values) -> ReconcileOptions:
        return ReconcileOptions(v.integer("connects"), v.opt_text("pool"))


async def reconcile_apply(ctx: Context, o: ReconcileOptions, tx: Tx, now: int) -> Reconciled:
    return await ctx.services.wallets.reconcile(tx, ctx.actor, o.connects, o.pool, ctx.stamp(now))


def reconcile_render(ctx: Context, o: ReconcileOptions, r: Reconciled) -> Reply:
    if r.before == r.after:
        return Reply(f"Already {plural(r.after)}", [f"{r.where.capitalize()} matches Upwork."])
    change = r.after - r.before
    sign = "+" if change > 0 else ""
    return Reply(
        f"Set to {plural(r.after)}",
        [f"{r.where.capitalize()}: {r.before} → {r.after} ({sign}{change} adjustment)"],
    )


register(
    "reconcile",
    Change(ReconcileOptions, Reconciled, ReconcileOptions.of, reconcile_apply, reconcile_render),
)


@dataclass(frozen=True, slots=True)
class VoidOptions:
    purchase: int

    @staticmethod
    def of(v: Values) -> VoidOptions:
        text = v.text("purchase").strip().lstrip("#").strip()
        if not text.isdigit() or len(text) > 12:
            raise BadInput(
                f"purchase: {v.text('purchase')!r} is not a purchase number; use "
                "#N from the purchase's reply, e.g. purchase:#3"
            )
        return VoidOptions(int(text))


async def void_apply(ctx: Context, o: VoidOptions, tx: Tx, now: int) -> Voided:
    return await ctx.services.wallets.void(tx, ctx.actor, o.purchase, ctx.stamp(now))


def void_render(ctx: Context, o: VoidOptions, r: Voided) -> Reply:
    return Reply(
        f"Purchase #{r.purchase} voided",
        [
            f"{plural(r.connects)} ({dollars(r.cents)}) taken back · "
            f"{plural(r.balance)} in {r.where}"
        ],
    )


register("void", Change(VoidOptions, Voided, VoidOptions.of, void_apply, void_render))
