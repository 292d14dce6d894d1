"""Which answer a quote gives, and how sure it is.

A quote's number is, in this order: the cost a job post **states**; else the cost **learned**
from the community's own stated bids, when its model is in use (enough bids of enough
members, and closer than the heuristic on them); else the cost learned from the asker's own
stated bids, when their personal model is in use; else the **heuristic**
(:mod:`core.quotes.pricing`). Each is labelled with where it comes from and whose bids it learned
from, and where both a learned and a heuristic number exist, both are shown. A direct
message has no community: it answers from the asker's own bids, and from the model pooling
every scope only where the operator set ``[learning] scope = "global"``.

"Is it worth it": the hire rate ``p`` of other members' bids with outcomes on jobs like this
one (:mod:`core.quotes.winrates`), from the daily snapshot, with its 95% interval and the
Connects and dollars a hire costs at that rate, shown only from ``[learning] min_outcomes``
such bids of at least ``min_members`` other members; with the job's value ``R`` known (its
fixed price, or an hourly rate times the hours typed) and Upwork's fee ``f`` (``[pricing]
fee_basis_points``), what a hire pays, the break-even hire rate ``c / (R·(1−f))`` of the bid's
cost ``c`` and its expected value ``p·R·(1−f) − c`` with its interval
(:mod:`core.quotes.economics`). Replies show aggregates only.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fractions import Fraction

from core.base.config import Config
from core.base.figures import per, per_cents
from core.interface.commonoptions import MAX_CONNECTS_PER_BID
from core.interface.reply import bids, plural
from core.quotes.bidrecords import BidFactors
from core.quotes.economics import (
    JobValue,
    break_even,
    cents,
    fee_text,
    net,
    percent_text,
)
from core.quotes.economics import worth as economics_worth
from core.quotes.learning import (
    EVERY_SCOPE,
    CostModel,
    current,
    is_personal,
    model_scope,
    needed,
    personal_scope,
    predict_connects,
)
from core.quotes.pricing import Quote, dollars
from core.quotes.winrates import (
    Likeness,
    Rate,
    boost_bounds,
    boost_rate,
    likeness,
    minimums,
    similar_rate,
)
from core.store.base import Tx


def where(scope: str) -> str:
    """Whose bids a model scope holds, for a reply: ``in this community``."""
    if is_personal(scope):
        return "of your own"
    return "across every community" if scope == EVERY_SCOPE else "in this community"


async def answering(
    tx: Tx, config: Config, actor_scope: str | None, asker: str | None
) -> tuple[CostModel | None, str]:
    """The model a quote of ``asker`` asked in ``actor_scope`` is answered from: the
    community's (see :func:`~core.quotes.learning.model_scope`) when in use, else the asker's
    personal model when in use, else the community's (not in use: it says why) or ``None``;
    with the scope whose bids a learned quote still needs (the community's; the asker's own
    where there is no community)."""
    shared = model_scope(config, actor_scope)
    community = None if shared is None else await current(tx, shared)
    if community is not None and community.in_use:
        return community, community.scope
    own = None if asker is None else personal_scope(asker)
    mine = None if own is None else await current(tx, own)
    if mine is not None and mine.in_use:
        return mine, mine.scope
    return community, shared if shared is not None else (own or EVERY_SCOPE)


def learned_connects(model: CostModel, factors: BidFactors, now: int) -> int:
    """The cost the scope's model in use gives a job, within a bid's bounds."""
    return min(MAX_CONNECTS_PER_BID, max(1, predict_connects(model, factors, now)))


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the quoting scope knows: its model (if any), how many more stated bids it needs,
    and the hire rate of bids on similar jobs (``None`` below ``min_outcomes``)."""

    scope: str
    model: CostModel | None
    need: int
    like: Likeness
    similar: Rate | None
    rate_scope: str | None = None
    #: the boost band a quote asked about (``None``: no boost typed, or no community), and the
    #: hire rate of other members' bids in it (``None`` below the minimums)
    boost_band: str | None = None
    boosted: Rate | None = None


#: Hire rates kept per process: (scope, likeness or boost band, asker) -> (read at, rate).
_RATES: dict[tuple[str, Likeness | str, str], tuple[float, Rate]] = {}
#: How long a similar-job hire rate is reused before it is read again, in seconds.
RATE_SECONDS = 300.0


async def know(
    tx: Tx,
    config: Config,
    actor_scope: str | None,
    factors: BidFactors,
    now: int,
    asker: str | None = None,
    boost: int | None = None,
) -> Knowledge:
    """What a quote of ``asker`` asked in ``actor_scope`` knows about a job with
    ``factors``, read in ``tx``: the model that answers (:func:`answering`), the hire rate
    of other members' bids on similar jobs in the community, and with ``boost`` typed, the
    hire rate of their bids in its boost band (none in a direct message unless the operator
    pools every scope). A rate is kept only from the minimums of
    :func:`~core.quotes.winrates.minimums`."""
    model, scope = await answering(tx, config, actor_scope, asker)
    need = 0 if model is not None and model.in_use else await needed(tx, config, scope, now)
    like = likeness(factors.budget_type, factors.price_cents, factors.verified)
    shared = model_scope(config, actor_scope)
    if shared is None:
        return Knowledge(scope, model, need, like, None, None)
    where_ = None if shared == EVERY_SCOPE else shared
    floor, members = minimums(config.learning)

    async def similar() -> Rate:
        return await similar_rate(tx, like, where_, asker=asker)

    rate = await _kept_rate((shared, like, asker or ""), similar)
    shown = rate if rate.members >= members and rate.bids >= floor else None
    if boost is None:
        return Knowledge(scope, model, need, like, shown, shared)
    band = boost_bounds(boost)[2]

    async def boosted() -> Rate:
        return await boost_rate(tx, boost, where_, asker=asker)

    in_band = await _kept_rate((shared, "boost " + band, asker or ""), boosted)
    kept = in_band if in_band.members >= members and in_band.bids >= floor else None
    return Knowledge(scope, model, need, like, shown, shared, band, kept)


async def _kept_rate(
    key: tuple[str, Likeness | str, str], read: Callable[[], Awaitable[Rate]]
) -> Rate:
    """The rate kept under ``key`` when read less than :data:`RATE_SECONDS` ago, else
    ``read()``'s, kept."""
    cached = _RATES.get(key)
    if cached is not None and time.monotonic() - cached[0] < RATE_SECONDS:
        return cached[1]
    rate = await read()
    if len(_RATES) > 4096:
        _RATES.clear()
    _RATES[key] = (time.monotonic(), rate)
    return rate


@dataclass(frozen=True, slots=True)
class Answer:
    """The number a quote shows (``connects``, before boost) and where it comes from."""

    connects: int
    source: str  # "stated", "learned" or "heuristic"
    heuristic: Quote
    learned: int | None
    knowledge: Knowledge
    #: no fact of the job was given: a learned number is then the typical bid of the scope,
    #: not this job's cost, and says so
    blind: bool = False

    @property
    def rough(self) -> tuple[int, int] | None:
        """The range the answer is (the ``range`` heuristic answering), else ``None``: the
        answer is one number that may be charged."""
        return self.heuristic.typical if self.source == "heuristic" else None

    def title(self) -> str:
        """``13 Connects, stated by the post``, ``14 Connects, learned``, ``3 Connects,
        heuristic``, ``about 7-26 Connects, heuristic``."""
        label = {"stated": "stated by the post"}.get(self.source, self.source)
        if self.rough is not None:
            return f"{self.heuristic.shown()}, {label}"
        return f"{plural(self.connects)}, {label}"

    def _heuristic_aside(self) -> str:
        """The heuristic beside a stated or learned number, labelled as the rougher figure."""
        h = self.heuristic
        if h.typical is not None:
            return f"the heuristic's rough range is {h.typical[0]}-{h.typical[1]}"
        return f"the {h.model} heuristic, a rougher figure, says {h.connects}"

    def _learned_text(self, model: CostModel, value: int) -> str:
        mae = (model.mae_hundredths or 0) / 100
        within = (model.within2_permille or 0) / 10
        whose = (
            f"your {bids(model.sample_size)}"
            if is_personal(model.scope)
            else f"{bids(model.sample_size)} {where(model.scope)}"
        )
        return f"≈ {value} learned from {whose} (typical error ±{mae:.1f}, {within:.0f}% within ±2)"

    def lines(self) -> list[str]:
        """How the number was reached, and the other numbers beside it."""
        k = self.knowledge
        out: list[str] = []
        if self.rough is not None:
            low, high = self.rough
            out.append(
                f"A heuristic, not a quote: recent posts state {low}-{high}, and every job "
                "page states its own cost: paste the post (post:) for it."
            )
        if self.source == "learned" and k.model is not None and self.learned is not None:
            out.append(f"{self._learned_text(k.model, self.learned)}; {self._heuristic_aside()}.")
            if self.blind:
                out.append(
                    "No fact of this job was given: this is a typical bid here, not this "
                    "job's cost. Add its facts (price:, size:...) or paste its post (post:)."
                )
            return out
        if self.source == "stated":
            if k.model is not None and self.learned is not None:
                out.append(
                    f"{self._learned_text(k.model, self.learned)}; {self._heuristic_aside()}."
                )
            else:
                out.append(_compared(self.connects, self.heuristic))
        if k.model is not None and k.model.in_use:
            return out
        if k.model is not None and (k.need == 0 or not k.model.readable):
            out.append(f"The heuristic answers here: {k.model.reason}")
        elif k.need and is_personal(k.scope):
            out.append(
                f"A learned quote needs {plural(k.need, 'more bid')} of your own with a "
                "stated cost."
            )
        elif k.need:
            out.append(
                f"A learned quote needs {plural(k.need, 'more bid')} with a stated cost "
                f"{where(k.scope)}."
            )
        return out


def _compared(stated: int, heuristic: Quote) -> str:
    """How far the heuristic was from the cost a post stated."""
    if heuristic.typical is not None:
        low, high = heuristic.typical
        if low <= stated <= high:
            return f"Within the heuristic's rough {low}-{high}."
        side, off = ("above", stated - high) if stated > high else ("below", low - stated)
        return f"Outside the heuristic's rough {low}-{high}: {off} {side} it."
    estimate = heuristic.connects
    if estimate == stated:
        return f"The heuristic would have said {estimate} too."
    off = abs(stated - estimate)
    side = "low" if estimate < stated else "high"
    return f"The heuristic would have said {estimate}: {plural(off)} too {side}."


def answer(
    stated: int | None, heuristic: Quote, factors: BidFactors, knowledge: Knowledge, now: int
) -> Answer:
    """The quote's number: ``stated`` when given, else learned when the scope's model is in
    use, else the heuristic's."""
    model = knowledge.model
    learned = None
    if model is not None and model.in_use:
        learned = learned_connects(model, factors, now)
    if stated is not None:
        return Answer(stated, "stated", heuristic, learned, knowledge)
    if learned is not None:
        blind = all(getattr(factors, f.name) is None for f in dataclasses.fields(factors))
        return Answer(learned, "learned", heuristic, learned, knowledge, blind)
    return Answer(heuristic.connects, "heuristic", heuristic, None, knowledge)


async def estimate(
    tx: Tx,
    config: Config,
    actor_scope: str | None,
    heuristic: Quote,
    factors: BidFactors,
    now: int,
    asker: str | None = None,
) -> int | None:
    """The Connects a bid of ``asker`` without a stated cost is placed at: what their quote
    answers (learned when the community's or their own model is in use, else the
    heuristic's), within ``MAX_CONNECTS_PER_BID``; ``None`` when the quote is only a range
    (the ``range`` heuristic): money is not guessed, the bid asks for the cost."""
    model, _ = await answering(tx, config, actor_scope, asker)
    if model is None or not model.in_use:
        return None if heuristic.typical is not None else heuristic.connects
    return learned_connects(model, factors, now)


def worth(
    knowledge: Knowledge,
    total: int,
    cost_cents: int,
    value: JobValue | str,
    config: Config,
    cost_source: str = "",
) -> list[str]:
    """Is it worth it: the hire rate of bids on similar jobs and the Connects and dollars a hire
    costs at that rate; the job's value (``value``, or why it has none) and what a hire pays
    after Upwork's fee; the hire rate at which the bid (``cost_cents``, its Connects priced
    ``cost_source``) pays for itself; and its expected value, with the interval of the hire
    rate's, where both the rate and the value are known (:mod:`core.quotes.economics`)."""
    out: list[str] = []
    rate = knowledge.similar
    if rate is not None and knowledge.rate_scope is not None:
        out.append(
            f"Jobs like this ({knowledge.like.describe()}), other members' bids "
            f"{where(knowledge.rate_scope)}: {rate.text()}"
        )
        if rate.hired:
            connects = per(total * rate.bids, rate.hired)
            money = per_cents(cost_cents * rate.bids, rate.hired)
            out.append(f"≈ {connects} Connects ({dollars(money)}) per hire at that rate")
    out.extend(_boost_lines(knowledge, config))
    if isinstance(value, str):
        out.append(value)
        return out
    fee = config.pricing.fee_basis_points
    paid = cents(net(value.cents, fee))
    out.append(
        f"Job value: {value.describe()}; a hire pays {dollars(paid)} after Upwork's "
        f"{fee_text(fee)} fee (as configured)"
    )
    even = break_even(cost_cents, value.cents, fee)
    bid = f"this bid's {dollars(cost_cents)}{' ' + cost_source if cost_source else ''}"
    if even is None or even >= 1:
        out.append(f"No hire rate pays for this bid: {bid} is not less than what a hire pays.")
        return out
    out.append(
        f"Break-even hire rate: {percent_text(even)} ({bid} ÷ the {dollars(paid)} a hire pays, "
        "rounded half up)"
    )
    if knowledge.rate_scope is None:
        out.append("Expected value: a direct message has no community hire rate to count it from.")
        return out
    if rate is None or not rate.bids:
        floor, members = minimums(config.learning)
        out.append(
            "Expected value: not yet. It needs the hire rate of jobs like this, shown from "
            f"{floor} bids with an outcome by {members} other members "
            f"{where(knowledge.rate_scope)}."
        )
        return out
    ev = economics_worth(rate.hired, rate.bids, rate.interval(), value.cents, fee, cost_cents)
    out.append(
        f"Expected value: {dollars(cents(ev.mean))} a bid (95%: {dollars(cents(ev.low))} to "
        f"{dollars(cents(ev.high))}) = {percent_text(Fraction(rate.hired, rate.bids))} × "
        f"{dollars(paid)} − {dollars(cost_cents)}; hire rate learned from "
        f"{plural(rate.bids, 'outcome')} of {rate.members} other members' bids"
    )
    out.append(ev.verdict())
    return out


def _boost_lines(knowledge: Knowledge, config: Config) -> list[str]:
    """The hire rate of other members' bids in the boost band the quote asked about, or that
    there are not enough of them yet."""
    band, scope = knowledge.boost_band, knowledge.rate_scope
    if band is None or scope is None:
        return []
    name = "No boost" if band == "none" else f"Boost {band}"
    if knowledge.boosted is not None:
        return [f"{name} (any job), other members' bids {where(scope)}: {knowledge.boosted.text()}"]
    floor, members = minimums(config.learning)
    return [
        f"{name}: not enough bids with an outcome {where(scope)} yet for a hire rate (it "
        f"needs {floor} by {members} other members)."
    ]


__all__ = [
    "RATE_SECONDS",
    "Answer",
    "Knowledge",
    "answer",
    "answering",
    "estimate",
    "know",
    "learned_connects",
    "where",
    "worth",
]
