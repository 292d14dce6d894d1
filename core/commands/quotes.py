"""Quotes: /quote from typed factors or a pasted job post, and /paste, its form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from core.commands.registry import Context, Read, register
from core.errors import BadInput
from core.insight import cents_per_connect
from core.options import Values
from core.postings import balance
from core.pricing import Factors, Quote, cents, dollars, quote
from core.reply import Reply, plural
from core.store.base import Tx
from core.wallets import user_account


def _rating_tenths(rating: Decimal | None) -> int | None:
    return None if rating is None else int((rating * 10).to_integral_value())


# ---------------------------------------------------------------------------------- /quote


class _Typed(Protocol):
    """The quote factors as typed: options of /quote and /bid alike."""

    @property
    def price(self) -> Decimal | None: ...
    @property
    def size(self) -> str | None: ...
    @property
    def funded(self) -> bool | None: ...
    @property
    def verified(self) -> bool | None: ...
    @property
    def client_spent(self) -> Decimal | None: ...
    @property
    def hire_rate(self) -> int | None: ...
    @property
    def rating(self) -> Decimal | None: ...


def typed_factors(o: _Typed) -> Factors:
    """The pricing factors of typed options (amounts in cents, the rating in tenths)."""
    return Factors(
        price_cents=None if o.price is None else cents(o.price),
        size=o.size,
        funded=o.funded,
        verified=o.verified,
        client_spent_cents=None if o.client_spent is None else cents(o.client_spent),
        hire_rate=o.hire_rate,
        rating_tenths=_rating_tenths(o.rating),
    )


@dataclass(frozen=True, slots=True)
class QuoteOptions:
    price: Decimal | None
    size: str | None
    funded: bool | None
    verified: bool | None
    client_spent: Decimal | None
    hire_rate: int | None
    rating: Decimal | None
    boost: int | None
    post: str | None = None

    @staticmethod
    def of(v: Values) -> QuoteOptions:
        return QuoteOptions(
            v.opt_number("price"),
            v.opt_text("size"),
            v.opt_flag("funded"),
            v.opt_flag("verified"),
            v.opt_number("client_spent"),
            v.opt_integer("hire_rate"),
            v.opt_number("rating"),
            v.opt_integer("boost"),
            v.opt_text("post"),
        )

    def factors(self) -> Factors:
        return typed_factors(self)


def explain(q: Quote) -> list[tuple[str, str]]:
    """One field per factor: what was known and the points it added."""
    rows = []
    for line in q.lines:
        points = f"+{line.points}/{line.max_points}"
        rows.append(
            (line.factor, f"{line.shown} {points}" if line.known else f"unknown {points} (neutral)")
        )
    return rows


async def quote_read(ctx: Context, o: QuoteOptions) -> Reply:
    if o.post is not None:
        raise BadInput("Job posts cannot be read yet; type the job's factors instead.")
    config = ctx.services.config
    q = quote(config.pricing, o.factors(), o.boost or 0)
    await ctx.services.balances.ensure_known(ctx.actor, ctx.now(), ctx.request_id)

    async def read(tx: Tx) -> tuple[int, tuple[int, int] | None]:
        account = await user_account(tx, ctx.actor.user.key)
        assert account is not None, "ensure_known created the wallet"
        return await balance(tx, account), await cents_per_connect(tx, account)

    have, bought = await ctx.services.store.read(read, quick=True)
    if bought is None:
        per_text = "at the best tier price"
        cost = q.total * config.pricing.default_cents_per_connect
    else:
        spent, count = bought
        cost = (q.total * spent * 2 + count) // (count * 2)
        per_text = "at your average purchase price"
    lines = [f"≈ {dollars(cost)} {per_text} · you can afford {have // q.total} such bids"]
    if q.boost:
        lines.insert(0, f"{q.connects} + {q.boost} boost")
    if q.model == "seed":
        lines.append(
            f"{q.points}/{q.max_points} points → {plural(q.connects)}. "
            "A transparent estimate: Upwork does not publish its formula."
        )
    else:
        lines.append("Rate card by job value; Upwork's own card may differ.")
    return Reply(f"{plural(q.total)}", lines, explain(q))


register("quote", Read(QuoteOptions, QuoteOptions.of, quote_read))


# ---------------------------------------------------------------------------------- /paste


@dataclass(frozen=True, slots=True)
class PasteOptions:
    post: str | None

    @staticmethod
    def of(v: Values) -> PasteOptions:
        return PasteOptions(v.opt_text("post"))


async def paste_read(ctx: Context, o: PasteOptions) -> Reply:
    """/paste answers as ``/quote post:`` does; without a post, it says how to give one (the
    platforms with forms open one instead)."""
    if o.post is None:
        raise BadInput(
            "Paste the job post after /paste: copy the whole Upwork job page (or its link)."
        )
    empty = QuoteOptions(None, None, None, None, None, None, None, None)
    return await quote_read(ctx, dataclasses.replace(empty, post=o.post))


register("paste", Read(PasteOptions, PasteOptions.of, paste_read))
