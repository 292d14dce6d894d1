"""A change's details kept as JSON read back as the same reply: every token as it was, so each
platform still draws it its own way; a platform's markup never comes back as markup."""

from __future__ import annotations

import json

import pytest

from core.interface.keptreply import dump_details, load_details
from core.interface.reply import (
    Bold,
    ChannelRef,
    CommandRef,
    Date,
    Markup,
    Mention,
    Reply,
    Rich,
    cmd,
    when,
)


def test_details_come_back_with_their_tokens() -> None:
    """Dates, commands, users, channels and bold text are kept as tokens, not as text."""
    reply = Reply(
        Rich("Bid #3 placed on ", when(1_796_000_000)),
        ["first screen, not kept"],
        details=[
            Rich("Undo with ", cmd("undo", "bid:#3"), " by ", Mention("slack:T1:U1")),
            Rich("Warned in ", ChannelRef("C42"), " · ", Bold("twice")),
            "plain text {with braces} and \\ backslashes",
        ],
        detail_fields=[("Job", "Logo"), (Rich(Bold("Due")), when(1_796_086_400))],
    )
    back = load_details(dump_details(reply))
    assert back.private and back.title.parts == reply.title.parts
    assert back.lines == reply.details
    assert [getattr(x, "parts", x) for x in back.lines] == [
        getattr(x, "parts", x) for x in reply.details
    ]
    assert back.fields == reply.detail_fields
    assert back.fields[1][1].parts == (Date(1_796_086_400),)
    assert "first screen" not in dump_details(reply)


def test_markup_is_kept_as_its_text() -> None:
    """The attack: text an adapter marked up, kept and read back, must not come back as
    markup a platform would render; it comes back as literal text, escaped where shown."""
    reply = Reply("t", details=[Rich(Markup("<!channel>"), " hi")])
    back = load_details(dump_details(reply))
    assert back.lines == ["<!channel> hi"]
    assert all(isinstance(p, str) for p in back.lines[0].parts)


@pytest.mark.parametrize("kept", ["[]", '"x"', "{}", json.dumps({"title": 1, "other": 2})])
def test_what_is_not_kept_details_is_refused(kept: str) -> None:
    """A kept row that is not a reply's details (another kind's options) is refused."""
    with pytest.raises(ValueError):
        load_details(kept)


def test_a_token_kind_it_does_not_know_is_text() -> None:
    """A kept part of an unknown kind reads as its text, never as a token."""
    kept = json.dumps({"title": "t", "lines": [[["markup", "<b>x</b>"], ["command", "undo"]]]})
    back = load_details(kept)
    assert back.lines[0].parts == ("<b>x</b>", CommandRef("undo"))
