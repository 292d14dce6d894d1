"""Helpers for the Discord adapter tests: a running bot and the people around it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from adapters.discord.config import DiscordConfig
from bot.settings import parse
from core.app import App
from tests.discord_standin import DiscordStandin, Guild, Sent, User


class Clock:
    """The core's clock, moved by hand (UTC epoch seconds)."""

    def __init__(self) -> None:
        self.now = int(time.time())

    def __call__(self) -> int:
        return self.now


@dataclass
class World:
    """A running bot, the stand-in it talks to, and a few people in two servers."""

    standin: DiscordStandin
    app: App
    owner: User  # owns the server "Agency"
    member: User
    outsider: User  # owns another server
    admin: User  # has Manage Server in "Agency"
    guild: Guild
    other_guild: Guild
    task: asyncio.Task[None]
    stop: asyncio.Event


def discord_config(standin: DiscordStandin, **extra: object) -> DiscordConfig:
    """A ``[discord]`` section pointing at the stand-in."""
    values = {
        "token": standin.token,
        "api_base": standin.api_base,
        "gateway_url": standin.gateway_url,
        "cdn_hosts": [standin.cdn_base],
        **extra,
    }
    return parse({"discord": values}, env={}).section(DiscordConfig)


def button(sent: Sent, action: str) -> str:
    """The custom id of the button for ``action`` on a message."""
    for b in sent.buttons():
        if str(b.get("custom_id", "")).startswith(f"cb:{action}:"):
            return str(b["custom_id"])
    raise AssertionError(f"no {action} button on {sent.data}")
