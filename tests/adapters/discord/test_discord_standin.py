"""The stand-in itself: a plain discord.py bot can use it, and it refuses what Discord would."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.discord_standin import DiscordStandin, SpecChecker, command_problems


@pytest.fixture
async def plain_bot() -> AsyncIterator[tuple[DiscordStandin, discord.Client, dict[str, Any]]]:
    """A do-nothing discord.py bot with one command, connected to a fresh stand-in."""
    async with DiscordStandin(heartbeat_interval_ms=50) as sd:
        Route.BASE = sd.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sd.gateway_url)
        client = discord.Client(intents=discord.Intents(guilds=True))
        tree = app_commands.CommandTree(client)
        seen: dict[str, Any] = {}

        @tree.command(description="Answers pong")
        async def ping(interaction: discord.Interaction, title: str = "pong") -> None:
            seen["guild"] = interaction.guild_id
            await interaction.response.send_message(
                embed=discord.Embed(title=title), ephemeral=True
            )

        @tree.command(description="Sends a file, later")
        async def report(interaction: discord.Interaction, later: bool = False) -> None:
            file = discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="report.csv")
            if later:
                await interaction.response.defer(ephemeral=True, thinking=True)
                await interaction.followup.send("here", file=file, ephemeral=True)
            else:
                await interaction.response.send_message("here", file=file, ephemeral=True)

        async def setup_hook() -> None:
            await tree.sync()

        client.setup_hook = setup_hook  # type: ignore[method-assign]
        await client.login(sd.token)
        task = asyncio.create_task(client.connect())
        await sd.wait_ready()
        yield sd, client, seen
        await client.close()
        await task


async def test_plain_bot_logs_in_syncs_and_answers(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """Login, command sync, READY/GUILD_CREATE, heartbeats and an interaction round trip."""
    sd, client, seen = plain_bot
    owner = sd.add_user("Olive")
    guild = sd.add_guild("Late", owner)
    assert [c["name"] for c in sd.commands[None]] == ["ping", "report"]
    assert client.user is not None and client.user.id == sd.bot.id
    sent = await (await sd.slash("ping", owner, guild)).first()
    assert sent.type == 4 and sent.ephemeral
    assert sent.embeds[0]["title"] == "pong"
    assert seen["guild"] == guild.id
    await sd.wait_for(lambda: sd.sessions[0].heartbeats >= 2)
    assert sd.violations == []


async def test_body_discord_would_reject_is_refused(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """An embed title over 256 characters gets Discord's 400 and is recorded as a violation."""
    sd, _, _ = plain_bot
    user = sd.add_user("Sam")
    rec = await sd.slash("ping", user, None, title="x" * 300)
    await sd.wait_for(lambda: sd.violations)
    assert "embeds/0/title" in sd.violations[0]
    assert rec.callback is None
    sd.violations.clear()


def test_checker_knows_discords_routes() -> None:
    """Bodies are matched to Discord's own operations; a wrong type or an unknown route fails."""
    checker = SpecChecker()
    cb = "/interactions/1/tok/callback"
    assert (
        checker.check("POST", cb, {"type": 4, "data": {"content": "hi"}}, "application/json") == []
    )
    assert checker.check("POST", cb, {"type": 4, "data": {"flags": "x"}}, "application/json")
    assert checker.check("POST", "/no/such/route", {}, "application/json")
    bad_button = {
        "type": 4,
        "data": {
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "c" * 101}],
                }
            ]
        },
    }
    assert checker.check("POST", cb, bad_button, "application/json")


def test_command_limits_are_enforced() -> None:
    """Names, description lengths, option order and counts follow Discord's documented rules."""
    good = {
        "name": "quote",
        "description": "Price a job",
        "options": [{"type": 4, "name": "price", "description": "Dollars", "required": True}],
    }
    assert command_problems(good) == []
    assert command_problems({**good, "name": "Quote"})
    assert command_problems({**good, "description": "x" * 101})
    assert command_problems(
        {**good, "options": [{"type": 4, "name": f"o{i}", "description": "d"} for i in range(26)]}
    )
    assert command_problems(
        {
            **good,
            "options": [
                {"type": 4, "name": "a", "description": "d"},
                {"type": 4, "name": "b", "description": "d", "required": True},
            ],
        }
    )


async def test_files_in_callbacks_and_follow_ups(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """A multipart callback and a multipart webhook follow-up both carry their file."""
    sd, _, _ = plain_bot
    user = sd.add_user("Sam")
    now = await (await sd.slash("report", user, None)).first()
    assert now.type == 4 and now.files[0][0] == "report.csv"
    rec = await sd.slash("report", user, None, later=True)
    assert (await rec.first()).type == 5
    later = await rec.final()
    assert later.kind == "followup" and later.files[0][2] == b"a,b\n1,2\n"
    assert sd.violations == []
