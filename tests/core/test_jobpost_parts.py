"""The parts of a post: a flattened paste split again where Upwork's labels and values stand
(never inside a sentence), the description set apart, contradictions not picked between and
values out of range not read."""

from __future__ import annotations

import pytest

from core.quotes.jobpost import read_post
from core.quotes.jobpost.model import Conflict, Unread
from core.quotes.jobpost.parts import _anchors, unflatten

PAD = "Worldwide " * 20  # long enough to be looked at for labels

# one sample of each of Upwork's labels and values that a flattened paste is split around
ANCHOR_SAMPLES = [
    "Posted 2 hours ago",
    "Posted on: Mar 3, 2025 14:05 UTC",
    "Summary",
    "Less than 30 hrs/week",
    "30+ hrs/week",
    "Less than a month",
    "1-3 months",
    "3 to 6 months",
    "6+ months",
    "Hourly: $25-$40",
    "Fixed-price",
    "Est. budget: $300",
    "Duration",
    "Project Length",
    "Experience Level",
    "Entry level",
    "I am looking for a mix of experience and value",
    "One-time project",
    "Skills and Expertise",
    "Activity on this job",
    "About the client",
    "Job link",
    "Proposals: 20 to 50",
    "Last viewed by client: 2 hours ago",
    "Interviewing: 4",
    "Invites sent: 6",
    "Unanswered invites: 3",
    "Bid range - High $75.00 | Avg $31.69 | Low $6.00",
    "Apply now",
    "Send a proposal for: 20 Connects",
    "Required Connects to submit a proposal: 13",
    "Available Connects: 110",
    "This proposal requires 16 Connects",
    "When you submit this proposal, you'll have 97 Connects remaining.",
    "Payment method verified",
    "Payment unverified",
    "Rating is 4.9 out of 5.",
    "No reviews yet",
    "\u2605\u2605\u2605\u2605\u2605 4.6",
    "4.6 stars",
    "4.6/5",
    "4.98 of 17 reviews",
    "$20K+ spent",
    "$14.08 /hr avg hourly rate paid",
    "$40.00 - $75.00",
    "31 jobs posted",
    "81% hire rate, 2 open jobs",
    "33 hires, 13 active",
    "3,463 hours",
    "Member since Apr 2, 2018",
    "https://www.upwork.com/jobs/~01abcdef1234567890",
    "Client's recent history",
    "New job:",
    "Location:",
    "Total spent:",
    "Here is a new job that matches your skills.",
]


@pytest.mark.parametrize("sample", ANCHOR_SAMPLES)
def test_each_label_and_value_is_found_in_a_flattened_paste(sample: str) -> None:
    line = f"{PAD}{sample} {PAD}"
    assert sample in [found.group() for found in _anchors(line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "our last agency quoted $40K total spent on design alone, which was too much",
        "please note that Send a proposal for: 1 Connects is what you should expect",
        "we saw Job link: https://www.upwork.com/jobs/~01ffffffffffffffff when we checked",
        "we hired an Expert who charged $90/hr for it",
        "it took 3 to 6 months last time and we were unhappy",
    ],
)
def test_a_phrase_inside_a_sentence_is_not_split_out(sentence: str) -> None:
    """Attack: Upwork's words written into a sentence of the description, in a paste that
    lost its newlines, would otherwise stand as a line of their own."""
    line = f"We are a small team. {sentence} and more words here. {PAD}"
    assert any(sentence in piece for piece in unflatten(line))


def test_a_labeled_title_running_into_the_description_is_not_read() -> None:
    """A flattened paste where the description follows ``Job title:`` directly: where the
    title ends is unknown, so no title is read rather than a wrong one."""
    text = (
        "Job title: Logo for a bakery We are opening a second shop and need a new logo soon. "
        "Budget: $500 Experience level: Expert Required Connects to submit a proposal: 8"
    )
    post = read_post(text)
    assert post.title is None
    assert (post.connects, post.budget_min_cents, post.experience) == (8, 50_000, "expert")


@pytest.mark.parametrize(
    ("text", "group", "values"),
    [
        (
            "Required Connects to submit a proposal: 13\nSend a proposal for: 20 Connects",
            "cost",
            ("13", "20"),
        ),
        ("Available Connects: 11\nAvailable Connects: 64", "balance", ("11", "64")),
        (
            "Send a proposal for: 13 Connects\nAvailable Connects: 110\n"
            "When you submit this proposal, you'll have 50 Connects remaining.",
            "balance",
            ("110", "63"),
        ),
        (
            "Job link: https://www.upwork.com/jobs/~01aaaaaaaaaaaaaaaa\n"
            "View job: https://www.upwork.com/jobs/~01bbbbbbbbbbbbbbbb",
            "job",
            (
                "https://www.upwork.com/jobs/~01aaaaaaaaaaaaaaaa",
                "https://www.upwork.com/jobs/~01bbbbbbbbbbbbbbbb",
            ),
        ),
        ("Fixed price: $500\nBudget: $700", "budget", ("fixed $500", "fixed $700")),
        ("Location: Canada\nCountry: Germany", "country", ("CA", "DE")),
        ("Payment method verified\nPayment unverified", "verified", ("verified", "not verified")),
        ("$12K total spent\nTotal spent: $20K", "spent", ("$12,000", "$20,000")),
    ],
)
def test_two_values_of_one_fact_are_not_picked_between(
    text: str, group: str, values: tuple[str, ...]
) -> None:
    post = read_post(text)
    assert post.conflict(group) == Conflict(group, values)
    assert group not in post.found()


def test_one_value_shown_twice_is_one_value() -> None:
    post = read_post("Send a proposal for: 13 Connects\nRequired Connects to submit a proposal: 13")
    assert (post.connects, post.conflicts) == (13, ())


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("Fixed price: $30,000,000", Unread("budget", "fixed $30,000,000")),
        ("Hourly: $20-$2,000", Unread("budget", "hourly $20-$2,000")),
        # a fixed price is one figure: a range beside it is neither end
        ("Fixed-price\n$15.00 - $35.00", Unread("budget", "fixed $15-$35")),
        ("$100 - $200\nFixed-price", Unread("budget", "fixed $100-$200")),
        ("Invites sent: 3,000,000,000", Unread("invites", "3,000,000,000")),
        ("Proposals: 20,000 to 50,000", Unread("proposals", "20000 to 50000")),
        ("Required Connects to submit a proposal: 0", Unread("cost", "0")),
        ("Send a proposal for: 500 Connects", Unread("cost", "500")),
        ("Available Connects: 50,000", Unread("balance", "50,000")),
        ("$900M total spent", Unread("spent", "$900,000,000")),
        ("181% hire rate", Unread("hire_rate", "181")),
        ("Member since Jan 2, 1990", Unread("member_since", "1990-01-02")),
    ],
)
def test_a_value_out_of_range_is_not_read_and_recorded(text: str, unread: Unread) -> None:
    post = read_post(text)
    assert post.unread == (unread,)
    assert unread.group not in post.found()


def test_the_description_is_kept_and_its_planted_lines_are_not_read() -> None:
    text = (
        "Logo for a bakery\nPosted 2 hours ago\nWorldwide\n"
        "We are opening a second shop and need a logo, a palette and a guide.\n"
        "Send a proposal for: 1 Connects\n"
        "Please share two or three logos you have made for food businesses.\n"
        "$500.00\nFixed-price\nSend a proposal for: 20 Connects\n"
    )
    post = read_post(text)
    assert post.connects == 20 and post.conflicts == ()
    assert post.description is not None
    assert "Send a proposal for: 1 Connects" in post.description
    assert post.description.startswith("We are opening a second shop")


def test_a_list_inside_a_marked_description_is_the_descriptions() -> None:
    """Attack: a description written as a list of short lines, one of them Upwork's label
    and a value; on the desktop page (after ``Summary``) and a proposal's job details
    (before ``View job posting``) the page marks where the description is."""
    desktop = (
        "Logo for a bakery\nPosted 2 hours ago\nWorldwide\nSummary\n"
        "We are opening a second shop and need a new logo for it.\n"
        "Requirements:\nBudget: $9,000\nSend a proposal for: 1 Connects\nAvailable Connects: 9999\n"
        "- Member since Jan 2, 2001\n5 years of experience\n"
        "Tell us about a similar logo you made for a food business.\n"
        "$500.00\nFixed-price\nSkills and Expertise\nLogo Design\n"
        "Send a proposal for: 20 Connects\nAbout the client\nPayment method verified\n"
    )
    post = read_post(desktop)
    assert (post.connects, post.available, post.member_since) == (20, None, None)
    assert (post.budget_min_cents, post.conflicts) == (50_000, ())
    proposal = (
        "Job details\nLogo for a bakery\nPosted 2 hours ago\nSend a proposal for: 1 Connects\n"
        "- Budget: $9,000\nView job posting\nExpert\nExperience level\n$500.00\nFixed-price\n"
        "This proposal requires 20 Connects\n"
    )
    post = read_post(proposal)
    assert (post.connects, post.budget_min_cents, post.conflicts) == (20, 50_000, ())


def test_facts_after_the_last_sentence_of_a_desktop_description_are_its_own() -> None:
    """Attack: the description ends with a Connects line and a link, on a page that shows no
    balance: between ``Summary`` and the job's terms only the terms are Upwork's."""
    text = (
        "Logo for a bakery\nPosted 2 hours ago\nWorldwide\nSummary\n"
        "We are opening a second shop and need a new logo for it.\n"
        "Available Connects: 9999\nhttps://www.upwork.com/jobs/~01ffffffffffffffff\n"
        "$500.00\nFixed-price\nIntermediate\nExperience Level\nProject Type\n"
        "Send a proposal for: 20 Connects\nJob link\nhttps://www.upwork.com/jobs/~01aaaaaaaaaaaaaaaa\n"
    )
    post = read_post(text)
    assert (post.available, post.job_id, post.connects) == (None, "~01aaaaaaaaaaaaaaaa", 20)
    assert post.conflicts == ()
    assert post.description is not None and "Available Connects: 9999" in post.description
