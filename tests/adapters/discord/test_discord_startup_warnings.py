"""Starting the Discord adapter says nothing about voice, which the bot does not use, and
hides no other warning."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import warnings

import pytest
from discord.voice_client import VoiceClient

from adapters.discord import runner
from adapters.discord.bot import client
from bot.platforms import serve
from core.app import App
from tests.adapters.discord.helpers import discord_config
from tests.discord_standin import DiscordStandin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture
def fresh_voice_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py warns once per process, when its first client is built, and only when a
    voice library is missing: put its flags back as in a fresh process without them."""
    monkeypatch.setattr(VoiceClient, "warn_nacl", True)
    if hasattr(VoiceClient, "warn_dave"):
        monkeypatch.setattr(VoiceClient, "warn_dave", True)


def voice_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if any(w in r.getMessage() for w in ("voice", "PyNaCl", "davey"))
    ]


async def test_starting_the_adapter_logs_nothing_about_voice(
    standin: DiscordStandin,
    discord_app: App,
    caplog: pytest.LogCaptureFixture,
    fresh_voice_flags: None,
) -> None:
    """The adapter's client logs in, connects and stops without a word about voice; other
    warnings of discord.py's client logger still get through."""
    stop = asyncio.Event()
    with caplog.at_level(logging.DEBUG):
        task = asyncio.create_task(
            serve(discord_app, [runner.DiscordPlatform(discord_app, discord_config(standin))], stop)
        )
        await standin.wait_ready()
        stop.set()
        await asyncio.wait_for(task, 10)
        logging.getLogger("discord.client").warning("an unrelated discord.py warning")
    assert voice_lines(caplog) == []
    assert "an unrelated discord.py warning" in caplog.text
    assert any(r.name.startswith("discord.") for r in caplog.records)  # discord.py still logs


@pytest.mark.parametrize("shard_count", [0, 2])
def test_building_either_client_logs_nothing_about_voice(
    discord_app: App,
    standin: DiscordStandin,
    caplog: pytest.LogCaptureFixture,
    fresh_voice_flags: None,
    shard_count: int,
) -> None:
    """Neither the plain nor the sharded client warns about voice when built."""
    with caplog.at_level(logging.DEBUG):
        client(discord_app, discord_config(standin, shard_count=shard_count))
    assert voice_lines(caplog) == []


async def test_looking_up_the_application_id_logs_nothing_about_voice(
    standin: DiscordStandin, caplog: pytest.LogCaptureFixture, fresh_voice_flags: None
) -> None:
    """``connects-bot discord-invite`` builds a client of its own: silent about voice too."""
    with caplog.at_level(logging.DEBUG):
        app_id = await runner.fetch_application_id(discord_config(standin))
    assert app_id
    assert voice_lines(caplog) == []


PROBE = """
import logging, sys, warnings
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
import adapters.discord.runner  # imports discord, and with it discord.player
from adapters.discord.bot import client
from adapters.discord.config import DiscordConfig
client(object(), DiscordConfig(token="x"), sync=False)
warnings.warn_explicit("another discord.player deprecation", DeprecationWarning,
                       "player.py", 1, module="discord.player")
warnings.warn("an unrelated deprecation", DeprecationWarning)
logging.getLogger("discord.client").warning("an unrelated discord.py warning")
"""


def test_a_fresh_process_shows_no_voice_or_audioop_warning_and_every_other() -> None:
    """In a new process with every warning shown (``-W default``), importing the adapter and
    building its client prints neither the voice warnings nor the ``audioop`` deprecation,
    while other deprecations, discord.player's included, and discord.py warnings still show."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    env["PYTHONPATH"] = ROOT
    out = subprocess.run(
        [sys.executable, "-W", "default", "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    err = out.stderr
    for noise in ("audioop", "PyNaCl", "davey", "voice"):
        assert noise not in err, err
    for kept in (
        "another discord.player deprecation",
        "an unrelated deprecation",
        "an unrelated discord.py warning",
    ):
        assert kept in err, err


def test_the_audioop_filter_is_that_message_from_that_module_only() -> None:
    """The installed filter ignores the audioop deprecation from discord.player and nothing
    else: the same message from elsewhere, or another category, still warns."""
    from adapters.discord.quiet import ignore_audioop_deprecation

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ignore_audioop_deprecation()
        for module, category in (
            ("discord.player", DeprecationWarning),
            ("someone.else", DeprecationWarning),
            ("discord.player", UserWarning),
        ):
            warnings.warn_explicit(
                "'audioop' is deprecated and slated for removal in Python 3.13",
                category,
                "x.py",
                1,
                module=module,
            )
    assert [(str(w.message)[:9], w.category) for w in caught] == [
        ("'audioop'", DeprecationWarning),
        ("'audioop'", UserWarning),
    ]
