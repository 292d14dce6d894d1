"""Quotes: /quote from typed factors or a pasted job post, and /paste, its form."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

from core.base.facts import JobFacts
from core.base.text import echo, shown
from core.commands.quotebuttons import (
    _bid_button,
    _keep,
    _kept,
    _match_limit,
    _no_bid_button,
    _reconcile_button,
)
from core.commands.registry import Context, Read, options_json, register
from core.interface.errors import BadInput
from core.interface.factoptions import typed_facts
from core.interface.options import Values
from core.interface.reply import (
    Button,
    Reply,
    Rich,
    cmd,
    plural,
)
from core.interface.uploads import Images
from core.ledger import kept
from core.ledger.bids import job_key
from core.ledger.postings import balance
from core.ledger.wallets import user_account
from core.quotes.bidrecords import BidFactors
from core.quotes.economics import JobValue, job_value
from core.quotes.estimates import Answer, Knowledge, answer, know, worth
from core.quotes.jobquote import (
    doubts,
    facts,
    job_name,
    not_stated,
    over_bid,
    read_job,
    read_when,
    upwork_balance,
)
from core.quotes.pricing import Quote, dollars, quote
from core.quotes.radar import Radar, Repost, radar
from core.reads.insight import cents_per_connect
from core.store.base import Tx
from core.store.tables.postings import last_entry

# ---------------------------------------------------------------------------------- /quote


@dataclass(frozen=True, slots=True)
class QuoteOptions:
    """/quote's options: the job's facts typed, the boost, a pasted post, and the hours an
    hourly job is expected to bill (its value)."""

    facts: JobFacts = field(default_factory=JobFacts)
    boost: int | None = None
    post: str | None = None
    hours: int | None = None
    image: Images | None = None

    @staticmethod
    def of(v: Values) -> QuoteOptions:
        return QuoteOptions(
            typed_facts(v),
            v.opt_integer("boost"),
            v.opt_text("post"),
            v.opt_integer("hours"),
            v.opt_images("image"),
        )


def explain(q: Quote) -> list[tuple[str, str]]:
    """One field per factor: what was known and the points it added."""
    rows = []
    for line in q.lines:
        points = f"+{line.points}/{line.max_points}"
        rows.append(
            (
                line.factor,
                f"{line.shown} {points}"
                if line.known
                else f"unknown {points}, {'no points' if line.points == 0 else 'a default'}",
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class _Seen:
    """What a quote reads: the wallet's balance, what its Connects cost (spent cents and
    count, ``None`` before any purchase), and what the scope knows."""

    have: int
    bought: tuple[int, int] | None
    knowledge: Knowledge
    last_entry: int = 0
    repost: Repost | None = None


async def _read(
    ctx: Context,
    factors: BidFactors,
    match: int | None = None,
    job: tuple[str | None, str | None] = (None, None),
    boost: int | None = None,
) -> _Seen:
    """What a quote reads; with ``match``, the balance a post shows that the wallet may be
    matched to, also the wallet's newest entry when the offer is made (the balance differs);
    with ``job`` (its title and identity), the earlier bid it looks like a repost of; with
    ``boost``, the hire rate of its boost band."""
    await ctx.services.balances.ensure_known(ctx.actor, ctx.now(), ctx.request_id)
    config, now = ctx.services.config, ctx.now()

    async def read(tx: Tx) -> _Seen:
        account = await user_account(tx, ctx.actor.user.key)
        assert account is not None, "ensure_known created the wallet"
        knowledge = await know(tx, config, ctx.actor.scope, factors, now, ctx.actor.user.key, boost)
        have = await balance(tx, account)
        offered = match is not None and match != have
        return _Seen(
            have,
            await cents_per_connect(tx, account),
            knowledge,
            await last_entry(tx, account) if offered else 0,
            await radar(tx, ctx.actor, job[0], job[1], factors, now),
        )

    return await ctx.services.store.read(read, quick=True)


def average_cost(connects: int, spent_cents: int, bought: int) -> int:
    """What ``connects`` Connects cost at the average price of ``bought`` Connects bought for
    ``spent_cents`` (``bought`` > 0), in cents, half a cent rounded up."""
    return (connects * spent_cents * 2 + bought) // (bought * 2)


def _spend(ctx: Context, total: int, seen: _Seen) -> tuple[int, str, list[str]]:
    """What ``total`` Connects cost the user, in cents, at what price (``at your average
    purchase price``), and its two lines: ``≈ $1.95 at your average purchase price`` and
    ``You can afford 3 such bids``."""
    cost, per_text = _cents(ctx, total, seen), _per_text(seen)
    afford = seen.have // total if total else 0
    such = "such bid" if afford == 1 else "such bids"
    return cost, per_text, [f"≈ {dollars(cost)} {per_text}", f"You can afford {afford} {such}"]


def _cents(ctx: Context, connects: int, seen: _Seen) -> int:
    """What ``connects`` Connects cost the user, in cents."""
    if seen.bought is None:
        return connects * ctx.services.config.pricing.default_cents_per_connect
    return average_cost(connects, *seen.bought)


def _per_text(seen: _Seen) -> str:
    return "at the best tier price" if seen.bought is None else "at your average purchase price"


def _spend_range(ctx: Context, low: int, high: int, seen: _Seen) -> list[str]:
    """``≈ $1.05-$3.90 at the best tier price`` and ``You can afford 2-8 such bids``: a
    range's dollars and bids, both ends shown."""
    afford = f"{seen.have // high}-{seen.have // low}" if low else "?"
    return [
        f"≈ {dollars(_cents(ctx, low, seen))}-{dollars(_cents(ctx, high, seen))} {_per_text(seen)}",
        f"You can afford {afford} such bids",
    ]


def _rests_on(a: Answer) -> str | None:
    """What the number rests on, in one short line of the first screen (the title names its
    source; Details say how it was reached): a range's roughness, a learned number's error."""
    if a.rough is not None:
        return "Rough: paste the post for its cost"
    model = a.knowledge.model
    if a.source == "learned" and model is not None:
        return f"Typical error ±{(model.mae_hundredths or 0) / 100:.1f}, {model.sample_size} bids"
    if a.source == "heuristic":
        return "A heuristic: Upwork's formula is unknown"
    return None


def _model_note(q: Quote) -> str | None:
    if q.model == "seed":
        return (
            f"Heuristic: {q.points}/{q.max_points} points → {plural(q.connects)}. "
            "Upwork does not publish its formula."
        )
    if q.model == "rate_card":
        return "Heuristic: a rate card by job value; Upwork's own card may differ."
    return None  # the range says how rough it is in the answer's own lines


def _answer_lines(
    ctx: Context, a: Answer, boost: int, seen: _Seen, f: JobFacts, hours: int | None
) -> tuple[list[str], list[str]]:
    """The first screen (the boost, the dollars, what the number rests on) and the details
    (how the number was reached, whether such jobs are worth it: for a range, only what holds
    whatever it costs)."""
    value = job_value(f.budget_type, f.price_cents, hours)
    rests = [line] if (line := _rests_on(a)) is not None else []
    if (rough := a.rough) is not None:
        low, high = rough[0] + boost, rough[1] + boost
        first = [f"{a.heuristic.shown()} + {boost} boost = {low}-{high}"] if boost else []
        first.extend([*_spend_range(ctx, low, high, seen), *rests])
        return first, [*a.lines(), *_whatever_it_costs(ctx, seen, low, high, value)]
    total = a.connects + boost
    first = [f"{a.connects} + {boost} boost = {plural(total)}"] if boost else []
    cost, per_text, spend = _spend(ctx, total, seen)
    first.extend([*spend, *rests])
    details = a.lines()
    if a.source == "heuristic" and (note := _model_note(a.heuristic)) is not None:
        details.append(note)
    config = ctx.services.config
    details.extend(worth(seen.knowledge, total, cost, value, config, per_text))
    return first, details


def _whatever_it_costs(
    ctx: Context, seen: _Seen, low: int, high: int, value: JobValue | str
) -> list[str]:
    """The "is it worth it" lines that hold at both ends of a range (the hire rate of similar
    jobs, the job's value, what a hire pays); those that change with the cost (a hire's cost,
    the break-even rate, the expected value) are left out, not shown at a guessed cost."""
    k, config, per_text = seen.knowledge, ctx.services.config, _per_text(seen)
    cheap = worth(k, low, _cents(ctx, low, seen), value, config, per_text)
    dear = worth(k, high, _cents(ctx, high, seen), value, config, per_text)
    return [line for line in cheap if line in dear]


def _fields(a: Answer, q: Quote) -> list[tuple[str, str]]:
    """The heuristic's points by factor, shown only when the heuristic answers: beside a
    learned or stated number they would pass for its explanation."""
    return explain(q) if a.source == "heuristic" else []


async def quote_read(ctx: Context, o: QuoteOptions) -> Reply:
    if o.image is not None:
        return await screenshot_quote(ctx, o, o.image)
    if o.post is not None:
        return await post_quote(ctx, o, o.post)
    boost = o.boost or 0
    factors = o.facts
    q = quote(ctx.services.config.pricing, factors, boost)
    seen = await _read(ctx, factors, boost=o.boost)
    a = answer(None, q, factors, seen.knowledge, ctx.now())
    first, details = _answer_lines(ctx, a, boost, seen, factors, o.hours)
    return Reply(a.title(), first, details=details, detail_fields=_fields(a, q))


register("quote", Read(QuoteOptions, QuoteOptions.of, quote_read))


# ------------------------------------------------------------------------- /quote post:


async def post_quote(ctx: Context, o: QuoteOptions, text: str) -> Reply:
    """A quote from a pasted post: the cost it states (else learned or the heuristic's, from
    the factors it states), typed options over the post, what the user's Connects make of it,
    what the post left out, and buttons to bid and to match the wallet to Upwork's balance."""
    post = read_job(text)
    boost = o.boost or 0
    factors = over_bid(o.facts, post)
    heuristic = quote(ctx.services.config.pricing, factors, boost)
    upwork = upwork_balance(post)
    matchable = upwork is not None and ctx.own_post and _match_limit(ctx) >= upwork
    job = job_name(post)
    identity = (post.title, None if job is None else job_key(job))
    seen = await _read(ctx, factors, upwork if matchable else None, identity, o.boost)
    a = answer(post.connects, heuristic, factors, seen.knowledge, ctx.now())
    lines: list[str] = []
    if job is not None:
        lines.append(post.title or job)
    if post.connects is None and not post.conflict("cost"):
        lines.append("The post states no Connects cost.")
    first, details = _answer_lines(ctx, a, boost, seen, factors, o.hours)
    lines.extend(first)
    buttons: list[Button] = []
    keeping: list[kept.Kept] = []
    if upwork is not None and upwork != seen.have and not ctx.own_post:
        lines.append(f"Upwork balance {upwork:,}: not yours to match.")  # another's post
    elif upwork is not None and upwork != seen.have:
        lines.append(f"Upwork shows {upwork:,}; your wallet has {seen.have:,}.")
        if (top := _match_limit(ctx)) >= upwork:
            offer = _kept(ctx, "reconcile", "{}", upwork=upwork, had=seen.have)
            keeping.append(dataclasses.replace(offer, last_entry=seen.last_entry))
            buttons.append(_reconcile_button(ctx, keeping[-1]))
        else:
            details.append(
                Rich("That is more than ", cmd("reconcile"), f" takes here ({top:,}): not offered.")
            )
    buttons.extend(_repost(ctx, seen.repost, factors, lines))
    if (missing := not_stated(post)) is not None:
        details.append(missing)
    lines.extend(doubts(post))
    if (why := _no_bid_button(post, job, factors, a)) is not None:
        lines.extend([why] if why else [])
    elif job is not None:
        # the button places /bid with the quote's options: hours value a quote, not a bid;
        # a screenshot's text is in post already (the image itself is never kept)
        bid_options = {k: v for k, v in options_json(o).items() if k not in ("hours", "image")}
        args = json.dumps(bid_options, sort_keys=True)
        keeping.insert(0, _kept(ctx, "bid", args, connects=a.connects, boost=boost))
        buttons.insert(0, _bid_button(ctx, keeping[0], job))
    await _keep(ctx, keeping, buttons)
    details.append(read_when(ctx.now()))
    return Reply(a.title(), lines, buttons=buttons, details=details, detail_fields=facts(post))


# ------------------------------------------------------------------------ /quote image:

#: the most unclear lines a reply names (a blurred screenshot would list them all)
_UNCLEAR_SHOWN = 3


async def screenshot_quote(ctx: Context, o: QuoteOptions, images: Images) -> Reply:
    """A quote from screenshots of a job page: read in a worker (:mod:`core.quotes.screens`)
    into lines, then quoted as the same text pasted would be (:func:`post_quote`). A line
    whose number was read with low confidence is named, and the number left unread: the reply
    asks for ``connects:`` or a clearer image rather than guess. Raises :class:`BadInput` when
    an image is refused or shows no job post; nothing of the images is kept."""
    if o.post is not None:
        raise BadInput("image: give a screenshot or a pasted post, not both.")
    page = await ctx.services.screens.read(ctx.actor.user.key, images.shots)
    text = "\n".join(page.lines)
    unclear = [
        Rich(
            f"Not read clearly: {echo(shown(line), 80)}; give ",
            cmd("bid", "connects:N"),
            " the cost Upwork shows, or a clearer image.",
        )
        for line in page.unclear[:_UNCLEAR_SHOWN]
    ]
    try:
        reply = await post_quote(ctx, dataclasses.replace(o, image=None, post=text), text)
    except BadInput:
        if unclear:
            raise BadInput(unclear[0]) from None
        raise BadInput(
            "image: no job post found in the screenshot; share Upwork's job page, "
            "with its Connects block in view."
        ) from None
    reply.lines[:0] = unclear
    return reply


def _repost(
    ctx: Context, repost: Repost | None, factors: JobFacts, lines: list[str]
) -> list[Button]:
    """What the repost radar found, added to ``lines``; its button, if it offers one."""
    if repost is None:
        return []
    said = Radar.of(repost, factors, ctx.services.config.policy.refundable)
    lines.extend(said.lines(ctx.now()))
    refund = said.button(ctx.actor.user.key, ctx.request_id)
    return [] if refund is None else [refund]


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
            Rich(
                "Paste the job post after ",
                cmd("paste"),
                ": copy the whole Upwork job page (or its link).",
            )
        )
    return await quote_read(ctx, QuoteOptions(post=o.post))


register("paste", Read(PasteOptions, PasteOptions.of, paste_read))
