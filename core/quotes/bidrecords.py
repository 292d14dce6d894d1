"""What bids are made of and what their changes return: the spec of a bid to place, with the
job's facts it was priced on, and the results stored for replays (see :mod:`core.ledger.bids`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from core.base.facts import JobFacts
from core.base.vocabulary import BidStatus
from core.store.base import storable

#: What a bid was priced on: the job's facts, typed or read from a post (the same shape
#: everywhere; kept under this name for the bid's own code).
BidFactors = JobFacts


def unstorable_fact(facts: JobFacts) -> tuple[str, int] | None:
    """The first fact no database column holds (a whole number beyond 64 bits), with its
    value; ``None`` when every one fits."""
    for name, value in facts.columns().items():
        if not storable(value):
            assert isinstance(value, int)
            return name, value
    return None


@dataclass(frozen=True, slots=True)
class BidSpec:
    """A bid to place, with its cost already decided; ``quoted`` when the pricing model
    estimated it, else its Connects were stated (typed, or read from a post)."""

    job: str
    connects: int
    boost: int
    pool: str | None
    rate_type: str | None
    rate_cents: int | None
    note: str | None
    quoted: bool
    factors: JobFacts = field(default_factory=JobFacts)
    title: str | None = None  # the post's title (``job`` is its link when it has one)
    invited: bool = False  # an invited proposal: 0 Connects, still a bid with an outcome

    def unstorable(self) -> tuple[str, int] | None:
        """The first number of the bid no database column holds, with its value; ``None``
        when every one fits (see :func:`unstorable_fact`)."""
        for name, value in (
            ("connects", self.connects),
            ("boost", self.boost),
            ("connects with boost", self.connects + self.boost),
            ("rate_cents", self.rate_cents),
        ):
            if not storable(value):
                assert isinstance(value, int)
                return name, value
        return unstorable_fact(self.factors)


@dataclass(frozen=True, slots=True)
class Earlier:
    """The pool's earlier bid on the same job."""

    id: int
    bidder: str
    created_at: int


class NeedsConfirmation(Exception):
    """The pool already bid on this job; the author must confirm. Nothing was spent."""

    def __init__(self, earlier: Earlier, pool: str, connects: int = 0, boost: int = 0) -> None:
        super().__init__("duplicate job")
        self.earlier = earlier
        self.pool = pool
        self.connects = connects  # what the bid would spend: a Confirm places exactly that
        self.boost = boost


@dataclass(frozen=True, slots=True)
class BidPlaced:
    KIND: ClassVar[str] = "bid_placed"
    bid: int
    job: str
    connects: int
    boost: int
    total: int
    where: str
    balance: int
    cost_cents: int
    quoted: bool
    allowance_left: int | None
    undo_until: int
    nonce: str
    rate_type: str | None
    rate_cents: int | None
    pool: str | None
    threshold: int
    # the repost radar (:class:`core.quotes.radar.Radar`): when a job like it was first bid
    # on here, the client facts that matched in words, the asker's own earlier bid
    repost_at: int | None = None
    repost_client: str | None = None
    repost_own: int | None = None
    repost_own_at: int | None = None
    repost_refundable: bool = False
    repost_only_own: bool = False
    repost_returned: bool = False
    #: the job's title when the job is recorded by its link (a pasted post's): shown first
    title: str | None = None
    #: a pasted post's Upwork balance and the wallet's before the bid, when they differ (an
    #: offer to match them was kept: :func:`core.commands.kept.offer_match`)
    upwork: int | None = None
    had: int | None = None


@dataclass(frozen=True, slots=True)
class Refunded:
    KIND: ClassVar[str] = "refunded"
    bid: int
    refunded: int
    reason: str
    balance: int
    total: int
    job: str
    where: str
    title: str | None = None  # the post's title, when the job is its link


@dataclass(frozen=True, slots=True)
class Undone:
    KIND: ClassVar[str] = "undone"
    bid: int
    returned: int
    balance: int
    job: str


@dataclass(frozen=True, slots=True)
class OutcomeSet:
    KIND: ClassVar[str] = "outcome_set"
    bid: int
    status: str
    was: str
    job: str
    title: str | None = None  # the post's title, when the job is its link


@dataclass(frozen=True, slots=True)
class BidState:
    """A bid's status now and what its account can spend now (expired lots not counted,
    swept or not)."""

    status: BidStatus
    balance: int


@dataclass(frozen=True, slots=True)
class RecentBid:
    id: int
    job: str
    connects: int
    boost: int
    status: BidStatus
