"""The client's facts: payment verification, rating and reviews, spend, hires, jobs posted,
hire rate, open jobs, average rate paid, hours billed, member since and country. Each reader
returns every value the page shows, in order."""

from __future__ import annotations

from dataclasses import dataclass

import core.quotes.jobpost.patterns as p
from core.quotes.jobpost.countries import located
from core.quotes.jobpost.lines import Hit, labeled, shaped
from core.quotes.jobpost.page import Page
from core.quotes.jobpost.values import cents, hundredths, iso_date, whole


@dataclass(frozen=True, slots=True)
class Rating:
    hundredths: int | None  # None when the client has no reviews
    reviews: int | None


@dataclass(frozen=True, slots=True)
class Pair:
    first: int | None
    second: int | None


def verified(page: Page) -> list[bool]:
    """``Payment method verified`` (True), ``Payment method not verified``/``Payment
    unverified`` (False)."""
    return [
        hit.value["word"].lower() == "verified" for hit in shaped(page, ("payment",), p.VERIFIED)
    ]


def _rating(hit: Hit) -> Rating:
    groups = hit.value.groupdict()
    count = whole(groups["reviews"]) if groups.get("reviews") else None
    stars = hundredths(groups["rating"])
    if count == 0 or stars == 0:
        return Rating(None, 0)
    return Rating(stars, count)


def rating(page: Page) -> list[Rating]:
    """The most precise form the page shows: ``4.98 of 17 reviews``, ``4.9 (23 reviews)``,
    ``4.6 of 37 reviews``; else ``Rating is 5.0 out of 5.``, ``4.6 stars``, ``★ 4.9``,
    ``4.6/5``, ``4.6 of 5 stars``, ``★★★★★ 4.6``, ``Rating: 4.9``. No reviews (``No reviews
    yet``, ``Rating is 0 out of 5.``, ``0 reviews``) is no rating and 0 reviews."""
    counted = shaped(page, ("review",), p.REVIEWS_OF, p.REVIEWS_PAREN)
    if counted:
        return [_rating(hit) for hit in counted]
    if shaped(page, ("yet",), p.NO_REVIEWS):
        return [Rating(None, 0)]
    stars = shaped(page, ("rating is", "star", "/5", "\u2605", " of 5"), *p.RATINGS)
    stars += labeled(page, ("rating",), p.RATING_LABEL, p.RATING_VALUE)
    return [_rating(hit) for hit in stars]


def _money(hit: Hit) -> int | None:
    return cents(hit.value["m"] if "m" in hit.value.groupdict() else hit.value.group())


def spent(page: Page) -> list[int | None]:
    """``$12K total spent``, ``$900K+ spent`` (the figure shown), ``$1M+``, ``Total spent:
    $4.9K``."""
    hits = shaped(page, ("spent",), p.SPENT) + labeled(
        page, ("spent",), p.SPENT_LABEL, p.SPENT_VALUE
    )
    return [_money(hit) for hit in hits]


def hires(page: Page) -> list[Pair]:
    """(hires, active) of ``33 hires, 13 active`` or ``33 hires``."""
    out = []
    for hit in shaped(page, ("hire",), p.HIRES):
        active = hit.value["active"]
        out.append(Pair(whole(hit.value["hires"]), None if active is None else whole(active)))
    return out


def jobs_posted(page: Page) -> list[int | None]:
    """``31 jobs posted``, ``Jobs posted: 31``."""
    hits = shaped(page, ("posted",), p.JOBS_POSTED) + labeled(
        page, ("jobs posted",), p.JOBS_POSTED_LABEL, p.INT_VALUE
    )
    return [whole(hit.value["n"]) for hit in hits]


def hire_rate(page: Page) -> list[int | None]:
    """The percent of ``81% hire rate, 2 open jobs`` or ``Hire rate: 81%``."""
    out: list[int | None] = []
    for hit in shaped(page, ("hire rate",), p.HIRE_RATE):
        out.append(whole(hit.value["rate"]))
    for hit in labeled(page, ("hire rate",), p.HIRE_RATE_LABEL, p.PERCENT_VALUE):
        out.append(whole(hit.value["n"]))
    return out


def open_jobs(page: Page) -> list[int | None]:
    """``81% hire rate, 2 open jobs``, ``2 open jobs`` alone or ``Open jobs: 2``."""
    out: list[int | None] = []
    for hit in shaped(page, ("open job",), p.HIRE_RATE, p.OPEN_JOBS):
        opened = hit.value.groupdict().get("open") or hit.value.groupdict().get("n")
        if opened is not None:
            out.append(whole(opened))
    for hit in labeled(page, ("open job",), p.OPEN_JOBS_LABEL, p.INT_VALUE):
        out.append(whole(hit.value["n"]))
    return out


def avg_hourly(page: Page) -> list[int | None]:
    """``$14.08 /hr avg hourly rate paid``, ``Avg hourly rate paid: $22.50``."""
    marks = ("avg hourly", "average hourly")
    hits = shaped(page, marks, p.AVG_HOURLY) + labeled(
        page, marks, p.AVG_HOURLY_LABEL, p.MONEY_VALUE
    )
    return [_money(hit) for hit in hits]


def hours_billed(page: Page, near: frozenset[int]) -> list[int | None]:
    """``Hours billed: 3,463``, or ``3,463 hours`` alone on a line of the client's block
    (lines ``near``)."""
    hits = labeled(page, ("hours billed", "total hours"), p.HOURS_BILLED_LABEL, p.INT_VALUE)
    out = [whole(hit.value["n"]) for hit in hits]
    for i in sorted(near):
        if "hour" in page.lower[i]:
            for seg in page.segs(i):
                found = p.HOURS_BILLED.fullmatch(seg)
                if found is not None:
                    out.append(whole(found["n"]))
    return out


def member_since(page: Page) -> list[str | None]:
    """``Member since Apr 2, 2018`` -> ``"2018-04-02"`` (``Apr 2018`` -> ``"2018-04-01"``)."""
    return [iso_date(hit.value["date"]) for hit in shaped(page, ("member since",), p.MEMBER_SINCE)]


def client_country(page: Page, near: frozenset[int]) -> list[str]:
    """After ``Location:``/``Country:``, or a line of its own in the client's block (lines
    ``near``): a country alone, with a city before or after it (``Canada · Vancouver``,
    ``Canada, Vancouver``, ``Vancouver, Canada``) or with a local time (``Australia Sydney
    10:42 AM``). A country named in a title or a description is not the client's."""
    out: list[str] = []
    labeled_lines: set[int] = set()
    for i in page.having("location", "country"):
        for seg in page.segs(i):
            head = p.COUNTRY_LABEL.match(seg)
            if head is None:
                continue
            rest = seg[head.end() :]
            found = located(rest if rest else page.after(i))
            if found is not None:
                out.append(found)
                labeled_lines.update((i, i + 1))
    for i in sorted(near):
        line = page.lines[i]
        if i in labeled_lines:
            continue
        found = located(line) if len(line) <= 80 else None
        if found is None:
            for seg in page.segs(i):
                found = located(seg)
                if found is not None:
                    break
        if found is not None:
            out.append(found)
    return out
