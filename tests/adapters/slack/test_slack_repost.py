"""The repost radar's button on Slack, through the real bolt app and the stand-in: it records
Upwork's refund of the clicker's own earlier bid once, and nobody else's."""

from __future__ import annotations

from tests.adapters.slack.helpers import Bot
from tests.core.test_repost_radar import FIRST, REPOST
from tests.slack_standin import buttons_of, message_text


async def test_upwork_refunded_button_refunds_the_authors_bid_once(bot: Bot) -> None:
    """The attack: Kim clicks the button Sam was shown, to refund Sam's bid. Refused; Sam's
    click refunds his bid for tos_removed, once."""
    d = bot.driver
    bid = await d.run("USAM", "/bid", f"post:{FIRST}")
    assert "Bid #1 placed" in message_text(bid)
    assert await bot.balance_of("USAM") == 48
    quote = await d.run("USAM", "/quote", f"post:{REPOST}")
    assert "Looks like a repost of a job you bid on as #1" in message_text(quote)
    [refund] = [b for b in buttons_of(quote) if b["text"]["text"] == "Upwork refunded #1"]
    other = await d.click("UKIM", refund)
    await bot.slack.wait_posts(other.response_url)
    assert await bot.balance_of("USAM") == 48
    mine = await d.click("USAM", refund)
    [done] = await bot.slack.wait_posts(mine.response_url)
    assert "Refunded 12 Connects" in message_text(done)
    assert await bot.balance_of("USAM") == 60
    twice = await d.click("USAM", refund)
    await bot.slack.wait_posts(twice.response_url)
    assert await bot.balance_of("USAM") == 60
