"""The Slack adapter, in-process, against the stand-in and the real core, in both modes."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.parse
from typing import Any

import pytest

from core.base.keys import scope_of
from core.quotes import learning
from tests.adapters.slack.helpers import Bot
from tests.core.learning.synthetic import community, insert
from tests.slack_standin import buttons_of, command_payload, message_text, sign


def ephemeral_line(message: dict[str, Any]) -> str:
    """The text of an error reply (asserting it is ephemeral: one line, or a headline and a
    short line under it)."""
    assert message.get("response_type") == "ephemeral"
    assert not message.get("blocks")
    assert message["text"].count("\n") <= 1
    return str(message["text"])


async def test_quote_bid_balance_refund_story(bot: Bot) -> None:
    """quote -> bid -> balance -> refund -> balance, each answered privately in the ack."""
    d = bot.driver
    quote = await d.run("USAM", "/quote", "price:500 size:small")
    assert quote["response_type"] == "ephemeral"
    assert "about 7-26 Connects" in message_text(quote)  # the default's range
    bid = await d.run("USAM", "/bid", 'job:"Logo for a bakery" connects:4')
    assert "Bid #1 placed" in message_text(bid)
    assert [b["text"]["text"] for b in buttons_of(bid)] == ["Undo"]
    balance = await d.run("USAM", "/balance")
    assert "56 Connects" in message_text(balance)
    refund = await d.run("USAM", "/refund", "bid:#1 reason:client_cancelled")
    assert "Refunded 4 Connects" in message_text(refund)
    again = await d.run("USAM", "/connects", "balance")
    assert "60 Connects" in message_text(again)
    assert await bot.balance_of("USAM") == 60


async def test_pool_story_with_mentions_admins_and_confirm(bot: Bot) -> None:
    """A workspace admin runs a pool: members by mention, allowance, a duplicate bid confirmed
    by button, a non-member refused."""
    d = bot.driver
    assert "created" in message_text(await d.run("USAM", "/connects", "pool create name:agency"))
    add = await d.run("USAM", "/connects", "pool add name:agency member:<@UKIM|kim>")
    assert "error" not in add and add.get("blocks"), add
    # ada owns nothing but is a workspace admin (users.info): she may top the pool up
    topup = await d.run("UADMIN", "/connects", "pool topup name:agency connects:80")
    assert "+80" in message_text(topup)
    # kim is not an admin: refused, one line
    refused = await d.run("UKIM", "/connects", "pool topup name:agency connects:10")
    assert ephemeral_line(refused)
    first = await d.run("UKIM", "/bid", 'job:"Shop redesign" pool:agency connects:3')
    assert "Bid #1 placed" in message_text(first)
    dup = await d.run("USAM", "/bid", 'job:"Shop redesign" pool:agency connects:3')
    assert "Already bid" in message_text(dup)
    [confirm] = buttons_of(dup)
    click = await d.click("USAM", confirm)
    assert click.status == 200
    [done] = await bot.slack.wait_posts(click.response_url)
    assert done["replace_original"] is True
    assert "Bid #2 placed" in message_text(done)
    # a second click on the same Confirm changes nothing
    again = await d.click("USAM", confirm)
    await bot.slack.wait_posts(again.response_url)
    info = await d.run("USAM", "/connects", "pool info name:agency")
    assert "74 Connects" in message_text(info)
    outsider = await d.run("UADMIN", "/bid", "job:x pool:nosuchpool connects:1")
    assert ephemeral_line(outsider)


async def test_undo_button_for_its_author_only_and_once(bot: Bot) -> None:
    """Undo works for the bid's author, once; anyone else is refused."""
    d = bot.driver
    bid = await d.run("USAM", "/bid", "job:Banner connects:5")
    [undo] = buttons_of(bid)
    other = await d.click("UKIM", undo)
    [refusal] = await bot.slack.wait_posts(other.response_url)
    assert "Only the person" in ephemeral_line(refusal)
    assert refusal["replace_original"] is False
    assert await bot.balance_of("USAM") == 55
    mine = await d.click("USAM", undo)
    [undone] = await bot.slack.wait_posts(mine.response_url)
    assert undone["replace_original"] is True and not buttons_of(undone)
    assert await bot.balance_of("USAM") == 60
    twice = await d.click("USAM", undo)
    await bot.slack.wait_posts(twice.response_url)
    assert await bot.balance_of("USAM") == 60


async def test_replayed_trigger_id_charges_once(bot: Bot) -> None:
    """The same bid sent twice with one trigger id charges once and answers the same."""
    d = bot.driver
    first = await d.run("USAM", "/bid", "job:Replay connects:7", trigger_id="111.222.abc")
    second = await d.run(
        "USAM", "/bid", "job:Replay connects:7", trigger_id="111.222.abc", retry_num=1
    )
    assert message_text(first) == message_text(second)
    assert await bot.balance_of("USAM") == 53
    assert len(await bot.bids_of("USAM")) == 1


FREE_TEXT = [
    'Logo "Bakery" ☕🥐 — déjà vu',
    "a < b && c > d",
    "job:not-an-option pool:none",
    "*bold* _it_ ~strike~ `code` :smile:",
    "https://www.upwork.com/jobs/~01abc?source=rss&x=1",
    "   ",
]


async def test_free_text_arrives_intact(bot: Bot) -> None:
    """Job titles and notes with quotes, emoji, markup characters and URLs are stored as
    typed; Slack's escaping (entities, <links>) is undone."""
    d = bot.driver
    for i, title in enumerate(FREE_TEXT[:-1]):
        typed = title.replace("\\", "\\\\").replace('"', '\\"')
        # what Slack sends: &, <, > escaped, links wrapped
        sent = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if sent.startswith("https://"):
            sent = f"<{sent}>"
        reply = await d.run("USAM", "/bid", f'job:"{sent}" connects:1 note:"n{i}: {sent}"')
        assert "placed" in message_text(reply), reply
    bids = await bot.bids_of("USAM")
    assert sorted(b["job"] for b in bids) == sorted(FREE_TEXT[:-1])
    notes = {b["note"] for b in bids}
    assert notes == {f"n{i}: {t}" for i, t in enumerate(FREE_TEXT[:-1])}


async def test_bad_options_refused_with_one_line(bot: Bot) -> None:
    """Bad options, unknown commands and unknown ids get one ephemeral line; nothing changes."""
    d = bot.driver
    cases = [
        ("/bid", "job:x connects:abc"),
        ("/bid", "connects:4"),
        ("/bid", 'job:"unclosed connects:4'),
        ("/refund", "bid:#99 reason:completed"),
        ("/refund", "bid:#1 reason:because"),
        ("/quote", "price:-5"),
        ("/connects", "frobnicate"),
        ("/connects", "pool"),
        ("/connects", "pool add name:agency member:@nobody"),
    ]
    for command, text in cases:
        line = ephemeral_line(await d.run("USAM", command, text))
        assert "Traceback" not in line and len(line) < 300
    assert await bot.balance_of("USAM") == 60
    assert await bot.bids_of("USAM") == []


async def test_help_and_empty_connects_show_the_catalog(bot: Bot) -> None:
    """``/connects`` and ``/connects help`` list the catalog."""
    for text in ("", "help"):
        reply = await bot.driver.run("USAM", "/connects", text)
        shown = message_text(reply)
        assert reply["response_type"] == "ephemeral"
        # only four commands have a slash command of their own; the rest go through
        # /connects, as its help line shows; the others are named, plain, to fit a phone
        assert "/quote" in shown and "/connects help bid" in shown and " buy " in shown
        assert "\n/pool" not in shown and "\n/buy" not in shown


async def test_export_and_chart_are_uploaded_to_the_users_dm(bot: Bot) -> None:
    """Slow commands ack at once, then the file goes through files.getUploadURLExternal and
    files.completeUploadExternal to the user's DM and the reply replaces the placeholder."""
    d = bot.driver
    await d.run("USAM", "/bid", "job:Export-me connects:2")
    for text, name, magic in (
        ("export", "wallet.csv", b""),
        ("history", "balance.png", b"\x89PNG"),
    ):
        ex = await d.command("USAM", "/connects", text)
        assert "Working on it" in ex.ack["text"]
        [final] = await bot.slack.wait_posts(ex.response_url, 1, 30)
        assert final["replace_original"] is True
        assert name in message_text(final)
        [meta] = [m for m in bot.slack.files.values() if m["name"] == name]
        assert meta["channel"] == "DSAM"
        data = bot.slack.uploads[meta["id"]]
        assert data.startswith(magic) and len(data) == meta["length"]
    csv = next(
        bot.slack.uploads[m["id"]] for m in bot.slack.files.values() if m["name"] == "wallet.csv"
    )
    assert b"Export-me" in csv


async def test_public_stats_go_in_channel(bot: Bot) -> None:
    """``public:true`` answers in the channel; everything else stays ephemeral."""
    public = await bot.driver.run("USAM", "/connects", "stats public:true")
    private = await bot.driver.run("USAM", "/connects", "stats")
    assert public["response_type"] == "in_channel"
    assert private["response_type"] == "ephemeral"


async def test_rate_limited_lookup_is_retried(bot: Bot) -> None:
    """A rate-limited users.info is retried after Retry-After; the command still works."""
    bot.slack.fail_next("users.info", "ratelimited", retry_after=0)
    reply = await bot.driver.run("UADMIN", "/balance")
    assert "60 Connects" in message_text(reply)
    assert len(bot.slack.calls_of("users.info")) == 2


async def test_failed_upload_is_reported_not_fatal(bot: Bot) -> None:
    """An upload refused by Slack (invalid_auth) is logged and explained; the bot goes on."""
    await bot.driver.run("USAM", "/bid", "job:Something connects:1")
    bot.slack.fail_next("conversations.open", "invalid_auth")
    ex = await bot.driver.command("USAM", "/connects", "export")
    [final] = await bot.slack.wait_posts(ex.response_url, 1, 30)
    assert "Could not upload" in message_text(final)
    assert "59 Connects" in message_text(await bot.driver.run("USAM", "/balance"))


async def test_unexpected_error_is_logged_with_request_id_not_shown(
    bot: Bot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash inside the core is logged with the trigger id and shown as one polite line."""

    async def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.app, "run_text", crash)
    with caplog.at_level(logging.ERROR):
        reply = await bot.driver.run("USAM", "/balance", trigger_id="999.888.crash")
    line = ephemeral_line(reply)
    assert "fire" not in line and "went wrong" in line
    assert any("999.888.crash" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_retried_event_is_processed_once(bot: Bot) -> None:
    """An app_mention delivered again with a retry number is acked and not processed twice."""
    body = {
        "token": "x",
        "team_id": bot.slack.team_id,
        "api_app_id": "ASTANDIN",
        "type": "event_callback",
        "event_id": "Ev0001",
        "event_time": 1700000000,
        "event": {
            "type": "app_mention",
            "user": "USAM",
            "text": "<@UBOT> help",
            "channel": "C0GENERAL",
            "ts": "1700000000.000100",
        },
        "authorizations": [{"team_id": bot.slack.team_id, "user_id": "UBOT", "is_bot": True}],
    }
    for retry in (0, 1, 2):
        if bot.mode == "http":
            raw = json.dumps(body).encode()
            headers = {"X-Slack-Retry-Num": str(retry)} if retry else {}
            status, _ = await bot.driver.post_signed(
                raw, headers=headers, content_type="application/json"
            )
            assert status == 200
        else:
            await bot.slack.send_envelope("events_api", body, retry_attempt=retry)
    await bot.slack.wait_calls("chat.postEphemeral", within=30)
    await asyncio.sleep(0.1)  # room for a duplicate answer to arrive, if one were sent
    [posted] = bot.slack.calls_of("chat.postEphemeral")
    assert posted.params["user"] == "USAM"


@pytest.mark.parametrize("bot", ["http"], indirect=True)
async def test_bad_signatures_get_401_and_change_nothing(bot: Bot) -> None:
    """Forged, tampered and stale signatures are refused with 401 before anything runs."""
    d = bot.driver
    fields = command_payload(bot.slack, "USAM", "/bid", "job:Forged connects:9")
    body = urllib.parse.urlencode(fields).encode()
    assert (await d.post_signed(body, secret="forged-secret"))[0] == 401
    signed = d.post_signed
    # signed for one body, sent with another
    status, _ = await signed(body + b"&x=tampered", headers=sign(d.signing_secret, body))
    assert status == 401
    assert (await signed(body, timestamp=int(time.time()) - 6 * 60))[0] == 401
    assert (await signed(body, headers={"X-Slack-Signature": "v0=" + "0" * 64}))[0] == 401
    assert bot.slack.calls_of("users.info") == []
    assert await bot.bids_of("USAM") == []
    assert (await signed(body))[0] == 200
    assert len(await bot.bids_of("USAM")) == 1


@pytest.mark.parametrize("bot", ["http"], indirect=True)
async def test_healthz_answers_for_load_balancers(bot: Bot) -> None:
    """GET /healthz answers 200 without a signature."""
    import aiohttp

    url = bot.driver.bot_url.rsplit("/slack/events", 1)[0] + "/healthz"
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        assert r.status == 200


async def test_slow_core_acks_a_placeholder_then_responds(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the core is not done within the ack budget, the ack is a placeholder and the
    answer replaces it through response_url."""
    from adapters.slack import handlers

    monkeypatch.setattr(handlers, "ACK_BUDGET", 0.0)
    ex = await bot.driver.command("USAM", "/bid", "job:Later connects:2")
    assert "Working on it" in ex.ack["text"]
    [final] = await bot.slack.wait_posts(ex.response_url)
    assert final["replace_original"] is True and "Bid #1 placed" in message_text(final)
    assert await bot.balance_of("USAM") == 58


@pytest.mark.parametrize("bot", ["socket"], indirect=True)
async def test_socket_mode_reconnects_when_slack_asks(bot: Bot) -> None:
    """A ``disconnect`` message makes the bot open a new connection and carry on."""
    before = bot.slack.socket_connections
    await bot.slack.disconnect()
    for _ in range(500):
        if bot.slack.socket_connections > before:
            break
        await asyncio.sleep(0.01)
    assert bot.slack.socket_connections > before
    assert len(bot.slack.calls_of("apps.connections.open")) >= 2
    assert "60 Connects" in message_text(await bot.driver.run("USAM", "/balance"))


async def test_simultaneous_duplicates_charge_once(bot: Bot) -> None:
    """The same bid delivered twice at the same moment (one trigger id) charges once."""
    first, second = await asyncio.gather(
        bot.driver.run("USAM", "/bid", "job:Twice connects:6", trigger_id="77.77.dup"),
        bot.driver.run("USAM", "/bid", "job:Twice connects:6", trigger_id="77.77.dup"),
    )
    assert message_text(first) == message_text(second)
    assert await bot.balance_of("USAM") == 54


async def test_slow_public_reply_is_posted_and_placeholder_removed(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public reply that missed the ack goes to the channel; the private placeholder is
    deleted rather than left behind."""
    from adapters.slack import handlers

    monkeypatch.setattr(handlers, "ACK_BUDGET", 0.0)
    ex = await bot.driver.command("USAM", "/connects", "stats public:true")
    posted, deleted = await bot.slack.wait_posts(ex.response_url, 2)
    assert posted["response_type"] == "in_channel" and posted["replace_original"] is False
    assert deleted["delete_original"] is True and not deleted.get("text")


async def test_quote_labels_heuristic_then_learned(bot: Bot) -> None:
    """/quote says where its number comes from: the heuristic, until the workspace's own
    stated bids are fitted; then learned, with its sample and error."""
    d = bot.driver
    before = message_text(await d.run("USAM", "/quote", "price:1000 verified:yes details:true"))
    assert ", heuristic" in before and "30 more bids with a stated cost" in before
    scope = scope_of("slack", bot.slack.team_id)
    now = bot.app.services.clock()
    await insert(bot.app.store, community(60, now, seed=5), scope)
    assert (await learning.fit(bot.app.store, bot.app.config, scope, now)).in_use
    after = message_text(await d.run("USAM", "/quote", "price:1000 verified:yes details:true"))
    assert ", learned" in after and "learned from 60 bids in this community" in after
