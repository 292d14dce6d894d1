"""A quote's buttons on Slack, in HTTP and Socket Mode, through the real bolt app and core: a
submission Slack delivers three times is answered once, so is a message shortcut delivered
again; "Quote this job" on another person's message offers no Set-to; a Bid button's code
given to ``/confirm`` places nothing more; Bid then "Match Upwork" applies what Upwork
showed when the post was quoted."""

from __future__ import annotations

import json

import pytest

from adapters.slack.blocks import parse_button_value
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import buttons_of, message_text

POST = (
    "Data pipeline in Python\n"
    "Fixed-price · Budget: $800\n"
    "Required Connects to submit a proposal: 20 · Available Connects: 64\n"
    "https://www.upwork.com/jobs/~01aaaabbbbcccc1111"
)


def actions(message: dict[str, object]) -> list[str]:
    return [parse_button_value(b["value"])[0] for b in buttons_of(message)]  # type: ignore[arg-type]


def by_action(message: dict[str, object], action: str) -> dict[str, object]:
    [found] = [
        b
        for b in buttons_of(message)  # type: ignore[arg-type]
        if parse_button_value(b["value"])[0] == action
    ]
    return found


async def test_a_submission_delivered_three_times_is_answered_once(bot: Bot) -> None:
    """The modal's submission, then the same payload twice more (HTTP retries with
    X-Slack-Retry-Num; new Socket Mode envelopes): one answer, one kept quote."""
    ex = await bot.driver.command("USAM", "/connects", "paste", channel_id="C0BIDS")
    [opened] = await bot.slack.wait_views()
    first = await bot.driver.submit_view(opened, {"post": POST})
    assert first.ack == {"response_action": "clear"}
    for retry in (1, 2):
        again = await bot.driver.redeliver(first, retry)
        assert again.status == 200
    [answer] = await bot.slack.wait_calls("chat.postEphemeral")
    with pytest.raises(TimeoutError):
        await bot.slack.wait_calls("chat.postEphemeral", 2, within=1.0)
    assert "20 Connects, stated by the post" in message_text(answer.params)
    assert ex.status == 200
    click = await bot.driver.click("USAM", by_action(answer.params, "bid"))
    [placed] = await bot.slack.wait_posts(click.response_url)
    assert "Bid #1 placed" in message_text(placed)
    assert await bot.balance_of("USAM") == 40


async def test_a_message_shortcut_delivered_again_is_answered_once(bot: Bot) -> None:
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": POST})
    await bot.driver.redeliver(ex, 1)
    await bot.slack.wait_posts(ex.response_url)
    with pytest.raises(TimeoutError):
        await bot.slack.wait_posts(ex.response_url, 2, within=1.0)


async def test_quote_this_job_on_another_persons_message_offers_no_set_to(bot: Bot) -> None:
    """Kim's message shows Kim's Upwork balance: Sam's quote of it neither compares it with
    Sam's wallet nor offers to set it; Sam's own message does both."""
    theirs = await bot.driver.message_shortcut(
        "USAM", "quote_message", {"text": POST, "user": "UKIM"}
    )
    [answer] = await bot.slack.wait_posts(theirs.response_url)
    assert actions(answer) == ["bid", "details"]
    assert "not yours to match" in message_text(answer)
    bot_message = {"text": POST, "user": "U0BOTUSER", "bot_id": "B0OTHER"}
    by_bot = await bot.driver.message_shortcut("USAM", "quote_message", bot_message)
    assert actions((await bot.slack.wait_posts(by_bot.response_url))[0]) == ["bid", "details"]
    mine = await bot.driver.message_shortcut(
        "USAM", "quote_message", {"text": POST, "user": "USAM"}
    )
    [own] = await bot.slack.wait_posts(mine.response_url)
    assert actions(own) == ["bid", "reconcile", "details"]


async def test_confirm_with_a_bid_buttons_code_places_nothing_more(bot: Bot) -> None:
    """Bid, then ``/connects confirm token:<the button's code>``: the same bid #1 again,
    wallet 60 → 40 once."""
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": POST, "user": "USAM"})
    [quote] = await bot.slack.wait_posts(ex.response_url)
    bid = by_action(quote, "bid")
    click = await bot.driver.click("USAM", bid)
    await bot.slack.wait_posts(click.response_url)
    code = parse_button_value(str(bid["value"]))[1]
    confirmed = await bot.driver.run("USAM", "/connects", f"confirm token:{code}")
    assert "Bid #1 placed" in message_text(confirmed)
    assert await bot.balance_of("USAM") == 40
    assert len(await bot.bids_of("USAM")) == 1


async def test_bid_then_match_upwork_sets_what_upwork_shows_after_the_bid(bot: Bot) -> None:
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": POST, "user": "USAM"})
    [quote] = await bot.slack.wait_posts(ex.response_url)
    click = await bot.driver.click("USAM", by_action(quote, "bid"))
    await bot.slack.wait_posts(click.response_url)
    match = await bot.driver.click("USAM", by_action(quote, "reconcile"))
    [done] = await bot.slack.wait_posts(match.response_url)
    assert "Set to 44 Connects" in message_text(done)
    assert "Upwork showed 64 before bid #1" in message_text(done)
    assert await bot.balance_of("USAM") == 44


async def test_a_forged_set_to_value_does_nothing(bot: Bot) -> None:
    """A button value nobody was given (the old ``N.code`` form, a made-up code, the quote's
    Bid code under Set-to) gets one private line; the ledger is untouched."""
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": POST, "user": "USAM"})
    [quote] = await bot.slack.wait_posts(ex.response_url)
    real = by_action(quote, "reconcile")
    code = parse_button_value(str(by_action(quote, "bid")["value"]))[1]
    before = await bot.ledger()
    for value in ("9999.0123456789", "ffffffffff", code):
        forged = dict(real, value=json.dumps({"a": "reconcile", "v": value, "u": None}))
        click = await bot.driver.click("USAM", forged)
        [answer] = await bot.slack.wait_posts(click.response_url)
        assert "Set to" not in message_text(answer) and "\n" not in answer["text"]
    assert await bot.ledger() == before
    assert await bot.balance_of("USAM") == 60


async def test_details_answer_privately_beside_the_quote(bot: Bot) -> None:
    """Details on a pasted post's quote (HTTP and Socket Mode): a new ephemeral message with
    only the facts read, the quote not replaced; another member pressing the same button (the
    attack: reading someone's pasted post and balance) gets a private refusal without them."""
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": POST, "user": "USAM"})
    [answer] = await bot.slack.wait_posts(ex.response_url)
    assert "Budget" not in message_text(answer)
    click = await bot.driver.click("USAM", by_action(answer, "details"))
    [shown] = await bot.slack.wait_posts(click.response_url)
    assert shown["replace_original"] is False and shown["response_type"] == "ephemeral"
    assert "Fixed price $800.00" in message_text(shown) and actions(shown) == []
    theirs = await bot.driver.click("UKIM", by_action(answer, "details"))
    [refused] = await bot.slack.wait_posts(theirs.response_url)
    assert refused["replace_original"] is False and "800" not in message_text(refused)
    assert await bot.balance_of("USAM") == 60


async def test_a_changes_details_answer_its_maker_alone(bot: Bot) -> None:
    """/connects pool create (a change) offers Details: its maker gets the kept details in a
    new ephemeral message, the reply kept; the attack, another member pressing the same
    button, gets a private refusal without them, and nothing is created again."""
    created = await bot.driver.run("USAM", "/connects", "pool create name:crew")
    assert "Pool crew created" in message_text(created) and actions(created) == ["details"]
    assert "connects:80" not in message_text(created)
    click = await bot.driver.click("USAM", by_action(created, "details"))
    [shown] = await bot.slack.wait_posts(click.response_url)
    assert shown["replace_original"] is False and shown["response_type"] == "ephemeral"
    assert "/connects pool topup name:crew connects:80" in message_text(shown)
    theirs = await bot.driver.click("UKIM", by_action(created, "details"))
    [refused] = await bot.slack.wait_posts(theirs.response_url)
    assert refused["replace_original"] is False and "crew" not in message_text(refused)
    again = await bot.driver.run("USAM", "/connects", "pool create name:crew")
    assert "already" in message_text(again).lower() or "exists" in message_text(again).lower()
