"""Kept buttons invoked: a kept bid (a quote's Bid button, a Confirm button, ``/confirm``) and a
quote's offer to match the balance Upwork showed (see :mod:`core.ledger.kept`).

A kept bid is placed once, under its one key, at the Connects and boost its button showed,
whichever way it is invoked and however often; a first click after its button's time is
refused. Long after (the kept button swept), a click still says what it did.

The offer to match Upwork means: Upwork showed N when the post was copied, and the wallet held
M at that moment, so the wallet moves by N - M, whatever happened here since (a bid placed since
was placed on Upwork too). It is made once and says what it did.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import ClassVar

from core.base.vocabulary import EntryKind
from core.commands.registry import HANDLERS, Context, Forward, register
from core.interface.catalog import BY_NAME
from core.interface.commonoptions import MAX_PURCHASE
from core.interface.errors import BadInput, ConnectsError, NotFound
from core.interface.keptreply import dump_details, load_details
from core.interface.options import Values, check
from core.interface.reply import Button, ButtonStyle, Reply, Rich, cmd, plural, when
from core.ledger import kept, outcome_asks, postings
from core.ledger.idempotency import fingerprint, load
from core.quotes.bidrecords import BidPlaced
from core.quotes.jobquote import read_job
from core.store.base import Tx
from core.store.tables.postings import changes_after, last_entry

UNKNOWN = "That code is unknown or not yours."
#: After this long a quote's Bid button says the post may have changed, and places nothing.
QUOTE_FRESH_SECONDS = 3_600
UNKNOWN_OFFER = "That offer is unknown or not yours; quote the post again."
STALE = {
    "confirm": "That confirmation expired; run the bid again.",
    "bid": "That quote is over a day old; quote the post again.",
    "reconcile": (
        Rich(
            "That offer is over a day old; quote the post again, or ",
            cmd("reconcile"),
            " with what Upwork shows now.",
        )
    ),
}


@dataclass(frozen=True, slots=True)
class Matched:
    """A wallet moved to match the balance Upwork showed when a post was quoted."""

    KIND: ClassVar[str] = "matched"
    upwork: int
    had: int
    before: int
    after: int
    since: str  # "when the post was quoted", "before bid #12", ...
    where: str


async def _load(ctx: Context, token: str) -> tuple[kept.Kept | None, kept.Placement | None]:
    async def read(tx: Tx) -> tuple[kept.Kept | None, kept.Placement | None]:
        return await kept.find(tx, token), await kept.placement(tx, token)

    return await ctx.services.store.read(read, quick=True)


def _told(ctx: Context, done: kept.Placement | None) -> Reply | None:
    """What a kept button that is no longer kept did, when it was the actor's and did it."""
    if done is None or done.actor != ctx.actor.user.key or done.result is None:
        return None
    kind = json.loads(done.result).get("type")
    on = when(done.created_at)
    if kind == BidPlaced.KIND:
        r = load(BidPlaced, done.result)
        cost = plural(r.connects) + (f" + {r.boost} boost" if r.boost else "")
        return Reply(Rich(f"Bid #{r.bid} was placed on ", on), [r.job, f"{cost} from {r.where}"])
    if kind == Matched.KIND:
        m = load(Matched, done.result)
        return Reply(Rich(f"Set to {plural(m.after)} on ", on), [_matched_line(m)])
    return None


async def _resolve(
    ctx: Context, token: str, kinds: tuple[str, ...], unknown: str
) -> tuple[kept.Kept, kept.Placement | None] | Reply:
    """The actor's button of one of ``kinds`` kept under ``token``, with the change it made if
    it made one; once it is no longer kept, what it did (:func:`_told`). :class:`NotFound`
    with ``unknown`` for a code that is unknown, another's, or of another kind."""
    found, done = await _load(ctx, token)
    if found is not None and found.actor == ctx.actor.user.key and found.kind in kinds:
        return found, done
    told = _told(ctx, done) if found is None else None
    if told is None:
        raise NotFound(unknown)
    return told


def _states_cost(args: str) -> bool:
    """Whether kept options fix the bid's cost themselves (typed, or stated by the post)."""
    options = json.loads(args)
    if options.get("connects") is not None:
        return True
    try:
        return options.get("post") is not None and read_job(options["post"]).connects is not None
    except ConnectsError:
        return False


async def kept_bid(ctx: Context, token: str) -> tuple[Context, Values] | Reply:
    """The bid kept under ``token`` as the checked options of /bid under its one key, with
    the Connects and boost its button showed; or, once it is no longer kept, what it did."""
    resolved = await _resolve(ctx, token, kept.BID_KINDS, UNKNOWN)
    if isinstance(resolved, Reply):
        return resolved
    found, done = resolved
    services = ctx.services
    if done is None:
        if found.expired(services.clock()):
            raise BadInput(STALE[found.kind])
        age = services.clock() - found.created_at
        if found.kind == "bid" and age > QUOTE_FRESH_SECONDS:
            raise BadInput(
                f"That quote read the post {plural(age // 3_600, 'hour')} ago and Upwork may "
                "have changed the job's cost since: nothing was placed. Quote the post again "
                "to bid."
            )
        if found.pinned is None and not _states_cost(found.args):
            raise BadInput(
                "That button was made by an earlier version, which did not keep its number; "
                "quote the post again."
            )
    values = check(BY_NAME["bid"], json.loads(found.args), resolve_user=None)
    sub = Context(
        ctx.actor,
        kept.placement_key(token) if done is None else done.request_id,
        services,
        "bid",
        confirmed=found.kind == "confirm",
        text_commands=ctx.text_commands,
        pinned=found.pinned,
    )
    return sub, values


UNKNOWN_DETAILS = "Those details are unknown, expired or not yours."


async def kept_details(ctx: Context, token: str) -> Reply:
    """The details kept under ``token``: a change's (kept with its reply, shown as they were;
    the change is never run again), or a pasted post's quote (its Bid button's code), quoted
    again for its details (``ctx.details``: nothing kept). Only their owner sees them: the
    attack is a member pressing (or forging) another's code to read their post, balance or
    bid, refused as an unknown code."""
    found, _ = await _load(ctx, token)
    if found is None or found.actor != ctx.actor.user.key or found.kind not in ("bid", "details"):
        raise NotFound(UNKNOWN_DETAILS)
    if found.kind == "details":
        try:
            return load_details(found.args)
        except ValueError:
            raise NotFound(UNKNOWN_DETAILS) from None
    values = check(BY_NAME["quote"], json.loads(found.args), resolve_user=None)
    return await HANDLERS["quote"].run(ctx._replace(details=True), values)


async def keep_details(ctx: Context, reply: Reply) -> str:
    """Keep ``reply``'s details for its actor under a code made from the request id (a retry
    of the request keeps them once); the code, which a Details button carries."""
    token = kept.code("details", ctx.request_id)
    keeping = kept.Kept(token, "details", ctx.actor.user.key, dump_details(reply), ctx.now())

    async def remember(tx: Tx) -> None:
        await kept.keep(tx, keeping, ctx.actor.scope)

    await ctx.services.store.write(remember)
    return token


async def press_bid(ctx: Context, token: str) -> Reply:
    """A kept bid's button (a quote's Bid, a Confirm): its bid, placed once."""
    resolved = await kept_bid(ctx, token)
    if isinstance(resolved, Reply):
        return resolved
    sub, values = resolved
    return await HANDLERS["bid"].run(sub, values)


@dataclass(frozen=True, slots=True)
class ConfirmOptions:
    token: str

    @staticmethod
    def of(v: Values) -> ConfirmOptions:
        return ConfirmOptions(v.text("token").strip())


async def confirm_resolve(ctx: Context, o: ConfirmOptions) -> tuple[Context, Values] | Reply:
    """What a kept button does, by its code (the text a surface without buttons shows for
    it): the bid a Confirm or a Bid button stands for, a quote's Set-to offer, an outcome
    ask's answer (``3fa9c21b7d-hired``), or a change's kept details (shown, nothing run)."""
    if outcome_asks.parse(o.token) is not None:
        from core.commands.outcomes import press_outcome

        return await press_outcome(ctx, o.token)
    offer = await _load(ctx, o.token)
    if offer[0] is not None and offer[0].kind == "reconcile":
        return await press_reconcile(ctx, o.token)
    if offer[0] is not None and offer[0].kind == "details":
        return await kept_details(ctx, o.token)
    if _forgets(offer):
        from core.commands.forget import press_forget

        return await press_forget(ctx, o.token)
    return await kept_bid(ctx, o.token)


def _forgets(offer: tuple[kept.Kept | None, kept.Placement | None]) -> bool:
    """Whether a code is /forget's Confirm: kept as one, or one that forgot someone."""
    found, done = offer
    if found is not None:
        return found.kind == "forget"
    return done is not None and done.result is not None and '"type": "forgot"' in done.result


register("confirm", Forward(ConfirmOptions, ConfirmOptions.of, "bid", confirm_resolve))


# ------------------------------------------------------------------------- matching Upwork


async def _since(tx: Tx, account: int, last: int) -> str:
    """What changed the account after its entry ``last``, as ``before bid #12 and 1 other
    change``."""
    changes = await changes_after(tx, account, last)
    bids = sorted({c.bid_id for c in changes if c.kind == EntryKind.BID and c.bid_id})
    others = sum(1 for c in changes if c.kind not in (EntryKind.BID, EntryKind.BOOST))
    parts = []
    if bids:
        shown = ", ".join(f"#{b}" for b in bids[:5]) + (
            f" and {len(bids) - 5} more" if len(bids) > 5 else ""
        )
        parts.append(("bid " if len(bids) == 1 else "bids ") + shown)
    if others:
        parts.append(plural(others, "other change") if bids else plural(others, "change"))
    return "before " + " and ".join(parts) if parts else "when the post was quoted"


async def _match(ctx: Context, offer: kept.Kept, tx: Tx, now: int) -> Matched:
    assert offer.upwork is not None and offer.had is not None
    services, stamp = ctx.services, ctx.stamp(now)
    account = await services.wallets.account_for(tx, ctx.actor, None, stamp)
    await tx.lock_account(account.id)
    before = await postings.balance(tx, account.id)
    shift = offer.upwork - offer.had
    since = await _since(tx, account.id, offer.last_entry or 0)
    target = before + shift
    if target < 0:
        raise BadInput(
            Rich(
                f"Upwork showed {offer.upwork} {since} (your wallet had {offer.had}); that would "
                f"leave {target} here now. Use ",
                cmd("reconcile"),
                " with what Upwork shows now.",
            )
        )
    await services.wallets.require_room(
        tx,
        account,
        shift,
        lambda have, limit: (
            f"That would make your wallet {have + shift}, over this bot's maximum of {limit} "
            "Connects ([wallet] max_balance)."
        ),
    )
    memo = f"matched Upwork's {offer.upwork} {since} (wallet had {offer.had})"
    after = await postings.adjust(
        tx, account.id, shift, stamp, label=account.label, memo=memo, own=account.own
    )
    return Matched(offer.upwork, offer.had, before, after, since, account.label)


@dataclass(frozen=True, slots=True)
class MatchOffer:
    """An offer kept to match the wallet to the balance a post showed: that balance and the
    wallet's before the change that read the post."""

    upwork: int
    had: int


async def offer_match(ctx: Context, tx: Tx, text: str, now: int) -> MatchOffer | None:
    """Before a bid placed from a pasted post (``text``) spends from the wallet: when the
    post shows an Upwork balance other than the wallet's, keep the offer to match it (the
    same as a quote of the post makes), in the bid's own transaction, with the wallet's
    balance and newest entry now, so the offer moves the wallet by the difference whatever
    the bid spends. ``None`` when there is nothing to offer (no balance shown, the same, or
    more than /reconcile takes)."""
    from core.quotes.jobquote import upwork_balance

    try:
        upwork = upwork_balance(read_job(text))
    except ConnectsError:
        return None
    limit = ctx.services.config.wallet.max_balance
    if upwork is None or not ctx.own_post or upwork > min(MAX_PURCHASE, limit or MAX_PURCHASE):
        return None
    account = await ctx.services.wallets.account_for(tx, ctx.actor, None, ctx.stamp(now))
    had = await postings.balance(tx, account.id)
    if had == upwork:
        return None
    token = kept.code("reconcile", ctx.request_id)
    offer = kept.Kept(token, "reconcile", ctx.actor.user.key, "{}", now, upwork=upwork, had=had)
    last = await last_entry(tx, account.id)
    await kept.keep(tx, dataclasses.replace(offer, last_entry=last), ctx.actor.scope)
    return MatchOffer(upwork, had)


def match_button(ctx: Context, upwork: int) -> Button:
    """The button of the offer :func:`offer_match` kept under this request."""
    token = kept.code("reconcile", ctx.request_id)
    return Button(
        f"Match Upwork's {upwork:,}",
        "reconcile",
        token,
        ButtonStyle.SECONDARY,
        text_command=cmd("confirm", f"token:{token}"),
        only_user=ctx.actor.user.key,
    )


def _matched_line(m: Matched) -> str:
    shift = m.after - m.before
    return (
        f"Upwork showed {m.upwork} {m.since} (your wallet had {m.had} then): "
        f"{m.before} → {m.after} ({shift:+} adjustment)"
    )


async def press_reconcile(ctx: Context, token: str) -> Reply:
    """A quote's offer to match Upwork: the wallet moves by what Upwork showed minus what it
    held at the quote, once; refused when it is not the actor's or over a day old."""
    resolved = await _resolve(ctx, token, ("reconcile",), UNKNOWN_OFFER)
    if isinstance(resolved, Reply):
        return resolved
    found, done = resolved
    services = ctx.services
    if done is None and found.expired(services.clock()):
        raise BadInput(STALE["reconcile"])
    key = kept.placement_key(token) if done is None else done.request_id
    me = ctx.actor.user.key
    sub = Context(ctx.actor, key, services, "reconcile", text_commands=ctx.text_commands)

    async def op(tx: Tx, now: int) -> Matched:
        return await _match(sub, found, tx, now)

    m, _ = await services.change(key, fingerprint("match", me, {"key": key}), me, op, Matched)
    title = f"Set to {plural(m.after)}" if m.after != m.before else f"Already {plural(m.after)}"
    return Reply(title, [_matched_line(m)])
