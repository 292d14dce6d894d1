"""What a pasted job post means for a quote and a bid.

The post is read once (:func:`core.quotes.jobpost.read_post`); typed options win over what it says,
field by field; a reply shows what was read, in words and units a person reads, and says what
the post did not state. Nothing here guesses: a fact the post does not state stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

from babel import Locale

from core.base.facts import JobFacts
from core.interface.errors import BadInput
from core.quotes.jobpost import FIELDS, JobPost, bid_factors, read_post
from core.quotes.jobpost.patterns import AVAILABLE_LABEL, CONNECTS_LABEL
from core.quotes.pricing import dollars

#: What a post that yields nothing usable is told.
NOT_A_POST = (
    "That does not read as an Upwork job post: paste the whole job page (its title, budget, "
    "'Required Connects to submit a proposal: N' and the client's details) or the job's link."
)
#: The longest job name a bid keeps (the bid's job option takes as much).
MAX_JOB = 200

_EXPERIENCE = {"entry": "Entry level", "intermediate": "Intermediate", "expert": "Expert"}
_LENGTH = {
    "under_1_month": "Less than 1 month",
    "1_to_3_months": "1 to 3 months",
    "3_to_6_months": "3 to 6 months",
    "over_6_months": "More than 6 months",
}
_HOURS = {"under_30": "Less than 30 hrs/week", "30_plus": "30+ hrs/week"}


def read_job(text: str) -> JobPost:
    """The job post in ``text``. Raises :class:`BadInput` when it holds nothing usable (no
    cost, no job link, fewer than two facts)."""
    post = read_post(text)
    if not post.usable:
        raise BadInput(NOT_A_POST)
    return post


#: What a bid must be given when the post shows a fact it cannot be read from for sure.
_GIVE = {"cost": "connects:", "job": "job:"}
_COUNTS = {2: "two", 3: "three", 4: "four"}
#: The plural a reply names a group's values by ("the post shows two costs").
_PLURAL = {
    "cost": "costs",
    "balance": "Connects balances",
    "job": "job links",
    "budget": "budgets",
    "posted": "posting times",
    "bid_range": "bid ranges",
    "verified": "payment verifications",
    "rating": "client ratings",
    "spent": "client spends",
    "hires": "hire counts",
    "member_since": "member-since dates",
    "country": "client countries",
}


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(values[:-1]) + " and " + values[-1]


def doubt(post: JobPost, group: str) -> str | None:
    """What the post shows about ``group`` that was not read: two values that contradict
    each other (``The post shows two costs, 13 and 20``) or one out of range."""
    labels = dict(FIELDS)
    conflict = post.conflict(group)
    if conflict is not None:
        count = _COUNTS.get(len(conflict.values), str(len(conflict.values)))
        plural = _PLURAL.get(group, f"values for {labels[group]}")
        return f"The post shows {count} {plural}, {_listed(conflict.values)}"
    for unread in post.unread:
        if unread.group == group:
            return (
                f"The post's {labels[group]} ({unread.value}) is outside what a job post "
                "states, so it was not read"
            )
    return None


def doubts(post: JobPost) -> list[str]:
    """One line per fact the post shows but could not be read for sure, saying what to give
    a bid instead where it needs one: ``The post shows two costs, 13 and 20; bid with
    connects:.``"""
    groups = [c.group for c in post.conflicts] + [u.group for u in post.unread]
    out = []
    for group in dict.fromkeys(groups):
        line = doubt(post, group)
        if line is not None:
            give = _GIVE.get(group)
            if give is not None:
                line += f"; bid with {give}"
            elif post.conflict(group) is not None:
                line += "; none of them is used"
            out.append(line + ".")
    return out


def refusal(post: JobPost, connects: int | None, job: str | None) -> str | None:
    """Why a bid on ``post`` cannot go ahead without ``connects:`` or ``job:`` typed: the
    post shows its cost (or its link) twice with different values, or out of range."""
    for group, typed in (("cost", connects), ("job", job)):
        line = doubt(post, group)
        if typed is None and line is not None:
            return f"{line}: give {_GIVE[group]} yourself."
    return None


def over_bid(typed: JobFacts, post: JobPost | None) -> JobFacts:
    """The facts of ``post`` (when given) with every typed one in its place: what a quote
    prices and a bid stores."""
    return typed if post is None else typed.over(bid_factors(post))


def job_name(post: JobPost) -> str | None:
    """What a bid on ``post`` records as its job: its link (so a pool's duplicate guard knows
    it), else its title, else ``None``."""
    if post.url is not None:
        return post.url
    if post.title is not None:
        return post.title[:MAX_JOB].strip()
    return None


def read_when(now: int) -> str:
    """``Read from the post at 14:05 UTC on 2026-12-07``: Upwork can change a job's cost while
    it is live, so a quote says when it read the post."""
    moment = datetime.fromtimestamp(now, UTC)
    return f"Read from the post at {moment:%H:%M} UTC on {moment:%Y-%m-%d}."


def unread_cost(lines: Sequence[str], unclear: Sequence[str]) -> str | None:
    """The line of a screenshot's ``lines`` that shows a job's cost whose number was not read
    (``Required Connects to submit a proposal: ⁇``, its number hidden as ``unclear`` or not a
    number at all), for a bid to name rather than guess; ``None`` when no line shows one (the
    Connects balance is not a cost). Asked only when the post reader found no cost."""
    for line in lines:
        if CONNECTS_LABEL.search(line) and not AVAILABLE_LABEL.search(line):
            return line
    for line in unclear:
        if "connect" in line.lower() and not AVAILABLE_LABEL.search(line):
            return line
    return None


def upwork_balance(post: JobPost) -> int | None:
    """The Connects Upwork says the user has: ``Available Connects``, else the balance after
    this proposal plus its stated cost."""
    if post.available is not None:
        return post.available
    if post.remaining_after is not None and post.connects is not None:
        return post.remaining_after + post.connects
    return None


@cache
def _country_names() -> dict[str, str]:
    return dict(Locale.parse("en").territories)


def country_name(code: str) -> str:
    """``"US"`` -> ``"United States"``; an unknown code as it is."""
    return _country_names().get(code, code)


def _money(cents: int) -> str:
    text = dollars(cents)
    return text[:-3] if text.endswith(".00") and cents >= 100_000 else text


def _budget(p: JobPost) -> str | None:
    low, high = p.budget_min_cents, p.budget_max_cents
    if low is None and high is None:
        return None
    kind = {"hourly": "Hourly ", "fixed": "Fixed price "}.get(p.budget_type or "", "")
    if low is not None and high is not None and low != high:
        amount = f"{dollars(low)}-{dollars(high)}"
    else:
        amount = dollars(low if low is not None else high or 0)
    return kind + amount + ("/hr" if p.budget_type == "hourly" else "")


def _proposals(p: JobPost) -> str | None:
    low, high = p.proposals_min, p.proposals_max
    if low is None:
        return None
    if high is None:
        return f"{low}+"
    return f"Less than {high + 1}" if low == 0 else f"{low} to {high}"


def _rating(p: JobPost) -> str | None:
    if p.rating_hundredths is None:
        return "no reviews" if p.reviews == 0 else None
    stars = f"{p.rating_hundredths // 100}.{p.rating_hundredths % 100:02d}"
    return stars + ("" if p.reviews is None else f" ({p.reviews} reviews)")


def _count(value: int | None, detail: int | None, word: str) -> str | None:
    if value is None:
        return None
    return f"{value}" + ("" if detail is None else f" ({detail} {word})")


def _bid_range(p: JobPost) -> str | None:
    parts = [
        f"{name} {dollars(value)}"
        for name, value in (("high", p.bid_high_cents), ("avg", p.bid_avg_cents))
        if value is not None
    ]
    if p.bid_low_cents is not None:
        parts.append(f"low {dollars(p.bid_low_cents)}")
    return " · ".join(parts) or None


def facts(p: JobPost) -> list[tuple[str, str]]:
    """What the post states, as (name, value) rows for a reply; unknown facts are left out."""
    verified = None if p.verified is None else ("verified" if p.verified else "not verified")
    rows: list[tuple[str, str | None]] = [
        ("Budget", _budget(p)),
        ("Experience", _EXPERIENCE.get(p.experience or "")),
        ("Length", _LENGTH.get(p.length or "")),
        ("Hours", _HOURS.get(p.hours or "")),
        ("Posted", p.posted),
        ("Proposals", _proposals(p)),
        ("Interviewing", None if p.interviewing is None else str(p.interviewing)),
        ("Invites sent", _count(p.invites, p.unanswered_invites, "unanswered")),
        ("Bid range", _bid_range(p)),
        ("Payment", verified),
        ("Rating", _rating(p)),
        ("Spent", None if p.client_spent_cents is None else _money(p.client_spent_cents)),
        ("Hires", _count(p.hires, p.active_hires, "active")),
        ("Hire rate", None if p.hire_rate is None else f"{p.hire_rate}%"),
        ("Jobs posted", _count(p.jobs_posted, p.open_jobs, "open")),
        ("Avg rate paid", None if p.avg_hourly_cents is None else dollars(p.avg_hourly_cents)),
        ("Member since", p.member_since),
        ("Country", None if p.country is None else country_name(p.country)),
    ]
    return [(name, value) for name, value in rows if value is not None]


#: The facts a quote or a bid is priced on, which a reply says the post did not state.
PRICED_ON = (
    "cost",
    "budget",
    "experience",
    "length",
    "hours",
    "proposals",
    "verified",
    "rating",
    "spent",
    "hire_rate",
    "country",
    "member_since",
)


def not_stated(p: JobPost) -> str | None:
    """``Not in the post: budget, client rating.`` (of the facts quotes are priced on), or
    ``None`` when it states them all; a fact the post shows but that was not read is told by
    :func:`doubts` instead."""
    found = set(p.found()) | {c.group for c in p.conflicts} | {u.group for u in p.unread}
    labels = dict(FIELDS)
    missing = [labels[name] for name in PRICED_ON if name not in found]
    return f"Not in the post: {', '.join(missing)}." if missing else None


__all__ = [
    "MAX_JOB",
    "NOT_A_POST",
    "PRICED_ON",
    "country_name",
    "doubt",
    "doubts",
    "facts",
    "job_name",
    "not_stated",
    "over_bid",
    "read_job",
    "read_when",
    "refusal",
    "upwork_balance",
]
