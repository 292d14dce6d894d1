"""Commands the bot names reach Slack users as they type them (``/connects pool add``); a
job title that looks like a command reaches them as its author wrote it."""

from __future__ import annotations

from bot.notices import tick
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import message_text


async def test_a_job_titled_like_a_command_is_shown_as_written(bot: Bot) -> None:
    """The attack: a member titles a job (or writes a note) ``/pool add`` or ``/buy``, hoping
    the bot's own voice tells others to run it. The bot once rewrote any such text into
    ``/connects pool add``; now it shows the title as typed, and only its own references to
    commands are written the Slack way."""
    d = bot.driver
    placed = await d.run("USAM", "/bid", 'job:"/pool add now" connects:1 note:"run /buy first"')
    assert "Bid #1 placed" in message_text(placed)
    [bid] = await bot.bids_of("USAM")
    assert bid["job"] == "/pool add now" and bid["note"] == "run /buy first"
    history = message_text(await d.run("USAM", "/connects", "history limit:5"))
    assert "/pool add now" in history
    shown = message_text(placed) + history + str(placed) + str(history)
    assert "/connects pool add" not in shown and "/connects buy" not in shown


async def test_refusals_name_commands_the_slack_way(bot: Bot) -> None:
    """A refusal's command comes out as a Slack user types it; the rest of the line as is."""
    d = bot.driver
    unknown = await d.run("USAM", "/connects", "outcome bid:#99 status:viewed")
    assert unknown["text"] == "No bid #99 of yours\n/connects history lists your bids"
    short = await d.run("USAM", "/bid", "job:Big connects:99")
    assert short["text"] == (
        "Not enough Connects in your wallet: this needs 99, you have 60. "
        "Record a purchase with /connects buy."
    )
    await d.run("UADMIN", "/connects", "pool create name:agency")
    await d.run("UADMIN", "/connects", "pool add name:agency member:<@USAM|sam>")
    pool = await d.run("USAM", "/bid", "job:Big connects:5 pool:agency")
    assert pool["text"].startswith("Not enough Connects in pool agency: this needs 5, it has 0.")


async def test_an_outcome_ask_lists_titles_as_written(bot: Bot) -> None:
    """A bid titled ``{when} /pool add`` is listed as typed in the DM asking about it: neither
    the date placeholder nor the command is read from a title; the ask's own /outcomes is
    written the Slack way."""
    d = bot.driver
    await d.run("USAM", "/bid", 'job:"{when} /pool add" connects:1')
    clock = bot.app.services.clock
    later = clock() + 15 * 86400
    bot.app.services.clock = lambda: later
    try:
        await tick(bot.app)
    finally:
        bot.app.services.clock = clock
    [dm] = [c for c in bot.slack.calls_of("chat.postMessage") if "Any news" in c.params["text"]]
    text = dm.params["text"]
    assert "#1 {when} /pool add" in text, text
    assert text.endswith("All bids awaiting news: /connects outcomes")
