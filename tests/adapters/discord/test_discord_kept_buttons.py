"""A quote's buttons on Discord, through the real discord.py against the stand-in: Bid then
"Match Upwork" applies what Upwork showed when the post was quoted; a forged custom id does
nothing; "Quote this job" on another person's message offers no Set-to; a click after the
sweep says what it did."""

from __future__ import annotations

import copy

from core.notices import Jobs
from core.store.base import Tx
from tests.adapters.discord.helpers import Clock, World, button
from tests.discord_standin import Sent

QUOTE_THIS_JOB = "Quote this job"
PAGE = (
    "Data pipeline in Python\n"
    "Fixed-price\n"
    "$800\n"
    "Required Connects to submit a proposal: 20\n"
    "Available Connects: 64\n"
    "https://www.upwork.com/jobs/~01aaaabbbbcccc1111\n"
)


async def _balance(world: World) -> int:
    sent = await (await world.standin.slash("balance", world.member, world.guild)).final()
    return int(sent.embeds[0]["title"].split()[0])


async def _ledger(world: World) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        return [dict(r) for r in await tx.fetchall("SELECT * FROM entries ORDER BY id")]

    return await world.app.store.read(read)


def _forged(sent: Sent, custom_id: str) -> Sent:
    """The message with one more button, ``custom_id``: what a tampered client would send."""
    data = copy.deepcopy(sent.data)
    data["components"][0]["components"].append(
        {"type": 2, "style": 2, "label": "Set to 9999", "custom_id": custom_id}
    )
    return Sent(sent.kind, sent.type, data, sent.files, sent.at)


async def _quote_own_message(world: World) -> Sent:
    sd, me, g = world.standin, world.member, world.guild
    target = sd.user_message(me, PAGE, g)
    return await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()


async def test_bid_then_match_upwork_applies_what_upwork_showed_then(world: World) -> None:
    """Upwork shows 64, the wallet 60: Bid 20, then Match Upwork's 64 makes the wallet 44 and
    says why; a second click changes nothing."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await _quote_own_message(world)
    assert [b["label"] for b in quote.buttons()] == [
        "Bid 20 Connects",
        "Match Upwork's 64",
        "Details",
    ]
    placed = await (await sd.click(quote, button(quote, "bid"), me, g)).final()
    assert placed.embeds[0]["title"] == "Bid #1 placed"
    done = await (await sd.click(quote, button(quote, "reconcile"), me, g)).final()
    assert done.embeds[0]["title"] == "Set to 44 Connects"
    assert "Upwork showed 64 before bid #1 (your wallet had 60 then): 40 → 44" in done.text()
    again = await (await sd.click(quote, button(quote, "reconcile"), me, g)).final()
    assert again.embeds[0]["title"] == "Set to 44 Connects"
    assert await _balance(world) == 44


async def test_a_forged_custom_id_does_nothing(world: World) -> None:
    """Custom ids nobody was given (the old ``value.code`` form, a made-up code, the Bid's
    code under Set-to) are refused privately; the ledger is untouched."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await _quote_own_message(world)
    code = button(quote, "bid").removeprefix("cb:bid:")
    before = await _ledger(world)
    for forged in (
        "cb:reconcile:9999.0123456789",
        "cb:reconcile:ffffffffff",
        f"cb:reconcile:{code}",
    ):
        sent = await (await sd.click(_forged(quote, forged), forged, me, g)).final()
        assert sent.ephemeral and "Set to" not in sent.text(), sent.text()
    assert await _ledger(world) == before


async def test_quote_this_job_on_another_persons_message_offers_no_set_to(world: World) -> None:
    """Their Upwork balance is not yours: no comparison, no button to set it; your own
    message gets both."""
    sd, me, g = world.standin, world.member, world.guild
    theirs = sd.user_message(world.owner, PAGE, g)
    reply = await (await sd.message_command(QUOTE_THIS_JOB, theirs, me, g)).final()
    assert [b["custom_id"].split(":")[1] for b in reply.buttons()] == ["bid", "details"]
    assert "your wallet here" not in reply.text() and "not yours to match" in reply.text()
    mine = await _quote_own_message(world)
    assert [b["custom_id"].split(":")[1] for b in mine.buttons()] == ["bid", "reconcile", "details"]


async def test_a_bid_button_after_the_sweep_says_what_it_placed(world: World, clock: Clock) -> None:
    """A week on, the kept bid is swept; the button still answers that bid #1 was placed."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await _quote_own_message(world)
    await (await sd.click(quote, button(quote, "bid"), me, g)).final()
    clock.now += 8 * 86_400
    # the Bid, the Set-to, and the placed bid's details (its job's link)
    assert (await Jobs(world.app.services).run_all(clock.now)).swept == 3
    late = await (await sd.click(quote, button(quote, "bid"), me, g)).final()
    assert late.embeds[0]["title"].startswith("Bid #1 was placed on "), late.text()
    assert await _balance(world) == 40


async def test_details_answer_privately_beside_the_quote(world: World) -> None:
    """Details on a pasted post's quote: a new private message with only the facts read (type
    4, ephemeral), the quote left as it was (never edited); the same press again answers
    again, changing nothing. Another member pressing it (the attack: reading someone's
    pasted post and Upwork balance) is refused privately and sees none of it."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await _quote_own_message(world)
    assert "Country" not in quote.text() and "Budget" not in quote.text()
    before = await _ledger(world)
    for _ in range(2):
        shown = await (await sd.click(quote, button(quote, "details"), me, g)).final()
        assert shown.kind == "callback" and shown.type == 4 and shown.ephemeral
        assert "Budget: Fixed price $800.00" in shown.text()
        assert shown.buttons() == []
    theirs = await (await sd.click(quote, button(quote, "details"), world.owner, g)).final()
    assert theirs.ephemeral and "Budget" not in theirs.text() and "64" not in theirs.text()
    assert await _ledger(world) == before


async def test_details_of_a_typed_quote_are_the_pressers_own(world: World) -> None:
    """A typed quote's Details run it again for whoever presses, privately."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await (await sd.slash("quote", me, g, price=1500, budget_type="fixed")).final()
    shown = await (await sd.click(quote, button(quote, "details"), me, g)).final()
    assert shown.type == 4 and shown.ephemeral and "Job value: $1,500.00" in shown.text()


async def test_a_bids_details_are_its_bidders_alone(world: World) -> None:
    """/bid post: on Discord: the reply names the job by its title and offers Undo, Match
    Upwork's 64 and Details. Details shows the kept details (the job's link) privately to the
    bidder and places nothing; the attack, another member pressing it on the same message
    to read the bid's link or to bid again, is refused and changes nothing."""
    sd, me, g = world.standin, world.member, world.guild
    bid = await (await sd.slash("bid", me, g, post=PAGE)).final()
    assert bid.embeds[0]["title"] == "Bid #1 placed"
    assert "Data pipeline in Python" in bid.text() and "upwork.com" not in bid.text()
    actions = [b["custom_id"].split(":")[1] for b in bid.buttons()]
    assert actions == ["undo", "reconcile", "details"]
    before = await _ledger(world)
    mine = await (await sd.click(bid, button(bid, "details"), me, g)).final()
    assert mine.ephemeral and "https://www.upwork.com/jobs/~01aaaabbbbcccc1111" in mine.text()
    theirs = await (await sd.click(bid, button(bid, "details"), world.owner, g)).final()
    assert theirs.ephemeral and "upwork.com" not in theirs.text()
    assert "unknown" in theirs.text()
    assert await _ledger(world) == before and await _balance(world) == 40
