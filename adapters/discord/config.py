"""The ``[discord]`` section of the configuration, owned by this adapter (no discord.py
import here: the composition root reads it on every start)."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.config import Section


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    """``[discord]``: the bot token, the servers to sync commands to, the API endpoints, and the
    CDN origins attachments are fetched from."""

    token: str = ""
    guild_ids: tuple[int, ...] = ()
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = ""  # empty: Discord's own
    shard_count: int = 0  # 0: not sharded
    shard_ids: tuple[int, ...] = ()
    application_id: int = 0  # for the install links; 0: asked from Discord at start
    #: the only origins attachments are downloaded from (adapters/discord/cdn.py)
    cdn_hosts: tuple[str, ...] = ("https://cdn.discordapp.com", "https://media.discordapp.net")

    def __repr__(self) -> str:
        return f"DiscordConfig(token={'***' if self.token else ''!r}, guild_ids={self.guild_ids})"


SECTION = Section("discord", DiscordConfig, env={"token": "DISCORD_TOKEN"}, secrets=("token",))
