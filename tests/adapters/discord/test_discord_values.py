"""A number beyond what the ledger keeps, from a post a reader did not bound: on Discord the
quote offers no Bid button and /bid is refused in one line, with nothing charged."""

from __future__ import annotations

from tests.adapters.discord.helpers import World
from tests.store.test_wide_values import big_post, unbounded_reader

__all__ = ["unbounded_reader"]


async def test_an_unstorable_factor_is_one_line_on_discord(
    world: World, unbounded_reader: None
) -> None:
    sd, sam, guild = world.standin, world.member, world.guild
    quote = await (await sd.slash("quote", sam, guild, post=big_post())).final()
    assert "No Bid button: the post's invites (100,000,000,000,000,000,000)" in quote.text()
    assert not [b for b in quote.buttons() if b.get("label", "").startswith("Bid")]
    bid = await (await sd.slash("bid", sam, guild, post=big_post())).final()
    shown = bid.text()
    assert shown.startswith("invites 100,000,000,000,000,000,000 is more than the ledger")
    assert "\n" not in shown and "Traceback" not in shown and bid.ephemeral
    balance = await (await sd.slash("balance", sam, guild)).final()
    assert balance.embeds[0]["title"] == "60 Connects"
