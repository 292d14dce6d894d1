"""Reading a job post: :func:`read_post` sets the client's description apart from Upwork's
own blocks (:mod:`core.quotes.jobpost.parts`), runs each field's reader over Upwork's lines, and
puts what they found in a :class:`~core.quotes.jobpost.model.JobPost`.

Never a pick between contradictions: a fact shown twice with different values is not read,
and the post records both (``conflicts``). A value outside what a post can state (a
``$30,000,000`` budget, ``Invites sent: 3,000,000,000``) is not read either, and recorded
(``unread``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import core.quotes.jobpost.activity as activity_
import core.quotes.jobpost.client as client_
import core.quotes.jobpost.job as job_
import core.quotes.jobpost.title as title_
from core.quotes.jobpost.bounds import BOUNDS, Bound
from core.quotes.jobpost.model import Conflict, JobPost, Unread
from core.quotes.jobpost.page import Page, page, segments
from core.quotes.jobpost.parts import ANCHOR
from core.quotes.jobpost.patterns import CANONICAL, FACT_START, LABELS
from core.quotes.jobpost.shown import shown

T = TypeVar("T")


def read_post(text: str) -> JobPost:
    """Whatever Upwork's blocks of the job post ``text`` state (its first ``MAX_CHARS``
    characters, up to where other jobs begin); never raises."""
    if not isinstance(text, str):
        return JobPost()
    lines = page(text, _is_fact)
    if not lines.lines:
        return JobPost()
    post = _facts(lines)
    if lines.description:
        post = replace(post, description="\n".join(lines.description))
    name = title_.stated(lines)
    if name is None and post.found():
        # a line is taken for a title only when the text is a post at all
        posted = job_.posted(lines)
        at = posted[0][0] if posted else None
        name = title_.shown(lines, at, _is_fact)
    return post if name is None else replace(post, title=name)


def _is_fact(line: str) -> bool:
    """Whether one line, read alone, states a fact (or a contradiction, or a value out of
    range). A line none of whose segments begins like a label or a value states none."""
    if not any(_begins_like_a_fact(seg) for seg in segments(line)) and "~0" not in line:
        return False
    post = _facts(page(line))
    return bool(post.found() or post.conflicts or post.unread)


def _begins_like_a_fact(seg: str) -> bool:
    return bool(
        ANCHOR.match(seg) or FACT_START.match(seg) or any(label.match(seg) for label in LABELS)
    )


@dataclass
class _Reading:
    """The values settled so far and what could not be."""

    conflicts: list[Conflict] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def one(
        self, group: str, values: list[T], check: Callable[[T], bool] | None = None
    ) -> T | None:
        """The one value of ``values`` (``None`` among them is a value not readable for
        sure); none when two differ, or when it is outside the group's bounds."""
        distinct = list(dict.fromkeys(values))
        if len(distinct) > 1:
            if not any(c.group == group for c in self.conflicts):
                self.conflicts.append(Conflict(group, tuple(shown(group, v) for v in distinct)))
            return None
        if not distinct or distinct[0] is None:
            return None
        value = distinct[0]
        if check is not None and not check(value):
            self.unread.append(Unread(group, shown(group, value)))
            return None
        return value

    def number(self, group: str, values: list[int | None], bound: Bound) -> int | None:
        return self.one(group, values, bound.holds)


def _facts(lines: Page) -> JobPost:
    """Every field but the title and the description."""
    r = _Reading()
    b = BOUNDS
    job_id = r.one("job", job_.link(lines))
    budget = r.one("budget", job_.budget(lines), b.budget_ok)
    posted = r.one("posted", [time for _, time in job_.posted(lines)])
    bids = r.one("bid_range", activity_.bid_range(lines), b.bids_ok)
    proposals = r.one("proposals", activity_.proposals(lines), b.proposals_ok)
    near = lines.client_lines()
    rating = r.one("rating", client_.rating(lines), b.rating_ok)
    hires = r.one("hires", client_.hires(lines), b.hires_ok)
    post = JobPost(
        url=None if job_id is None else CANONICAL + job_id,
        job_id=job_id,
        budget_type=None if budget is None else budget.kind,
        budget_min_cents=None if budget is None else budget.low_cents,
        budget_max_cents=None if budget is None else budget.high_cents,
        experience=r.one("experience", job_.experience(lines)),
        length=r.one("length", job_.length(lines)),
        hours=r.one("hours", job_.hours(lines)),
        posted=posted,
        connects=r.number("cost", activity_.connects(lines), b.connects),
        available=r.number("balance", activity_.available(lines), b.balance),
        remaining_after=r.number("balance", activity_.remaining(lines), b.balance),
        bid_high_cents=None if bids is None else bids.high_cents,
        bid_avg_cents=None if bids is None else bids.avg_cents,
        bid_low_cents=None if bids is None else bids.low_cents,
        proposals_min=None if proposals is None else proposals.low,
        proposals_max=None if proposals is None else proposals.high,
        interviewing=r.number("interviewing", activity_.interviewing(lines), b.count),
        invites=r.number("invites", activity_.invites(lines), b.count),
        unanswered_invites=r.number("unanswered", activity_.unanswered(lines), b.count),
        last_viewed=r.one("last_viewed", activity_.last_viewed(lines)),
        verified=r.one("verified", client_.verified(lines)),
        rating_hundredths=None if rating is None else rating.hundredths,
        reviews=None if rating is None else rating.reviews,
        client_spent_cents=r.number("spent", client_.spent(lines), b.spent),
        hires=None if hires is None else hires.first,
        active_hires=None if hires is None else hires.second,
        jobs_posted=r.number("jobs_posted", client_.jobs_posted(lines), b.count),
        hire_rate=r.number("hire_rate", client_.hire_rate(lines), b.percent),
        open_jobs=r.number("open_jobs", client_.open_jobs(lines), b.count),
        avg_hourly_cents=r.number("avg_hourly", client_.avg_hourly(lines), b.hourly),
        hours_billed=r.number("hours_billed", client_.hours_billed(lines, near), b.hours),
        member_since=r.one("member_since", client_.member_since(lines), b.date_ok),
        country=r.one("country", client_.client_country(lines, near)),
        conflicts=tuple(r.conflicts),
        unread=tuple(r.unread),
    )
    return _balances(post)


def _balances(post: JobPost) -> JobPost:
    """The balance shown and the one left after this proposal must agree with the cost:
    ``Available Connects: 9999`` beside ``you'll have 97 remaining`` for 13 is no balance."""
    have, left, cost = post.available, post.remaining_after, post.connects
    if have is None or left is None or cost is None or have == left + cost:
        return post
    conflict = Conflict("balance", (str(have), str(left + cost)))
    return replace(
        post,
        available=None,
        remaining_after=None,
        conflicts=(*post.conflicts, conflict),
    )
