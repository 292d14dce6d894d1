"""The bot through discord.py against the stand-in, with the real core behind it."""

from __future__ import annotations

from tests.adapters.discord.helpers import World


async def test_quote_is_a_private_embed(world: World) -> None:
    """/quote answers at once with a private embed naming the Connects a job costs."""
    sd = world.standin
    rec = await sd.slash("quote", world.member, world.guild, price=500, size="large")
    sent = await rec.first()
    assert sent.type == 4
    assert sent.ephemeral
    print(sent.data)
    assert "Connects" in sent.text()
