"""The client's facts: payment verification, rating and reviews, spend, hires, jobs posted,
hire rate, open jobs, average rate paid, hours billed, member since and country."""

from __future__ import annotations

from dataclasses import dataclass

import core.jobpost.patterns as p
from core.jobpost.countries import country, country_line
from core.jobpost.lines import Hit, labeled, searched
from core.jobpost.page import Page
from core.jobpost.values import cents, hundredths, iso_date, whole


@dataclass(frozen=True, slots=True)
class Rating:
    hundredths: int | None  # None when the client has no reviews
    reviews: int | None


@dataclass(frozen=True, slots=True)
class Pair:
    first: int | None
    second: int | None


def verified(page: Page) -> bool | None:
    """``Payment method verified`` (True), ``Payment method not verified``/``Payment
    unverified`` (False)."""
    hit = searched(page, ("payment",), p.VERIFIED)
    return None if hit is None else hit.value["word"].lower() == "verified"


def rating(page: Page) -> Rating | None:
    """``4.98 of 17 reviews``, ``4.9 (23 reviews)`` (the most precise, wherever it is),
    else ``Rating is 5.0 out of 5.`` or ``Rating: 4.9``; no reviews (``No reviews yet``,
    ``Rating is 0 out of 5.``, ``0 reviews``) means no rating and 0 reviews."""
    hit = searched(page, ("review",), p.REVIEWS_OF, p.REVIEWS_PAREN)
    if hit is not None:
        count = whole(hit.value["reviews"])
        stars = hundredths(hit.value["rating"])
        return Rating(None if count == 0 else stars, count)
    if searched(page, ("yet",), p.NO_REVIEWS) is not None:
        return Rating(None, 0)
    hit = searched(page, ("rating is",), p.RATING_IS) or labeled(
        page, ("rating",), p.RATING_LABEL, p.RATING_VALUE
    )
    if hit is None:
        return None
    stars = hundredths(hit.value["rating"])
    return Rating(None, 0) if stars == 0 else Rating(stars, None)


def spent(page: Page) -> int | None:
    """``$12K total spent``, ``$900K+ spent`` (the figure shown), ``Total spent: $4.9K``."""
    hit: Hit | None = searched(page, ("spent",), p.SPENT)
    hit = hit or labeled(page, ("spent",), p.SPENT_LABEL, p.MONEY_VALUE)
    if hit is None:
        return None
    return cents(hit.value["m"] if "m" in hit.value.groupdict() else hit.value.group())


def hires(page: Page) -> Pair | None:
    """(hires, active) of ``33 hires, 13 active`` or ``33 hires``."""
    hit = searched(page, ("hire",), p.HIRES_ACTIVE)
    if hit is None:
        for i in page.having("hire"):
            for seg in page.segs(i):
                found = p.HIRES.fullmatch(seg)
                if found is not None:
                    hit = Hit(i, None, found)
                    break
            if hit is not None:
                break
    if hit is None:
        return None
    active = hit.value["active"]
    return Pair(whole(hit.value["hires"]), None if active is None else whole(active))


def jobs_posted(page: Page) -> int | None:
    """``31 jobs posted``, ``Jobs posted: 31``."""
    hit = searched(page, ("posted",), p.JOBS_POSTED) or labeled(
        page, ("jobs posted",), p.JOBS_POSTED_LABEL, p.INT_VALUE
    )
    return None if hit is None else whole(hit.value["n"])


def _open_jobs(page: Page) -> int | None:
    """``2 open jobs`` alone, or ``Open jobs: 2``, whichever comes first."""
    hit = labeled(page, ("open job",), p.OPEN_JOBS_LABEL, p.INT_VALUE)
    for i in page.having("open job"):
        if hit is not None and hit.line <= i:
            break
        for seg in page.segs(i):
            found = p.OPEN_JOBS.fullmatch(seg)
            if found is not None:
                return whole(found["n"])
    return None if hit is None else whole(hit.value["n"])


def hire_rate(page: Page) -> Pair | None:
    """(rate in percent, open jobs) of ``81% hire rate, 2 open jobs``; also ``Hire rate:
    81%`` and ``2 open jobs`` on their own."""
    hit = searched(page, ("hire rate",), p.HIRE_RATE)
    hit = hit or labeled(page, ("hire rate",), p.HIRE_RATE_LABEL, p.PERCENT_VALUE)
    rate = None
    if hit is not None:
        rate = whole(hit.value["rate" if "rate" in hit.value.groupdict() else "n"])
        rate = rate if rate is not None and rate <= 100 else None
    opened = hit.value.groupdict().get("open") if hit is not None else None
    jobs = whole(opened) if opened is not None else _open_jobs(page)
    return None if hit is None and jobs is None else Pair(rate, jobs)


def avg_hourly(page: Page) -> int | None:
    """``$14.08 /hr avg hourly rate paid``."""
    hit = searched(page, ("avg hourly", "average hourly"), p.AVG_HOURLY) or labeled(
        page, ("avg hourly", "average hourly"), p.AVG_HOURLY_LABEL, p.MONEY_VALUE
    )
    if hit is None:
        return None
    return cents(hit.value["m"] if "m" in hit.value.groupdict() else hit.value.group())


def hours_billed(page: Page, near: frozenset[int]) -> int | None:
    """``3,463 hours`` alone on a line of the client's block (lines ``near``), or
    ``Hours billed: 3,463``."""
    hit = labeled(page, ("hours billed", "total hours"), p.HOURS_BILLED_LABEL, p.INT_VALUE)
    if hit is not None:
        return whole(hit.value["n"])
    for i in sorted(near):
        if "hour" in page.lower[i]:
            found = p.HOURS_BILLED.fullmatch(page.lines[i])
            if found is not None:
                return whole(found["n"])
    return None


def member_since(page: Page) -> str | None:
    """``Member since Apr 2, 2018`` -> ``"2018-04-02"`` (``Apr 2018`` -> ``"2018-04-01"``)."""
    hit = searched(page, ("member since",), p.MEMBER_SINCE)
    return None if hit is None else iso_date(hit.value["date"])


def client_country(page: Page, near: frozenset[int]) -> str | None:
    """After ``Location:``/``Country:``, or a line of its own in the client's block (lines
    ``near``), maybe followed by a city and its time: ``United States``, ``GBR``, ``Australia
    Sydney 10:42 AM``. A country named in a title or a description is not the client's."""
    for i in page.having("location", "country"):
        for seg in page.segs(i):
            head = p.COUNTRY_LABEL.match(seg)
            if head is None:
                continue
            rest = seg[head.end() :] or page.after(i)
            found = country_line(rest) or country(rest.rpartition(", ")[2])
            if found is not None:
                return found
    for i in sorted(near):
        if len(page.lines[i]) <= 80:
            found = country_line(page.lines[i])
            if found is not None:
                return found
    return None
