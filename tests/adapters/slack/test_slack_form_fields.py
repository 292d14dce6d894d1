"""Every field of a slash command reaches the bot intact, whatever the user typed: the word
``payload``, the characters form encoding treats specially, quotes, emoji and newlines.

Over HTTP the command is a signed ``application/x-www-form-urlencoded`` body; in Socket Mode
the same fields arrive as a JSON object in the envelope. Both go through the real bolt app.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from slack_bolt.request.internals import parse_body as bolt_parse_body

from adapters.slack.blocks import escape
from adapters.slack.server import FormAwareRequest, MalformedRequest, parse_body
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import command_payload, message_text, sign

# What the user typed as the job title, each stored and echoed exactly so.
TYPED = [
    "Fix the payload parser",
    "payload",
    "payload=%7B%22type%22%3A%22block_actions%22%7D",
    '{"type": "block_actions", "payload": 1}',
    "a & b = c + d % e # f ; g ? h",
    "100% fit; rate=50+tip? yes&no #1",
    "He said \"ship it\" and 'now'",
    "Fix the “payload” parser’s ‘edge’ cases",
    "Café ☕🥐 payload 👍🏽 — déjà vu",
    "line one\nline two: payload\nline three",
]


def as_slack_sends(typed: str) -> str:
    """The slash command text for ``typed`` in double quotes (``\\"`` inside), escaped the
    way Slack escapes command text with ``should_escape`` on (``&``, ``<``, ``>``)."""
    quoted = typed.replace("\\", "\\\\").replace('"', '\\"')
    return quoted.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def test_command_fields_arrive_intact(bot: Bot) -> None:
    """Job titles and notes with ``payload`` in them, ``& = + % # ; ?``, quotes, curly quotes,
    emoji and newlines, from a user and a channel whose names contain ``payload``, are
    answered (not 404) and stored and echoed exactly as typed."""
    bot.slack.add_user("UPAY", "payload.bot")
    d = bot.driver
    for i, typed in enumerate(TYPED):
        sent = as_slack_sends(typed)
        ex = await d.command(
            "UPAY",
            "/bid",
            f'job:"{sent}" connects:1 note:"payload {i}"',
            channel_name="payload-reviews",
        )
        assert ex.status == 200, (typed, ex.status, ex.raw)
        if bot.mode == "socket":
            assert json.loads(ex.raw) == ex.ack  # the ack came back as JSON on the socket
        reply = await d.reply(ex)
        shown = message_text(reply)
        assert f"Bid #{i + 1} placed" in shown, (typed, reply)
        assert escape(typed) in shown, (typed, shown)
    bids = await bot.bids_of("UPAY")
    assert [b["job"] for b in bids] == TYPED
    assert [b["note"] for b in bids] == [f"payload {i}" for i in range(len(TYPED))]


async def test_curly_quotes_from_a_phone_keyboard_quote_a_payload_title(bot: Bot) -> None:
    """A title a phone keyboard wrapped in curly quotes is one value, stored without them."""
    reply = await bot.driver.run("USAM", "/bid", "job:“Fix the payload parser” connects:2")
    assert "Bid #1 placed" in message_text(reply)
    assert [b["job"] for b in await bot.bids_of("USAM")] == ["Fix the payload parser"]


async def test_connects_catch_all_with_payload_in_every_field(bot: Bot) -> None:
    """``/connects`` with ``payload`` in the text, the channel and the user name is answered."""
    bot.slack.add_user("UPAY", "payload")
    ex = await bot.driver.command(
        "UPAY", "/connects", "pool create name:payload", channel_name="payload"
    )
    assert ex.status == 200, ex.raw
    assert "Pool payload created" in message_text(await bot.driver.reply(ex))


@pytest.mark.parametrize("bot", ["http"], indirect=True)
async def test_signature_is_checked_against_the_raw_body(bot: Bot) -> None:
    """A body with ``payload`` in its fields is verified as sent: a tampered one, a forged
    secret or a missing signature gets 401 and changes nothing; the genuine one is served."""
    d = bot.driver
    fields = command_payload(bot.slack, "USAM", "/bid", 'job:"Fix the payload parser" connects:9')
    body = urllib.parse.urlencode(fields).encode()
    tampered = body.replace(b"connects%3A9", b"connects%3A1")
    assert tampered != body
    assert (await d.post_signed(tampered, headers=sign(d.signing_secret, body)))[0] == 401
    assert (await d.post_signed(body, secret="forged-secret"))[0] == 401
    # re-encoded the other way (%20 for spaces): the same fields, but not the signed bytes
    requoted = urllib.parse.urlencode(fields, quote_via=urllib.parse.quote).encode()
    assert requoted != body
    assert (await d.post_signed(requoted, headers=sign(d.signing_secret, body)))[0] == 401
    assert await bot.bids_of("USAM") == []
    status, _ = await d.post_signed(body)
    assert status == 200
    assert [(b["job"], b["connects"]) for b in await bot.bids_of("USAM")] == [
        ("Fix the payload parser", 9)
    ]


FORM = "application/x-www-form-urlencoded"


def test_form_fields_are_parsed_whole() -> None:
    """A form is its fields; only a form whose one field is ``payload`` is an interaction."""
    fields = {
        "command": "/bid",
        "text": 'job:"a&b=c+d%e#f;g?h payload" “x” 🥐\nnext',
        "channel_name": "payload",
        "user_name": "payload",
        "empty": "",
    }
    body = urllib.parse.urlencode(fields)
    assert parse_body(body, FORM) == fields
    interaction = {"type": "block_actions", "actions": [{"value": "payload=1&x"}]}
    assert (
        parse_body(urllib.parse.urlencode({"payload": json.dumps(interaction)}), FORM)
        == interaction
    )
    # a field named payload next to others is a field like any other
    assert parse_body("payload=x&text=y", FORM) == {"payload": "x", "text": "y"}
    event = {"type": "event_callback", "event": {"text": "payload"}}
    assert parse_body(json.dumps(event), "application/json") == event
    # a form bolt has no listener for is still a form (bolt answers 404)
    assert parse_body("a=b", FORM) == {"a": "b"}


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        ("", FORM, "an empty body"),
        ("payload=not-json", FORM, "an interaction payload that does not parse as JSON"),
        ("payload=%7Bnot", FORM, "an interaction payload that does not parse as JSON"),
        ("payload=%5B1%5D", FORM, "an interaction payload that is not a JSON object"),
        ("text=%FF%FE", FORM, "a form field that is not UTF-8"),
        ("{not json", "application/json", "a JSON body that does not parse as JSON"),
        ("{not json", None, "a JSON body that does not parse as JSON"),
        ("[1, 2]", "application/json", "a JSON body that is not a JSON object"),
    ],
)
def test_bodies_slack_never_sends_are_refused(
    body: str, content_type: str | None, why: str
) -> None:
    """What no Slack request looks like is refused, saying why (the server answers 400)."""
    with pytest.raises(MalformedRequest) as refused:
        parse_body(body, content_type)
    assert str(refused.value) == why


def test_bolt_request_keeps_the_raw_body_and_the_parsed_fields() -> None:
    """bolt verifies ``raw_body`` (the bytes as sent) and routes on ``body``; copies (bolt
    makes them for lazy listeners) parse the same way."""
    fields = {
        "team_id": "T1",
        "user_id": "U1",
        "channel_id": "C1",
        "command": "/bid",
        "text": "job:payload & more",
    }
    raw = urllib.parse.urlencode(fields)
    request = FormAwareRequest(
        raw_body=raw, query="a=1", headers={"Content-Type": FORM + "; charset=utf-8"}
    )
    for r in (request, request.to_copyable()):
        assert isinstance(r, FormAwareRequest)
        assert r.raw_body == raw and r.body == fields and r.mode == "http"
        assert r.query == {"a": ["1"]}
        assert (r.context.team_id, r.context.user_id, r.context.channel_id) == ("T1", "U1", "C1")


def test_bolt_still_misreads_forms_mentioning_payload() -> None:
    """The bolt behaviour ``adapters.slack.server.parse_body`` works around: bolt's own
    parser drops every field of a form whose text merely contains ``payload``. When a bolt
    release parses such a form whole, this skips and the workaround can go."""
    body = urllib.parse.urlencode({"command": "/bid", "text": "Fix the payload parser"})
    parsed = bolt_parse_body(body, FORM)
    if parsed.get("text") == "Fix the payload parser":
        pytest.skip("this slack-bolt parses such forms whole; the workaround is not needed")
    assert parsed == {}
