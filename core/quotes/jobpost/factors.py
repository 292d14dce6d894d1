"""A read post as a job's facts (:class:`~core.base.facts.JobFacts`), what a bid stores and
the pricing model weighs: each fact the post has an attribute of the same name for, and the
price its budget gives. What a post does not state (a job's size, whether it is funded)
stays ``None``."""

from __future__ import annotations

import dataclasses

from core.base.facts import COLUMNS, JobFacts
from core.quotes.jobpost.model import JobPost

#: The facts a post states under their own name (every fact but those it derives or lacks).
STATED: tuple[str, ...] = tuple(
    name for name in COLUMNS if name in {f.name for f in dataclasses.fields(JobPost)}
)


def price_cents(post: JobPost) -> int | None:
    """The fixed price; for an hourly job the top of its range (the bottom when only one
    figure is given); ``None`` when the kind of budget is not known."""
    if post.budget_type not in ("fixed", "hourly"):
        return None
    return post.budget_min_cents if post.budget_max_cents is None else post.budget_max_cents


def bid_factors(post: JobPost) -> JobFacts:
    """The facts of this post: what a bid on it stores and a quote prices."""
    stated = {name: getattr(post, name) for name in STATED}
    return JobFacts(**stated, price_cents=price_cents(post))
