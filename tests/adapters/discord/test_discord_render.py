"""Replies rendered for Discord stay inside what Discord accepts, whatever the core returns."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord import render
from core.interface.reply import Attachment, Button, ButtonStyle, Reply
from tests.discord_standin import SpecChecker
from tests.discord_standin.limits import embed_problems

CHECKER = SpecChecker()
CALLBACK = "/interactions/1/token/callback"


def body(reply: Reply) -> dict[str, Any]:
    """The callback body discord.py would send for this reply."""
    msg = render.message(reply)
    data: dict[str, Any] = {"flags": 64 if msg.ephemeral else 0}
    if msg.content is not None:
        data["content"] = msg.content
    if msg.embed is not None:
        data["embeds"] = [msg.embed.to_dict()]
    if msg.view is not None:
        data["components"] = msg.view.to_components()
    return {"type": 4, "data": data}


def problems(reply: Reply) -> list[str]:
    b = body(reply)
    return CHECKER.check("POST", CALLBACK, b, "application/json") + embed_problems(
        b["data"].get("embeds", [])
    )


text = st.text(min_size=0, max_size=3000)


@settings(max_examples=40, deadline=None)
@given(
    title=st.text(min_size=1, max_size=400),
    lines=st.lists(text, max_size=5),
    fields=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
)
def test_any_reply_renders_to_a_valid_message(
    title: str, lines: list[str], fields: list[tuple[str, str]]
) -> None:
    """Long titles, many lines and more than 25 fields are trimmed to Discord's limits."""
    assert problems(Reply(title, lines, fields)) == []


def test_refusal_is_one_private_line() -> None:
    """An error reply is a single ephemeral line of text, without an embed or buttons."""
    msg = render.message(Reply("Not enough Connects: 3 left, the bid needs 5.", error=True))
    assert msg.ephemeral and msg.embed is None and msg.view is None
    assert msg.content == "Not enough Connects: 3 left, the bid needs 5."


def test_buttons_carry_action_and_value() -> None:
    """Each button's custom id names its action and value, within Discord's 100 characters."""
    reply = Reply(
        "Bid #12 placed",
        buttons=[
            Button("Undo", "undo", "12." + "n" * 77, ButtonStyle.DANGER),
            Button("Confirm bid", "confirm", "ab12cd34ef"),
        ],
    )
    assert problems(reply) == []
    comps = body(reply)["data"]["components"][0]["components"]
    assert comps[0]["custom_id"] == "cb:undo:12." + "n" * 77 and comps[0]["style"] == 4
    match = render.CUSTOM_ID.fullmatch(comps[1]["custom_id"])
    assert match and match["action"] == "confirm" and match["value"] == "ab12cd34ef"


def test_chart_is_shown_in_the_embed() -> None:
    """A PNG file is attached and displayed as the embed image; a CSV is only attached."""
    png = render.message(Reply("History", file=Attachment("chart.png", "image/png", b"\x89PNG")))
    assert png.file is not None and png.file.filename == "chart.png"
    assert png.embed is not None and png.embed.image.url == "attachment://chart.png"
    csv = render.message(Reply("Export", file=Attachment("ledger.csv", "text/csv", b"a,b")))
    assert csv.embed is not None and csv.embed.image.url is None


def test_dates_show_in_each_readers_time_zone() -> None:
    """Dates in lines and fields become Discord timestamps; the title keeps a UTC date."""
    from core.interface.reply import when

    ts = 1_800_000_000
    reply = Reply("Bought on " + when(ts), ["Expire on " + when(ts)], [("Since", when(ts))])
    embed = render.embed(reply)
    assert embed.title == "Bought on 2027-01-15"
    assert embed.description == f"Expire on <t:{ts}:d>"
    assert embed.fields[0].value == f"<t:{ts}:d>"
    assert problems(reply) == []


def test_typed_text_is_never_markup() -> None:
    """Mentions, channels, timestamps, @everyone and masked links a user typed are shown as
    typed; only the core's tokens become markup."""
    from core.interface.reply import Mention, Rich

    typed = "<@1> <#2> <t:999999999999:R> @everyone [free](https://evil)"
    reply = Reply("Bid #1 placed", [typed, Rich(Mention("discord:42"), " (owner)")])
    embed = render.embed(reply)
    description = embed.description or ""
    for token in ("<@1>", "<#2>", "<t:", "@everyone", "](https"):
        assert token not in description.split("\n")[0], token
    assert description.split("\n")[1] == "<@42> (owner)"
    assert problems(reply) == []
