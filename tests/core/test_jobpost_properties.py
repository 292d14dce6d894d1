"""Properties of the job-post reader: any text reads without an exception into values of
the documented kinds, and a post keeps the facts that stand on their own lines when its lines
are shuffled or noise lines are put between them.

A fact *stands on its own line* when its line says both what it is and its value: a label
and its value on one line (``Required Connects to submit a proposal: 13``, ``Budget: $1.5K``,
``Location: Canada``) or a value that names itself (``Expert``, ``1 to 3 months``, ``Posted 2
weeks ago``, ``$12K total spent``, ``4.98 of 17 reviews``, a job link). Facts that depend on
where their line is do not: an amount read because ``Hourly`` is near it, a value on the line
after its label (``Proposals:`` / ``15 to 20``), a country or hours billed on a line of their
own in the client's block, and a title taken from where the layout shows it.

CI (``CI`` set) runs the same examples every time.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.quotes.jobpost import FIELDS, JobPost, read_post
from core.quotes.jobpost.model import NOTES
from core.quotes.jobpost.parts import sentence
from core.quotes.jobpost.patterns import CANONICAL, LABELS
from tests.core.test_jobpost import text_of

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
NAMES = tuple(f.name for f in dataclasses.fields(JobPost) if f.name not in NOTES)

#: The fields of the full desktop post that stand on their own lines (see the docstring).
DESKTOP_ALONE = (
    "url",
    "job_id",
    "budget_type",
    "experience",
    "length",
    "hours",
    "posted",
    "connects",
    "available",
    "remaining_after",
    "bid_high_cents",
    "bid_avg_cents",
    "bid_low_cents",
    "verified",
    "rating_hundredths",
    "reviews",
    "client_spent_cents",
    "hires",
    "active_hires",
    "jobs_posted",
    "hire_rate",
    "open_jobs",
    "avg_hourly_cents",
    "member_since",
)
#: Every fact of the inline post stands on its own line, its title too (``Job title: ...``).
INLINE_ALONE = NAMES

FRAGMENTS = [
    "Proposals:",
    "15 to 20",
    "Less than 5",
    "50+",
    "Hourly",
    "Fixed-price",
    "Hourly:",
    "Budget:",
    "Est. Budget:",
    "$",
    "$1",
    "$1.5K",
    "$900K+",
    "$1,200",
    "$15.00 - $35.00",
    "$1.200",
    "-",
    "Expert",
    "Entry level",
    "Experience level",
    "1 to 3 months",
    "Less than 30 hrs/week",
    "Posted",
    "2 hours ago",
    "yesterday",
    "Required Connects to submit a proposal:",
    "Available Connects:",
    "you'll have",
    "Connects remaining",
    "Bid range",
    "High",
    "Avg",
    "Low",
    "Interviewing:",
    "Invites sent:",
    "Unanswered invites:",
    "Last viewed by client:",
    "Payment method verified",
    "Payment unverified",
    "Rating is",
    "out of 5.",
    "of 17 reviews",
    "No reviews yet",
    "total spent",
    "hires,",
    "active",
    "jobs posted",
    "% hire rate,",
    "open jobs",
    "/hr avg hourly rate paid",
    "hours",
    "Member since",
    "Apr 2, 2018",
    "Feb 31, 2018",
    "United States",
    "USA",
    "Sydney 10:42 AM",
    "Location:",
    "Client's recent history",
    "New job:",
    "https://www.upwork.com/jobs/~01",
    "~0",
    "a1b2c3d4e5f60718",
    "\u00a0",
    "99999999999999999999",
    "4.98",
    "0",
    "·",
    "|",
]
JOINS = ["\n", " ", "\r\n", "\r", "\t", ": ", " - ", "", ", "]
fragment_texts = st.lists(
    st.tuples(st.sampled_from(FRAGMENTS) | st.text(max_size=6), st.sampled_from(JOINS)),
    max_size=40,
).map(lambda parts: "".join(a + b for a, b in parts))


def _kinds(post: JobPost) -> None:
    """Every value is of its documented kind."""
    assert (post.url is None) == (post.job_id is None)
    if post.job_id is not None:
        assert post.url == CANONICAL + post.job_id
        assert re.fullmatch(r"~0[0-9a-f]{12,30}", post.job_id)
    assert post.budget_type in (None, "hourly", "fixed")
    if post.budget_type == "fixed":
        assert post.budget_min_cents == post.budget_max_cents
    if post.budget_min_cents is not None and post.budget_max_cents is not None:
        assert post.budget_min_cents <= post.budget_max_cents
    assert post.experience in (None, "entry", "intermediate", "expert")
    assert post.length in (None, "under_1_month", "1_to_3_months", "3_to_6_months", "over_6_months")
    assert post.hours in (None, "under_30", "30_plus")
    if post.proposals_min is not None and post.proposals_max is not None:
        assert post.proposals_min <= post.proposals_max
    if post.rating_hundredths is not None:
        assert 0 < post.rating_hundredths <= 500
        assert post.reviews != 0
    if post.hire_rate is not None:
        assert 0 <= post.hire_rate <= 100
    if post.member_since is not None:
        assert datetime.date.fromisoformat(post.member_since).isoformat() == post.member_since
    if post.country is not None:
        assert re.fullmatch(r"[A-Z]{2}", post.country)
    for name in NAMES:
        value = getattr(post, name)
        if isinstance(value, int) and not isinstance(value, bool):
            assert value >= 0, name
        if isinstance(value, str):
            assert value == value.strip() and value, name
            assert "\n" not in value and "\r" not in value, name
    assert isinstance(post.usable, bool)
    assert len(post.found()) + len(post.missing()) == len(FIELDS)


@SETTINGS
@given(st.text())
def test_any_text_reads_without_an_exception(text: str) -> None:
    _kinds(read_post(text))


@SETTINGS
@given(fragment_texts)
def test_text_made_of_label_fragments_reads_without_an_exception(text: str) -> None:
    _kinds(read_post(text))


@SETTINGS
@given(fragment_texts, st.sampled_from(["Client's recent history", "Explore similar jobs"]))
def test_nothing_after_other_jobs_begin_is_read(text: str, stop: str) -> None:
    assert read_post(f"{text}\n{stop}\n{text}") == read_post(f"{text}\n{stop}")


def _alone(post: JobPost, names: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(post, name) for name in names}


#: The description of the full desktop post: a fact line shuffled in between its sentences
#: is the description's, so the shuffle leaves them at the top; and the ``Summary`` heading
#: goes (after it, up to the job's terms, the page marks the description).
DESCRIPTION = tuple(read_post(text_of("desktop_hourly_full")).description.split("\n"))
UNMARKED = ("Summary", *DESCRIPTION)


@SETTINGS
@given(
    st.permutations(
        [line for line in text_of("desktop_hourly_full").splitlines() if line not in UNMARKED]
    )
)
def test_a_shuffled_desktop_post_keeps_the_facts_on_their_own_lines(lines: list[str]) -> None:
    want = read_post(text_of("desktop_hourly_full"))
    got = read_post("\n".join([*DESCRIPTION, *lines]))
    assert _alone(got, DESKTOP_ALONE) == _alone(want, DESKTOP_ALONE)
    _kinds(got)


@SETTINGS
@given(st.permutations(text_of("inline_labels").splitlines()))
def test_a_shuffled_inline_post_keeps_every_fact(lines: list[str]) -> None:
    assert read_post("\n".join(lines)) == read_post(text_of("inline_labels"))


NEUTRAL = [
    "Worldwide",
    "Save job",
    "React",
    "Skills and Expertise",
    "Remote Job",
    "42",
    "- - -",
    "   ",
    "Mid-sized company (10-99 people)",
    "Tech & IT",
    "\u00a0",
]


def _is_noise(line: str) -> bool:
    """Text that states nothing and is no label: reads as nothing, alone."""
    stripped = " ".join(line.split())
    return (
        read_post(line) == JobPost()
        and not any(label.match(stripped) for label in LABELS)
        and not sentence(stripped)
    )


noise_lines = (
    st.sampled_from(NEUTRAL) | st.text(alphabet=string.ascii_letters + " .,!'", max_size=30)
).filter(_is_noise)


def _with_noise(lines: list[str], noise: list[tuple[int, str]]) -> str:
    out = list(lines)
    for at, line in noise:
        out.insert(at % (len(out) + 1), line)
    return "\n".join(out)


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0), noise_lines), max_size=12))
def test_noise_between_the_lines_keeps_the_facts_on_their_own_lines(
    noise: list[tuple[int, str]],
) -> None:
    for stem, names in (("desktop_hourly_full", DESKTOP_ALONE), ("inline_labels", INLINE_ALONE)):
        want = read_post(text_of(stem))
        got = read_post(_with_noise(text_of(stem).splitlines(), noise))
        assert _alone(got, names) == _alone(want, names), stem
