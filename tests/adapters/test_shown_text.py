"""Any text, rendered for each platform, is its own characters and never formatting: Discord's
markdown escaped, Slack's mrkdwn broken up, bidi controls and separators gone everywhere."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from adapters.console.once import render as console_render
from adapters.discord.render import text as discord_text
from adapters.slack.blocks import mrkdwn
from core.base.text import shown
from core.interface.reply import Reply
from tests.adapters.post_text import (
    BIDI,
    TITLE,
    ZWSP,
    discord_inert,
    discord_plain,
    slack_inert,
    slack_plain,
)

MARKS = st.sampled_from(
    [
        *"*_~`|>#-=@:[]()<&\\\n \t.1",
        *("\u202e", "\u2028", "\u0085", "\u2066", "\x1b", "\x9b"),
        *("@everyone", "<@U1>", "](", "1. "),
    ]
)
TEXTS = st.lists(MARKS | st.text(max_size=6), max_size=16).map("".join) | st.just(TITLE)


@given(TEXTS)
def test_discord_shows_the_characters_and_no_formatting(text: str) -> None:
    out = discord_text(text)
    assert discord_inert(out), out
    assert not BIDI.search(out)
    if "://" not in text and ":" not in text:
        assert discord_plain(out) == shown(text).replace(ZWSP, "")


@given(TEXTS)
def test_slack_shows_the_characters_and_no_formatting(text: str) -> None:
    out = mrkdwn(text)
    assert slack_inert(out), out
    assert not BIDI.search(out)
    if ":" not in text:
        assert slack_plain(out) == shown(text).replace(ZWSP, "")


@given(TEXTS)
def test_the_console_shows_the_characters(text: str) -> None:
    out, _ = console_render(Reply(text, [text], [(text, text)]), files_dir=Path("/nonexistent"))
    assert not BIDI.search(out)
    assert "\x1b" not in out and "\x9b" not in out
