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
    INTERVIEW = "interview"
    PLAN = "plan"


# the lots a member paid for (what /void takes back and costs are read from)
BOUGHT: tuple[LotSource, ...] = (LotSource.PURCHASE, LotSource.TOPUP)


class EntryKind(StrEnum):
    """What a ledger entry records: a credit (the lot sources), a bid's two legs, Connects
    coming back, an expiry, a correction, a purchase taken back, and Upwork's other movements:
    an interview reward, a plan's Connects on its billing day, and spend on the profile
    (an availability badge, a profile boost) that no job is tied to."""

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
    INTERVIEW = "interview"
    PLAN = "plan"
    BADGE = "badge"
    PROFILE_BOOST = "profile_boost"


# debits tied to no job: the profile's spend (/spend), counted in /stats beside bids
PROFILE_SPEND: tuple[EntryKind, ...] = (EntryKind.BADGE, EntryKind.PROFILE_BOOST)

# how /history names a kind whose stored word does not read as English on its own
_SAID: dict[EntryKind, str] = {
    EntryKind.INTERVIEW: "interview reward",
    EntryKind.PLAN: "plan grant",
    EntryKind.BADGE: "availability badge",
    EntryKind.PROFILE_BOOST: "profile boost",
    EntryKind.GRANT: "monthly grant",
}


def said(kind: EntryKind) -> str:
    """A kind as /history says it: ``profile_boost`` reads "profile boost"."""
    return _SAID.get(kind, kind.value)


class PlanName(StrEnum):
    """An Upwork plan as ``/plan`` stores it; :data:`PLAN_CONNECTS` is what each grants on
    every billing day."""

    BASIC = "basic"
    PLUS = "plus"
    PLUS_ANNUAL = "plus_annual"  # annual Freelancer Plus, paid monthly


PLAN_CONNECTS: dict[PlanName, int] = {
    PlanName.BASIC: 10,
    PlanName.PLUS: 100,
    PlanName.PLUS_ANNUAL: 100,
}


# The kinds of debit that spend Connects (a bid, its boost, the profile's spend; new ways to
# spend join here): what the daily and weekly caps count (core/ledger/caps.py). Adjustments,
# voids and expiries draw Connects too but spend nothing, and are not listed.
SPENDING: tuple[EntryKind, ...] = (EntryKind.BID, EntryKind.BOOST, *PROFILE_SPEND)
# the spending kinds the boost cap counts: a bid's boost and a profile boost
BOOSTING: tuple[EntryKind, ...] = (EntryKind.BOOST, EntryKind.PROFILE_BOOST)


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
