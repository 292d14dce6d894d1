"""Outcomes in one tap (see :mod:`core.ledger.outcome_asks`): ``/outcomes`` lists the bids
awaiting news with the commands that record it, and a button of an ask (or ``/confirm`` with
its code) records its outcome.

A press records what its label says, once, for the bid's owner only: a forwarded message's
button pressed by someone else, a forged or unknown code, is refused; the same button again
replays what it did. A bid whose status changed since it was asked (news recorded, refunded,
undone) is not overwritten: the reply says what it is now. "No news" records no status; the bid
is asked again after ``[notices] outcome_again_days``, if it was asked fewer than
:data:`~core.ledger.outcome_asks.MOST_ASKS` times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from core.base.vocabulary import FINAL, NEWS
from core.commands.registry import Context, Read, register
from core.interface.errors import AlreadyDone, NotFound
from core.interface.options import Values
from core.interface.reply import Button, Reply, Rich, cmd, plural
from core.ledger import kept, outcome_asks
from core.ledger.idempotency import fingerprint
from core.store.base import Tx
from core.store.tables import asks
from core.store.tables import bids as bid_table

UNKNOWN = "That button is unknown or not yours: only the bid's author can record its outcome."
#: The most bids /outcomes lists.
LISTED = 10


@dataclass(frozen=True, slots=True)
class Answered:
    """What an ask's button recorded: the bid, the answer (a status, or ``none``), where it
    stood before, its job, the message that asked, and whether it will be asked again."""

    KIND: ClassVar[str] = "outcome_answered"
    bid: int
    answer: str
    was: str
    job: str
    message: str
    again: bool


def _now_line(bid: bid_table.Bid, answer: str) -> Rich:
    """Why a press changed nothing: the bid's status now, and the command that sets it."""
    if bid.status in FINAL:
        return Rich(f"Bid #{bid.id} was {bid.status} since it was asked; its status is final.")
    label = outcome_asks.ANSWERS[answer][0]
    fix = (
        Rich(" Set it with ", cmd("outcome", f"bid:#{bid.id} status:{answer}"), ".")
        if outcome_asks.ANSWERS[answer][1] is not None
        else Rich("")
    )
    return Rich(
        f"Bid #{bid.id} is {bid.status} now (news recorded since it was asked): "
        f"{label} changed nothing.",
        fix,
    )


async def _answer(ask: asks.Ask, answer: str, tx: Tx, now: int) -> Answered:
    bid = await bid_table.by_id(tx, ask.bid_id)
    if bid is None:
        raise NotFound(UNKNOWN)
    bid = await bid_table.locked(tx, bid)
    if bid.status in FINAL or not outcome_asks.may_answer(ask.status, bid.status):
        raise AlreadyDone(_now_line(bid, answer))
    status = outcome_asks.ANSWERS[answer][1]
    if status is not None and not await asks.set_status_if(tx, bid.id, status, (bid.status,), now):
        fresh = await bid_table.by_id(tx, bid.id)
        raise AlreadyDone(_now_line(fresh or bid, answer))
    await asks.answer(tx, ask.token, answer, now)
    again = len(await asks.of_bid(tx, bid.id)) < outcome_asks.MOST_ASKS
    return Answered(bid.id, answer, bid.status.value, bid.job, ask.message, again)


async def press_outcome(ctx: Context, value: str) -> Reply:
    """An ask's button (``value`` is its code and answer): the outcome it names, recorded
    once, for the bid's owner only; the same button again says what it did."""
    parsed = outcome_asks.parse(value)
    if parsed is None:
        raise NotFound(UNKNOWN)
    token, answer = parsed
    me = ctx.actor.user.key

    async def find(tx: Tx) -> asks.Ask | None:
        return await asks.find(tx, token)

    store = ctx.services.store
    ask = await store.read(find, quick=True)
    if ask is None or ask.bidder != me:
        raise NotFound(UNKNOWN)
    key = kept.placement_key(f"outcome:{token}-{answer}")

    async def op(tx: Tx, now: int) -> Answered:
        return await _answer(ask, answer, tx, now)

    done, replayed = await ctx.services.change(
        key, fingerprint("outcome ask", me, {"value": f"{token}-{answer}"}), me, op, Answered
    )

    async def still(tx: Tx) -> list[asks.Open]:
        return await asks.unanswered(tx, done.message)

    return _answered(ctx, done, replayed, await store.read(still, quick=True))


def _answered(ctx: Context, r: Answered, replayed: bool, open_: list[asks.Open]) -> Reply:
    """The reply to a press: what it recorded, then the message's other bids still asked
    about, with their buttons (the reply replaces the message where the platform edits it)."""
    if r.answer == "none":
        days = ctx.services.config.notices.outcome_again_days
        title = f"Bid #{r.bid}: no news"
        later = (
            f"asked again in {plural(days, 'day')} if still none" if r.again else "not asked again"
        )
        lines = [f"{r.job} · still {r.was}; {later}"]
    else:
        title = f"Bid #{r.bid}: {r.answer}"
        lines = [f"{r.job} · was {r.was}"]
    if replayed:
        lines.append("Recorded already; nothing changed again.")
    shown: list[Button] = []
    # the message's other bids that a press could still record (no news since they were asked)
    left = [
        o
        for o in open_
        if o.ask.bid_id != r.bid
        and o.now not in FINAL
        and outcome_asks.may_answer(o.ask.status, o.now)
    ]
    if left:
        lines.append("Still asking about:")
        for row, o in enumerate(left[: outcome_asks.PER_MESSAGE]):
            lines.append(f"#{o.ask.bid_id} {o.job[:60]} · {o.now}")
            shown.extend(outcome_asks.buttons(o.ask.token, o.ask.bid_id, o.ask.bidder, row))
    return Reply(title, lines, buttons=shown)


# ------------------------------------------------------------------------------ /outcomes


@dataclass(frozen=True, slots=True)
class OutcomesOptions:
    @staticmethod
    def of(v: Values) -> OutcomesOptions:
        return OutcomesOptions()


async def outcomes_read(ctx: Context, o: OutcomesOptions) -> Reply:
    """The actor's bids awaiting news, longest without news first, each with the exact
    ``/outcome`` commands that record its news."""
    me = ctx.actor.user.key

    async def read(tx: Tx) -> tuple[list[asks.Waiting], int]:
        shown = await asks.waiting(tx, me, outcome_asks.WAITING, LISTED)
        return shown, await asks.count_waiting(tx, me, outcome_asks.WAITING)

    bids, total = await ctx.services.store.read(read, quick=True)
    if not bids:
        return Reply("Awaiting news: none", ["Every bid of yours has an outcome or is final."])
    now = ctx.now()
    ghost_days = ctx.services.config.policy.ghost_days
    choices = [s for s in NEWS if s.value != "submitted"]
    # the first screen: the two quietest bids (a phone shows each on three lines) and how to
    # record news; every bid's own commands on request
    lines = [outcome_asks.line(b, now, ghost_days) for b in bids[:2]]
    lines.append(Rich(cmd("outcome", f"bid:#{bids[0].id} status:{choices[-2]}")))
    lines.append("or " + ", ".join(str(c) for c in choices if c != choices[-2]))
    details: list[str] = []
    for b in bids:
        if b not in bids[:2]:
            details.append(outcome_asks.line(b, now, ghost_days))
        details.extend(Rich(cmd("outcome", f"bid:#{b.id} status:{status}")) for status in choices)
    if total > len(bids):
        details.append(f"and {total - len(bids)} more; record these first.")
    days = ctx.services.config.notices.outcome_after_days
    if days > 0:
        details.append(
            f"Bids without news for {plural(days, 'day')} are also asked about privately, "
            "with buttons."
        )
    return Reply(f"Awaiting news: {total}", lines, details=details)


register("outcomes", Read(OutcomesOptions, OutcomesOptions.of, outcomes_read))


async def latest_with_buttons(ctx: Context, limit: int = 5) -> Reply:
    """The actor's latest bids awaiting news (for a dashboard): each listed, with the buttons
    of the private ask about it when one was sent and can still be answered (the same
    buttons, pressed once), else the ``/outcome`` command that records its news. Asks no
    bid on its own: the asking job's pace and limits stay as they are."""
    me = ctx.actor.user.key

    async def read(tx: Tx) -> tuple[list[asks.Waiting], list[list[asks.Ask]]]:
        shown = await asks.waiting(tx, me, outcome_asks.WAITING, limit)
        return shown, [await asks.of_bid(tx, b.id) for b in shown]

    bids, asked = await ctx.services.store.read(read, quick=True)
    if not bids:
        return Reply("Your bids awaiting news: none", ["Every bid of yours has an outcome."])
    now = ctx.now()
    lines: list[str | Rich] = []
    buttons: list[Button] = []
    for row, (b, its_asks) in enumerate(zip(bids, asked, strict=True)):
        lines.append(outcome_asks.line(b, now, ctx.services.config.policy.ghost_days))
        open_ask = next(
            (
                a
                for a in reversed(its_asks)
                if a.bidder == me
                and a.answer is None
                and outcome_asks.may_answer(a.status, b.status)
            ),
            None,
        )
        if open_ask is not None:
            buttons.extend(outcome_asks.buttons(open_ask.token, b.id, me, row))
        else:
            lines.append(Rich("  ", cmd("outcome", f"bid:#{b.id} status:hired")))
    return Reply("Your bids awaiting news", lines, buttons=buttons)
