"""Starts the Discord adapter: the entry points the command line calls.

``api_base`` and ``gateway_url`` are applied through discord.py's own mechanisms: the base of its
REST routes (:attr:`discord.http.Route.BASE`, also used by interaction webhooks) and its default
gateway (:attr:`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`, used by plain and sharded
clients alike).
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.config import DiscordConfig
from adapters.served import Served, cancel
from core.app import App

from .bot import client as make_client
from .notify import DiscordNotifier
from .quiet import skip_voice_warnings

log = logging.getLogger("connects.discord")

# what the bot needs in a channel: see it, post replies and notices, embeds, files
PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)
SCOPES = ("bot", "applications.commands")
#: a user install adds only the commands: the bot joins no server, so it asks no permission
USER_SCOPES = ("applications.commands",)
# Discord's installation contexts (the OAuth2 ``integration_type``)
GUILD_INSTALL, USER_INSTALL = 0, 1


class DiscordStartError(RuntimeError):
    """The adapter cannot start (no token, or Discord refused it); the message says why."""


@dataclass(frozen=True, slots=True)
class InstallLink:
    """One way to add the app: what it is for, its OAuth2 URL, the scopes and permissions it
    asks for."""

    title: str
    url: str
    scopes: tuple[str, ...]
    permissions: tuple[str, ...]

    def lines(self) -> list[str]:
        """The link as ``connects-bot discord-invite`` prints it."""
        return [
            f"{self.title}:",
            f"  scopes: {' '.join(self.scopes)}",
            f"  permissions: {', '.join(self.permissions) or 'none'}",
            f"  {self.url}",
        ]


_ALIASES = {"read_messages": "view_channel"}


def permission_names(permissions: discord.Permissions) -> tuple[str, ...]:
    """``View Channel, Send Messages``: the names Discord's install screen shows (discord.py
    iterates View Channel under its older name, ``read_messages``)."""
    names = (_ALIASES.get(name, name) for name, on in permissions if on)
    return tuple(name.replace("_", " ").title() for name in names)


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot to a server with its commands and permissions."""
    url = discord.utils.oauth_url(application_id, permissions=PERMISSIONS, scopes=SCOPES)
    return f"{url}&integration_type={GUILD_INSTALL}"


def user_install_url(application_id: int) -> str:
    """The OAuth2 URL that adds the app's commands to the visitor's own account (Discord's
    user install: the app must allow it under Installation in the Developer Portal)."""
    url = discord.utils.oauth_url(application_id, scopes=USER_SCOPES)
    return f"{url}&integration_type={USER_INSTALL}"


def install_links(application_id: int) -> list[InstallLink]:
    """Both ways to add the app: to a server (pools, notices, everything), and to a user's own
    account (the personal commands in any server, DM or group DM, answered privately)."""
    return [
        InstallLink(
            "Add to a server (its owner or a member with Manage Server)",
            invite_url(application_id),
            SCOPES,
            permission_names(PERMISSIONS),
        ),
        InstallLink(
            "Add to your own account (any server, DMs and group DMs; answers are private)",
            user_install_url(application_id),
            USER_SCOPES,
            (),
        ),
    ]


def configure_endpoints(config: DiscordConfig) -> None:
    """Point discord.py at ``api_base`` (REST) and ``gateway_url`` (websocket)."""
    # discord.py internal Route.BASE: its REST base, no public setting (pyproject bounds it)
    Route.BASE = config.api_base.rstrip("/") or DiscordConfig().api_base
    # discord.py internal DiscordWebSocket.DEFAULT_GATEWAY: its gateway (pyproject bounds it)
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url or "wss://gateway.discord.gg/")


class DiscordPlatform(Served):
    """The Discord gateway and application commands, as one platform of the bot."""

    name = "discord"

    def __init__(self, app: App, config: DiscordConfig, *, sync: bool = True) -> None:
        super().__init__()
        self.app = app
        self.config = config
        self.sync = sync
        self._bot: discord.Client | None = None

    async def connected(self) -> tuple[bool, str]:
        """Ready when the gateway session is up (discord.py's ``is_ready``) and not closed."""
        bot = self._bot
        if bot is None or bot.is_closed():
            return False, "gateway closed"
        if not bot.is_ready():
            return False, "gateway connecting"
        return True, "gateway connected"

    def shard_latencies(self) -> list[tuple[int, float]]:
        bot = self._bot
        if bot is None or not bot.is_ready():
            return []
        if isinstance(bot, discord.AutoShardedClient):
            pairs = list(bot.latencies)
        else:
            pairs = [(bot.shard_id or 0, bot.latency)]
        return [(shard, seconds) for shard, seconds in pairs if math.isfinite(seconds)]

    async def serve(self, stop: asyncio.Event) -> None:
        """Log in, sync commands when asked, serve until ``stop`` is set, then close."""
        config = self.config
        if not config.token:
            raise DiscordStartError("no Discord token: set [discord] token or DISCORD_TOKEN")
        configure_endpoints(config)
        bot = make_client(self.app, config, sync=self.sync)
        self._bot = bot
        async with bot:
            await _login(bot, config)
            log.info("logged in to Discord as %s (application %s)", bot.user, bot.application_id)
            self.ready(DiscordNotifier(bot))
            connect = asyncio.create_task(bot.connect(reconnect=True), name="discord-gateway")
            stopped = asyncio.create_task(stop.wait(), name="discord-stop")
            try:
                done, _ = await asyncio.wait(
                    {connect, stopped}, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                stopped.cancel()
                await bot.close()
                await cancel(connect)
            if connect in done and not stop.is_set():
                failure = connect.exception()
                if failure is not None:
                    raise DiscordStartError(f"Discord gateway closed: {failure}") from failure
            log.info("Discord adapter stopped")


async def _login(bot: discord.Client, config: DiscordConfig) -> None:
    """Log in with the token; a refusal or an unreachable Discord is one clear line."""
    try:
        await bot.login(config.token)
    except discord.LoginFailure:
        raise DiscordStartError("Discord refused the token (check DISCORD_TOKEN)") from None
    except discord.HTTPException as exc:
        raise DiscordStartError(f"cannot log in to Discord: {exc}") from None


async def fetch_application_id(config: DiscordConfig) -> int:
    """The bot's application id: from the config, else asked from Discord with the token."""
    if config.application_id:
        return config.application_id
    if not config.token:
        raise DiscordStartError("no Discord token: set [discord] token or DISCORD_TOKEN")
    configure_endpoints(config)
    skip_voice_warnings()
    bot = discord.Client(intents=discord.Intents.none())
    async with bot:
        await _login(bot, config)
        if bot.application_id is None:  # pragma: no cover - login always sets it
            raise DiscordStartError("Discord did not say which application this token is")
        return bot.application_id
