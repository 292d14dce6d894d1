"""Notices on Discord: pool warnings in their channel, personal notices as direct messages."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from adapters.discord.render import text as rendered
from adapters.discord.render import view
from core.interface.reply import Button

CONTENT_MAX = 2000
# notices name people (<@id>) without pinging them
QUIET = discord.AllowedMentions.none()


def _cut(text: str) -> str:
    """The notice in Discord's markup (what users and posts wrote escaped, the notifier's own
    times kept), within a message's length."""
    text = rendered(text)
    return text if len(text) <= CONTENT_MAX else text[: CONTENT_MAX - 1] + "…"


class DiscordNotifier:
    """Implements :class:`core.notices.Notifier` with the bot's REST client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        """Post ``text`` in channel ``channel`` (an id) of the server ``discord:<guild id>``."""
        if not scope.startswith("discord:") or not channel.isdigit():
            raise ValueError(f"not a Discord channel: {scope} {channel}")
        target = self.client.get_partial_messageable(int(channel), guild_id=_guild(scope))
        await target.send(_cut(text), allowed_mentions=QUIET)

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` as a direct message to the user ``discord:<user id>``, with
        ``buttons`` as components under it (a click reaches the bot as any button's does)."""
        kind, _, user_id = user_key.partition(":")
        if kind != "discord" or not user_id.isdigit():
            raise ValueError(f"not a Discord user: {user_key}")
        dm = await self.client.create_dm(discord.Object(int(user_id)))
        shown = view(list(buttons))
        if shown is None:
            await dm.send(_cut(text), allowed_mentions=QUIET)
        else:
            await dm.send(_cut(text), allowed_mentions=QUIET, view=shown)

    def format_time(self, ts: int) -> str:
        """A Discord timestamp: each reader sees it in their own time zone and language."""
        return f"<t:{ts}:R>"


def _guild(scope: str) -> int | None:
    tail = scope.partition(":")[2]
    return int(tail) if tail.isdigit() else None
