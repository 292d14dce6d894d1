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

from tests.discord_standin import DiscordStandin, SpecChecker, bulk_problems, command_problems


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

        class Ask(discord.ui.Modal, title="Ask"):
            question: discord.ui.Label[Any] = discord.ui.Label(
                text="Question",
                component=discord.ui.TextInput(style=discord.TextStyle.paragraph, max_length=50),
            )

            @property
            def value(self) -> str:
                field = self.question.component
                assert isinstance(field, discord.ui.TextInput)
                return field.value

            async def on_submit(self, interaction: discord.Interaction) -> None:
                if self.value == "again":  # a modal in answer to a modal: refused
                    seen["refused"] = None
                    try:
                        await interaction.response.send_modal(Ask())
                    except discord.HTTPException as exc:
                        seen["refused"] = exc.status
                    return
                await interaction.response.send_message(f"asked: {self.value}")

        @tree.command(description="Opens a modal")
        async def ask(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Ask(custom_id="ask-modal"))

        @tree.command(description="Answers, then follows up n times")
        @app_commands.allowed_installs(guilds=True, users=True)
        @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
        async def chatty(interaction: discord.Interaction, n: int = 1) -> None:
            await interaction.response.send_message("first", ephemeral=True)
            refused = []
            for i in range(n):
                try:
                    await interaction.followup.send(f"more {i + 1}", ephemeral=True)
                except discord.HTTPException as exc:
                    refused.append(exc.status)
            seen["refused_followups"] = refused

        @tree.context_menu(name="Echo text")
        async def echo(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(
                f"{message.author.name}: {message.content}", ephemeral=True
            )

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
    assert [(c["name"], c["type"]) for c in sd.commands[None]] == [
        ("ping", 1),
        ("report", 1),
        ("ask", 1),
        ("chatty", 1),
        ("Echo text", 3),
    ]
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


async def test_modal_opens_and_its_submission_arrives(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """A modal callback (type 9) is checked against the spec; the test submits it as Discord's
    client would (type 5), refusing what the client would not send."""
    sd, _, _ = plain_bot
    user = sd.add_user("Sam")
    guild = sd.add_guild("Modals", user)
    modal = await (await sd.slash("ask", user, guild)).first()
    assert modal.type == 9 and modal.data["custom_id"] == "ask-modal"
    [field] = modal.inputs()
    assert field["style"] == 2 and field["max_length"] == 50
    with pytest.raises(ValueError, match="required"):
        await sd.submit(modal, user, guild)
    with pytest.raises(ValueError):
        await sd.submit(modal, user, guild, **{field["custom_id"]: "x" * 51})
    rec = await sd.submit(modal, user, guild, **{field["custom_id"]: "why:\n'this'?"})
    assert rec.payload["type"] == 5
    answer = await rec.first()
    assert answer.type == 4 and answer.content == "asked: why:\n'this'?"
    assert sd.violations == []


async def test_modal_is_no_answer_to_a_submission(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """Discord takes no modal in answer to a modal submission: a 400 and a violation."""
    sd, _, seen = plain_bot
    user = sd.add_user("Sam")
    modal = await (await sd.slash("ask", user, None)).first()
    rec = await sd.submit(modal, user, None, **{modal.inputs()[0]["custom_id"]: "again"})
    await sd.wait_for(lambda: rec.rejected)
    await sd.wait_for(lambda: seen.get("refused"))
    assert seen["refused"] == 400 and rec.callback is None
    assert sd.violations == ["callback type 9 is not allowed for interaction type 5"]
    sd.violations.clear()


async def test_message_command_reads_the_resolved_message(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """A message command (type 3) carries its target in data.resolved.messages."""
    sd, _, _ = plain_bot
    author, user = sd.add_user("Poster"), sd.add_user("Reader")
    guild = sd.add_guild("Menus", author)
    target = sd.user_message(author, "hello: 'world'", guild)
    sent = await (await sd.message_command("Echo text", target, user, guild)).first()
    assert sent.type == 4 and sent.ephemeral and sent.content == "poster: hello: 'world'"
    dm = sd.user_message(author, "in a DM")
    sent = await (await sd.message_command("Echo text", dm, author, None)).first()
    assert sent.content == "poster: in a DM"
    with pytest.raises(LookupError):
        await sd.message_command("ping", target, user, guild)
    assert sd.violations == []


def test_message_commands_follow_their_own_limits() -> None:
    """A MESSAGE command may have capitals and spaces; it takes no description or options;
    only a few are allowed."""
    menu = {"name": "Quote this job", "type": 3}
    assert command_problems(menu) == []
    assert command_problems({**menu, "description": ""}) == []
    assert command_problems({**menu, "description": "Quote it"})
    assert command_problems({**menu, "options": [{"type": 3, "name": "x", "description": "d"}]})
    assert command_problems({**menu, "name": "x" * 33})
    assert command_problems({**menu, "type": 1})  # a slash command name has no capitals
    assert bulk_problems([menu, {"name": "quote", "description": "Price a job"}]) == []
    assert bulk_problems([menu, menu])
    assert bulk_problems([{**menu, "name": f"Menu {i}"} for i in range(6)])
    checker = SpecChecker()
    path = "/applications/1/commands"
    assert checker.check("PUT", path, [menu], "application/json") == []
    modal = {
        "type": 9,
        "data": {
            "custom_id": "connects:form:paste",
            "title": "Quote a job post",
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 4, "custom_id": "post", "style": 2, "label": "Post"},
                    ],
                }
            ],
        },
    }
    cb = "/interactions/1/tok/callback"
    assert checker.check("POST", cb, modal, "application/json") == []
    too_long = {**modal, "data": {**modal["data"], "title": "x" * 46}}
    assert checker.check("POST", cb, too_long, "application/json")


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


async def test_user_installed_interactions_take_five_follow_ups(
    plain_bot: tuple[DiscordStandin, discord.Client, dict[str, Any]],
) -> None:
    """Where only the user's install authorizes an interaction (a server without the bot, a
    group DM), Discord takes five follow-ups and refuses the sixth; where the bot is, no such
    cap. The sync body carries the command's installs and contexts."""
    sd, _, seen = plain_bot
    [chatty] = [c for c in sd.commands[None] if c["name"] == "chatty"]
    assert (chatty["integration_types"], chatty["contexts"]) == ([0, 1], [0, 1, 2])
    sam = sd.add_user("Sam")
    sd.install_to(sam)
    bare = sd.add_guild("Bare", sam, bot=False)
    rec = await sd.slash("chatty", sam, bare, n=6)
    await sd.wait_for(lambda: "refused_followups" in seen)
    assert rec.owners == {"1": str(sam.id)}
    assert sum(s.kind == "followup" for s in rec.sent) == 5
    assert seen.pop("refused_followups") == [400]
    assert sd.violations == ["follow-up 6 to a user-installed interaction (max 5)"]
    sd.violations.clear()
    home = sd.add_guild("Home", sam)
    rec = await sd.slash("chatty", sam, home, n=6)
    await sd.wait_for(lambda: "refused_followups" in seen)
    assert seen["refused_followups"] == [] and sd.violations == []
