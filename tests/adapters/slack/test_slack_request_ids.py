"""A slash command without a ``trigger_id`` still has a stable request id, in both modes.

Its id is a digest of the invocation: workspace, user, channel, command, text and the
``response_url`` Slack makes for each invocation, so a redelivery (re-signed later over HTTP,
a new envelope in Socket Mode) replays once, and the same text typed again is a new request.
Without a ``response_url`` either, the delivery itself stands for it: the same signed HTTP
request, or the same Socket Mode envelope.
"""

from __future__ import annotations

import time
import urllib.parse

import pytest

from adapters.slack.handlers import command_request_id
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import command_payload, message_text

NO_TRIGGER = ("trigger_id",)


async def test_a_command_without_trigger_id_is_charged_once_per_invocation(bot: Bot) -> None:
    d = bot.driver
    first = await d.command("USAM", "/bid", "job:No trigger connects:7", omit=NO_TRIGGER)
    assert first.status == 200
    assert "Bid #1 placed" in message_text(first.ack), first.ack
    after_first = await bot.ledger()
    # Slack delivers the same invocation again: over HTTP signed anew a little later, in
    # Socket Mode in a new envelope; the response_url is the invocation's own
    again = await d.command(
        "USAM",
        "/bid",
        "job:No trigger connects:7",
        omit=NO_TRIGGER,
        response_url=first.response_url,
        retry_num=1,
        timestamp=int(time.time()) + 2,
    )
    assert again.status == 200
    assert message_text(again.ack) == message_text(first.ack)
    assert await bot.ledger() == after_first
    assert await bot.balance_of("USAM") == 53
    # typed again: a new invocation (its own response_url), a new bid
    second = await d.command("USAM", "/bid", "job:No trigger connects:7", omit=NO_TRIGGER)
    assert "Bid #2 placed" in message_text(second.ack), second.ack
    assert await bot.balance_of("USAM") == 46
    assert [b["job"] for b in await bot.bids_of("USAM")] == ["No trigger"] * 2


async def test_without_trigger_id_or_response_url_the_delivery_is_the_id(bot: Bot) -> None:
    """The same signed HTTP request (timestamp and signature) or the same Socket Mode envelope
    delivered twice charges once; a new delivery of the same text is a new request."""
    d = bot.driver
    omit = ("trigger_id", "response_url")
    text = "job:Bare connects:5"
    if bot.mode == "http":
        fields = command_payload(bot.slack, "USAM", "/bid", text)
        for name in omit:
            del fields[name]
        body = urllib.parse.urlencode(fields).encode()
        now = int(time.time())
        status, first = await d.post_signed(body, timestamp=now)
        assert status == 200 and "Bid #1 placed" in first, first
        after_first = await bot.ledger()
        status, again = await d.post_signed(body, timestamp=now)
        assert (status, again) == (200, first)
        assert await bot.ledger() == after_first
        status, other = await d.post_signed(body, timestamp=now + 1)
        assert status == 200 and "Bid #2 placed" in other, other
    else:
        first_ex = await d.command("USAM", "/bid", text, omit=omit, envelope_id="env-bare")
        assert "Bid #1 placed" in message_text(first_ex.ack), first_ex.ack
        after_first = await bot.ledger()
        again_ex = await d.command(
            "USAM", "/bid", text, omit=omit, envelope_id="env-bare", retry_num=1
        )
        assert again_ex.ack == first_ex.ack
        assert await bot.ledger() == after_first
        other_ex = await d.command("USAM", "/bid", text, omit=omit)
        assert "Bid #2 placed" in message_text(other_ex.ack), other_ex.ack
    assert await bot.balance_of("USAM") == 50


@pytest.mark.parametrize(
    ("changed", "same"),
    [
        ({"text": "job:Other connects:7"}, False),
        ({"user_id": "UKIM"}, False),
        ({"channel_id": "C0OTHER"}, False),
        ({"response_url": "https://hooks.slack.com/commands/T0/2/other"}, False),
        ({"user_name": "someone-else", "channel_name": "renamed"}, True),
    ],
)
def test_the_fallback_id_covers_the_invocation(changed: dict[str, str], same: bool) -> None:
    """What tells two invocations apart changes the id; display names do not."""
    base = {
        "team_id": "T0",
        "user_id": "USAM",
        "user_name": "sam",
        "channel_id": "C0",
        "channel_name": "general",
        "command": "/bid",
        "text": "job:X connects:7",
        "response_url": "https://hooks.slack.com/commands/T0/1/abc",
    }
    one = command_request_id(base, {})
    two = command_request_id({**base, **changed}, {})
    assert one.startswith("slack-command:") and (one == two) is same
    assert command_request_id({**base, "trigger_id": "1.2.3"}, {}) == "1.2.3"
