"""Notices the core queues reach Discord: pool warnings in a channel, personal ones by DM."""

from __future__ import annotations

import asyncio

from adapters.discord.notify import DiscordNotifier
from bot.notices import tick
from core.interface.reply import Markup, Rich
from core.store.base import Tx
from tests.adapters.discord.helpers import Clock, World


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


async def test_outcome_ask_is_a_dm_with_buttons_only_its_author_can_press(
    world: World, clock: Clock
) -> None:
    """A bid without news for a week is asked about in a DM: the bid's line, and five buttons
    on a row (the body checked against Discord's OpenAPI schema by the stand-in). Attack:
    another member pressing them (a forwarded message, a crafted click) is refused and nothing
    changes. The author's press edits the message into what it recorded; pressing it again
    changes nothing."""
    sd, g, sam, kim = world.standin, world.guild, world.member, world.owner
    await (await sd.slash("bid", sam, g, job="Logo <@1> *design*", connects=4)).final()
    clock.now += 8 * 86_400
    assert await tick(world.app) == 1
    [dm] = sd.dm_sent(sam)
    assert "#1 Logo <\u200b@1> \\*design\\* · 4 Connects · submitted" in dm.content
    [row] = dm.data["components"]
    assert [b["label"] for b in row["components"]] == [
        "#1 Viewed",
        "#1 Interviewing",
        "#1 Hired",
        "#1 Lost",
        "#1 No news",
    ]
    assert sd.violations == []
    hired = next(b["custom_id"] for b in dm.buttons() if b["label"] == "#1 Hired")
    refused = await (await sd.click(dm, hired, kim)).final()
    assert refused.ephemeral and "not yours" in refused.content
    assert refused.type == 4  # a new message to the clicker; the notice stays as it was
    done = await (await sd.click(dm, hired, sam)).final()
    assert done.type == 7 and done.embeds[0]["title"] == "Bid #1: hired"
    again = await (await sd.click(dm, hired, sam)).final()
    assert "nothing changed again" in again.text()

    async def status(tx: Tx) -> str:
        return str((await tx.fetchone("SELECT status FROM bids WHERE id = 1"))["status"])

    assert await world.app.store.read(status) == "hired"
