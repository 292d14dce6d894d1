"""The application commands the bot syncs: generated from the catalog, valid on Discord."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlparse

from adapters.discord import runner
from adapters.discord.commands import MAX_STRING
from bot.platforms import serve
from core.app import App
from core.interface.catalog import COMMANDS, MESSAGE_ACTIONS, OptionType
from tests.adapters.discord.helpers import World, discord_config
from tests.discord_standin import DiscordStandin, bulk_problems, command_problems

_TYPES = {
    OptionType.INTEGER: 4,
    OptionType.NUMBER: 10,
    OptionType.STRING: 3,
    OptionType.BOOLEAN: 5,
    OptionType.USER: 6,
    OptionType.CHANNEL: 7,
    OptionType.IMAGE: 11,  # ATTACHMENT
}


def _declared(synced: list[dict[str, Any]], name: str) -> dict[str, Any]:
    top, _, leaf = name.partition(" ")
    cmd = next(c for c in synced if c["name"] == top)
    if leaf:
        cmd = next(o for o in cmd["options"] if o["name"] == leaf and o["type"] == 1)
    return cmd


async def test_every_catalog_command_is_synced_as_declared(world: World) -> None:
    """Names, option names, types, bounds, choices and autocomplete match the catalog."""
    synced = world.standin.commands[None]
    for cmd in COMMANDS:
        if cmd.text_only:
            assert cmd.name not in {c["name"] for c in synced}  # buttons stand in for these
            continue
        decl = _declared(synced, cmd.name)
        assert decl["description"] == cmd.description
        options = {o["name"]: o for o in decl.get("options") or []}
        if cmd.form is not None:
            assert options == {}, cmd.name  # it opens its form instead
            continue
        assert set(options) == {o.name for o in cmd.options}, cmd.name
        for opt in cmd.options:
            got = options[opt.name]
            assert got["type"] == _TYPES[opt.type]
            assert got["required"] == opt.required
            assert [c["value"] for c in got.get("choices", [])] == list(opt.choices)
            assert bool(got.get("autocomplete")) == bool(opt.autocomplete)
            if opt.type in (OptionType.INTEGER, OptionType.NUMBER):
                assert got.get("min_value") == opt.min_value
                assert got.get("max_value") == opt.max_value
            if opt.max_length is not None:
                assert got["max_length"] == min(opt.max_length, MAX_STRING)


async def test_message_actions_are_synced_as_message_commands(world: World) -> None:
    """Each catalog message action is a MESSAGE command (type 3) named as in the catalog,
    with no description or options, offered in servers and DMs."""
    menus = [c for c in world.standin.commands[None] if c["type"] == 3]
    assert [c["name"] for c in menus] == [a.name for a in MESSAGE_ACTIONS]
    for menu in menus:
        assert menu["description"] == "" and not menu.get("options")
        assert set(menu["contexts"]) == {0, 1}


async def test_synced_commands_fit_discords_limits(world: World) -> None:
    """Every synced command passes Discord's documented limits, so none can fail to register."""
    synced = world.standin.commands[None]
    assert synced
    for cmd in synced:
        assert command_problems(cmd) == [], cmd["name"]
    assert bulk_problems(synced) == []
    assert len(synced) <= 100


async def test_pool_is_one_guild_only_group(world: World) -> None:
    """/pool groups its subcommands and is not offered in DMs; the rest work in DMs too."""
    synced = {c["name"]: c for c in world.standin.commands[None]}
    assert {o["name"] for o in synced["pool"]["options"]} == {
        c.leaf for c in COMMANDS if c.group == "pool"
    }
    assert synced["pool"]["contexts"] == [0]
    assert set(synced["balance"]["contexts"]) == {0, 1}


async def test_guild_ids_sync_to_those_guilds_only(
    standin: DiscordStandin, discord_app: App
) -> None:
    """With guild_ids set, commands are registered per guild and not globally."""
    owner = standin.add_user("Olive")
    g1, g2 = standin.add_guild("One", owner), standin.add_guild("Two", owner)
    stop = asyncio.Event()
    config = discord_config(standin, guild_ids=[g1.id, g2.id])
    task = asyncio.create_task(
        serve(discord_app, [runner.DiscordPlatform(discord_app, config)], stop)
    )
    await standin.wait_ready()
    assert [gid for gid, _ in standin.syncs] == [g1.id, g2.id]
    assert None not in standin.commands
    sent = await (await standin.slash("balance", owner, g2)).final()
    assert sent.embeds[0]["title"] == "60 Connects"
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_no_sync_leaves_commands_alone(standin: DiscordStandin, discord_app: App) -> None:
    """sync=False (--no-sync) connects without registering anything."""
    stop = asyncio.Event()
    task = asyncio.create_task(
        serve(
            discord_app,
            [runner.DiscordPlatform(discord_app, discord_config(standin), sync=False)],
            stop,
        )
    )
    await standin.wait_ready()
    assert standin.syncs == []
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_shards_split_guilds_over_one_database(
    standin: DiscordStandin, discord_app: App
) -> None:
    """Two shard runners share the guilds and one ledger: each answers its own guilds."""
    owner = standin.add_user("Olive")
    guilds = [standin.add_guild(f"G{i}", owner, guild_id=(1000 + i) << 22) for i in range(2)]
    assert {(g.id >> 22) % 2 for g in guilds} == {0, 1}
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(
            serve(
                discord_app,
                [
                    runner.DiscordPlatform(
                        discord_app,
                        discord_config(standin, shard_count=2, shard_ids=[i]),
                        sync=(i == 0),
                    )
                ],
                stop,
            )
        )
        for i in range(2)
    ]
    sessions = await standin.wait_ready(shards=2)
    assert sorted(s.shard for s in sessions) == [(0, 2), (1, 2)]
    await (await standin.slash("bid", owner, guilds[0], job="On shard 0", connects=5)).final()
    sent = await (await standin.slash("balance", owner, guilds[1])).final()
    assert sent.embeds[0]["title"] == "55 Connects"
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)


def test_invite_url_asks_for_bot_and_commands() -> None:
    """The invite URL names the application, both scopes and the permissions the bot uses."""
    url = urlparse(runner.invite_url(1234))
    query = parse_qs(url.query)
    assert query["client_id"] == ["1234"]
    assert query["scope"][0].split() == ["bot", "applications.commands"]
    perms = int(query["permissions"][0])
    for bit in (10, 11, 14, 15):  # view channel, send messages, embed links, attach files
        assert perms & (1 << bit)
    assert not perms & (1 << 3)  # never Administrator
