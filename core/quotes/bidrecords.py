"""What bids are made of and what their changes return: the spec of a bid to place, the
factors it was priced on, and the results stored for replays (see :mod:`core.ledger.bids`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from core.base.vocabulary import BidStatus
from core.store.base import storable

#: The factors stored as 0/1.
_BOOLEANS = ("funded", "verified")


@dataclass(frozen=True, slots=True)
class BidFactors:
    """What a bid was priced on, typed or read from a job post; ``None``: not known (never
    0). Amounts in cents, a rating in hundredths of a star, a date as ``YYYY-MM-DD``."""

    budget_type: str | None = None  # "hourly" or "fixed"
    price_cents: int | None = None
    size: str | None = None
    experience: str | None = None
    length: str | None = None
    hours: str | None = None
    funded: bool | None = None
    verified: bool | None = None
    client_spent_cents: int | None = None
    hire_rate: int | None = None
    rating_hundredths: int | None = None
    reviews: int | None = None
    hires: int | None = None
    proposals_min: int | None = None
    proposals_max: int | None = None
    interviewing: int | None = None
    invites: int | None = None
    country: str | None = None
    member_since: str | None = None

    def columns(self) -> dict[str, int | str | None]:
        """The bid row's factor columns (booleans as 0/1)."""
        out: dict[str, int | str | None] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = int(value) if isinstance(value, bool) else value
        return out

    def unstorable(self) -> tuple[str, int] | None:
        """The first factor no database column holds (a whole number beyond 64 bits), with
        its value; ``None`` when every one fits."""
        for name, value in self.columns().items():
            if not storable(value):
                assert isinstance(value, int)
                return name, value
        return None

    @classmethod
    def of_columns(cls, row: Mapping[str, object]) -> BidFactors:
        """The factors a bid row holds: :meth:`columns` read back (0/1 as booleans)."""
        values = {f.name: row[f.name] for f in dataclasses.fields(cls)}
        for name in _BOOLEANS:
            if values[name] is not None:
                values[name] = bool(values[name])
        return cls(**values)  # type: ignore[arg-type]


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
    factors: BidFactors = BidFactors()

    def unstorable(self) -> tuple[str, int] | None:
        """The first number of the bid no database column holds, with its value; ``None``
        when every one fits (see :meth:`BidFactors.unstorable`)."""
        for name, value in (
            ("connects", self.connects),
            ("boost", self.boost),
            ("connects with boost", self.connects + self.boost),
            ("rate_cents", self.rate_cents),
        ):
            if not storable(value):
                assert isinstance(value, int)
                return name, value
        return self.factors.unstorable()


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
