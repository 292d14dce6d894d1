"""The bids a model scope learns from, as :class:`Sample`\\ s.

A community's scope learns from the stated bids placed in it (or, placed before a bid's scope
was recorded, drawing on one of its pools); the model of every scope (``*``) from every stated
bid; a member's personal model (``@`` and their user key) from that member's own stated bids,
wherever placed. Which bids count as stated, and why, is written once with their SQL in
:mod:`core.store.tables.outcomes`. Each bid comes with its bidder, whose share of the fit is
capped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.quotes.bidrecords import BidFactors
from core.quotes.learning.models import EVERY_SCOPE
from core.store.base import Tx
from core.store.tables import outcomes

_FACTORS = tuple(f.name for f in dataclasses.fields(BidFactors))
#: A personal model's scope starts with this, followed by the member's user key.
PERSONAL = "@"


def personal_scope(member: str) -> str:
    """The model scope of ``member``'s own bids."""
    return PERSONAL + member


def is_personal(scope: str) -> bool:
    """Whether ``scope`` is a member's personal model scope."""
    return scope.startswith(PERSONAL)


@dataclass(frozen=True, slots=True)
class Sample:
    """One stated bid: what it was priced on, what it cost, when it was placed."""

    factors: BidFactors
    connects: int
    created_at: int
    member: str = ""


def _whose(scope: str) -> tuple[str | None, str | None]:
    """Whose stated bids the model scope learns from, as the store selects them: a
    community's (its scope), a member's (their user key), or everyone's (both ``None``)."""
    if scope == EVERY_SCOPE:
        return None, None
    if is_personal(scope):
        return None, scope[len(PERSONAL) :]
    return scope, None


async def stated_bids(tx: Tx, scope: str, since: int) -> list[Sample]:
    """The scope's stated bids placed at or after ``since``, oldest first."""
    community, bidder = _whose(scope)
    bids = await outcomes.stated_bids(tx, since, _FACTORS, scope=community, bidder=bidder)
    return [
        Sample(BidFactors.of_columns(bid.factors), bid.connects, bid.created_at, bid.bidder)
        for bid in bids
    ]


async def count_stated(tx: Tx, scope: str, since: int, limit: int) -> int:
    """How many stated bids the scope has since ``since``, counting no further than
    ``limit`` (an index range of at most ``limit`` rows per part)."""
    community, bidder = _whose(scope)
    return await outcomes.count_stated(tx, since, limit, scope=community, bidder=bidder)


async def has_new(tx: Tx, scope: str, since: int) -> bool:
    """Whether the scope has a stated bid placed at or after ``since`` (a fit at ``since``
    may have read the bids of that second before the last of them was placed: counted as new,
    it costs one more fit rather than a bid left out)."""
    return await count_stated(tx, scope, since, 1) > 0


async def community_scopes(tx: Tx) -> list[str]:
    """Every community scope with a stated bid, by name."""
    return await outcomes.stated_scopes(tx)


async def personal_scopes(tx: Tx, since: int, min_bids: int) -> list[str]:
    """The personal model scope of every member with at least ``min_bids`` stated bids
    placed at or after ``since``."""
    return [personal_scope(m) for m in await outcomes.stating_bidders(tx, since, min_bids)]
