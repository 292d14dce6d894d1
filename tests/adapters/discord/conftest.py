"""Fixtures: the Discord stand-in, the real core on a temporary SQLite file, the bot between."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.discord import runner
from bot.bootstrap import create_app
from bot.platforms import serve
from core.app import App
from core.base.config import parse
from tests.adapters.discord.helpers import Clock, World, discord_config
from tests.discord_standin import DiscordStandin


@pytest.fixture
async def standin() -> AsyncIterator[DiscordStandin]:
    async with DiscordStandin() as server:
        yield server
    assert server.violations == [], "the bot sent requests Discord would reject"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def discord_app(tmp_path: Path, clock: Clock) -> AsyncIterator[App]:
    config = parse({"storage": {"url": f"sqlite:///{tmp_path}/connects.db"}}, env={})
    application = await create_app(config, clock)
    yield application
    await application.close()


@pytest.fixture
async def world(standin: DiscordStandin, discord_app: App) -> AsyncIterator[World]:
    owner = standin.add_user("Olive")
    member = standin.add_user("Sam")
    outsider = standin.add_user("Otto")
    admin = standin.add_user("Ada")
    guild = standin.add_guild("Agency", owner)
    guild.admins.add(admin.id)
    other = standin.add_guild("Elsewhere", outsider)
    stop = asyncio.Event()
    platform = runner.DiscordPlatform(discord_app, discord_config(standin))
    task = asyncio.create_task(serve(discord_app, [platform], stop))
    await standin.wait_ready()
    yield World(standin, discord_app, owner, member, outsider, admin, guild, other, task, stop)
    stop.set()
    await asyncio.wait_for(task, 10)
