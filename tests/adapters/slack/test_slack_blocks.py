"""Core replies rendered as Slack messages that slack_sdk's block models accept."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.blocks import parse_button_value, render
from core.interface.reply import Attachment, Button, ButtonStyle, Reply
from tests.slack_standin import buttons_of, message_text, validate_message


def test_reply_layout() -> None:
    """Title bold, lines, fields as a table, buttons with their action and author."""
    from core.interface.reply import Bold, Rich

    reply = Reply(
        "Bid #3 placed",
        [Rich("Logo ", Bold("now")), "a < b & c"],
        [("Spent", "4")],
        buttons=[Button("Undo", "undo", "3.ab", ButtonStyle.DANGER, only_user="slack:T:U1")],
    )
    msg = render(reply)
    validate_message(msg)
    assert msg["response_type"] == "ephemeral"
    text = message_text(msg)
    assert "*Bid #3 placed*" in text and "Logo *now*" in text and "a &lt; b &amp; c" in text
    [button] = buttons_of(msg)
    assert button["style"] == "danger"
    assert parse_button_value(button["value"]) == ("undo", "3.ab", "slack:T:U1")


def test_error_is_one_ephemeral_text() -> None:
    """An error reply is text, no blocks, even when public: its line, or its headline and
    the short line under it."""
    msg = render(Reply("bid: required", ["e.g. /bid job:x"], private=False, error=True))
    assert msg == {"response_type": "ephemeral", "text": "bid: required\ne.g. /bid job:x"}


def test_typed_text_is_never_markup() -> None:
    """Mentions, channels, ``<!here>``, dates and links a user typed are shown as typed
    (escaped); only the core's tokens become markup."""
    from core.interface.reply import Mention, Rich

    typed = "<@U1> <#C22> <!here> <!date^1^{date}|x> <https://evil|ok> **b** & done"
    msg = render(Reply("Pool", [typed, Rich(Mention("slack:T1:U9"), " (owner)")]))
    text = message_text(msg)
    assert "&lt;@U1&gt; &lt;#C22&gt; &lt;!here&gt;" in text and "&lt;https://evil|ok&gt;" in text
    assert "<@U9> (owner)" in text and "<@U1>" not in text and "<!here>" not in msg["text"]


def test_public_reply_and_file_note() -> None:
    """Public replies go in the channel; a file note is shown as context."""
    reply = Reply("Stats", private=False, file=Attachment("a.csv", "text/csv", b"x"))
    msg = render(reply, note="<https://f/1|a.csv> sent in this channel.")
    validate_message(msg)
    assert msg["response_type"] == "in_channel" and "a.csv" in message_text(msg)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=300),
    lines=st.lists(st.text(max_size=4000), max_size=8),
    fields=st.lists(
        st.tuples(st.text(min_size=1, max_size=50), st.text(max_size=2500)), max_size=30
    ),
    buttons=st.lists(st.text(min_size=1, max_size=120), max_size=3),
)
def test_any_reply_renders_to_valid_blocks(
    title: str, lines: list[str], fields: list[tuple[str, str]], buttons: list[str]
) -> None:
    """Whatever the core says (long, many fields, odd characters), Slack's limits hold."""
    reply = Reply(title, lines, fields, buttons=[Button(label, "undo", "1.x") for label in buttons])
    validate_message(render(reply))


def test_dates_show_in_each_readers_time_zone() -> None:
    """Dates become Slack date tokens with the UTC date as fallback; the text fallback is UTC."""
    from core.interface.reply import when

    ts = 1_800_000_000
    message = render(Reply("Bought", ["Expire on " + when(ts)], [("Since", when(ts))]))
    validate_message(message)
    token = f"<!date^{ts}^{{date_short}}|2027-01-15>"
    assert token in str(message["blocks"])
    assert "Expire on 2027-01-15" in message["text"]
    assert "⟦" not in str(message)


def test_user_and_channel_tokens_render_as_slack_mentions() -> None:
    """Tokens the core writes become Slack mentions in blocks and in the notification text;
    a user of another platform and a channel given by name stay plain text."""
    from core.interface.reply import ChannelRef, Mention, Rich

    reply = Reply(
        "Pool agency: 5 Connects",
        [
            Rich("Warns below 5 in ", ChannelRef("C22")),
            Rich("Announced in ", ChannelRef("bids")),
            Rich("1. ", Mention("console:sam"), ": 2 bids"),
        ],
        [(Rich(Mention("slack:T1:U1"), " (owner)"), "3 this month")],
    )
    msg = render(reply)
    validate_message(msg)
    text = message_text(msg)
    assert "Warns below 5 in <#C22>" in text and "<@U1> (owner)" in text
    assert "Announced in #bids" in text and "1. sam: 2 bids" in text
    assert "<@U1> (owner)" in msg["text"] and "<#C22>" in msg["text"]
