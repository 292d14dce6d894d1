"""What a job post says, as read: one typed value per fact, ``None`` where the text did not
say it (never a guess), and the groups a reply names when something was not found."""

from __future__ import annotations

from dataclasses import dataclass

#: Text beyond this many characters is not read.
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Conflict:
    """A fact the post shows with different values (as a reply writes them): none is read."""

    group: str  # a group of FIELDS
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unread:
    """A value outside what a post can state (``$30,000,000`` for a budget): not read."""

    group: str  # a group of FIELDS
    value: str  # as a reply writes it


@dataclass(frozen=True, slots=True)
class JobPost:
    """The facts of one job post. Amounts in cents, a rating in hundredths of a star, a
    date as ``YYYY-MM-DD``, a country as ISO 3166-1 alpha-2; times (``posted``,
    ``last_viewed``) as written."""

    title: str | None = None
    url: str | None = None  # canonical https://www.upwork.com/jobs/~0... when an id was found
    job_id: str | None = None  # "~01abc...", lower-case
    budget_type: str | None = None  # "hourly" | "fixed"
    budget_min_cents: int | None = None  # fixed price: min == max == the amount
    budget_max_cents: int | None = None  # hourly with one figure: None
    experience: str | None = None  # "entry" | "intermediate" | "expert"
    length: str | None = None  # "under_1_month" | "1_to_3_months" | "3_to_6_months" | ...
    hours: str | None = None  # "under_30" | "30_plus"
    posted: str | None = None  # as written: "2 weeks ago"
    connects: int | None = None  # Connects required to submit a proposal
    available: int | None = None  # the reader's balance: "Available Connects: 11"
    remaining_after: int | None = None  # "you'll have 32 Connects remaining"
    bid_high_cents: int | None = None
    bid_avg_cents: int | None = None
    bid_low_cents: int | None = None
    proposals_min: int | None = None  # "Less than 5" -> 0..4, "50+" -> 50..None
    proposals_max: int | None = None
    interviewing: int | None = None
    invites: int | None = None
    unanswered_invites: int | None = None
    last_viewed: str | None = None  # as written: "2 hours ago"
    verified: bool | None = None  # payment method verified
    rating_hundredths: int | None = None  # 4.98 -> 498; None when the client has no reviews
    reviews: int | None = None
    client_spent_cents: int | None = None  # "$900K+" -> 90_000_000 (the figure shown)
    hires: int | None = None
    active_hires: int | None = None
    jobs_posted: int | None = None
    hire_rate: int | None = None  # percent
    open_jobs: int | None = None
    avg_hourly_cents: int | None = None
    hours_billed: int | None = None
    member_since: str | None = None  # "2018-04-02"; the 1st when only a month is given
    country: str | None = None  # "US"
    # what the reader saw besides the facts (see NOTES)
    description: str | None = None  # the client's own words, as the job's text only
    conflicts: tuple[Conflict, ...] = ()  # a fact shown twice with different values
    unread: tuple[Unread, ...] = ()  # a value outside what a post can state

    def conflict(self, group: str) -> Conflict | None:
        """The contradiction the post shows about ``group``, if any."""
        return next((c for c in self.conflicts if c.group == group), None)

    def found(self) -> tuple[str, ...]:
        """The names of the groups of :data:`FIELDS` the post stated, in their order."""
        return tuple(name for name, _ in FIELDS if self._has(name))

    def missing(self) -> tuple[str, ...]:
        """The labels of the groups of :data:`FIELDS` not found: ``("budget", ...)``."""
        return tuple(label for name, label in FIELDS if not self._has(name))

    @property
    def usable(self) -> bool:
        """Worth using: a Connects cost, a job id, or at least two other facts of the job or
        its client (the title alone is not one)."""
        if self.connects is not None or self.job_id is not None:
            return True
        facts = [name for name in self.found() if name not in _NOT_FACTS]
        return len(facts) >= 2

    def _has(self, group: str) -> bool:
        return any(getattr(self, attribute) is not None for attribute in GROUPS[group])


#: The attributes of :class:`JobPost` that are not facts of the job.
NOTES = ("description", "conflicts", "unread")

#: Each thing a reply may say "no X found" about: (group name, human label), in reply order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "title"),
    ("job", "job link"),
    ("budget", "budget"),
    ("experience", "experience level"),
    ("length", "project length"),
    ("hours", "hours per week"),
    ("posted", "posting time"),
    ("cost", "Connects cost"),
    ("balance", "Connects balance"),
    ("bid_range", "bid range"),
    ("proposals", "proposals"),
    ("interviewing", "interviewing"),
    ("invites", "invites sent"),
    ("unanswered", "unanswered invites"),
    ("last_viewed", "last viewed by client"),
    ("verified", "payment verification"),
    ("rating", "client rating"),
    ("spent", "client spend"),
    ("hires", "client hires"),
    ("jobs_posted", "jobs posted"),
    ("hire_rate", "hire rate"),
    ("open_jobs", "open jobs"),
    ("avg_hourly", "average hourly rate paid"),
    ("hours_billed", "hours billed"),
    ("member_since", "member since"),
    ("country", "client country"),
)

#: The attributes of :class:`JobPost` behind each group of :data:`FIELDS` (each attribute in
#: exactly one group): a group is found when any of them is.
GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "job": ("job_id", "url"),
    "budget": ("budget_type", "budget_min_cents", "budget_max_cents"),
    "experience": ("experience",),
    "length": ("length",),
    "hours": ("hours",),
    "posted": ("posted",),
    "cost": ("connects",),
    "balance": ("available", "remaining_after"),
    "bid_range": ("bid_high_cents", "bid_avg_cents", "bid_low_cents"),
    "proposals": ("proposals_min", "proposals_max"),
    "interviewing": ("interviewing",),
    "invites": ("invites",),
    "unanswered": ("unanswered_invites",),
    "last_viewed": ("last_viewed",),
    "verified": ("verified",),
    "rating": ("rating_hundredths", "reviews"),
    "spent": ("client_spent_cents",),
    "hires": ("hires", "active_hires"),
    "jobs_posted": ("jobs_posted",),
    "hire_rate": ("hire_rate",),
    "open_jobs": ("open_jobs",),
    "avg_hourly": ("avg_hourly_cents",),
    "hours_billed": ("hours_billed",),
    "member_since": ("member_since",),
    "country": ("country",),
}

# not facts of the job or its client, for ``usable``: the cost and the id count on their own
_NOT_FACTS = frozenset({"title", "job", "cost", "balance"})
