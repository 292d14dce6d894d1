"""A read post as the factors the rest of the product works with: what a bid stores
(:class:`~core.quotes.bidrecords.BidFactors`) and what the pricing model weighs
(:class:`~core.quotes.pricing.Factors`). What a post does not state (a job's size, whether it is
funded) stays ``None``."""

from __future__ import annotations

from core.quotes.bidrecords import BidFactors
from core.quotes.jobpost.model import JobPost
from core.quotes.pricing import Factors


def price_cents(post: JobPost) -> int | None:
    """The fixed price; for an hourly job the top of its range (the bottom when only one
    figure is given); ``None`` when the kind of budget is not known."""
    if post.budget_type not in ("fixed", "hourly"):
        return None
    return post.budget_min_cents if post.budget_max_cents is None else post.budget_max_cents


def rating_tenths(hundredths: int | None) -> int | None:
    """A rating in tenths, rounded half up: 495 -> 50, 494 -> 49."""
    return None if hundredths is None else (hundredths + 5) // 10


def bid_factors(post: JobPost) -> BidFactors:
    """The factors a bid on this post stores."""
    return BidFactors(
        budget_type=post.budget_type,
        price_cents=price_cents(post),
        size=None,
        experience=post.experience,
        length=post.length,
        hours=post.hours,
        funded=None,
        verified=post.verified,
        client_spent_cents=post.client_spent_cents,
        hire_rate=post.hire_rate,
        rating_hundredths=post.rating_hundredths,
        reviews=post.reviews,
        hires=post.hires,
        proposals_min=post.proposals_min,
        proposals_max=post.proposals_max,
        interviewing=post.interviewing,
        invites=post.invites,
        country=post.country,
        member_since=post.member_since,
    )


def pricing_factors(post: JobPost) -> Factors:
    """The factors the pricing model prices this post on."""
    return Factors(
        price_cents=price_cents(post),
        size=None,
        funded=None,
        verified=post.verified,
        client_spent_cents=post.client_spent_cents,
        hire_rate=post.hire_rate,
        rating_tenths=rating_tenths(post.rating_hundredths),
    )
