"""Notices on Slack: low pool balance in the pool's channel, personal notices by DM."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.notify import SlackNotifier
from bot.notices import tick
from core.interface.reply import Markup, Rich
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import SlackStandIn, buttons_of, message_text


async def test_low_pool_balance_is_announced_in_its_channel_once(bot: Bot) -> None:
    """A pool below its threshold is announced once in its channel, with a command a Slack
    user can type."""
    d = bot.driver
    await d.run("UADMIN", "/connects", "pool create name:agency")
    await d.run(
        "UADMIN", "/connects", "pool threshold name:agency connects:20 channel:<#C0BIDS|bids>"
    )
    await d.run("UADMIN", "/connects", "pool topup name:agency connects:25")
    await d.run("UADMIN", "/bid", "job:Drain pool:agency connects:10")
    assert await tick(bot.app) == 1
    assert await tick(bot.app) == 0
    [post] = bot.slack.calls_of("chat.postMessage")
    assert post.params["channel"] == "C0BIDS"
    text = post.params["text"]
    assert "agency" in text and "15" in text and "/connects pool topup" in text


async def test_refused_notice_is_kept_for_a_later_pass(bot: Bot) -> None:
    """A post Slack refuses (channel_not_found) raises, so the core keeps the notice with
    its error instead of marking it sent."""
    d = bot.driver
    await d.run("UADMIN", "/connects", "pool create name:agency channel:<#C0GONE|gone>")
    await d.run("UADMIN", "/connects", "pool threshold name:agency connects:5")
    bot.slack.fail_next("chat.postMessage", "channel_not_found")
    assert await tick(bot.app) == 0

    async def pending(tx: Any) -> list[Any]:
        return list(await tx.fetchall("SELECT sent_at, last_error FROM notices"))

    [row] = await bot.app.store.read(pending)
    assert row["sent_at"] is None and "channel_not_found" in row["last_error"]


async def test_dm_and_time_tokens(slack: SlackStandIn) -> None:
    """A personal notice opens the DM and posts there; times render per reader."""
    notifier = SlackNotifier(
        AsyncWebClient(token=slack.bot_token, base_url=slack.api_base), slack.team_id
    )
    when = notifier.format_time(1_790_000_000)
    # as deliver() hands it over: the notifier's time is markup, the rest literal text
    await notifier.send_dm(
        f"slack:{slack.team_id}:USAM",
        Rich("5 Connects of *Logo* <@U1> expire ", Markup(when), " <soon>"),
    )
    [post] = slack.calls_of("chat.postMessage")
    assert post.params["channel"] == "DSAM"
    shown = message_text({"blocks": post.params["blocks"]})
    assert "<!date^1790000000^" in shown and "&lt;soon&gt;" in shown
    assert "\u200b*\u200bLogo\u200b*\u200b &lt;@U1&gt;" in shown
    for bad in ("discord:1", "slack:TOTHER:USAM"):
        try:
            await notifier.send_dm(bad, "x")
        except ValueError:
            continue
        raise AssertionError(f"{bad} accepted")


async def test_outcome_ask_is_a_dm_with_a_row_of_buttons_per_bid(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In both modes: bids without news for a week are asked about in one DM, each bid's five
    buttons in an actions block of their own. Attack: Kim pressing Sam's button (a forwarded
    message) is refused without touching the notice; Sam's press replaces the message with
    what it recorded and the other bid's buttons; the same press again changes nothing."""
    d = bot.driver
    await d.run("USAM", "/bid", "job:Logo <@UKIM> connects:4")
    await d.run("USAM", "/bid", "job:Landing connects:2")
    later = int(time.time()) + 8 * 86_400
    monkeypatch.setattr(bot.app.services, "clock", lambda: later)
    assert await tick(bot.app) == 1
    [post] = bot.slack.calls_of("chat.postMessage")
    assert post.params["channel"] == "DSAM" and not bot.slack.block_errors
    assert "&lt;@UKIM&gt;" in message_text({"blocks": post.params["blocks"]})
    rows = [b for b in post.params["blocks"] if b["type"] == "actions"]
    assert [r["block_id"] for r in rows] == ["buttons-0", "buttons-1"]
    assert [len(r["elements"]) for r in rows] == [5, 5]
    buttons = buttons_of({"blocks": post.params["blocks"]})
    hired = next(b for b in buttons if b["text"]["text"] == "#1 Hired")
    nosy = await d.click("UKIM", hired, posted_in="DKIM")
    [refusal] = await bot.slack.wait_posts(nosy.response_url)
    assert "Only the person" in message_text(refusal) and not refusal.get("replace_original")
    click = await d.click("USAM", hired, posted_in="DSAM")
    [done] = await bot.slack.wait_posts(click.response_url)
    assert done["replace_original"] and "Bid #1: hired" in message_text(done)
    assert next(b["text"]["text"] for b in buttons_of(done)) == "#2 Viewed"
    again = await d.click("USAM", hired, posted_in="DSAM")
    [replayed] = await bot.slack.wait_posts(again.response_url)
    assert "nothing changed again" in message_text(replayed)
    assert [b["status"] for b in await bot.bids_of("USAM")] == ["hired", "submitted"]
