"""Notices the core queues reach Discord: pool warnings in a channel, personal ones by DM."""

from __future__ import annotations

import asyncio

from adapters.discord.notify import DiscordNotifier
from bot.notices import tick
from core.interface.reply import Markup, Rich
from tests.adapters.discord.helpers import World


async def test_low_pool_balance_is_announced_in_its_channel(world: World) -> None:
    """A pool below its threshold gets one warning in the chosen channel, pinging nobody."""
    sd, g, owner = world.standin, world.guild, world.owner
    channel = 1_250_000_000_000_000_777
    await (await sd.slash("pool create", owner, g, name="ops")).final()
    await (await sd.slash("pool topup", owner, g, name="ops", connects=10)).final()
    await (
        await sd.slash("pool threshold", owner, g, name="ops", connects=20, channel=channel)
    ).final()
    assert await tick(world.app) == 1
    assert await tick(world.app) == 0  # once, not on every pass
    [(where, message)] = sd.channel_messages
    assert where == channel
    assert "Pool ops is low" in message["content"]
    assert message["allowed_mentions"] == {"parse": []}


async def test_direct_message_and_local_time(world: World) -> None:
    """A personal notice opens a DM with the user; times render in the reader's own zone."""
    notifier = world.app.notifiers["discord"]
    assert isinstance(notifier, DiscordNotifier)
    # as deliver() hands it over: the notifier's time is markup, the rest literal text
    text = Rich("Connects of *Logo* <@1> expire ", Markup(notifier.format_time(1_800_000_000)))
    await notifier.send_dm(f"discord:{world.member.id}", text)
    [message] = world.standin.dms(world.member)
    assert message["content"] == "Connects of \\*Logo\\* <\u200b@1> expire <t:1800000000:R>"


async def test_notifier_only_while_running(world: World) -> None:
    """The adapter registers its notifier once logged in and removes it when it stops."""
    assert "discord" in world.app.notifiers
    world.stop.set()
    await asyncio.wait_for(world.task, 10)
    assert "discord" not in world.app.notifiers
