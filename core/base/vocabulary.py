"""The words the ledger stores, and the one rule about a bid that gets no answer.

A bid's ``status``, a ledger entry's ``kind`` and a lot's ``source`` are stored as the plain
strings below (the enums' values; the database, the CSV export and ``db copy`` keep them as
they are). Code compares and writes them through these enums, never as bare strings. The
README's CSV contract lists the same words, and a test holds the two together.

**Ghosted.** A bid with no news (``submitted`` or ``viewed``) for ``[policy] ghost_days`` is
ghosted: the notice worker marks it so, and until it runs, statistics and win rates count it as
ghosted already. :func:`ghost_cutoff` and :func:`is_ghosted` are that rule's only statements in
Python, and :mod:`core.store.tables.words` holds its only SQL.
"""

from __future__ import annotations

from enum import StrEnum

from core.base.dates import DAY


class BidStatus(StrEnum):
    """Where a bid stands. ``refunded`` and ``undone`` are final; ``ghosted`` is set by the
    notice worker; the others are the news ``/outcome`` records."""

    SUBMITTED = "submitted"
    VIEWED = "viewed"
    INTERVIEWING = "interviewing"
    HIRED = "hired"
    LOST = "lost"
    GHOSTED = "ghosted"
    REFUNDED = "refunded"
    UNDONE = "undone"


# the news /outcome may record, in the order its choices show
NEWS: tuple[BidStatus, ...] = (
    BidStatus.SUBMITTED,
    BidStatus.VIEWED,
    BidStatus.INTERVIEWING,
    BidStatus.HIRED,
    BidStatus.LOST,
)
# no status changes after these
FINAL: tuple[BidStatus, ...] = (BidStatus.REFUNDED, BidStatus.UNDONE)
# a bid still waiting for an answer: ghosted after ghost_days without news
AWAITING: tuple[BidStatus, ...] = (BidStatus.SUBMITTED, BidStatus.VIEWED)
# a bid with an outcome, as win rates count them
OUTCOMES: tuple[BidStatus, ...] = (BidStatus.HIRED, BidStatus.LOST, BidStatus.GHOSTED)


class LotSource(StrEnum):
    """How Connects arrived in a lot; each credit's entry has the same word as its kind."""

    WELCOME = "welcome"
    GRANT = "grant"
    PURCHASE = "purchase"
    TOPUP = "topup"
    ADJUSTMENT = "adjustment"


# the lots a member paid for (what /void takes back and costs are read from)
BOUGHT: tuple[LotSource, ...] = (LotSource.PURCHASE, LotSource.TOPUP)


class EntryKind(StrEnum):
    """What a ledger entry records: a credit (the lot sources), a bid's two legs, Connects
    coming back, an expiry, a correction, a purchase taken back."""

    WELCOME = "welcome"
    GRANT = "grant"
    PURCHASE = "purchase"
    TOPUP = "topup"
    BID = "bid"
    BOOST = "boost"
    REFUND = "refund"
    UNDO = "undo"
    EXPIRY = "expiry"
    ADJUSTMENT = "adjustment"
    VOID = "void"


# The kinds of debit that spend Connects (a bid and its boost; new ways to spend join here):
# what the daily and weekly caps count (core/ledger/caps.py). Adjustments, voids and expiries
# draw Connects too but spend nothing, and are not listed.
SPENDING: tuple[EntryKind, ...] = (EntryKind.BID, EntryKind.BOOST)
# the spending kinds the boost cap counts
BOOSTING: tuple[EntryKind, ...] = (EntryKind.BOOST,)


def ghost_cutoff(now: int, ghost_days: int) -> int:
    """The moment before which a bid's last news makes it ghosted at ``now``."""
    return now - ghost_days * DAY


def is_ghosted(status: str, updated_at: int, cutoff: int) -> bool:
    """Whether a bid is ghosted: marked so, or awaiting an answer since before ``cutoff``."""
    return status == BidStatus.GHOSTED or (status in AWAITING and updated_at < cutoff)


def outcome_of(status: str) -> BidStatus:
    """The outcome of a bid that ``outcome_sql`` (:mod:`core.store.tables.words`) selected:
    hired or lost as set, else ghosted."""
    return BidStatus(status) if status in OUTCOMES else BidStatus.GHOSTED
