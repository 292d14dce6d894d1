"""Job posts built from a structured job, in every layout people paste, with the facts Upwork
shows written in each of its label variants, and a description that plants fact phrases,
costs, balances and links. :func:`generated` gives the post's text and the fields a reader
must find in it (``None`` for every field the layout does not show), so a test or a bench can
check that every field read is the truth and nothing comes from the description.

Driven by a ``random.Random``: Hypothesis hands one in (``st.randoms``), the bench seeds its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

LAYOUTS = (
    "desktop",
    "desktop_inline",
    "mobile_app",
    "proposal_page",
    "feed_tile",
    "alert_email",
    "alert_email_spaced",
)
#: How the lines are joined: as pasted, with CRLF, loose (stray spaces, tabs, non-breaking
#: spaces around lines and blank lines between them), or flattened to one line.
SHAPES = ("lines", "crlf", "loose", "flat")

TITLES = (
    "Shopify developer to speed up a fashion store",
    "Illustrations for a children's picture book",
    "Bookkeeping cleanup in Xero for 2024",
    "WordPress site migration to a new host",
    "Data analyst for a quarterly churn report",
    "Voice-over for a museum audio guide",
)
SENTENCES = (
    "We run a small online shop and our pages load slowly on phones.",
    "You will work with our designer and report progress twice a week.",
    "The work starts as soon as we agree on the scope and the milestones.",
    "Please tell us about a similar project you finished recently.",
    "We reply to every proposal within a day, so do write to us.",
    "Our team is spread over three time zones and mostly writes in English.",
)
OTHER_JOB = "~01ffffffffffffffff"
# fact phrases a client plants in the description: every value differs from what the
# generator ever gives as the truth, so any one read shows as a wrong field
PLANTED = (
    "Send a proposal for: 1 Connects",
    "Required Connects to submit a proposal: 3",
    "Available Connects: 9999",
    "When you submit this proposal, you'll have 9000 Connects remaining.",
    "$40K total spent",
    "Total spent: $40K",
    "1.2 of 9 reviews",
    "Rating is 1.5 out of 5.",
    "Payment method not verified",
    "Proposals: 50+",
    "Interviewing: 77",
    "Hourly: $1-$2",
    "Fixed price: $7",
    "Entry level",
    "More than 6 months",
    "Location: Peru",
    "Member since Jan 2, 2001",
    "999 jobs posted",
    f"https://www.upwork.com/jobs/{OTHER_JOB}",
    f"Job link: https://www.upwork.com/jobs/Other_{OTHER_JOB}/",
)
#: Planted phrases a desktop description may end with (none shaped like the job's terms,
#: which follow it on the page).
TAIL_PLANTED = tuple(
    phrase for phrase in PLANTED if phrase not in ("Entry level", "More than 6 months")
)
WRAPS = (
    "our last agency quoted {} on design alone, which was far too much.",
    "please note that {} is what you should expect here, really.",
    "we saw {} when we checked last week, honestly.",
)
PLACES = {
    "CA": (("Canada",), "Vancouver"),
    "US": (("United States",), "Austin"),
    "DE": (("Germany",), "Berlin"),
    "TR": (("Türkiye", "Turkey"), "Istanbul"),
    "CZ": (("Czechia", "Czech Republic"), "Prague"),
    "GB": (("United Kingdom",), "Leeds"),
}
LENGTHS = {
    "under_1_month": ("Less than 1 month", "Less than a month"),
    "1_to_3_months": ("1 to 3 months", "1-3 months"),
    "3_to_6_months": ("3 to 6 months", "3-6 months"),
    "over_6_months": ("More than 6 months", "6+ months"),
}
HOURS = {
    "under_30": ("Less than 30 hrs/week",),
    "30_plus": ("More than 30 hrs/week", "30+ hrs/week"),
}
EXPERIENCE = {"entry": "Entry level", "intermediate": "Intermediate", "expert": "Expert"}
# (as printed, cents): every form Upwork prints a client's spend in
SPENDS = (
    ("$20K+", 2_000_000),
    ("$48K", 4_800_000),
    ("$1M+", 100_000_000),
    ("$4.9K", 490_000),
    ("$900", 90_000),
    ("$2.3M", 230_000_000),
)
BANDS = (("Less than 5", 0, 4), ("5 to 10", 5, 10), ("20 to 50", 20, 50), ("50+", 50, None))


@dataclass
class Job:
    """The truth a post is built from."""

    title: str
    job_id: str
    kind: str  # "fixed" | "hourly"
    low: int  # cents
    high: int  # cents (== low for fixed)
    experience: str
    length: str
    hours: str | None  # hourly jobs only
    posted_hours: int
    connects: int
    available: int
    band: tuple[str, int, int | None]
    interviewing: int
    verified: bool
    rating_tenths: int  # 30..50
    reviews: int
    spend: tuple[str, int]
    country: str
    jobs_posted: int
    hire_rate: int
    open_jobs: int
    hires: int
    active: int
    since: tuple[str, str]  # ("Mar 14, 2019", "2019-03-14")


@dataclass
class Post:
    layout: str
    shape: str
    text: str
    truth: dict[str, object] = field(default_factory=dict)
    conflict: str | None = None  # the group shown twice with different values


def job(r: random.Random) -> Job:
    kind = r.choice(("fixed", "hourly"))
    if kind == "fixed":
        low = high = r.choice((5_000, 30_000, 120_000, 250_000, 1_500_000))
    else:
        low = r.choice((1_000, 2_500, 3_500))
        high = low + r.choice((1_500, 2_000, 4_000))
    day = r.randint(1, 28)
    month = r.choice(((1, "Jan"), (3, "Mar"), (6, "Jun"), (11, "Nov")))
    year = r.randint(2010, 2024)
    hires = r.randint(1, 300)
    return Job(
        title=r.choice(TITLES),
        job_id="~01" + "".join(r.choice("0123456789abcdef") for _ in range(16)),
        kind=kind,
        low=low,
        high=high,
        experience=r.choice(tuple(EXPERIENCE)),
        length=r.choice(tuple(LENGTHS)),
        hours=r.choice(tuple(HOURS)) if kind == "hourly" else None,
        posted_hours=r.randint(2, 23),
        connects=r.randint(4, 60),
        available=r.randint(100, 5_000),
        band=r.choice(BANDS),
        interviewing=r.randint(0, 9),
        verified=r.random() < 0.8,
        rating_tenths=r.randint(30, 50),
        reviews=r.randint(1, 400),
        spend=r.choice(SPENDS),
        country=r.choice(tuple(PLACES)),
        jobs_posted=r.randint(2, 300),
        hire_rate=r.randint(0, 100),
        open_jobs=r.randint(1, 9),
        hires=hires,
        active=r.randint(0, hires),
        since=(f"{month[1]} {day}, {year}", f"{year}-{month[0]:02d}-{day:02d}"),
    )


def _money(cents: int) -> str:
    whole, frac = divmod(cents, 100)
    return f"${whole:,}.{frac:02d}" if frac else f"${whole:,}"


def _stars(j: Job) -> str:
    return f"{j.rating_tenths // 10}.{j.rating_tenths % 10}"


def description(r: random.Random) -> list[str]:
    """Two to four sentences of the client's; facts planted inside sentences and on lines of
    their own between them."""
    sentences = r.sample(SENTENCES, r.randint(2, 4))
    out = [sentences[0]]
    for sentence in sentences[1:]:
        for _ in range(r.randint(0, 2)):
            out.append(r.choice(PLANTED))  # a planted line of its own, between sentences
        out.append(sentence)
    for _ in range(r.randint(1, 3)):
        at = r.randrange(len(out))
        if out[at] in SENTENCES:
            out[at] = out[at][:-1] + ", and " + r.choice(WRAPS).format(r.choice(PLANTED))
    return out


def _country(r: random.Random, j: Job, shown: str) -> list[str]:
    names, city = PLACES[j.country]
    name = r.choice(names)
    forms = {
        "lines": [name, f"{city} {r.randint(1, 12)}:{r.randint(10, 59)} PM"],
        "alone": [name],
        "dot": [f"{name} · {city}"],
        "comma": [f"{name}, {city}"],
        "city_first": [f"{city}, {name}"],
    }
    return forms[shown]


def _rating(r: random.Random, j: Job) -> tuple[list[str], int | None]:
    """Rating lines and the reviews they state."""
    stars = _stars(j)
    form = r.randrange(8)
    if form == 0:
        return [f"Rating is {stars} out of 5.", f"{stars}0 of {j.reviews} reviews"], j.reviews
    if form == 1:
        return [f"{stars} of {j.reviews} reviews"], j.reviews
    options = (
        f"{stars} stars",
        f"\u2605 {stars}",
        f"{stars}/5",
        f"Rating is {stars} out of 5",
        f"\u2605\u2605\u2605\u2605\u2605 {stars}",
        f"{stars} of 5 stars",
    )
    return [options[form - 2]], None


def _cost(r: random.Random, j: Job) -> str:
    return r.choice(
        (
            f"Required Connects to submit a proposal: {j.connects}",
            f"Send a proposal for: {j.connects} Connects",
        )
    )


def _terms_amount(r: random.Random, j: Job) -> list[str]:
    if j.kind == "fixed":
        return [_money(j.low) + (".00" if j.low % 100 == 0 else ""), "Fixed-price"]
    if r.random() < 0.5:
        return [f"{_money(j.low)}.00", "-", f"{_money(j.high)}.00", "Hourly"]
    return [f"{_money(j.low)}.00 - {_money(j.high)}.00", "Hourly"]


def _label_budget(j: Job, label: str) -> str:
    if j.kind == "fixed":
        return f"{label}: {_money(j.low)}"
    return f"Hourly: {_money(j.low)}-{_money(j.high)}"


#: A second, different value of a fact, put in Upwork's own lines beside the first: (group,
#: the fields it empties, how to find the fact's line, the line that contradicts it).
CONTRADICTIONS = (
    (
        "cost",
        ("connects",),
        lambda line: "Connects" in line and "proposal" in line and "remaining" not in line,
        lambda j: f"Send a proposal for: {j.connects + 7} Connects",
    ),
    (
        "balance",
        ("available", "remaining_after"),
        lambda line: line.startswith(("Available Connects", "When you submit")),
        lambda j: f"Available Connects: {j.available + 5}",
    ),
    (
        "job",
        ("url", "job_id"),
        lambda line: "upwork.com/jobs/~01" in line and OTHER_JOB not in line,
        lambda j: "Job link: https://www.upwork.com/jobs/~01eeeeeeeeeeeeeeee",
    ),
    (
        "spent",
        ("client_spent_cents",),
        lambda line: " spent" in line and "$40K" not in line,
        lambda j: "$7K total spent",
    ),
)


def contradicted(
    r: random.Random, post: Post, lines: list[str], j: Job, words: list[str]
) -> tuple[str, list[str]]:
    """``lines`` with one fact of Upwork's lines (not the description's ``words``) shown
    twice with different values, and the group; the truth of ``post`` loses its fields."""
    upwork = [
        (i, line)
        for i, line in enumerate(lines)
        if line not in words and not any(phrase in line for phrase in PLANTED)
    ]
    shown = [c for c in CONTRADICTIONS if any(c[2](line) for _, line in upwork)]
    group, fields, find, make = r.choice(shown)
    at = max(i for i, line in upwork if find(line))
    for name in fields:
        post.truth[name] = None
    return group, [*lines[: at + 1], make(j), *lines[at + 1 :]]


def generated(
    r: random.Random,
    layout: str | None = None,
    shape: str | None = None,
    *,
    contradict: bool = False,
) -> Post:
    """A post of ``job(r)`` in ``layout`` (drawn when not given), shaped as ``shape``:
    its lines, CRLF, loose or flattened to one line; with ``contradict``, one fact of
    Upwork's lines shown twice with different values (``Post.conflict`` names it)."""
    j = job(r)
    layout = layout or r.choice(LAYOUTS)
    shape = shape or r.choice(SHAPES)
    words = description(r)
    lines, truth = BUILDERS[layout](r, j, words)
    conflict = None
    if contradict:
        scratch = Post(layout, shape, "", dict(truth))
        conflict, lines = contradicted(r, scratch, lines, j, words)
        truth = scratch.truth
    if shape == "loose":
        pad = ("", " ", "  ", "\t", "\u00a0")
        lines = [r.choice(pad) + line + r.choice(pad) + "\n" * r.randint(0, 1) for line in lines]
    joined = {"lines": "\n", "crlf": "\r\n", "loose": "\n", "flat": " "}[shape]
    full = dict.fromkeys(FACTS)
    full.update(truth)
    return Post(layout, shape, joined.join(lines), full, conflict)


FACTS = (
    "title",
    "url",
    "job_id",
    "budget_type",
    "budget_min_cents",
    "budget_max_cents",
    "experience",
    "length",
    "hours",
    "posted",
    "connects",
    "available",
    "remaining_after",
    "proposals_min",
    "proposals_max",
    "interviewing",
    "verified",
    "rating_hundredths",
    "reviews",
    "client_spent_cents",
    "hires",
    "active_hires",
    "jobs_posted",
    "hire_rate",
    "open_jobs",
    "member_since",
    "country",
)


def _common(j: Job) -> dict[str, object]:
    return {
        "title": j.title,
        "budget_type": j.kind,
        "budget_min_cents": j.low,
        "budget_max_cents": j.high,
        "experience": j.experience,
    }


def _link(j: Job) -> dict[str, object]:
    return {"url": "https://www.upwork.com/jobs/" + j.job_id, "job_id": j.job_id}


def _desktop(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    rating, reviews = _rating(r, j)
    out = ["Find work", j.title, f"Posted {j.posted_hours} hours ago", "Worldwide", "Summary"]
    out += words
    if r.random() < 0.5:  # after its last sentence, before the terms: still the description
        out += r.sample(TAIL_PLANTED, r.randint(1, 3))
    if j.hours is not None:
        out += [r.choice(HOURS[j.hours]), "Hourly"]
    out += [r.choice(LENGTHS[j.length]), r.choice(("Duration", "Project Length"))]
    out += [EXPERIENCE[j.experience], "Experience Level"]
    out += _terms_amount(r, j)
    out += ["Remote Job", "Ongoing project", "Project Type", "Skills and Expertise", "Python"]
    out += ["Activity on this job", "Proposals:", j.band[0], "Interviewing:", str(j.interviewing)]
    out += ["Apply now", "Save job", _cost(r, j), f"Available Connects: {j.available}"]
    out += ["About the client"]
    out += ["Payment method verified" if j.verified else "Payment method not verified"]
    out += rating
    out += _country(r, j, r.choice(("lines", "alone", "dot", "comma", "city_first")))
    out += [f"{j.jobs_posted} jobs posted", f"{j.hire_rate}% hire rate, {j.open_jobs} open jobs"]
    out += [f"{j.spend[0]} total spent", f"{j.hires} hires, {j.active} active"]
    out += [f"Member since {j.since[0]}", "Job link", "https://www.upwork.com/jobs/" + j.job_id]
    truth = _common(j) | _link(j)
    truth |= {
        "length": j.length,
        "hours": j.hours,
        "posted": f"{j.posted_hours} hours ago",
        "connects": j.connects,
        "available": j.available,
        "proposals_min": j.band[1],
        "proposals_max": j.band[2],
        "interviewing": j.interviewing,
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": reviews,
        "client_spent_cents": j.spend[1],
        "hires": j.hires,
        "active_hires": j.active,
        "jobs_posted": j.jobs_posted,
        "hire_rate": j.hire_rate,
        "open_jobs": j.open_jobs,
        "member_since": j.since[1],
        "country": j.country,
    }
    return out, truth


def _inline(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    out = [f"Job title: {j.title}", _label_budget(j, r.choice(("Budget", "Est. budget")))]
    out += [f"Experience level: {EXPERIENCE[j.experience]}"]
    out += [f"Project length: {r.choice(LENGTHS[j.length])}"]
    if j.hours is not None:
        out += [f"Hours per week: {r.choice(HOURS[j.hours])}"]
    out += [f"Posted: {j.posted_hours} hours ago", _cost(r, j)]
    out += [f"Available Connects: {j.available}", f"Proposals: {j.band[0]}"]
    out += [f"Interviewing: {j.interviewing}"]
    out += ["Payment method verified" if j.verified else "Payment method not verified"]
    out += [f"Client rating: {_stars(j)} of {j.reviews} reviews", f"Total spent: {j.spend[0]}"]
    out += [f"Jobs posted: {j.jobs_posted}", f"Hire rate: {j.hire_rate}%"]
    out += [f"Open jobs: {j.open_jobs}", f"Member since: {j.since[0]}"]
    name = r.choice(PLACES[j.country][0])
    out += [f"Location: {name}", "Job link: https://www.upwork.com/jobs/" + j.job_id]
    out += ["Description:", *words]
    truth = _common(j) | _link(j)
    truth |= {
        "length": j.length,
        "hours": j.hours,
        "posted": f"{j.posted_hours} hours ago",
        "connects": j.connects,
        "available": j.available,
        "proposals_min": j.band[1],
        "proposals_max": j.band[2],
        "interviewing": j.interviewing,
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": j.reviews,
        "client_spent_cents": j.spend[1],
        "jobs_posted": j.jobs_posted,
        "hire_rate": j.hire_rate,
        "open_jobs": j.open_jobs,
        "member_since": j.since[1],
        "country": j.country,
    }
    return out, truth


def _mobile(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    rating, reviews = _rating(r, j)
    out = [j.title, f"Posted {j.posted_hours} hours ago"]
    if j.kind == "fixed":
        out += ["Fixed-price", f"Est. budget: {_money(j.low)}"]
    else:
        out += [f"Hourly: {_money(j.low)}-{_money(j.high)}"]
    est = r.choice(LENGTHS[j.length])
    if j.hours is not None:
        est += ", " + r.choice(HOURS[j.hours])
    out += [EXPERIENCE[j.experience], f"Est. time: {est}", *words, "Skills", "Python"]
    out += ["Activity on this job", f"Proposals: {j.band[0]}"]
    out += [f"Interviewing: {j.interviewing}", "About the client"]
    out += ["Payment verified" if j.verified else "Payment unverified", *rating]
    out += [f"{j.spend[0]} spent", *_country(r, j, r.choice(("alone", "dot", "comma")))]
    out += [f"{j.jobs_posted} jobs posted", f"Member since {j.since[0]}", _cost(r, j)]
    truth = _common(j)
    truth |= {
        "length": j.length,
        "hours": j.hours,
        "posted": f"{j.posted_hours} hours ago",
        "connects": j.connects,
        "proposals_min": j.band[1],
        "proposals_max": j.band[2],
        "interviewing": j.interviewing,
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": reviews,
        "client_spent_cents": j.spend[1],
        "jobs_posted": j.jobs_posted,
        "member_since": j.since[1],
        "country": j.country,
    }
    return out, truth


def _proposal(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    out = ["Submit a proposal", "Job details", j.title, f"Posted {j.posted_hours} hours ago"]
    out += [*words, "View job posting", EXPERIENCE[j.experience], "Experience level"]
    out += _terms_amount(r, j)
    out += [f"Project length: {r.choice(LENGTHS[j.length])}"]
    if j.hours is not None:
        out += ["Hours needed", r.choice(HOURS[j.hours])]
    left = j.available - j.connects
    out += [f"This proposal requires {j.connects} Connects"]
    out += [f"When you submit this proposal, you'll have {left} Connects remaining."]
    truth = _common(j)
    truth |= {
        "length": j.length,
        "hours": j.hours,
        "posted": f"{j.posted_hours} hours ago",
        "connects": j.connects,
        "remaining_after": left,
    }
    return out, truth


def _tile(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    rating, reviews = _rating(r, j)
    posted = f"Posted {j.posted_hours} hours ago"
    if j.kind == "fixed":
        terms = f"Fixed-price - {EXPERIENCE[j.experience]} - Est. Budget: {_money(j.low)}"
        terms += f" - {posted}"
    else:
        est = r.choice(LENGTHS[j.length]) + ", " + r.choice(HOURS[j.hours or "under_30"])
        terms = f"Hourly: {_money(j.low)}-{_money(j.high)} - {EXPERIENCE[j.experience]}"
        terms += f" - Est. Time: {est}"
    out = [posted, j.title, terms, " ".join(words), "Python", f"Proposals: {j.band[0]}"]
    verified = "Payment verified" if j.verified else "Payment unverified"
    place = _country(r, j, r.choice(("alone", "comma", "city_first")))[0]
    client = [verified, *rating, f"{j.spend[0]} spent", place]
    if r.random() < 0.5:
        out += [" · ".join(client)]
    else:
        out += client
    truth = _common(j)
    truth |= {
        "posted": f"{j.posted_hours} hours ago",
        "proposals_min": j.band[1],
        "proposals_max": j.band[2],
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": reviews,
        "client_spent_cents": j.spend[1],
        "country": j.country,
    }
    if j.kind == "hourly":
        truth |= {"length": j.length, "hours": j.hours or "under_30"}
    return out, truth


def _email(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    out = ["From: Upwork <donotreply@upwork.com>", f"Subject: New job: {j.title}", "Hi Ana,"]
    out += [f"New job: {j.title}", _label_budget(j, "Fixed price"), EXPERIENCE[j.experience]]
    out += [f"Est. time: {r.choice(LENGTHS[j.length])}"]
    out += [f"Posted {j.posted_hours} hours ago", *words]
    name = r.choice(PLACES[j.country][0])
    verified = "Payment verified" if j.verified else "Payment unverified"
    out += [f"{verified} | {j.spend[0]} spent | {_stars(j)} of {j.reviews} reviews"]
    out += [f"Country: {name}", f"View job: https://www.upwork.com/jobs/{j.job_id}?source=alert"]
    out += ["You are receiving this email because you saved a search on Upwork."]
    truth = _common(j) | _link(j)
    truth |= {
        "length": j.length,
        "posted": f"{j.posted_hours} hours ago",
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": j.reviews,
        "client_spent_cents": j.spend[1],
        "country": j.country,
    }
    return out, truth


def _spaced(r: random.Random, j: Job, words: list[str]) -> tuple[list[str], dict[str, object]]:
    rating, reviews = _rating(r, j)
    out = [f"Subject: New job: {j.title}", "Upwork", "Hi Ana,"]
    out += ["Here is a new job that matches your skills.", j.title]
    est = r.choice(LENGTHS[j.length])
    budget = _label_budget(j, "Est. budget")
    out += [f"{budget}   {EXPERIENCE[j.experience]}   Est. time: {est}"]
    out += words
    verified = "Payment verified" if j.verified else "Payment unverified"
    name = r.choice(PLACES[j.country][0])
    out += ["   ".join((verified, rating[-1], f"{j.spend[0]} spent", name))]
    out += [f"View job: https://www.upwork.com/jobs/{j.job_id}?source=alert"]
    truth = _common(j) | _link(j)
    truth |= {
        "length": j.length,
        "verified": j.verified,
        "rating_hundredths": j.rating_tenths * 10,
        "reviews": reviews if len(rating) == 1 else j.reviews,
        "client_spent_cents": j.spend[1],
        "country": j.country,
    }
    return out, truth


BUILDERS = {
    "desktop": _desktop,
    "desktop_inline": _inline,
    "mobile_app": _mobile,
    "proposal_page": _proposal,
    "feed_tile": _tile,
    "alert_email": _email,
    "alert_email_spaced": _spaced,
}
