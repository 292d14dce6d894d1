"""Who is asking: Slack users -> core actors, with ``users.info`` cached briefly.

Workspace admins and owners (per ``users.info``) are admins of every pool of their workspace,
and only of their own: ``is_admin`` and ``is_owner`` describe the user's home workspace (the
``team_id`` of the user object), so a Slack Connect user from another organization, an admin
there, is a plain member of the workspace a request is for. A failed lookup is logged and the
user is treated as a plain member, so a Web API hiccup never blocks a command.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.payloads import User, UserProfile
from core.base.keys import Actor, UserKey, UserRef, scope_of

log = logging.getLogger(__name__)


def api_error(exc: BaseException) -> str:
    """A short, secret-free description of a failed Web API call, for logs."""
    if isinstance(exc, SlackApiError):
        data = getattr(exc.response, "data", None)
        if isinstance(data, dict) and data.get("error"):
            return str(data["error"])
        return f"HTTP {getattr(exc.response, 'status_code', '?')}"
    return type(exc).__name__


@dataclass(frozen=True, slots=True)
class Profile:
    name: str | None
    is_admin: bool  # an admin or owner of ``team_id``, the user's home workspace
    team_id: str | None = None

    def admin_of(self, team_id: str) -> bool:
        """Whether the user administers workspace ``team_id``: an admin or owner whose home
        workspace it is (an unknown home administers nothing)."""
        return self.is_admin and bool(team_id) and self.team_id == team_id


class Directory:
    """``users.info`` with a short cache; concurrent lookups of one user share one call.

    ``clients`` gives the Web API client of a workspace (its own token when many workspaces
    installed the app): a user is looked up with the token of the workspace asking."""

    def __init__(
        self,
        clients: Callable[[str], Awaitable[AsyncWebClient]],
        *,
        ttl: float = 300.0,
        timeout: float = 1.5,
    ):
        self._clients = clients
        self._ttl = ttl
        self._timeout = timeout
        self._cache: dict[tuple[str, str], tuple[float, Profile | None]] = {}
        self._pending: dict[tuple[str, str], asyncio.Future[Profile | None]] = {}

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        key = (team_id, user_id)
        hit = self._cache.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[Profile | None] = asyncio.get_running_loop().create_future()
        self._pending[key] = fut
        try:
            profile = await self._fetch(team_id, user_id)
            # a failed lookup is retried soon; a good one is kept for the full ttl
            ttl = self._ttl if profile is not None else min(self._ttl, 10.0)
            self._cache[key] = (time.monotonic() + ttl, profile)
            fut.set_result(profile)
            return profile
        finally:
            if not fut.done():
                fut.set_result(None)
            del self._pending[key]

    async def _fetch(self, team_id: str, user_id: str) -> Profile | None:
        try:
            client = await self._clients(team_id)
            resp = await asyncio.wait_for(client.users_info(user=user_id), self._timeout)
        except (SlackClientError, OSError, TimeoutError, LookupError) as exc:
            log.warning("users.info for %s failed: %s", user_id, api_error(exc))
            return None
        found: User | None = resp.get("user")  # the Web API answer itself is untyped
        user: User = found or {}
        profile: UserProfile = user.get("profile") or {}
        name = profile.get("display_name") or user.get("real_name") or user.get("name")
        return Profile(
            name=name or None,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            team_id=user.get("team_id") or None,
        )

    async def actor(self, team_id: str, user_id: str, fallback_name: str | None = None) -> Actor:
        """The core actor for ``user_id`` making a request of workspace ``team_id``: a pool
        admin there only when that is their home workspace (:meth:`Profile.admin_of`)."""
        profile = await self.profile(team_id, user_id)
        name = (profile.name if profile else None) or fallback_name or user_id
        return Actor(
            user=UserRef(UserKey.of("slack", user_id, team_id), name),
            scope=scope_of("slack", team_id),
            is_admin=profile is not None and profile.admin_of(team_id),
        )

    async def names(self, team_id: str, user_ids: list[str]) -> dict[str, str]:
        """Display names of ``user_ids`` (those that could be looked up)."""
        unique = list(dict.fromkeys(user_ids))
        profiles = await asyncio.gather(*(self.profile(team_id, u) for u in unique))
        return {
            u: p.name for u, p in zip(unique, profiles, strict=True) if p is not None and p.name
        }
