"""A quote's buttons: Bid (the quoted bid, at the number its label shows), Details, and Match
Upwork's balance, each kept under a code made from the quote's request id; and why a quote
offers no Bid button. :mod:`core.commands.quotes` builds its replies with them."""

from __future__ import annotations

from core.base.facts import JobFacts
from core.commands.registry import Context
from core.interface.commonoptions import MAX_PURCHASE
from core.interface.reply import DETAILS, KEPT_DETAILS, Button, ButtonStyle, cmd, plural
from core.ledger import kept
from core.quotes.bidrecords import unstorable_fact
from core.quotes.estimates import Answer
from core.quotes.jobpost import JobPost
from core.quotes.jobquote import refusal
from core.store.base import Tx


async def _keep(ctx: Context, keeping: list[kept.Kept], buttons: list[Button]) -> None:
    """Keep the quote's buttons, and offer its Details by the Bid button's code; a quote
    asked for its details keeps nothing (the first screen kept its buttons)."""
    if not keeping or ctx.details:
        return
    if keeping[0].kind == "bid":
        buttons.append(_details_button(keeping[0]))

    async def remember(tx: Tx) -> None:
        for k in keeping:
            await kept.keep(tx, k, ctx.actor.scope)

    await ctx.services.store.write(remember)


def _no_bid_button(post: JobPost, job: str | None, factors: JobFacts, a: Answer) -> str | None:
    """Why a quote from ``post`` offers no Bid button (``None``: it offers one; empty: the
    post's doubts already say why: its cost or link contradicts itself, so it is bid on with
    ``connects:``/``job:`` typed). A range is never a button's price."""
    if job is None:
        return "No job link or title in the post: add job:… to bid on it."
    if a.rough is not None:
        return "No Bid button: a range is not a price. Bid with the cost the job page shows."
    if (unstorable := unstorable_fact(factors)) is not None:
        name, value = unstorable
        return (
            f"No Bid button: the post's {name.replace('_', ' ')} ({value:,}) is more than "
            "the ledger can keep."
        )
    return None if refusal(post, None, None) is None else ""


def _kept(
    ctx: Context,
    kind: str,
    args: str,
    *,
    connects: int | None = None,
    boost: int | None = None,
    upwork: int | None = None,
    had: int | None = None,
) -> kept.Kept:
    """A button of this quote, kept under a code made from the quote's request id."""
    token = kept.code(kind, ctx.request_id)
    return kept.Kept(token, kind, ctx.actor.user.key, args, ctx.now(), connects, boost, upwork, had)


def _bid_button(ctx: Context, keeping: kept.Kept, job: str) -> Button:
    """The button that places exactly the quoted bid, at the number its label shows."""
    assert keeping.connects is not None and keeping.boost is not None
    connects, total = keeping.connects, keeping.connects + keeping.boost
    command = cmd("bid", f"job:{_quoted(job)} connects:{connects}")
    if total > connects:
        command += f" boost:{total - connects}"
    return Button(
        f"Bid {plural(total)}",
        "bid",
        keeping.token,
        ButtonStyle.PRIMARY,
        text_command=command,
        only_user=ctx.actor.user.key,
    )


def _details_button(keeping: kept.Kept) -> Button:
    """The quote's Details, named by its Bid button's code: the post does not fit a button,
    and only the asker may see it again (:func:`core.commands.kept.kept_details`)."""
    return Button(
        "Details",
        DETAILS,
        KEPT_DETAILS + keeping.token,
        ButtonStyle.SECONDARY,
        text_command=cmd("quote", "details:true post:…"),
    )


def _quoted(text: str) -> str:
    return text if " " not in text and '"' not in text else '"' + text.replace('"', '\\"') + '"'


def _match_limit(ctx: Context) -> int:
    """The largest balance the wallet may be matched to: what /reconcile takes, within the
    configured ``[wallet] max_balance``. (A balance a post shows is never negative.)"""
    limit = ctx.services.config.wallet.max_balance
    return min(MAX_PURCHASE, limit) if limit else MAX_PURCHASE


def _reconcile_button(ctx: Context, offer: kept.Kept) -> Button:
    """The offer to match the balance Upwork showed: kept with the wallet's balance now, so a
    click moves the wallet by the difference, whatever happens here in between."""
    return Button(
        f"Match Upwork's {offer.upwork}",
        "reconcile",
        offer.token,
        ButtonStyle.SECONDARY,
        text_command=cmd("confirm", f"token:{offer.token}"),
        only_user=ctx.actor.user.key,
    )
