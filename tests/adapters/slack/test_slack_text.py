"""Slack's command text -> the core's text syntax."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.text import (
    catalog_command,
    channel_id,
    command_text,
    mentioned_users,
    unescape,
    user_resolver,
)
from core.base.keys import UserRef
from core.interface.textparse import parse_options, split_command


@pytest.mark.parametrize(
    ("slash", "sent", "line"),
    [
        ("/bid", 'job:"Logo" connects:4', 'bid job:"Logo" connects:4'),
        ("/balance", "", "balance"),
        ("/connects", "", ""),
        ("/connects", "  pool add name:a member:<@U1|sam> ", "pool add name:a member:<@U1|sam>"),
        ("/bid", "job:&lt;b&gt; &amp;amp;", "bid job:<b> &amp;"),
        (
            "/bid",
            "job:<https://upwork.com/j/~1?a=1&amp;b=2>",
            "bid job:https://upwork.com/j/~1?a=1&b=2",
        ),
        ("/bid", "job:<https://x.io|x.io>", "bid job:https://x.io"),
        (
            "/connects",
            "pool threshold name:a connects:5 channel:<#C9|bids>",
            "pool threshold name:a connects:5 channel:<#C9|bids>",
        ),
        # curly quotes reach the core as typed; its text syntax reads them (tests/core)
        ("/bid", "job:\u201cLogo for a bakery\u201d", "bid job:\u201cLogo for a bakery\u201d"),
        ("/bid", 'job:"say \u201chi\u201d"', 'bid job:"say \u201chi\u201d"'),
    ],
)
def test_command_text(slash: str, sent: str, line: str) -> None:
    """Links unwrapped, entities decoded once, mentions kept, phone quotes straightened."""
    assert command_text(slash, sent) == line


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("bid job:x", "bid"),
        ("pool add name:x", "pool add"),
        ("", "help"),
        ("/quote", "quote"),
        ("pool", None),
        ("nonsense", None),
    ],
)
def test_catalog_command(line: str, name: str | None) -> None:
    """The catalog command a line starts with, subcommands included."""
    found = catalog_command(line)
    assert (found.name if found else None) == name


def test_resolver_turns_mentions_into_workspace_users() -> None:
    """``<@U1|sam>`` and ``<@U1>`` become users of the workspace; other text does not."""
    resolve = user_resolver("T9", {"U2": "kim"})
    assert resolve("<@U1|sam>") == UserRef("slack:T9:U1", "sam")
    assert resolve("<@U2>") == UserRef("slack:T9:U2", "kim")
    assert resolve("<@U3>") == UserRef("slack:T9:U3", "U3")
    assert resolve("@sam") is None and resolve("<#C1|x>") is None
    assert mentioned_users("a <@U1|sam> b <@W2>") == [("U1", "sam"), ("W2", None)]


def test_unescape_decodes_once() -> None:
    """A literal ``&lt;`` typed by the user survives (Slack sent ``&amp;lt;``)."""
    assert unescape("&amp;lt; &lt;") == "&lt; <"


def test_special_mentions_come_back_as_typed() -> None:
    """``@here``, ``@channel`` and user groups in free text are kept as the user typed them."""
    assert (
        unescape("ping <!here> and <!channel|channel> or <!subteam^S1|@design>")
        == "ping @here and @channel or @design"
    )


def slack_escapes(typed: str) -> str:
    """What Slack sends for text a user typed, with escaping on."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_any_quoted_text_reaches_the_core_intact(value: str) -> None:
    """Whatever a user types inside quotes (escaped ``\\"`` and ``\\\\``) reaches the core's
    parser as typed, after Slack's escaping and ours cancel out."""
    typed = 'job:"' + value.replace("\\", "\\\\").replace('"', '\\"') + '" connects:1'
    line = command_text("/bid", slack_escapes(typed))
    command, rest = split_command(line)
    assert command is not None and command.name == "bid"
    assert parse_options(command, rest)["job"] == value


def test_channel_mentions() -> None:
    """Channel mentions become channel ids when the core checks a channel option."""
    from core.interface.catalog import BY_NAME
    from core.interface.options import check

    out = check(
        BY_NAME["pool threshold"],
        {"name": "a", "connects": "5", "channel": "<#C123|bids>"},
        resolve_channel=channel_id,
    )
    assert out["channel"] == "C123"
    assert channel_id("<@U1>") is None and channel_id("C123") is None
