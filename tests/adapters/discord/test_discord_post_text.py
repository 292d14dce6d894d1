"""A job post's text on Discord, through discord.py against the stand-in: the characters the
client wrote, never formatting, mentions, a reordered or a cut title (the attack is described
in :mod:`tests.adapters.post_text`)."""

from __future__ import annotations

from typing import Any

from tests.adapters.discord.helpers import World, button
from tests.adapters.discord.test_discord_forms import open_paste
from tests.adapters.post_text import BIDI, POST, SHOWN, discord_inert, discord_plain


def _job_line(sent: Any) -> str:
    [line] = [x for x in sent.embeds[0]["description"].split("\n") if "Logo" in x]
    return str(line)


async def test_a_posts_title_is_shown_as_written(world: World) -> None:
    """In the quote of a pasted post, the bid it places and /history: the title reads as
    written (/history cuts it short), every formatting character escaped, no bidi control or
    line separator."""
    sd, me, g = world.standin, world.member, world.guild
    quote = await (await sd.submit(await open_paste(sd, me, g), me, g, post=POST)).final()
    assert quote.embeds[0]["title"] == "13 Connects, stated by the post"
    placed = await (await sd.click(quote, button(quote, "bid"), me, g)).final()
    assert placed.embeds[0]["title"] == "Bid #1 placed"
    history = await (await sd.slash("history", me, g, chart=False)).final()
    for sent, shown in ((quote, SHOWN), (placed, SHOWN), (history, SHOWN[:40])):
        line = _job_line(sent)
        assert shown in discord_plain(line), line
        assert discord_inert(line), line
        assert not BIDI.search(sent.text()), sent.text()
    assert sd.violations == []
