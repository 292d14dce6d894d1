"""The application commands the bot syncs: generated from the catalog, valid on Discord."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlparse

import discord

from adapters.discord import runner
from adapters.discord.commands import MAX_STRING
from bot.platforms import serve
from core.app import App
from core.interface.catalog import COMMANDS, MESSAGE_ACTIONS, OptionType
from tests.adapters.discord.helpers import World, discord_config
from tests.discord_standin import (
    DiscordStandin,
    SpecChecker,
    bulk_problems,
    command_problems,
    install_problems,
)

#: what the bot sends in a sync body (the rest of a synced command is Discord's answer)
SENT = {
    "name", "description", "options", "type", "contexts", "integration_types",
    "default_member_permissions", "nsfw", "dm_permission", "name_localizations",
    "description_localizations",
}  # fmt: skip

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
    with no description or options, installable to a server and to a user, offered in servers,
    the bot's DM and private channels."""
    menus = [c for c in world.standin.commands[None] if c["type"] == 3]
    assert [c["name"] for c in menus] == [a.name for a in MESSAGE_ACTIONS]
    for menu in menus:
        assert menu["description"] == "" and not menu.get("options")
        assert sorted(menu["contexts"]) == [0, 1, 2]
        assert sorted(menu["integration_types"]) == [0, 1]


async def test_synced_commands_fit_discords_limits(world: World) -> None:
    """Every synced command passes Discord's documented limits, so none can fail to register."""
    synced = world.standin.commands[None]
    assert synced
    for cmd in synced:
        assert command_problems(cmd) == [], cmd["name"]
    assert bulk_problems(synced) == []
    assert len(synced) <= 100


async def test_pool_is_one_guild_only_group(world: World) -> None:
    """/pool groups its subcommands, is installed with the bot to a server and offered there
    only; the rest work in the bot's DM too."""
    synced = {c["name"]: c for c in world.standin.commands[None]}
    assert {o["name"] for o in synced["pool"]["options"]} == {
        c.leaf for c in COMMANDS if c.group == "pool"
    }
    assert synced["pool"]["contexts"] == [0]
    assert synced["pool"]["integration_types"] == [0]
    assert set(synced["balance"]["contexts"]) >= {0, 1}


async def test_installs_and_contexts_of_every_command(world: World) -> None:
    """The sync body says where each command is installed and run: the listed personal
    commands (and Quote this job) to a server or a user, anywhere; the others with the bot to a
    server, in its servers and DM; /pool in servers only. Discord's OpenAPI file and its
    documented rules take the body as sent."""
    sd = world.standin
    [(_, synced)] = sd.syncs
    personal = {
        "quote", "paste", "bid", "balance", "history", "stats", "help",
        "buy", "refund", "outcome", "reconcile", "Quote this job",
    }  # fmt: skip
    assert personal <= {c["name"] for c in synced}
    for cmd in synced:
        name = cmd["name"]
        if name in personal:
            expected = ([0, 1], [0, 1, 2])
        elif name == "pool":
            expected = ([0], [0])
        else:
            expected = ([0], [0, 1])
        assert (sorted(cmd["integration_types"]), sorted(cmd["contexts"])) == expected, name
        assert install_problems(cmd) == [], name
    body = [{k: v for k, v in c.items() if k in SENT} for c in synced]
    assert SpecChecker().check("PUT", "/applications/1/commands", body, "application/json") == []


def test_sync_bodies_discord_would_refuse() -> None:
    """The checks have teeth: a context or install Discord does not know fails the OpenAPI
    file; private channels without a user install break Discord's rule."""
    checker = SpecChecker()
    base = {"name": "balance", "description": "Your Connects", "type": 1}
    for bad in ({"contexts": [3]}, {"integration_types": [2]}, {"contexts": []}):
        body = [{**base, **bad}]
        assert checker.check("PUT", "/applications/1/commands", body, "application/json"), bad
    assert install_problems({**base, "contexts": [0, 2], "integration_types": [0]})
    assert not install_problems({**base, "contexts": [0, 2], "integration_types": [0, 1]})


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
    """The server invite names the application, both scopes, the server install and the
    permissions the bot uses."""
    url = urlparse(runner.invite_url(1234))
    query = parse_qs(url.query)
    assert query["client_id"] == ["1234"]
    assert query["scope"][0].split() == ["bot", "applications.commands"]
    assert query["integration_type"] == ["0"]
    perms = int(query["permissions"][0])
    for bit in (10, 11, 14, 15):  # view channel, send messages, embed links, attach files
        assert perms & (1 << bit)
    assert not perms & (1 << 3)  # never Administrator


def test_user_install_link_asks_for_commands_only() -> None:
    """The user install adds the commands to the visitor's account: no bot, no permission."""
    query = parse_qs(urlparse(runner.user_install_url(1234)).query)
    assert query["client_id"] == ["1234"]
    assert query["scope"] == ["applications.commands"]
    assert query["integration_type"] == ["1"]
    assert "permissions" not in query


def test_install_links_say_what_they_ask() -> None:
    """Both links are printed with the scopes and permissions their URLs ask for, so what a
    reader is told is what Discord will show."""
    server, user = runner.install_links(1234)
    for link in (server, user):
        query = parse_qs(urlparse(link.url).query)
        assert tuple(query["scope"][0].split()) == link.scopes
        asked = discord.Permissions(int(query.get("permissions", ["0"])[0]))
        assert link.permissions == runner.permission_names(asked)
        assert link.lines()[-1].strip() == link.url
    assert server.permissions == ("View Channel", "Send Messages", "Embed Links", "Attach Files")
    assert user.permissions == () and "  permissions: none" in user.lines()
