"""Many workspaces: slack-bolt's OAuth stores on the bot's own database, and each workspace's
token, rotated once across every process that shares the database.

- :class:`InstallationStore` and :class:`StateStore` implement slack_sdk's async store
  interfaces on :mod:`core.store.tables.slack_installs` (the stores slack_sdk ships, SQLite and
  files, block the event loop and would sit beside the ledger's database, not in it).
- :class:`Workspaces` hands out a workspace's bot token (and a Web API client with it). A
  rotating token (Slack's 12-hour tokens) is refreshed when it has less than
  :data:`REFRESH_BEFORE` seconds left: one process claims the rotation of the version it read
  with a conditional ``UPDATE`` (the row's lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite),
  spends the refresh token outside the transaction, and stores the result over that version
  only. Another process that read the same version finds the claim taken and keeps using the
  token it has (still valid for up to two hours), or, once it has expired, waits for the
  winner's result. No database lock is held across the network call, and a transaction the
  store retries never spends a refresh token twice.
- :class:`RotatingAuthorize` is bolt's authorize step on :class:`Workspaces`: a request for a
  workspace without a stored token (never installed, uninstalled, revoked) is not served.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.config import SlackConfig
from adapters.slack.identity import api_error
from adapters.slack.sealing import Sealer, Tokens, Unsealable
from core.store.base import Store, Tx
from core.store.tables import slack_installs as table

log = logging.getLogger(__name__)

#: A rotating token is refreshed when it has less than this left (seconds; Slack's tokens last
#: 12 hours, bolt refreshes 2 hours ahead too).
REFRESH_BEFORE = 2 * 60 * 60
#: How long a claimed rotation may take before another process may claim it again.
ROTATION_LEASE = 60
#: How long an OAuth state (the link /slack/install hands out) stays usable.
STATE_TTL = 10 * 60

Clock = Callable[[], int]


def _now() -> int:
    return int(time.time())


_FAILED = object()  # a refresh this process tried failed


class NotInstalled(LookupError):
    """The workspace has no usable token (never installed, removed, or its row unreadable)."""


class InstallationStore(AsyncInstallationStore):
    """Installations in ``slack_installs``, tokens sealed. One installation per workspace: the
    bot's; enterprise-wide (org) installs are refused."""

    def __init__(self, store: Store, sealer: Sealer, clock: Clock = _now) -> None:
        self._store = store
        self._sealer = sealer
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        team_id = installation.team_id
        if installation.is_enterprise_install or not team_id:
            raise ValueError("org-wide installs are not supported; install to one workspace")
        if not installation.bot_token:
            raise ValueError("the installation has no bot token")
        tokens = Tokens(installation.bot_token, installation.bot_refresh_token)
        new = table.NewInstall(
            team_id=team_id,
            enterprise_id=installation.enterprise_id,
            app_id=installation.app_id,
            bot_id=installation.bot_id,
            bot_user_id=installation.bot_user_id,
            bot_scopes=",".join(installation.bot_scopes or []),
            installer=installation.user_id,
            sealed=self._sealer.seal(team_id, tokens),
            expires_at=_opt_int(installation.bot_token_expires_at),
        )
        now = self._clock()

        async def save(tx: Tx) -> None:
            await table.save(tx, new, now)

        await self._store.write(save)
        log.info("Slack workspace %s installed the app", team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        raise NotImplementedError("installations are saved whole (async_save)")

    async def _open(self, team_id: str | None) -> tuple[table.Install, Tokens] | None:
        if not team_id:
            return None
        row = await self._store.read(lambda tx: table.find(tx, team_id), quick=True)
        if row is None or row.sealed is None:
            return None
        try:
            return row, self._sealer.open(team_id, row.sealed)
        except Unsealable as exc:
            log.error("Slack workspace %s: %s", team_id, exc)
            return None

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's bot: its installation's (one reading of the row for both)."""
        found = await self.async_find_installation(enterprise_id=enterprise_id, team_id=team_id)
        return None if found is None else found.to_bot()

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self._open(team_id)
        if found is None:
            return None
        row, tokens = found
        return Installation(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id,
            team_id=row.team_id,
            bot_token=tokens.bot_token,
            bot_refresh_token=tokens.refresh_token,
            bot_token_expires_at=row.expires_at,
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes,
            user_id=row.installer or "",
            installed_at=float(row.installed_at),
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.remove(team_id)

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        await self.remove(team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.remove(team_id)

    async def remove(self, team_id: str | None) -> bool:
        """Drop the workspace's tokens now (its data stays for the retention period)."""
        if not team_id:
            return False
        now = self._clock()

        async def remove(tx: Tx) -> bool:
            return await table.remove(tx, team_id, now)

        return await self._store.write(remove)


def _opt_int(value: object) -> int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int | float | str) else None


class StateStore(AsyncOAuthStateStore):
    """OAuth states in ``slack_oauth_states``: random, used once, for :data:`STATE_TTL`."""

    def __init__(self, store: Store, clock: Clock = _now, ttl: int = STATE_TTL) -> None:
        self._store = store
        self._clock = clock
        self._ttl = ttl

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()

        async def issue(tx: Tx) -> None:
            await table.issue_state(tx, state, now + self._ttl, now)

        await self._store.write(issue)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        now = self._clock()

        async def consume(tx: Tx) -> bool:
            return await table.consume_state(tx, state, now)

        return await self._store.write(consume)


class Workspaces:
    """Each workspace's bot token and a Web API client with it; rotation as the module says."""

    def __init__(
        self,
        store: Store,
        sealer: Sealer,
        client_id: str,
        client_secret: str,
        make_client: Callable[[str | None], AsyncWebClient],
        clock: Clock = _now,
        *,
        wait: float = 20.0,
    ) -> None:
        self._store = store
        self._sealer = sealer
        self._client_id = client_id
        self._client_secret = client_secret
        self._make_client = make_client
        self._clock = clock
        self._wait = wait
        self.installations = InstallationStore(store, sealer, clock)
        self.states = StateStore(store, clock)
        self.refreshes = 0  # refresh tokens this process spent

    async def _row(self, team_id: str) -> table.Install | None:
        return await self._store.read(lambda tx: table.find(tx, team_id), quick=True)

    async def token(self, team_id: str) -> str:
        """The workspace's bot token, rotated first when it is about to expire; raises
        :class:`NotInstalled` when it has none."""
        return (await self.current(team_id))[1]

    async def current(self, team_id: str) -> tuple[table.Install, str]:
        """The workspace's installation and bot token (see :meth:`token`)."""
        deadline = time.monotonic() + self._wait
        while True:
            row = await self._row(team_id)
            if row is None or row.sealed is None:
                raise NotInstalled(team_id)
            try:
                tokens = self._sealer.open(team_id, row.sealed)
            except Unsealable as exc:
                log.error("Slack workspace %s: %s", team_id, exc)
                raise NotInstalled(team_id) from None
            now = self._clock()
            if row.expires_at is None or tokens.refresh_token is None:
                return row, tokens.bot_token
            if row.expires_at - now > REFRESH_BEFORE:
                return row, tokens.bot_token
            rotated = await self._rotate(row, tokens, now)
            if isinstance(rotated, str):
                return row, rotated
            # another process holds the rotation (its token is stored soon), or this one's
            # refresh failed: the current token serves while it lasts
            if row.expires_at > now:
                return row, tokens.bot_token
            if rotated is _FAILED or time.monotonic() > deadline:
                raise NotInstalled(team_id)  # expired and not refreshed: no retry storm
            await asyncio.sleep(0.05)

    async def _rotate(self, row: table.Install, tokens: Tokens, now: int) -> str | object | None:
        """Claim and perform one rotation: the new bot token; ``None`` when another process
        claimed it; :data:`_FAILED` when the refresh failed (logged, the claim released)."""
        team_id, claim = row.team_id, secrets.token_hex(16)

        async def take(tx: Tx) -> bool:
            return await table.claim_rotation(
                tx, team_id, row.version, claim, now, now + ROTATION_LEASE
            )

        if not await self._store.write(take):
            return None
        try:
            self.refreshes += 1
            resp = await self._make_client(None).oauth_v2_access(
                client_id=self._client_id,
                client_secret=self._client_secret,
                grant_type="refresh_token",
                refresh_token=tokens.refresh_token,
            )
            fresh = Tokens(str(resp["access_token"]), resp.get("refresh_token"))
            expires_in = resp.get("expires_in")
        except (SlackApiError, SlackClientError, aiohttp.ClientError, OSError, KeyError) as exc:
            log.error("Slack workspace %s: token refresh failed: %s", team_id, api_error(exc))

            async def release(tx: Tx) -> None:
                await table.release_rotation(tx, team_id, claim)

            await self._store.write(release)
            return _FAILED
        sealed = self._sealer.seal(team_id, fresh)
        expires = self._clock() + int(expires_in) if expires_in else None

        async def store(tx: Tx) -> bool:
            return await table.store_rotation(tx, team_id, row.version, sealed, expires, now)

        if not await self._store.write(store):
            log.warning("Slack workspace %s changed during a token refresh", team_id)
        log.info("Slack workspace %s: bot token rotated", team_id)
        return fresh.bot_token

    async def client(self, team_id: str) -> AsyncWebClient:
        """A Web API client with the workspace's bot token; raises :class:`NotInstalled`."""
        return self._make_client(await self.token(team_id))

    async def remove(self, team_id: str) -> bool:
        """Drop the workspace's tokens now; its data stays for the retention period."""
        return await self.installations.remove(team_id)

    async def purge_removed(self, retention_days: int) -> list[str]:
        """Delete the data of every workspace removed more than ``retention_days`` ago;
        the workspaces purged."""
        cutoff = self._clock() - retention_days * 86_400
        due = await self._store.read(lambda tx: table.removed_before(tx, cutoff))
        for team_id in due:

            async def purge(tx: Tx, team_id: str = team_id) -> None:
                # read again inside the write: a workspace that installed again meanwhile stays
                row = await table.find(tx, team_id)
                if row is not None and row.removed_at is not None and row.removed_at < cutoff:
                    await table.purge(tx, team_id)

            await self._store.write(purge)
            log.info("Slack workspace %s: data deleted after the retention period", team_id)
        return due


class RotatingAuthorize(AsyncAuthorize):
    """bolt's authorize step: the request's workspace token from :class:`Workspaces`."""

    def __init__(self, workspaces: Workspaces) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._workspaces = workspaces

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        if not team_id:
            return None
        try:
            row, token = await self._workspaces.current(team_id)
        except NotInstalled:
            log.warning("a request for Slack workspace %s, which has no token", team_id)
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token,
            bot_id=row.bot_id,
            bot_user_id=row.bot_user_id,
            user_id=user_id,
        )


# -- bolt's OAuth flow ----------------------------------------------------------------------------

_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Connects bot</title></head>"
    "<body style='font-family:sans-serif;max-width:36em;margin:4em auto'>{body}</body></html>"
)


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    team = html.escape(args.installation.team_name or args.installation.team_id or "")
    body = (
        f"<h1>Connects bot is installed</h1><p>It now answers in {team}. Type "
        "<code>/connects help</code> in any channel, or open the app's Home tab.</p>"
    )
    return BoltResponse(
        status=200, body=_PAGE.format(body=body), headers={"Content-Type": "text/html"}
    )


# What an install failure page says for each of bolt's reasons (anything else: "other").
_FAILURES = {
    "invalid_browser": "The install link expired or was opened in another browser.",
    "invalid_state": "The install link expired or was already used.",
    "missing_code": "Slack sent no authorization code.",
    "access_denied": "The installation was cancelled.",
    "storage_error": "The installation could not be saved.",
}


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    reason = _FAILURES.get(args.reason, "Slack refused the installation.")
    log.warning("Slack OAuth install failed: %s", args.reason[:80])
    body = (
        f"<h1>Connects bot was not installed</h1><p>{html.escape(reason)}</p>"
        "<p><a href='install'>Start again</a></p>"
    )
    return BoltResponse(
        status=args.suggested_status_code,
        body=_PAGE.format(body=body),
        headers={"Content-Type": "text/html"},
    )


def oauth_settings(config: SlackConfig, workspaces: Workspaces) -> AsyncOAuthSettings:
    """bolt's OAuth flow for ``config``: the manifest's bot scopes, the bot's own stores, the
    success and failure pages above; Slack's authorize page on ``config.api_base``'s host."""
    from adapters.slack.manifest import bot_scopes

    base = config.api_base.rstrip("/").removesuffix("/api")
    redirect = config.public_url.rstrip("/") + config.redirect_path if config.public_url else None
    return AsyncOAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=bot_scopes(),
        redirect_uri=redirect,
        install_path=config.install_path,
        redirect_uri_path=config.redirect_path,
        authorization_url=f"{base}/oauth/v2/authorize",
        installation_store=workspaces.installations,
        state_store=workspaces.states,
        callback_options=AsyncCallbackOptions(success=_success, failure=_failure),
    )
