"""The pure parts of Slack's forms and shortcuts: the modal, what a submission and a
message hold, and the one line a refusal is."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.slack import forms
from core.interface.catalog import find
from core.interface.reply import Mention, Reply, Rich, cmd
from tests.slack_standin import validate_view

PASTE = find("paste")
assert PASTE is not None


def test_every_form_builds_a_modal_slack_accepts() -> None:
    """Each form command's modal passes the stand-in's checks of Slack's limits, with and
    without a channel to answer in."""
    assert list(forms.FORMS) == ["paste"]
    for command in forms.FORMS.values():
        for channel in (None, "C0GENERAL"):
            validate_view(forms.modal(command, channel))


@pytest.mark.parametrize(
    ("metadata", "channel"),
    [('{"channel": "C1"}', "C1"), ("{}", None), ("", None), ("not json", None), ("[1]", None)],
)
def test_the_channel_comes_back_from_private_metadata(metadata: str, channel: str | None) -> None:
    assert forms.channel_of({"private_metadata": metadata}) == channel


def test_a_submitted_value_is_read_exactly() -> None:
    """The value is what was typed, untouched; a missing or empty input is ``None``."""
    assert PASTE is not None and PASTE.form is not None
    typed = " a &amp; <b>\n\n  c: d "
    view: Any = {
        "state": {"values": {"post": {"post": {"type": "plain_text_input", "value": typed}}}}
    }
    assert forms.submitted(view, PASTE.form) == typed
    assert forms.submitted({"state": {"values": {}}}, PASTE.form) is None
    empty: Any = {"state": {"values": {"post": {"post": {"value": None}}}}}
    assert forms.submitted(empty, PASTE.form) is None


def test_only_paste_alone_opens_the_form() -> None:
    assert forms.opens_form(PASTE, "paste") and forms.opens_form(PASTE, " paste ")
    assert not forms.opens_form(PASTE, "paste Logo job")
    assert not forms.opens_form(find("quote"), "quote") and not forms.opens_form(None, "")


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ({"text": "Logo &amp; co &lt;b&gt;"}, "Logo & co <b>"),
        (
            {"text": "see <https://www.upwork.com/jobs/~01|this job>"},
            "see https://www.upwork.com/jobs/~01",
        ),
        ({"text": "ask <@U1|sam> in <#C1|bids> or <@U2>"}, "ask @sam in #bids or @U2"),
        ({"text": ""}, ""),
        ({}, ""),
        (
            {
                "text": "",
                "attachments": [{"fallback": "Upwork: Logo", "image_url": "https://x/y.png"}],
            },
            "Upwork: Logo",
        ),
        (
            {
                "text": "<https://www.upwork.com/jobs/~01>",
                "attachments": [
                    {
                        "title": "Logo - Upwork",
                        "from_url": "https://www.upwork.com/jobs/~01",
                        "text": "Budget &amp; more",
                        "fields": [{"title": "Budget", "value": "$500"}],
                    }
                ],
            },
            "https://www.upwork.com/jobs/~01\nLogo - Upwork\nBudget & more\nBudget: $500",
        ),
        (
            {
                "text": "",
                "blocks": [
                    {"type": "section", "text": {"type": "mrkdwn", "text": "*Shop* &amp; cart"}},
                    {
                        "type": "rich_text",
                        "elements": [
                            {
                                "type": "rich_text_preformatted",
                                "elements": [{"type": "text", "text": "code: 1"}],
                            },
                            {
                                "type": "rich_text_section",
                                "elements": [
                                    {"type": "emoji", "name": "tada"},
                                    {"type": "user", "user_id": "U1"},
                                    {"type": "link", "url": "https://a.b", "text": "a link"},
                                ],
                            },
                        ],
                    },
                ],
            },
            "*Shop* & cart\ncode: 1\n:tada:@U1a link https://a.b",
        ),
    ],
)
def test_a_messages_text_as_people_read_it(message: Any, text: str) -> None:
    """Text with Slack's escaping undone, links as their URLs, mentions by name; blocks when
    the text is empty; what an unfurl adds, without repeating the link."""
    assert forms.message_text(message) == text


def test_a_refusal_is_one_plain_line() -> None:
    """Tokens in plain text, no mrkdwn escaping, commands as Slack users type them."""
    reply = Reply(
        title=Rich("Ask ", Mention("slack:T:U1"), " about <this> & ", cmd("pool add")),
        lines=["then\ntry again"],
        error=True,
    )
    line = forms.error_line(reply)
    assert line == "Ask U1 about <this> & /connects pool add then try again"
    assert len(forms.error_line(Reply(title="x" * 5000, error=True))) == forms.ERROR_MAX


def test_ids_are_stable_digests() -> None:
    assert forms.digest("T", "U", None) == forms.digest("T", "U", "")
    assert forms.digest("T", "U", "a") != forms.digest("T", "U", "b")
