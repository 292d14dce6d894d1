"""Entry points the command line calls: :func:`run` serves Slack, :func:`manifest` describes it.

Imported lazily by ``bot.cli`` so the console path never loads slack_bolt.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from adapters.served import Served
from adapters.slack import manifest as _manifest
from adapters.slack.config import SlackConfig
from adapters.slack.handlers import SlackAdapter, web_client
from adapters.slack.identity import api_error
from adapters.slack.installs import Workspaces
from adapters.slack.notify import SlackNotifier
from adapters.slack.sealing import BadKey, Sealer, parse_key
from adapters.slack.server import HttpServer, SocketHandler
from core.app import App

log = logging.getLogger(__name__)


class ConfigurationError(ValueError):
    """The ``[slack]`` section lacks what the chosen mode needs."""


def check(config: SlackConfig) -> None:
    """Raise :class:`ConfigurationError` naming the missing setting, if any."""
    if config.oauth:
        _check_oauth(config)
        return
    if not config.bot_token:
        raise ConfigurationError("slack.bot_token (or SLACK_BOT_TOKEN) is not set")
    if config.mode == "socket" and not config.app_token:
        raise ConfigurationError(
            "slack.mode is 'socket' but slack.app_token (or SLACK_APP_TOKEN) is not set"
        )
    if config.mode == "http" and not config.signing_secret:
        raise ConfigurationError(
            "slack.mode is 'http' but slack.signing_secret (or SLACK_SIGNING_SECRET) is not set"
        )


def _check_oauth(config: SlackConfig) -> None:
    if config.mode != "http":
        raise ConfigurationError(
            "slack.client_id is set (many workspaces), which needs slack.mode = 'http'"
        )
    if not config.client_secret:
        raise ConfigurationError("slack.client_secret (or SLACK_CLIENT_SECRET) is not set")
    if not config.signing_secret:
        raise ConfigurationError("slack.signing_secret (or SLACK_SIGNING_SECRET) is not set")
    try:
        parse_key(config.token_key)
    except BadKey as exc:
        raise ConfigurationError(str(exc)) from None


#: How often a process looks for removed workspaces whose retention period has passed.
PURGE_EVERY = 60 * 60


class SlackPlatform(Served):
    """Slack in the configured mode (Socket Mode or HTTP), as one platform of the bot."""

    name = "slack"

    def __init__(self, app: App, config: SlackConfig) -> None:
        super().__init__()
        self.app = app
        self.config = config
        self._http: HttpServer | None = None
        self._socket: SocketHandler | None = None

    async def connected(self) -> tuple[bool, str]:
        """HTTP mode: ready once the listener is bound; Socket Mode: while the socket is
        connected (slack_sdk's ``is_connected``: open, not stale, answering pings)."""
        if self._http is not None:
            return (True, "HTTP listener bound") if self._http.bound else (False, "not bound")
        if self._socket is not None and await self._socket.client.is_connected():
            return True, "socket connected"
        return False, "socket not connected"

    async def serve(self, stop: asyncio.Event) -> None:
        """Serve Slack until ``stop`` is set, then close cleanly: requests in flight finish
        and get their answers."""
        config = self.config
        check(config)
        session = aiohttp.ClientSession()  # one connection pool for every Web API call
        purging: asyncio.Task[None] | None = None
        try:
            workspaces = None
            if config.oauth:
                workspaces = Workspaces(
                    self.app.store,
                    Sealer(parse_key(config.token_key)),
                    config.client_id,
                    config.client_secret,
                    lambda token: web_client(config, session, token),
                    self.app.services.clock,
                )
                purging = asyncio.create_task(_purge_every(workspaces, config.retention_days))
            adapter = SlackAdapter(
                self.app, config, client=web_client(config, session), workspaces=workspaces
            )
            if workspaces is None:
                team_id = await _introduce(adapter)
                self.ready(SlackNotifier(adapter.client, team_id))
            else:
                log.info("Slack: serving every workspace that installs the app (OAuth)")
                self.ready(SlackNotifier(adapter.client, clients=adapter.client_for))
            if config.mode == "http":
                server = HttpServer(
                    adapter.bolt,
                    config.host,
                    config.port,
                    config.path,
                    signing_secret=config.signing_secret,
                )
                await server.start()
                self._http = server
                try:
                    await stop.wait()
                finally:
                    await server.stop()
            else:
                handler = SocketHandler(adapter.bolt, config.app_token)
                self._socket = handler
                handler.on_connect(self._count_connect)
                try:
                    if await handler.start(stop):
                        await stop.wait()
                finally:
                    await handler.stop()
            await adapter.drain()
        finally:
            if purging is not None:
                purging.cancel()
            await session.close()
        log.info("Slack stopped")

    _connects = 0

    def _count_connect(self) -> None:
        self._connects += 1
        self.reconnects = max(0, self._connects - 1)


async def _purge_every(workspaces: Workspaces, retention_days: int) -> None:
    """Delete removed workspaces' data once their retention period passed, hourly."""
    while True:
        try:
            await workspaces.purge_removed(retention_days)
        except Exception:
            log.exception("could not delete removed Slack workspaces' data; will try again")
        await asyncio.sleep(PURGE_EVERY)


async def _introduce(adapter: SlackAdapter) -> str | None:
    """Log who the bot is and return its workspace id; a failure (bad token, Slack down) is
    logged, not fatal."""
    try:
        resp = await adapter.client.auth_test()
        log.info(
            "Slack: connected as %s in workspace %s (%s mode)",
            resp.get("user"),
            resp.get("team"),
            adapter.config.mode,
        )
        team = resp.get("team_id")
        return str(team) if team else None
    except Exception as exc:
        log.error(
            "Slack auth.test failed (%s); commands will fail until the bot token is fixed",
            api_error(exc),
        )
        return None


def manifest(config: SlackConfig, request_url: str | None = None) -> dict[str, Any]:
    """The Slack app manifest for ``config``: HTTP mode when ``request_url`` is given or
    ``config.mode`` is ``"http"``, else Socket Mode."""
    return _manifest.build(config, request_url)
