"""/quote post:, /bid post: and /paste: the stated cost, typed options over the post, the Bid
and Set-to buttons, and the factors every bid keeps."""

from __future__ import annotations

import csv
import io

import pytest

from core.app import App
from core.interface.reply import Reply
from core.notices import Jobs
from core.quotes.jobpost import FIELDS
from core.quotes.jobquote import PRICED_ON, facts, read_job
from core.store.base import Tx
from tests.conftest import Clock, actor

ANA, BEN = actor("ana"), actor("ben")

POST = """Senior Python developer for a scraping tool
Posted 2 weeks ago
Hourly: $25-$40
Expert
Required Connects to submit a proposal: 13
Available Connects: 11
Proposals: 15 to 20
Payment method verified
4.98 of 17 reviews
$12K total spent
United States
https://www.upwork.com/jobs/~01abcdef1234567890
"""
NO_COST = """Logo for a bakery
Fixed-price
$500
Intermediate
Payment method not verified
$900K+ spent
"""


def _button(reply: Reply, action: str) -> tuple[str, str]:
    found = [b for b in reply.buttons if b.action == action]
    assert found, f"no {action} button in {reply.buttons}"
    return found[0].value, found[0].text_command


async def _bids(app: App) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        rows = await tx.fetchall("SELECT * FROM bids ORDER BY id")
        return [dict(r) for r in rows]

    return await app.store.read(read)


async def test_the_headline_is_the_stated_cost_with_the_model_beside_it(app: App) -> None:
    """13 Connects stated by the post; the model's estimate, the facts, what is missing."""
    reply = await app.run_text(ANA, f"/quote post:{POST}", "q1")
    assert not reply.error, reply.title
    assert reply.title == "13 Connects, stated by the post"
    assert reply.lines[0] == "Senior Python developer for a scraping tool"
    assert reply.lines[2] == "You can afford 4 such bids"  # 60 welcome Connects // 13
    pricing = app.config.pricing
    low, high = pricing.typical_low, pricing.typical_high
    assert low <= 13 <= high  # the default's range holds this post's cost
    assert reply.details[0] == f"Within the heuristic's rough {low}-{high}."
    assert "Upwork shows 11; your wallet has 60." in reply.lines
    assert reply.details[-2].startswith("Not in the post: project length, hours per week")
    assert reply.fields == []  # the facts read are details
    shown = dict(reply.detail_fields)
    assert shown["Budget"] == "Hourly $25.00-$40.00/hr"
    assert shown["Proposals"] == "15 to 20"
    assert shown["Rating"] == "4.98 (17 reviews)"
    assert shown["Spent"] == "$12,000"
    assert shown["Country"] == "United States"
    assert [b.action for b in reply.buttons] == ["bid", "reconcile", "details"]


async def test_the_seed_heuristic_beside_a_stated_cost_says_how_far_off(seed_app: App) -> None:
    """Under the seed profile, the points model's number beside the stated cost, and by how
    much it missed."""
    reply = await seed_app.run_text(ANA, f"/quote post:{POST}", "q1")
    assert reply.title == "13 Connects, stated by the post"
    assert reply.details[0] == "The heuristic would have said 4: 9 Connects too low."


async def test_a_post_without_cost_is_the_models_estimate(seed_app: App) -> None:
    """No stated cost (seed profile): the quote is the pricing model's, from the factors the
    post states."""
    app = seed_app
    reply = await app.run_text(ANA, f"/quote post:{NO_COST}", "q1")
    typed = await app.run_text(ANA, "/quote price:500 verified:no client_spent:900000", "q2")
    assert reply.title == typed.title
    assert reply.title.endswith(", heuristic")
    assert reply.lines[1] == "The post states no Connects cost."
    assert dict(reply.detail_fields)["Payment"] == "not verified"
    assert "Connects cost" in reply.details[-2]


async def test_a_post_without_cost_is_a_range_with_no_bid_button(app: App) -> None:
    """No stated cost under the default: the range, labelled, and no Bid button (a button
    would charge a guess); a bid from the post is refused asking for connects:."""
    reply = await app.run_text(ANA, f"/quote post:{NO_COST}", "q1")
    pricing = app.config.pricing
    assert reply.title == f"about {pricing.typical_low}-{pricing.typical_high} Connects, heuristic"
    assert reply.lines[1] == "The post states no Connects cost."
    assert any("Connects cost" in line for line in reply.full().lines[2:])
    assert "No Bid button: a range is not a price" in reply.text()
    assert [b.action for b in reply.buttons] == ["details"]  # its details, kept for the asker
    bid = await app.run_text(ANA, f"/bid post:{NO_COST}", "b1")
    assert bid.error and "connects: is needed: the post states none" in bid.title
    assert await _bids(app) == []


async def test_a_description_claiming_a_cost_does_not_move_it(app: App) -> None:
    """Attack: the client writes "Connects: 2" (or Upwork's own wording) in the description,
    hoping bidders spend less or the bot prices it low. Only Upwork's block states the cost:
    the quote stays the post's 13, and without that block it stays a range."""
    bait = "\n".join(
        [
            "Senior Python developer for a scraping tool",
            "Description: Connects: 2. Only 2 Connects needed to apply, cheap!",
            *POST.splitlines()[1:],
        ]
    )
    reply = await app.run_text(ANA, f"/quote post:{bait}", "q1")
    assert reply.title == "13 Connects, stated by the post"
    unstated = NO_COST.replace("Intermediate", "Intermediate\nConnects: 2 (trust me)")
    ranged = await app.run_text(ANA, f"/quote post:{unstated}", "q2")
    assert ranged.title.startswith("about ")
    assert [b.action for b in ranged.buttons] == ["details"]  # no Bid: only its kept details


async def test_typed_options_win_over_the_post(seed_app: App) -> None:
    """price: typed beside the post is what the (seed) model prices; boost adds to the stated
    cost."""
    app = seed_app
    low = await app.run_text(ANA, f"/quote price:5 post:{NO_COST}", "q1")
    high = await app.run_text(ANA, f"/quote price:5000 post:{NO_COST}", "q2")
    assert low.title != high.title
    boosted = await app.run_text(ANA, f"/quote boost:2 post:{POST}", "q3")
    assert "13 + 2 boost = 15 Connects" in boosted.lines
    _, command = _button(boosted, "bid")
    assert command.endswith("connects:13 boost:2")


async def test_a_quote_valued_by_hours_keeps_a_bid_button_that_places(app: App) -> None:
    """hours:N values an hourly job in the quote; the Bid button it makes is still a /bid
    (hours are no option of a bid) and places the quoted bid."""
    quote = await app.run_text(ANA, f"/quote hours:20 post:{POST}", "q1")
    assert any(str(line).startswith("Job value: $800.00, an hourly") for line in quote.details)
    token, _ = _button(quote, "bid")
    placed = await app.press(ANA, "bid", token, "click-1")
    assert placed.title == "Bid #1 placed", placed.lines
    [bid] = await _bids(app)
    assert (bid["connects"], bid["price_cents"]) == (13, 4000)


@pytest.mark.parametrize("text", ["hello world", "Posted 2 weeks ago", " "])
async def test_a_post_that_yields_nothing_gets_one_line(app: App, text: str) -> None:
    """One line saying what a job post should contain; nothing is recorded."""
    reply = await app.run_text(ANA, f"/quote post:{text}", "q1")
    assert reply.error
    assert "\n" not in reply.title
    assert await _bids(app) == []


async def test_the_bid_button_places_exactly_that_bid_once(app: App) -> None:
    """One bid at the stated cost plus boost, with the post's factors; a second click (a new
    click id) or a retry replays it."""
    quote = await app.run_text(ANA, f"/quote boost:1 post:{POST}", "q1")
    token, _ = _button(quote, "bid")
    first = await app.press(ANA, "bid", token, "click-1")
    assert first.title == "Bid #1 placed"
    assert first.lines[1:3] == ["13 Connects + 1 boost from your wallet", "46 Connects left"]
    again = await app.press(ANA, "bid", token, "click-2")
    assert again.title == first.title
    [bid] = await _bids(app)
    assert (bid["connects"], bid["boost"], bid["connects_stated"]) == (13, 1, 1)
    assert bid["job"] == "https://www.upwork.com/jobs/~01abcdef1234567890"
    assert (bid["rate_type"], bid["price_cents"], bid["experience"]) == ("hourly", 4000, "expert")
    assert (bid["verified"], bid["rating_hundredths"], bid["reviews"]) == (1, 498, 17)
    assert (bid["proposals_min"], bid["proposals_max"], bid["country"]) == (15, 20, "US")
    assert bid["hire_rate"] is None and bid["member_since"] is None  # unknown, never 0


async def test_the_bid_button_is_the_quoters_and_refused_when_broke(app: App) -> None:
    """Another user's click is refused; a wallet that no longer covers it changes nothing."""
    quote = await app.run_text(ANA, f"/quote post:{POST}", "q1")
    token, _ = _button(quote, "bid")
    assert (await app.press(BEN, "bid", token, "c1")).error
    assert not (await app.run_text(ANA, "/reconcile connects:12", "r1")).error
    broke = await app.press(ANA, "bid", token, "c2")
    assert broke.error and "\n" not in broke.title
    assert await _bids(app) == []
    assert not (await app.run_text(ANA, "/reconcile connects:30", "r2")).error
    assert (await app.press(ANA, "bid", token, "c3")).title == "Bid #1 placed"


async def test_the_bid_button_expires_after_a_day(app: App, clock: Clock) -> None:
    """A first click more than a day after the quote is refused; nothing is spent."""
    quote = await app.run_text(ANA, f"/quote post:{POST}", "q1")
    token, _ = _button(quote, "bid")
    clock.now += 86_401
    late = await app.press(ANA, "bid", token, "c1")
    assert late.error and "over a day old" in late.title
    assert await _bids(app) == []


async def test_set_to_makes_the_wallet_what_upwork_shows_once(app: App) -> None:
    """Match Upwork's 11 reconciles to the post's Available Connects; a second click changes
    nothing."""
    quote = await app.run_text(ANA, f"/quote post:{POST}", "q1")
    value, command = _button(quote, "reconcile")
    assert command == f"/confirm token:{value}"
    assert [b.label for b in quote.buttons] == ["Bid 13 Connects", "Match Upwork's 11", "Details"]
    done = await app.press(ANA, "reconcile", value, "c1")
    assert done.title == "Set to 11 Connects"
    assert done.lines == [
        "Upwork showed 11 when the post was quoted (your wallet had 60 then): 60 → 11 "
        "(-49 adjustment)"
    ]
    assert await app.press(ANA, "reconcile", value, "c2") == done
    again = await app.run_text(ANA, f"/quote post:{POST}", "q2")
    assert not any("Upwork shows" in line for line in again.lines)
    assert [b.action for b in again.buttons] == ["bid", "details"]


async def test_bid_post_records_the_job_by_url_and_the_pool_guard_holds(app: App) -> None:
    """/bid post: names the job by its link, so a second bid from the pool asks to confirm."""
    for line in ("/pool create name:crew", "/pool topup name:crew connects:60"):
        assert not (await app.run_text(ANA, line, line)).error
    first = await app.run_text(ANA, f"/bid pool:crew post:{POST}", "b1")
    assert first.title == "Bid #1 placed"
    moved = POST.replace("Senior Python", "Python")  # same link, another title
    second = await app.run_text(ANA, f"/bid pool:crew post:{moved}", "b2")
    assert second.needs_confirmation


async def test_bid_post_without_cost_is_estimated_and_typed_connects_win(seed_app: App) -> None:
    """The stored source of the cost follows where it came from (seed profile: a bid without
    a cost is placed at the points model's number)."""
    app = seed_app
    titled = f"{NO_COST}"
    assert not (await app.run_text(ANA, f"/bid post:{titled}", "b1")).error
    assert not (await app.run_text(ANA, f"/bid connects:9 post:{POST}", "b2")).error
    estimated, typed = await _bids(app)
    assert (estimated["job"], estimated["connects_stated"]) == ("Logo for a bakery", 0)
    assert (estimated["budget_type"], estimated["price_cents"]) == ("fixed", 50_000)
    assert (typed["connects"], typed["connects_stated"]) == (9, 1)


async def test_paste_answers_as_quote_post_does(app: App) -> None:
    """/paste <post> is /quote post:<post>; /paste alone says what to do."""
    pasted = await app.run_text(ANA, f"/paste {POST}", "p1")
    quoted = await app.run_text(ANA, f"/quote post:{POST}", "p2")
    assert pasted.title == quoted.title
    assert (pasted.lines, pasted.fields) == (quoted.lines, quoted.fields)
    alone = await app.run_text(ANA, "/paste", "p3")
    assert alone.error and "Paste the job post" in alone.title


async def test_export_carries_the_factors(app: App) -> None:
    """The bid's factor columns in /export: dollars beside cents, stars, unknown empty."""
    assert not (await app.run_text(ANA, f"/bid post:{POST}", "b1")).error
    reply = await app.run_text(ANA, "/export", "e1")
    assert reply.file is not None
    rows = list(csv.DictReader(io.StringIO(reply.file.data.decode("utf-8-sig"))))
    [bid] = [r for r in rows if r["kind"] == "bid"]
    assert bid["connects_source"] == "stated"
    assert (bid["price_cents"], bid["price_dollars"]) == ("4000", "40.00")
    assert (bid["client_spent_dollars"], bid["client_rating"]) == ("12000.00", "4.98")
    assert (bid["verified"], bid["funded"], bid["hire_rate"]) == ("true", "", "")
    welcome = next(r for r in rows if r["kind"] == "welcome")
    assert welcome["connects_source"] == "" and welcome["country"] == ""


def test_every_fact_a_reply_names_is_a_field_of_the_reader() -> None:
    """The 'not in the post' list speaks of the reader's own fields."""
    assert set(PRICED_ON) <= {name for name, _ in FIELDS}
    shown = dict(facts(read_job(POST)))
    assert "Budget" in shown and "Hire rate" not in shown


async def test_kept_bids_are_swept_a_week_later(app: App, clock: Clock) -> None:
    """The notice jobs remove a quote's kept bid (its post included) and its Set-to offer a
    week on; a click on a bid never placed is then answered as unknown, in one line."""
    quote = await app.run_text(ANA, f"/quote post:{POST}", "q1")
    token, _ = _button(quote, "bid")
    clock.now += 6 * 86_400
    assert (await Jobs(app.services).run_all(clock.now)).swept == 0
    clock.now += 86_401
    assert (await Jobs(app.services).run_all(clock.now)).swept == 2
    late = await app.press(ANA, "bid", token, "c1")
    assert late.error and "unknown" in late.title


async def test_help_paste_says_what_it_does_alone(app: App) -> None:
    """/help paste names the form and the console's following lines."""
    reply = await app.run_text(ANA, "/help paste", "h1")
    assert any(line.startswith("Alone, /paste opens a form") for line in reply.details)
    other = await app.run_text(ANA, "/help quote", "h2")
    assert not any(line.startswith("Alone,") for line in other.lines)
