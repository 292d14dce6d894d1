"""Money commands: /bid (a duplicate kept for its Confirm), /undo, /refund, /outcome."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from core.base.facts import JobFacts
from core.base.vocabulary import FINAL, BidStatus
from core.commands import screenshots
from core.commands.registry import Change, Context, options_json, register
from core.interface.errors import BadInput, NotFound
from core.interface.factoptions import typed_facts
from core.interface.options import Values
from core.interface.reply import (
    Button,
    ButtonStyle,
    Mention,
    Reply,
    Rich,
    cmd,
    plural,
    when,
    words,
)
from core.interface.uploads import Images
from core.ledger import kept
from core.ledger.bids import job_key, parse_bid_id
from core.quotes.bidrecords import (
    BidPlaced,
    BidSpec,
    BidState,
    NeedsConfirmation,
    OutcomeSet,
    Refunded,
    Undone,
)
from core.quotes.estimates import estimate
from core.quotes.jobpost import JobPost
from core.quotes.jobquote import job_name, over_bid, read_job, refusal
from core.quotes.pricing import Quote, cents, quote
from core.quotes.radar import Radar, radar
from core.store.base import Tx

# ---------------------------------------------------------------------------------- /bid


@dataclass(frozen=True, slots=True)
class BidOptions:
    job: str | None
    connects: int | None
    pool: str | None
    boost: int | None
    rate_type: str | None
    rate: Decimal | None
    note: str | None
    facts: JobFacts = field(default_factory=JobFacts)
    post: str | None = None
    invited: bool = False
    image: Images | None = None

    @staticmethod
    def of(v: Values) -> BidOptions:
        return BidOptions(
            v.opt_text("job"),
            v.opt_integer("connects"),
            v.opt_text("pool"),
            v.opt_integer("boost"),
            v.opt_text("rate_type"),
            v.opt_number("rate"),
            v.opt_text("note"),
            typed_facts(v),
            v.opt_text("post"),
            bool(v.opt_flag("invited")),
            v.opt_images("image"),
        )

    def typed_facts(self) -> JobFacts:
        """The facts typed: ``rate_type`` (the bid's own word for it) fills ``budget_type``
        when that is not given; the two saying different things is refused, never settled
        silently."""
        typed = self.facts
        if self.rate_type is None or typed.budget_type == self.rate_type:
            return typed
        if typed.budget_type is not None:
            raise BadInput(
                f"rate_type:{self.rate_type} and budget_type:{typed.budget_type} disagree: "
                "give one of them (both say whether the job is hourly or fixed)."
            )
        return dataclasses.replace(typed, budget_type=self.rate_type)

    async def spec(self, ctx: Context, tx: Tx, now: int) -> BidSpec:
        """The bid to place: typed options over what the post (if any) states; the cost
        typed, else stated by the post, else what a quote would answer (learned where the
        scope's model is in use, else the heuristic). A kept bid's button spends exactly the
        Connects and boost it showed (``ctx.pinned``), whatever a quote would answer now."""
        post = None if self.post is None else read_job(self.post)
        if post is not None and (refused := refusal(post, self.connects, self.job)):
            raise BadInput(refused)
        job = self.job or (None if post is None else job_name(post))
        if job is None:
            raise BadInput(
                Rich(
                    "job is required: the job's URL or title, e.g. ",
                    cmd("bid", 'job:"Logo for a bakery"'),
                    "" if post is None else " (the post shows neither)",
                )
            )
        if self.invited and self.connects:
            raise BadInput(
                f"An invited proposal costs 0 Connects: drop connects:{self.connects}, "
                "or invited:true if you were not invited."
            )
        if self.connects == 0 and not self.invited:
            raise BadInput(
                "connects:0 is only for an invited proposal: add invited:true, or give the "
                "Connects the job asks (1 or more)."
            )
        stated = self.connects if post is None or self.connects is not None else post.connects
        if self.invited:
            stated = 0
        factors = over_bid(self.typed_facts(), post)
        connects = stated
        boost = self.boost or 0
        if ctx.pinned is not None:
            connects, boost = ctx.pinned
        elif connects is None:
            heuristic = quote(ctx.services.config.pricing, factors)
            connects = await estimate(
                tx,
                ctx.services.config,
                ctx.actor.scope,
                heuristic,
                factors,
                now,
                ctx.actor.user.key,
            )
            if connects is None:
                raise BadInput(_cost_needed(heuristic, post is not None))
        return BidSpec(
            job=job,
            connects=connects,
            boost=boost,
            pool=self.pool,
            rate_type=factors.budget_type,
            rate_cents=None if self.rate is None else cents(self.rate),
            note=self.note,
            quoted=stated is None,
            factors=factors,
            title=_title(job, post),
            invited=self.invited,
        )


def _cost_needed(heuristic: Quote, from_post: bool) -> str:
    """Why a bid without a cost is refused under the ``range`` heuristic: it would only
    guess, so it asks for the cost the job page states."""
    where = "the post states none, and " if from_post else ""
    return (
        f"connects: is needed: {where}without the job's stated cost a quote says only "
        f"{heuristic.shown()}. Add the cost its Upwork page shows, e.g. connects:12."
    )


#: The longest title a bid keeps (a post's title is a client's words).
MAX_TITLE = 300


def _title(job: str, post: JobPost | None) -> str | None:
    """The title a bid keeps for the repost radar: the post's, else the job typed unless it
    is a link."""
    if post is not None:
        return None if post.title is None else post.title[:MAX_TITLE]
    return None if re.match(r"^https?://", job.strip(), re.IGNORECASE) else job


async def bid_read_images(ctx: Context, o: BidOptions) -> BidOptions:
    """A bid on screenshots, read first (outside the change) into the post they show."""
    if o.image is None:
        return o
    text = await screenshots.post_text(ctx, o.image, o.post, o.connects is not None or o.invited)
    return dataclasses.replace(o, image=None, post=text)


async def bid_apply(ctx: Context, o: BidOptions, tx: Tx, now: int) -> BidPlaced:
    from core.commands.kept import offer_match

    spec = await o.spec(ctx, tx, now)
    repost = await radar(tx, ctx.actor, spec.title, job_key(spec.job), spec.factors, now)
    # a post's Upwork balance: offered to match as its quote offers (a kept Bid button's
    # quote offered it already)
    offer = None
    if o.post is not None and o.pool is None and ctx.pinned is None:
        offer = await offer_match(ctx, tx, o.post, now)
    placed = await ctx.services.bids.place(tx, ctx.actor, spec, ctx.stamp(now), ctx.confirmed)
    if offer is not None:
        placed = dataclasses.replace(placed, upwork=offer.upwork, had=offer.had)
    if repost is None:
        return placed
    said = Radar.of(repost, spec.factors, ctx.services.config.policy.refundable)
    return dataclasses.replace(
        placed,
        repost_at=said.first_at,
        repost_client=said.client,
        repost_own=said.own_bid,
        repost_own_at=said.own_at,
        repost_refundable=said.refundable,
        repost_only_own=said.only_own,
        repost_returned=said.returned,
    )


def _radar(r: BidPlaced) -> Radar | None:
    """What the bid's reply says of a repost (:mod:`core.quotes.radar`)."""
    if r.repost_at is None or r.repost_client is None:
        return None
    return Radar(
        r.repost_at,
        r.repost_client,
        r.repost_own,
        r.repost_own_at,
        r.repost_refundable,
        r.repost_only_own,
        r.repost_returned,
    )


def _cost(r: BidPlaced) -> str:
    """What a bid spent: an invited proposal's nothing said so (a 0-Connect bid is one)."""
    if r.connects == 0:
        return "Invited: 0 Connects" + (f" + {r.boost} boost" if r.boost else "")
    return plural(r.connects) + (f" + {r.boost} boost" if r.boost else "")


def named(job: str, title: str | None) -> tuple[str, list[str]]:
    """A bid's job as a reply names it: its title (which may wrap) with the link in the
    details, else the job as typed."""
    return (title, [f"Job: {job}"]) if title else (job, [])


def bid_render(ctx: Context, o: BidOptions, r: BidPlaced) -> Reply:
    cost = _cost(r)
    first, details = named(r.job, r.title)
    lines = [first, f"{cost} from {r.where} · {plural(r.balance)} left"]
    if r.quoted and r.connects:  # no typed or stated cost: a quote's number was charged
        lines.append("Cost estimated: none was stated")
        details.append(
            "A quote estimated the cost (the job stated none): check it against the job page, "
            "and Undo if Upwork asks another number."
        )
    if r.allowance_left is not None:
        lines.append(f"Allowance left this month: {plural(r.allowance_left)}")
    if r.pool and r.threshold and r.balance < r.threshold:
        lines.append(f"⚠ Pool is below its {r.threshold:,}-Connect threshold")
    undo = Button(
        "Undo",
        "undo",
        f"{r.bid}.{r.nonce}",
        ButtonStyle.DANGER,
        text_command=cmd("undo", f"bid:#{r.bid}"),
        only_user=ctx.actor.user.key,
    )
    buttons = [undo]
    if r.upwork is not None and r.had is not None:
        from core.commands.kept import match_button

        lines.append(f"Upwork showed {r.upwork:,}; you had {r.had:,}")
        details.append(
            f"The post showed {r.upwork:,} Connects on Upwork before this bid; your wallet here "
            f"had {r.had:,}. Match Upwork moves it by the difference, once."
        )
        buttons.append(match_button(ctx, r.upwork))
    if (said := _radar(r)) is not None:
        lines.extend(said.lines(ctx.now()))
        if (refund := said.button(ctx.actor.user.key, ctx.request_id)) is not None:
            buttons.append(refund)
    return Reply(f"Bid #{r.bid} placed", lines, buttons=buttons, details=details)


async def _state(ctx: Context, bid_id: int) -> BidState | None:
    async def read(tx: Tx) -> BidState | None:
        return await ctx.services.bids.state(tx, bid_id, ctx.now())

    return await ctx.services.store.read(read, quick=True)


async def bid_replay(ctx: Context, o: BidOptions, r: BidPlaced) -> Reply:
    """A bid asked for again (a retry, a second Confirm): the same reply while the bid stands
    as placed; once it was undone, refunded or has news, what it is now and the balance now."""
    state = await _state(ctx, r.bid)
    if state is None or state.status == BidStatus.SUBMITTED:
        return bid_render(ctx, o, r)
    cost = _cost(r)
    final = state.status in FINAL
    if final:
        title = f"Bid #{r.bid} was placed, then {state.status}"
    else:
        title = f"Bid #{r.bid} placed earlier · {state.status} now"
    return Reply(title, [r.job, f"{cost} from {r.where} · {plural(state.balance)} there now"])


async def bid_refused(ctx: Context, o: BidOptions, exc: Exception) -> Reply | None:
    """A duplicate job in a pool: keep the bid's options under a code the author confirms."""
    if not isinstance(exc, NeedsConfirmation):
        return None
    services = ctx.services
    token = kept.code("confirm", ctx.request_id)
    args = json.dumps(options_json(o), sort_keys=True)
    keeping = kept.Kept(
        token,
        "confirm",
        ctx.actor.user.key,
        args,
        services.clock(),
        connects=exc.connects,
        boost=exc.boost,
    )

    async def remember(tx: Tx) -> None:
        await kept.keep(tx, keeping, ctx.actor.scope)

    await services.store.write(remember)
    total = exc.connects + exc.boost
    who: str = (
        "you" if exc.earlier.bidder == ctx.actor.user.key else Rich(Mention(exc.earlier.bidder))
    )
    reply = Reply(
        "Already bid on this job",
        [
            Rich(
                f"Pool {exc.pool} bid on it as #{exc.earlier.id} (by ",
                who,
                ", ",
                when(exc.earlier.created_at),
                f"). Nothing spent yet: confirm to bid {plural(total)} anyway.",
            )
        ],
        buttons=[
            Button(
                "Confirm bid",
                "confirm",
                token,
                ButtonStyle.PRIMARY,
                text_command=cmd("confirm", f"token:{token}"),
                only_user=ctx.actor.user.key,
            )
        ],
    )
    reply.needs_confirmation = True
    return reply


register(
    "bid",
    Change(
        BidOptions,
        BidPlaced,
        BidOptions.of,
        bid_apply,
        bid_render,
        bid_refused,
        bid_replay,
        bid_read_images,
    ),
)


# -------------------------------------------------------------------- /undo, /refund, /outcome


@dataclass(frozen=True, slots=True)
class UndoOptions:
    bid: int | None  # None: the caller's last bid

    @staticmethod
    def of(v: Values) -> UndoOptions:
        bid = v.opt_text("bid")
        return UndoOptions(None if bid is None else parse_bid_id(bid))


async def undo_apply(ctx: Context, o: UndoOptions, tx: Tx, now: int) -> Undone:
    bid = o.bid
    if bid is None:
        # the newest bid only, whatever its state: a second /undo never reaches further back
        # and takes an older bid the user did not mean
        last = await ctx.services.bids.recent(tx, ctx.actor.user.key, 1)
        if not last:
            raise NotFound("You have no bid to undo.")
        bid = last[0].id
    return await ctx.services.bids.undo(tx, ctx.actor, bid, ctx.stamp(now))


def undo_render(ctx: Context, o: UndoOptions, r: Undone) -> Reply:
    return Reply(f"Bid #{r.bid} undone", [f"{plural(r.returned)} back · {plural(r.balance)} now"])


register("undo", Change(UndoOptions, Undone, UndoOptions.of, undo_apply, undo_render))


@dataclass(frozen=True, slots=True)
class RefundOptions:
    bid: int
    reason: str

    @staticmethod
    def of(v: Values) -> RefundOptions:
        return RefundOptions(parse_bid_id(v.text("bid")), v.text("reason"))


async def refund_apply(ctx: Context, o: RefundOptions, tx: Tx, now: int) -> Refunded:
    return await ctx.services.bids.refund(tx, ctx.actor, o.bid, o.reason, ctx.stamp(now))


def refund_render(ctx: Context, o: RefundOptions, r: Refunded) -> Reply:
    part = "" if r.refunded == r.total else f" · the boost only, of {plural(r.total)}"
    return Reply(
        f"Refunded {plural(r.refunded)}",
        [f"Bid #{r.bid} · {words(r.reason)}{part}", f"{plural(r.balance)} in {r.where} now"],
    )


register("refund", Change(RefundOptions, Refunded, RefundOptions.of, refund_apply, refund_render))


@dataclass(frozen=True, slots=True)
class OutcomeOptions:
    bid: int
    status: BidStatus

    @staticmethod
    def of(v: Values) -> OutcomeOptions:
        return OutcomeOptions(parse_bid_id(v.text("bid")), BidStatus(v.text("status")))


async def outcome_apply(ctx: Context, o: OutcomeOptions, tx: Tx, now: int) -> OutcomeSet:
    return await ctx.services.bids.set_outcome(tx, ctx.actor, o.bid, o.status, now)


def outcome_render(ctx: Context, o: OutcomeOptions, r: OutcomeSet) -> Reply:
    first, details = named(r.job, r.title)
    return Reply(f"Bid #{r.bid}: {r.status}", [first, f"was {r.was}"], details=details)


register(
    "outcome", Change(OutcomeOptions, OutcomeSet, OutcomeOptions.of, outcome_apply, outcome_render)
)
