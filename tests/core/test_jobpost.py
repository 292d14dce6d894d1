"""The job-post reader on a corpus of posts in the layouts people copy (``jobposts/*.txt``,
each with every field's expected value in ``*.expected.json``, absent ones as ``null``): each
file reads as expected, a full desktop post missing each field in turn loses that field only,
and the groups, factors and bounds of the public interface."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from core.base.facts import JobFacts
from core.quotes.bidrecords import BidFactors
from core.quotes.jobpost import FIELDS, MAX_CHARS, JobPost, bid_factors, read_post
from core.quotes.jobpost.model import GROUPS, NOTES

CORPUS = Path(__file__).parent / "jobposts"
POSTS = sorted(p.stem for p in CORPUS.glob("*.txt"))
NAMES = tuple(f.name for f in dataclasses.fields(JobPost) if f.name not in NOTES)


def text_of(stem: str) -> str:
    """A corpus file exactly as written (CRLF, tabs and non-breaking spaces kept)."""
    return (CORPUS / f"{stem}.txt").read_bytes().decode("utf-8")


def expected(stem: str) -> dict[str, object]:
    values: dict[str, object] = json.loads((CORPUS / f"{stem}.expected.json").read_text())
    return values


def test_the_corpus_has_every_layout() -> None:
    assert {
        "desktop_hourly_full",
        "desktop_fixed",
        "desktop_no_cost",
        "proposal_page",
        "inline_labels",
        "feed_tile",
        "feed_tile_fixed",
        "mobile_share",
        "alert_email",
        "recent_history",
        "case_spacing",
        "crlf",
        "desktop_current",
        "mobile_app",
        "alert_email_spaced",
        "feed_tile_stars",
    } <= set(POSTS)
    assert "\r\n" in text_of("crlf")
    assert "\u00a0" in text_of("case_spacing") and "\t" in text_of("case_spacing")


@pytest.mark.parametrize("stem", POSTS)
def test_each_post_reads_as_expected_field_by_field(stem: str) -> None:
    want = expected(stem)
    assert tuple(want) == NAMES, "the table lists every field, absent ones as null"
    got = dataclasses.asdict(read_post(text_of(stem)))
    wrong = {name: (want[name], got[name]) for name in NAMES if want[name] != got[name]}
    assert not wrong, f"{stem}: field: (expected, read) {wrong}"


def _facts(post: JobPost) -> dict[str, object]:
    return {name: getattr(post, name) for name in NAMES}


@pytest.mark.parametrize("stem", POSTS)
def test_each_post_flattened_to_one_line_reads_the_same(stem: str) -> None:
    """Some paste paths turn newlines into spaces: Upwork's labels and values are found
    again where they stand, and the description stays the description."""
    want = read_post(text_of(stem))
    flat = read_post(" ".join(text_of(stem).split()))
    assert _facts(flat) == _facts(want)
    assert flat.conflicts == want.conflicts == () and flat.unread == want.unread == ()


@pytest.mark.parametrize("stem", POSTS)
def test_each_posts_description_is_set_apart_and_states_nothing(stem: str) -> None:
    """What is kept as the client's words is sentences of prose, none a fact read alone."""
    post = read_post(text_of(stem))
    for line in (post.description or "").split("\n"):
        assert _facts(read_post(line)) == _facts(JobPost()), line


@pytest.mark.parametrize("stem", POSTS)
def test_each_post_reads_the_same_with_crlf_cr_or_lf(stem: str) -> None:
    text = text_of(stem).replace("\r\n", "\n")
    want = read_post(text)
    assert read_post(text.replace("\n", "\r\n")) == want
    assert read_post(text.replace("\n", "\r")) == want
    assert want.usable


# -------------------------------------------------------- a full post missing each field

FULL = "desktop_hourly_full"
# what to take out of the full desktop post for each group: the lines to delete, or a line
# to rewrite (when two groups share a line)
REMOVALS: dict[str, tuple[str, ...] | tuple[str, str]] = {
    "title": ("Senior React Developer for a Fintech Dashboard",),
    "job": ("https://www.upwork.com/jobs/~0140c4f1c3d0e3d8e5",),
    "budget": ("$40.00 - $75.00", "Hourly"),
    "experience": ("Expert",),
    "length": ("1 to 3 months",),
    "hours": ("Less than 30 hrs/week",),
    "posted": ("Posted 2 weeks ago",),
    "cost": ("Required Connects to submit a proposal: 13",),
    "balance": (
        "Available Connects: 110",
        "When you submit this proposal, you'll have 97 Connects remaining.",
    ),
    "bid_range": ("Bid range - High $75.00 | Avg $31.69 | Low $6.00",),
    "proposals": ("Proposals:", "15 to 20"),
    "interviewing": ("Interviewing:", "4"),
    "invites": ("Invites sent:", "6"),
    "unanswered": ("Unanswered invites:", "3"),
    "last_viewed": ("Last viewed by client:", "2 hours ago"),
    "verified": ("Payment method verified",),
    "rating": ("Rating is 4.9 out of 5.", "4.98 of 17 reviews"),
    "spent": ("$12K total spent",),
    "hires": ("33 hires, 13 active",),
    "jobs_posted": ("31 jobs posted",),
    "avg_hourly": ("$14.08 /hr avg hourly rate paid",),
    "hours_billed": ("3,463 hours",),
    "member_since": ("Member since Apr 2, 2018",),
    "country": ("United States", "San Francisco 10:42 AM"),
}
REWRITES: dict[str, tuple[str, str]] = {
    "hire_rate": ("81% hire rate, 2 open jobs", "2 open jobs"),
    "open_jobs": ("81% hire rate, 2 open jobs", "81% hire rate"),
}


def test_the_full_post_has_every_field() -> None:
    post = read_post(text_of(FULL))
    assert post.missing() == ()
    assert post.found() == tuple(name for name, _ in FIELDS)
    assert all(getattr(post, name) is not None for name in NAMES)
    assert set(REMOVALS) | set(REWRITES) == set(GROUPS)


def _without(group: str) -> str:
    lines = text_of(FULL).splitlines()
    if group in REWRITES:
        old, new = REWRITES[group]
        assert lines.count(old) == 1
        return "\n".join(new if line == old else line for line in lines)
    doomed = REMOVALS[group]
    for line in doomed:
        assert line in lines, line
    return "\n".join(line for line in lines if line not in doomed)


@pytest.mark.parametrize("group", [name for name, _ in FIELDS])
def test_a_post_missing_one_field_loses_that_field_only(group: str) -> None:
    full = dataclasses.asdict(read_post(text_of(FULL)))
    post = read_post(_without(group))
    got = dataclasses.asdict(post)
    lost = set(GROUPS[group])
    assert {name for name in NAMES if got[name] is None} == lost
    assert {name: got[name] for name in NAMES if name not in lost} == {
        name: full[name] for name in NAMES if name not in lost
    }
    assert post.missing() == (dict(FIELDS)[group],)
    assert group not in post.found()


# ------------------------------------------------------------------ the public interface


def test_fields_name_each_group_once_with_a_label() -> None:
    names = [name for name, _ in FIELDS]
    assert len(names) == len(set(names)) == len(GROUPS)
    assert set(names) == set(GROUPS)
    assert all(label and label == label.strip() for _, label in FIELDS)
    owned = [attribute for group in GROUPS.values() for attribute in group]
    assert sorted(owned) == sorted(NAMES), "every attribute in exactly one group"
    assert dict(FIELDS)["cost"] == "Connects cost"
    assert dict(FIELDS)["rating"] == "client rating"


def test_found_and_missing_split_the_groups() -> None:
    post = JobPost(connects=13, budget_type="hourly", reviews=0)
    assert post.found() == ("budget", "cost", "rating")
    assert "budget" not in post.missing() and "client rating" not in post.missing()
    assert len(post.found()) + len(post.missing()) == len(FIELDS)
    assert JobPost().found() == ()
    assert JobPost().missing() == tuple(label for _, label in FIELDS)


@pytest.mark.parametrize(
    ("post", "usable"),
    [
        (JobPost(), False),
        (JobPost(connects=8), True),
        (JobPost(job_id="~01abcdef0123456789", url="https://www.upwork.com/jobs/~01abc"), True),
        (JobPost(verified=True), False),
        (JobPost(verified=True, country="US"), True),
        (JobPost(budget_type="fixed", budget_min_cents=1, budget_max_cents=1), False),
        (JobPost(title="Logo", available=5), False),
        (JobPost(title="Logo", experience="expert", hours="under_30"), True),
    ],
)
def test_usable_means_a_cost_an_id_or_two_facts(post: JobPost, usable: bool) -> None:
    assert post.usable is usable


def test_no_text_and_plain_chat_read_as_nothing() -> None:
    for text in ("", " ", "\n\n", "hello", "can you price this one?", "Logo for a bakery"):
        assert read_post(text) == JobPost()
    assert read_post(None) == JobPost()  # type: ignore[arg-type]


def test_a_title_is_taken_only_from_a_post() -> None:
    """The first line of any text is no title; of a text that states facts it is."""
    assert read_post("Logo for a bakery\nsome words").title is None
    post = read_post("Logo for a bakery\nPayment verified")
    assert post.title == "Logo for a bakery"
    assert not post.usable


def test_only_the_first_max_chars_are_read() -> None:
    """Text past the bound is not read, nor the line the bound cuts (``11`` cut to ``1``)."""
    head = "Required Connects to submit a proposal: 13\n"
    tail = "\nAvailable Connects: 11"
    pad = "x" * (MAX_CHARS - len(head) - len(tail))
    assert read_post(head + pad + tail).available == 11
    assert read_post(head + pad + tail + "\nmore").available == 11
    for cut in ("y", "\n" * 5, "y" * 1000):
        late = read_post(head + pad + cut + tail)
        assert late.connects == 13 and late.available is None, repr(cut)
    assert read_post("Available Connects: 11" + "1" * MAX_CHARS) == JobPost()


def test_what_follows_other_jobs_markers_is_not_read() -> None:
    for marker in (
        "Explore similar jobs on Upwork",
        "Client's recent history (4)",
        "Client\u2019s recent history",
        "OTHER OPEN JOBS BY THIS CLIENT (2)",
        "Similar jobs on Upwork",
    ):
        post = read_post(f"Payment verified\n{marker}\n$500.00\nFixed-price\n4.9 of 3 reviews")
        assert post == JobPost(verified=True), marker


@pytest.mark.parametrize(
    "text",
    [
        "Virtual assistant for a company in Canada\nPosted 2 hours ago\nPayment verified",
        "Posted 2 hours ago\nCanada\nHourly: $10-$20\nWe sell maple syrup.",
        "We need someone in\nGermany\nto visit our warehouse.\nFixed-price\n$300.00\nExpert",
    ],
)
def test_a_country_outside_the_clients_block_is_not_the_clients(text: str) -> None:
    assert read_post(text).country is None


def test_bid_factors_map_a_post_to_what_a_bid_stores() -> None:
    post = read_post(text_of(FULL))
    assert bid_factors(post) == BidFactors(
        budget_type="hourly",
        price_cents=7500,
        size=None,
        experience="expert",
        length="1_to_3_months",
        hours="under_30",
        funded=None,
        verified=True,
        client_spent_cents=1_200_000,
        hire_rate=81,
        rating_hundredths=498,
        reviews=17,
        hires=33,
        proposals_min=15,
        proposals_max=20,
        interviewing=4,
        invites=6,
        country="US",
        member_since="2018-04-02",
    )
    assert bid_factors(JobPost()) == BidFactors()


@pytest.mark.parametrize(
    ("post", "price"),
    [
        (JobPost(budget_type="fixed", budget_min_cents=50000, budget_max_cents=50000), 50000),
        (JobPost(budget_type="hourly", budget_min_cents=1500, budget_max_cents=3500), 3500),
        (JobPost(budget_type="hourly", budget_min_cents=3500), 3500),
        (JobPost(budget_type="hourly"), None),
        (JobPost(budget_min_cents=1500, budget_max_cents=3500), None),
    ],
)
def test_the_price_is_the_fixed_amount_or_the_top_of_the_hourly_range(
    post: JobPost, price: int | None
) -> None:
    assert bid_factors(post).price_cents == price


@pytest.mark.parametrize(
    ("hundredths", "tenths"), [(498, 50), (495, 50), (494, 49), (500, 50), (100, 10), (None, None)]
)
def test_a_posts_rating_is_priced_in_tenths_rounded_half_up(
    hundredths: int | None, tenths: int | None
) -> None:
    """The facts keep the post's hundredths; the heuristic weighs them in tenths."""
    post = JobPost(rating_hundredths=hundredths, verified=False, client_spent_cents=0, hire_rate=0)
    facts = bid_factors(post)
    assert facts == JobFacts(
        verified=False, client_spent_cents=0, hire_rate=0, rating_hundredths=hundredths
    )
    assert facts.rating_tenths == tenths


HOSTILE = {
    "20,000 '$'": "$" * 20_000,
    "20,000 digits": "7" * 20_000,
    "20,000 spaces": " " * 20_000,
    "digits and commas": "1," * 10_000,
    "10,000 lines of '$'": "$\n" * 10_000,
    "labels alone": "Proposals:\nInterviewing:\nInvites sent:\nLast viewed by client:\n" * 400,
    "client lines": "$1 spent\n1% hire rate\nUnited Stat\n" * 700,
    "links": "upwork.com/~0" * 1_600,
    "ids": "~01" + "a" * 19_997,
    "separators": " - " * 6_000,
    "beyond the bound": "Payment verified\n" * 100_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_read_quickly(text: str) -> None:
    read_post(text)
    started = time.perf_counter()
    read_post(text)
    assert time.perf_counter() - started < 0.25  # bench/jobpost.py: a few ms


@pytest.mark.parametrize(
    "title",
    [
        "Expert React developer needed",
        "Payments integration for Shopify",
        "Budget tracking app in Flutter",
        "Rating widget for WordPress",
        "Experienced copywriter for a SaaS blog",
        "Hourly support agent, weekends",
        "Fixed asset register in Excel",
        "Invites and RSVPs for a wedding site",
    ],
)
def test_a_title_may_begin_with_a_word_a_fact_also_begins_with(title: str) -> None:
    """A title whose first word is also a label's (``Expert``, ``Payment``, ``Budget``) is the
    title; the labels themselves, alone or before punctuation, are not."""
    post = read_post(f"{title}\nPosted 2 hours ago\nHourly: $25-$40\nExpert\nPayment verified\n")
    assert post.title == title
    assert (post.budget_type, post.experience) == ("hourly", "expert")


@pytest.mark.parametrize(
    "line", ["Expert", "Hourly: $25-$40", "Fixed-price", "Payment method not verified", "Budget:"]
)
def test_a_fact_line_above_posted_is_no_title(line: str) -> None:
    assert read_post(f"{line}\nPosted 2 hours ago\nHourly: $25-$40\n").title is None
