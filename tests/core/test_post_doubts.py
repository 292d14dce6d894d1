"""What a quote and a bid do with what the reader could not read for sure: a post whose
description plants facts, a post that shows two costs or two links, a value out of range, and
a quote clicked long after the post was read. The attack is written beside each test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.app import App
from core.interface.reply import Reply
from core.store.base import Tx
from tests.conftest import Clock, actor

ANA, BEN = actor("ana"), actor("ben")
REAL = "https://www.upwork.com/jobs/~01abcdef1234567890"
OTHER = "https://www.upwork.com/jobs/~01ffffffffffffffff"
UPWORK = f"""Senior Python developer for a scraping tool
Posted 2 weeks ago
Worldwide
{{description}}
Hourly: $25-$40
Expert
Required Connects to submit a proposal: 13
Available Connects: 40
Proposals: 15 to 20
Payment method verified
4.98 of 17 reviews
$12K total spent
United States
{REAL}
"""
PLAIN = "We scrape public tender notices every night and need the scraper rewritten in Python."
# the client's own words, planting each fact a bid records: a cost, a balance, a spend, a link
PLANTED = (
    "We scrape public tender notices every night and need the scraper rewritten in Python.\n"
    "Our last agency quoted $40K total spent on design alone, which we will not repeat.\n"
    "Send a proposal for: 1 Connects\n"
    "Available Connects: 9999\n"
    f"{OTHER}\n"
    f"Applicants please check {OTHER} for the older version of this job, thanks.\n"
    "We reply to every proposal within a day, so do write to us."
)


def post(description: str = PLAIN) -> str:
    return UPWORK.format(description=description)


def _bid_button(reply: Reply) -> str | None:
    return next((b.value for b in reply.buttons if b.action == "bid"), None)


async def _bids(app: App) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        rows = await tx.fetchall("SELECT * FROM bids ORDER BY id")
        return [dict(r) for r in rows]

    return await app.store.read(read)


async def test_facts_planted_in_the_description_are_not_read(app: App) -> None:
    """Attack: a client writes a cost of 1, a balance of 9999, a spend and another job's link
    into the description, to make bids cost 1, to offer "Set to 9999", to teach the model a
    false spend and to hide a second pool bid on the same job. Upwork's blocks win."""
    reply = await app.run_text(ANA, f"/quote post:{post(PLANTED)}", "q1")
    assert reply.title == "13 Connects, stated by the post"
    assert not any(b.action == "reconcile" and "9999" in b.value for b in reply.buttons)
    assert "Upwork shows 40; your wallet has 60." in reply.lines
    assert dict(reply.detail_fields)["Spent"] == "$12,000"
    for line in ("/pool create name:crew", "/pool topup name:crew connects:60"):
        assert not (await app.run_text(ANA, line, line)).error
    first = await app.run_text(ANA, f"/bid pool:crew post:{post(PLANTED)}", "b1")
    assert first.title == "Bid #1 placed"
    second = await app.run_text(ANA, f"/bid pool:crew post:{post(PLAIN)}", "b2")
    [bid] = await _bids(app)
    assert (bid["job"], bid["connects"], bid["client_spent_cents"]) == (REAL, 13, 1_200_000)
    assert second.needs_confirmation  # the same job (not the planted one): the guard holds


async def test_two_costs_are_not_picked_between(app: App) -> None:
    """Attack: a post (or a paste of two posts) shows 13 and 20: the bid must not take either
    silently. The quote says what it found, offers no Bid button, and a bid needs connects:."""
    two = post().replace(
        "Required Connects to submit a proposal: 13",
        "Required Connects to submit a proposal: 13\nSend a proposal for: 20 Connects",
    )
    reply = await app.run_text(ANA, f"/quote post:{two}", "q1")
    assert not reply.error, reply.title
    assert "The post shows two costs, 13 and 20; bid with connects:." in reply.lines
    assert not any("states no Connects cost" in line for line in reply.lines)
    assert _bid_button(reply) is None
    refused = await app.run_text(ANA, f"/bid post:{two}", "b1")
    assert refused.error and "\n" not in refused.title
    assert refused.title == "The post shows two costs, 13 and 20: give connects: yourself."
    assert await _bids(app) == []
    placed = await app.run_text(ANA, f"/bid connects:20 post:{two}", "b2")
    assert placed.title == "Bid #1 placed"


async def test_two_job_links_need_job(app: App) -> None:
    """Attack: a second job's link in Upwork's own lines would file the bid under either job;
    none is taken and /bid post: asks for job:."""
    two = post().replace(REAL, f"{REAL}\nJob link: {OTHER}")
    reply = await app.run_text(ANA, f"/quote post:{two}", "q1")
    assert any(line.startswith("The post shows two job links") for line in reply.lines)
    assert _bid_button(reply) is None
    refused = await app.run_text(ANA, f"/bid post:{two}", "b1")
    assert refused.error and refused.title.endswith("give job: yourself.")
    assert await _bids(app) == []


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("Hourly: $25-$40", "Fixed price: $30,000,000", "budget (fixed $30,000,000)"),
        ("Proposals: 15 to 20", "Invites sent: 3,000,000,000", "invites sent (3,000,000,000)"),
        ("$12K total spent", "$900M total spent", "client spend ($900,000,000)"),
    ],
)
async def test_a_value_out_of_range_is_not_read_and_said(
    app: App, old: str, new: str, said: str
) -> None:
    """Attack (and accident): a value no store column or model should take. It is not read,
    the reply says so, and a bid stores the rest of the post."""
    text = post().replace(old, new)
    reply = await app.run_text(ANA, f"/quote post:{text}", "q1")
    assert not reply.error, reply.title
    assert any(said in line and "was not read" in line for line in reply.lines), reply.lines
    placed = await app.run_text(ANA, f"/bid post:{text}", "b1")
    assert placed.title == "Bid #1 placed"
    [bid] = await _bids(app)
    assert bid["invites"] is None and bid["connects"] == 13


async def test_a_quote_says_when_it_read_the_post(app: App, clock: Clock) -> None:
    read = datetime.fromtimestamp(clock.now, UTC)
    reply = await app.run_text(ANA, f"/quote post:{post()}", "q1")
    assert reply.details[-1] == f"Read from the post at {read:%H:%M} UTC on {read:%Y-%m-%d}."


async def test_a_bid_button_clicked_an_hour_later_says_so_and_places_nothing(
    app: App, clock: Clock
) -> None:
    """Upwork can change a job's cost while it is live: a first click more than an hour after
    the quote is told so, changing nothing; a click within the hour places the bid."""
    old = await app.run_text(ANA, f"/quote post:{post()}", "q1")
    fresh_token = _bid_button(old)
    assert fresh_token is not None
    clock.now += 3_000
    assert (await app.press(ANA, "bid", fresh_token, "c1")).title == "Bid #1 placed"
    late = await app.run_text(ANA, f"/quote post:{post()}", "q2")
    late_token = _bid_button(late)
    assert late_token is not None
    clock.now += 2 * 3_600 + 5
    refused = await app.press(ANA, "bid", late_token, "c2")
    assert (
        refused.error and "2 hours ago" in refused.title and "nothing was placed" in refused.title
    )
    assert len(await _bids(app)) == 1
    # the click that placed bid #1 replays its own answer, however late
    assert (await app.press(ANA, "bid", fresh_token, "c3")).title == "Bid #1 placed"


async def test_any_fact_shown_twice_is_said_and_left_out(app: App) -> None:
    """Two ratings (or spends, countries...) in Upwork's blocks: neither is priced on."""
    two = post().replace("4.98 of 17 reviews", "4.98 of 17 reviews\n3.10 of 40 reviews")
    reply = await app.run_text(ANA, f"/quote post:{two}", "q1")
    assert (
        "The post shows two client ratings, 4.98 of 17 reviews and 3.10 of 40 reviews; "
        "none of them is used." in reply.lines
    )
    assert "Rating" not in dict(reply.full().fields)
    assert _bid_button(reply) is not None  # the cost and the link are sure: a bid can go ahead
