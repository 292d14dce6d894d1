"""HTTP mode checks every request's signature on the raw bytes before reading anything else.

Each request goes to the real bolt app through ``adapters.slack.server.HttpServer`` exactly as
sent: an unsigned, badly signed or stale one gets 401, a signed one Slack would never send gets
400, each with one log line and no traceback, and neither changes the ledger nor calls Slack.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import urllib.parse
from typing import Any

import pytest

from adapters.slack.server import RequestSignature
from tests.adapters.slack.helpers import SECRET, Bot
from tests.slack_standin import buttons_of, command_payload, sign

HTTP_ONLY = pytest.mark.parametrize("bot", ["http"], indirect=True)

FORM = "application/x-www-form-urlencoded"
SIG = "X-Slack-Signature"
# loggers a request to the endpoint can write to
REQUEST_LOGGERS = ("adapters.slack", "slack_bolt", "slack_sdk", "aiohttp", "core")


def bid_body(bot: Bot, text: str = "job:Unsigned connects:9") -> bytes:
    """A genuine-looking /bid form: served, it would charge 9 Connects."""
    return urllib.parse.urlencode(command_payload(bot.slack, "USAM", "/bid", text)).encode()


def signed_with_timestamp(body: bytes, timestamp: str, secret: str = SECRET) -> dict[str, str]:
    """The right HMAC for ``body`` at a ``timestamp`` that need not be a number."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(REQUEST_LOGGERS)]


async def exchange(
    bot: Bot, caplog: pytest.LogCaptureFixture, body: bytes, headers: dict[str, str]
) -> tuple[int, str, list[logging.LogRecord]]:
    """Send one request; its status, body and the log records it cost."""
    caplog.clear()
    status, text = await bot.driver.post(body, headers)
    return status, text, request_lines(caplog)


def unsigned_cases(bot: Bot) -> list[tuple[str, bytes, dict[str, str]]]:
    bid = bid_body(bot)
    now = str(int(time.time()))
    form = {"Content-Type": FORM}
    return [
        ("invalid UTF-8", b"text=\xff\xfe&command=/bid", form),
        ("not JSON", b"{not json", {"Content-Type": "application/json"}),
        ("broken interaction", b"payload=%7Bnot", form),
        ("bogus charset", bid, {"Content-Type": FORM + "; charset=bogus"}),
        ("timestamp abc", bid, {**form, **signed_with_timestamp(bid, "abc")}),
        ("timestamp abc, no signature", bid, {**form, "X-Slack-Request-Timestamp": "abc"}),
        ("missing signature", bid, {**form, "X-Slack-Request-Timestamp": now}),
        ("missing timestamp", bid, {**form, "X-Slack-Signature": sign(SECRET, bid)[SIG]}),
        ("no headers at all", bid, {}),
        ("empty signature", bid, {**form, "X-Slack-Request-Timestamp": now, SIG: ""}),
        ("short signature", bid, {**form, "X-Slack-Request-Timestamp": now, SIG: "v0=00"}),
        ("forged secret", bid, {**form, **sign("forged", bid)}),
        ("signed elsewhere", bid + b"&x=1", {**form, **sign(SECRET, bid)}),
        ("timestamp ahead", bid, {**form, **sign(SECRET, bid, int(now) + 6 * 60)}),
        ("timestamp stale", bid, {**form, **sign(SECRET, bid, int(now) - 6 * 60)}),
        ("timestamp +digits", bid, {**form, **signed_with_timestamp(bid, "+" + now)}),
        ("timestamp spaced", bid, {**form, **signed_with_timestamp(bid, f" {now}")}),
        ("ssl_check", b"ssl_check=1&token=deprecated-verification-token", form),
        ("forged ssl_check", b"ssl_check=1", {**form, **sign("forged", b"ssl_check=1")}),
        # badly signed and malformed: the signature is what is answered
        ("forged, bogus charset", b"\xff", {"Content-Type": "x; charset=no", **sign("f", b"\xff")}),
    ]


@HTTP_ONLY
async def test_unsigned_or_badly_signed_requests_get_401_and_one_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever the body, a request without a valid, fresh signature gets 401 before it is
    decoded or parsed: one warning line (no traceback, no body), no Web API call, no change."""
    before = await bot.ledger()
    caplog.set_level(logging.INFO)
    for name, body, headers in unsigned_cases(bot):
        status, text, lines = await exchange(bot, caplog, body, headers)
        assert status == 401, (name, status, text)
        assert text == '{"error": "invalid request"}', name
        assert len(lines) == 1, (name, [r.getMessage() for r in lines])
        [line] = lines
        assert line.levelno == logging.WARNING and line.exc_info is None, name
        assert line.name == "adapters.slack.server" and "(401)" in line.getMessage()
        assert "Unsigned" not in line.getMessage()  # the body is not logged
    assert [c.method for c in bot.slack.calls] == ["auth.test"]
    assert await bot.ledger() == before
    # the same bid, signed, is served
    status, _ = await bot.driver.post_signed(bid_body(bot))
    assert status == 200
    assert await bot.balance_of("USAM") == 51


@HTTP_ONLY
async def test_a_non_ascii_signature_is_refused_not_crashed(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """A signature header with bytes outside ASCII (which ``hmac.compare_digest`` refuses as
    ``str``) is a wrong signature."""
    before = await bot.ledger()
    caplog.set_level(logging.INFO)
    body = bid_body(bot)
    headers = {"Content-Type": FORM, **sign(SECRET, body)}
    headers[SIG] = headers[SIG][:-2] + "é"
    status, _, lines = await exchange(bot, caplog, body, headers)
    assert status == 401
    assert [r.exc_info for r in lines] == [None]
    assert await bot.ledger() == before


def signed_malformed_cases(bot: Bot) -> list[tuple[str, bytes, str]]:
    bid = bid_body(bot)
    return [
        ("invalid UTF-8", b"text=\xff\xfe&command=/bid", FORM),
        ("percent-escaped invalid UTF-8", bid + b"&note=%FF%FE", FORM),
        ("not JSON", b"{not json", "application/json"),
        ("JSON, not an object", b"[1, 2]", "application/json"),
        ("not JSON, no type", b"{not json", "text/plain"),
        ("broken interaction", b"payload=%7Bnot", FORM),
        ("interaction not an object", b"payload=%5B1%5D", FORM),
        ("bogus charset", bid, FORM + "; charset=bogus"),
        ("latin-1 charset", bid, FORM + "; charset=latin-1"),
        ("empty body", b"", FORM),
    ]


@HTTP_ONLY
async def test_signed_malformed_requests_get_400_and_one_line(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """A request signed with the secret but no request Slack sends (not UTF-8, not JSON, a
    charset other than UTF-8, a broken interaction) gets 400 and one warning line."""
    before = await bot.ledger()
    caplog.set_level(logging.INFO)
    for name, body, content_type in signed_malformed_cases(bot):
        caplog.clear()
        status, text = await bot.driver.post_signed(body, content_type=content_type)
        lines = request_lines(caplog)
        assert status == 400, (name, status, text)
        assert text == '{"error": "malformed request"}', name
        assert len(lines) == 1, (name, [r.getMessage() for r in lines])
        assert lines[0].levelno == logging.WARNING and lines[0].exc_info is None, name
        assert "(400)" in lines[0].getMessage(), name
    assert [c.method for c in bot.slack.calls] == ["auth.test"]
    assert await bot.ledger() == before


@HTTP_ONLY
async def test_ssl_check_must_be_signed(bot: Bot) -> None:
    """Slack's ``ssl_check`` is answered 200 only when signed like every other request."""
    body = b"ssl_check=1&token=deprecated-verification-token"
    assert (await bot.driver.post(body, {"Content-Type": FORM}))[0] == 401
    assert (await bot.driver.post_signed(body, secret="forged"))[0] == 401
    assert await bot.driver.post_signed(body) == (200, "")


@HTTP_ONLY
async def test_signed_requests_are_served_as_before(bot: Bot) -> None:
    """Genuine requests still work: a command with or without ``charset=utf-8``, a click on
    its button, a request signed just inside the five minutes; and well-formed but unknown
    ones are bolt's 404."""
    d = bot.driver
    for i, content_type in enumerate((FORM, FORM + "; charset=utf-8", FORM + "; charset=UTF8")):
        status, raw = await d.post_signed(
            bid_body(bot, f"job:Signed{i} connects:2"), content_type=content_type
        )
        assert status == 200 and f"Bid #{i + 1} placed" in raw, raw
    recent = int(time.time()) - 4 * 60
    assert (await d.post_signed(bid_body(bot, "job:Late connects:1"), timestamp=recent))[0] == 200
    ex = await d.command("USAM", "/bid", "job:Clickable connects:3")
    [undo] = buttons_of(ex.ack)
    click = await d.click("USAM", undo)
    assert click.status == 200
    [undone] = await bot.slack.wait_posts(click.response_url)
    assert undone["replace_original"] is True and not buttons_of(undone)
    assert await bot.balance_of("USAM") == 60 - 2 * 3 - 1
    assert (await d.post_signed(b"a=b"))[0] == 404


def test_the_signature_check_on_raw_bytes() -> None:
    """:class:`RequestSignature` gives a reason, never an exception, and agrees with
    slack_sdk's verifier wherever that one can answer."""
    from slack_sdk.signature import Clock, SignatureVerifier

    class Fixed(Clock):
        def now(self) -> float:
            return 1_790_000_000.0

    check = RequestSignature(SECRET, clock=Fixed())
    stock = SignatureVerifier(SECRET, clock=Fixed())
    body = b"command=%2Fbid&text=job%3Ax"
    headers = sign(SECRET, body, 1_790_000_000)
    ts, sig = headers["X-Slack-Request-Timestamp"], headers[SIG]
    assert check.problem(body, ts, sig) is None
    assert check.is_valid(body.decode(), ts, sig) and stock.is_valid(body, ts, sig)
    assert check.generate_signature(timestamp=ts, body=body) == sig
    cases: list[tuple[bytes, Any, Any, str]] = [
        (body, ts, None, "no signature"),
        (body, None, sig, "no timestamp"),
        (body, "abc", sig, "a timestamp that is not a number"),
        (body, "١٢٣", sig, "a timestamp that is not a number"),
        (body, str(int(ts) - 301), sig, "a timestamp 301 s old"),
        (body, str(int(ts) + 302), sig, "a timestamp 302 s ahead"),
        (body, str(int(ts) - 300), sig, "a wrong signature"),  # in the window, signed for ts
        (body, ts, sig.upper(), "a wrong signature"),
        (b"\xff" + body, ts, sig, "a wrong signature"),
        (body, ts, "v0=ü", "a wrong signature"),
    ]
    for raw, timestamp, signature, why in cases:
        assert check.problem(raw, timestamp, signature) == why
        assert not check.is_valid(raw, timestamp, signature)
