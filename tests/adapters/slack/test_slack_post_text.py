"""A job post's text on Slack, in both modes, through slack-bolt against the stand-in: the
characters the client wrote, never formatting, mentions, a reordered or a cut title (the attack
is described in :mod:`tests.adapters.post_text`)."""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import parse_button_value
from tests.adapters.post_text import BIDI, POST, SHOWN, slack_inert, slack_plain
from tests.adapters.slack.helpers import Bot
from tests.adapters.slack.test_slack_shortcuts import open_by_command
from tests.slack_standin import buttons_of, message_text


def _job_lines(message: dict[str, Any]) -> list[str]:
    lines = [x for x in message_text(message).split("\n") if "Logo" in x]
    assert lines, message_text(message)
    return lines


async def test_a_posts_title_is_shown_as_written(bot: Bot) -> None:
    """In the quote of a post pasted into the form, the bid its button places and /history:
    the title reads as written (/history cuts it short), each formatting character broken up,
    no mention, link, bidi control or line separator; the fallback text as well."""
    opened = await open_by_command(bot)
    await bot.driver.submit_view(opened, {"post": POST})
    [call] = await bot.slack.wait_calls("chat.postEphemeral")
    quote = call.params
    assert "13 Connects, stated by the post" in message_text(quote)
    bid = next(b for b in buttons_of(quote) if parse_button_value(b["value"])[0] == "bid")
    click = await bot.driver.click("USAM", bid)
    [placed] = await bot.slack.wait_posts(click.response_url)
    assert "Bid #1 placed" in message_text(placed)
    history = await bot.driver.run("USAM", "/connects", "history chart:false")
    for message, shown in ((quote, SHOWN), (placed, SHOWN), (history, SHOWN[:40])):
        for line in _job_lines(message):
            assert shown in slack_plain(line), line
            assert slack_inert(line), line
        assert not BIDI.search(message_text(message) + str(message.get("text"))), message
        assert "<@U123>" not in str(message.get("text"))
