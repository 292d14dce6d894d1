"""Reading a job post: :func:`read_post` runs each field's reader over the post's lines
and puts what they found in a :class:`~core.jobpost.model.JobPost`."""

from __future__ import annotations

from dataclasses import replace

import core.jobpost.activity as activity_
import core.jobpost.client as client_
import core.jobpost.job as job_
import core.jobpost.title as title_
from core.jobpost.model import JobPost
from core.jobpost.page import Page, page
from core.jobpost.patterns import CANONICAL


def read_post(text: str) -> JobPost:
    """Whatever the job post ``text`` states (its first ``MAX_CHARS`` characters, up to
    where other jobs begin); never raises."""
    if not isinstance(text, str):
        return JobPost()
    lines = page(text)
    if not lines.lines:
        return JobPost()
    post = _facts(lines)
    name = title_.stated(lines)
    if name is None and post.found():
        # a line is taken for a title only when the text is a post at all
        posted = job_.posted(lines)
        name = title_.shown(lines, None if posted is None else posted[0], _is_fact)
    return post if name is None else replace(post, title=name)


def _is_fact(line: str) -> bool:
    """Whether one line, read alone, states a fact."""
    return bool(_facts(page(line)).found())


def _facts(lines: Page) -> JobPost:
    """Every field but the title."""
    job_id = job_.link(lines)
    budget = job_.budget(lines)
    posted = job_.posted(lines)
    bids = activity_.bid_range(lines)
    proposals = activity_.proposals(lines)
    near = lines.client_lines()
    rating = client_.rating(lines)
    hires = client_.hires(lines)
    hire_rate = client_.hire_rate(lines)
    return JobPost(
        url=None if job_id is None else CANONICAL + job_id,
        job_id=job_id,
        budget_type=None if budget is None else budget.kind,
        budget_min_cents=None if budget is None else budget.low_cents,
        budget_max_cents=None if budget is None else budget.high_cents,
        experience=job_.experience(lines),
        length=job_.length(lines),
        hours=job_.hours(lines),
        posted=None if posted is None else posted[1],
        connects=activity_.connects(lines),
        available=activity_.available(lines),
        remaining_after=activity_.remaining(lines),
        bid_high_cents=None if bids is None else bids.high_cents,
        bid_avg_cents=None if bids is None else bids.avg_cents,
        bid_low_cents=None if bids is None else bids.low_cents,
        proposals_min=None if proposals is None else proposals.low,
        proposals_max=None if proposals is None else proposals.high,
        interviewing=activity_.interviewing(lines),
        invites=activity_.invites(lines),
        unanswered_invites=activity_.unanswered(lines),
        last_viewed=activity_.last_viewed(lines),
        verified=client_.verified(lines),
        rating_hundredths=None if rating is None else rating.hundredths,
        reviews=None if rating is None else rating.reviews,
        client_spent_cents=client_.spent(lines),
        hires=None if hires is None else hires.first,
        active_hires=None if hires is None else hires.second,
        jobs_posted=client_.jobs_posted(lines),
        hire_rate=None if hire_rate is None else hire_rate.first,
        open_jobs=None if hire_rate is None else hire_rate.second,
        avg_hourly_cents=client_.avg_hourly(lines),
        hours_billed=client_.hours_billed(lines, near),
        member_since=client_.member_since(lines),
        country=client_.client_country(lines, near),
    )
