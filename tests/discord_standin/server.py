"""A local stand-in for Discord: its REST API and its gateway websocket, on 127.0.0.1.

It speaks the payload shapes of Discord's API documentation, enough for a real discord.py client
to log in, sync application commands, connect to the gateway (HELLO, IDENTIFY, heartbeats,
READY, GUILD_CREATE) and answer interactions (callbacks with files, webhook follow-ups, edits of
``@original``). Every request body is checked against Discord's OpenAPI description and against
the documented limits of application commands; problems land in :attr:`DiscordStandin.violations`
and get the 400 answer Discord would give.

Interactions carry ``context`` (0 a server, 1 the bot's DM, 2 a private channel the bot is not
in) and ``authorizing_integration_owners`` computed from what was synced (``integration_types``,
``contexts``) and installed: the bot added to a server (:meth:`DiscordStandin.add_guild`, or a
server without it with ``bot=False``) or the app added to a user's account
(:meth:`DiscordStandin.install_to`). A command Discord would not offer there cannot be run, and
an interaction only a user's install authorizes takes at most five follow-ups.

Tests drive it with :meth:`DiscordStandin.slash`, :meth:`DiscordStandin.autocomplete`,
:meth:`DiscordStandin.click`, :meth:`DiscordStandin.submit` (a modal the bot opened) and
:meth:`DiscordStandin.message_command` (on a message from :meth:`DiscordStandin.user_message`),
which build INTERACTION_CREATE payloads from what the bot synced or sent, so an option the bot
did not declare, a button it did not show or a modal it did not open cannot be sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from .limits import bulk_problems, embed_problems, modal_problems
from .openapi import SpecChecker

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
DEADLINE = 3.0  # seconds Discord waits for an interaction callback
PERMISSIONS_ALL = (1 << 51) - 1
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use commands
#: what an app without a bot in the channel may do (a user install): attach files, embed links,
#: mention everyone (docs: interaction ``app_permissions``)
USER_APP_PERMISSIONS = (1 << 15) | (1 << 14) | (1 << 17)
#: interaction contexts (docs: interaction context types) and installation types
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1
#: follow-ups Discord takes per interaction when only the user's install authorizes it
MAX_USER_FOLLOWUPS = 5

_snowflakes = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> int:
    """A fresh id, shaped like Discord's."""
    return next(_snowflakes)


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name.lower(),
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Guild:
    id: int
    name: str
    owner: User
    channel_id: int = field(default_factory=snowflake)
    admins: set[int] = field(default_factory=set)  # members with Manage Server
    bot: bool = True  # the bot is installed here (False: members may run user installs only)

    def permissions(self, user: User) -> int:
        if user.id == self.owner.id:
            return PERMISSIONS_ALL
        if user.id in self.admins:
            return MEMBER_PERMISSIONS | MANAGE_GUILD
        return MEMBER_PERMISSIONS

    def member(self, user: User) -> dict[str, Any]:
        return {
            "user": user.payload(),
            "nick": None,
            "avatar": None,
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "permissions": str(self.permissions(user)),
        }

    def channel(self) -> dict[str, Any]:
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner.id),
            "unavailable": False,
            "member_count": 1,
            "large": False,
            "features": [],
            "roles": [
                {
                    "id": str(self.id),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "channels": [self.channel()],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
        }


@dataclass
class Private:
    """A private channel the bot is no member of: a group DM, or a DM between two people.
    Only commands a member installed to their own account run here (context 2)."""

    id: int
    members: list[User]
    group: bool = True

    def channel(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": 3 if self.group else 1,
            "recipients": [u.payload() for u in self.members],
            "last_message_id": None,
        }
        if self.group:
            payload.update(name="friends", icon=None, owner_id=str(self.members[0].id))
        return payload


#: where an interaction happens: a server, a private channel, or (``None``) the bot's DM
Where = Guild | Private | None


@dataclass
class Sent:
    """One thing the bot sent about an interaction: a callback, a follow-up or an edit."""

    kind: str  # "callback", "followup", "edit", or "message" (one the bot posted itself)
    type: int | None  # callback type (4 message, 5 deferred, 7 update, 8 autocomplete, 9 modal)
    data: dict[str, Any]
    files: list[tuple[str, str, bytes]]  # (filename, content type, bytes)
    at: float
    #: the installs that authorized the interaction this answers (a button on it or the form
    #: it opened carries them on)
    owners: dict[str, str] = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.data.get("embeds") or [])

    @property
    def content(self) -> str:
        return str(self.data.get("content") or "")

    def text(self) -> str:
        """Everything a user reads in this message, as plain text."""
        out = [self.content]
        for embed in self.embeds:
            out.append(embed.get("title") or "")
            out.append(embed.get("description") or "")
            for f in embed.get("fields") or []:
                out.append(f"{f['name']}: {f['value']}")
            if embed.get("footer"):
                out.append(embed["footer"].get("text", ""))
        return "\n".join(x for x in out if x)

    def buttons(self) -> list[dict[str, Any]]:
        return [
            c
            for row in self.data.get("components") or []
            for c in row.get("components", [])
            if c.get("type") == 2
        ]

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.data.get("choices") or [])

    def inputs(self) -> list[dict[str, Any]]:
        """The text inputs of a modal, in an action row or a label."""
        return [c for top in self.data.get("components") or [] for c in _inputs(top)]


def _inputs(component: dict[str, Any]) -> list[dict[str, Any]]:
    kind = component.get("type")
    if kind == 1:
        return [c for child in component.get("components") or [] for c in _inputs(child)]
    if kind == 18:
        return _inputs(component.get("component") or {})
    return [component] if kind == 4 else []


def _submitted(component: dict[str, Any], values: dict[str, Any], ids: Iterator[int]) -> Any:
    """A modal component as Discord sends it back on submission: the same layout, each
    component with its id, each text input with its custom id and value, each file upload with
    the ids of the attachments uploaded to it."""
    kind = component.get("type")
    out: dict[str, Any] = {"type": kind, "id": component.get("id") or next(ids)}
    if kind == 1:
        out["components"] = [_submitted(c, values, ids) for c in component["components"]]
    elif kind == 18:
        out["component"] = _submitted(component["component"], values, ids)
    elif kind == 4:
        custom_id = component["custom_id"]
        out["custom_id"] = custom_id
        out["value"] = values.get(custom_id, component.get("value") or "")
    elif kind == 19:
        custom_id = component["custom_id"]
        out["custom_id"] = custom_id
        out["values"] = [f["id"] for f in values.get(custom_id) or []]
    return out


def _context(where: Where) -> int:
    if isinstance(where, Guild):
        return GUILD
    return PRIVATE_CHANNEL if isinstance(where, Private) else BOT_DM


#: the callbacks Discord takes for each interaction type (docs: interaction response types)
CALLBACKS_FOR = {1: {1}, 2: {4, 5, 9, 12}, 3: {4, 5, 6, 7, 9, 12}, 4: {8}, 5: {4, 5, 6, 7}}


@dataclass
class InteractionRecord:
    """An interaction the stand-in dispatched, and everything the bot answered."""

    id: int
    token: str
    payload: dict[str, Any]
    dispatched_at: float = 0.0
    sent: list[Sent] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # answers refused (already acknowledged...)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def callback(self) -> Sent | None:
        return next((s for s in self.sent if s.kind == "callback"), None)

    @property
    def owners(self) -> dict[str, str]:
        """``authorizing_integration_owners``: which installs authorized the interaction."""
        return dict(self.payload.get("authorizing_integration_owners") or {})

    def answer(
        self, kind: str, type_: int | None, data: dict[str, Any], files: Any, at: float
    ) -> Sent:
        """Record something the bot sent about this interaction."""
        sent = Sent(kind, type_, data, files, at, self.owners)
        self.sent.append(sent)
        self.changed.set()
        return sent

    async def first(self, timeout: float = 10.0) -> Sent:  # noqa: ASYNC109
        """The interaction callback (the first answer), waiting for it."""
        return await self._wait(lambda: self.callback, timeout)

    async def final(self, timeout: float = 20.0) -> Sent:  # noqa: ASYNC109
        """What the user finally sees: the callback, or after a deferral its edit or follow-up."""

        def done() -> Sent | None:
            cb = self.callback
            if cb is None:
                return None
            if cb.type != 5:
                return cb
            return next((s for s in self.sent if s.kind in ("edit", "followup")), None)

        return await self._wait(done, timeout)

    async def _wait(self, probe: Any, timeout: float) -> Sent:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                self.changed.clear()
                found = probe()
                if found is not None:
                    return found  # type: ignore[no-any-return]
                await self.changed.wait()


class Session:
    """One gateway connection (one shard)."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.shard: tuple[int, int] = (0, 1)
        self.identified = asyncio.Event()
        self.heartbeats = 0
        self.intents = 0
        self.lock = asyncio.Lock()

    async def dispatch(self, event: str, data: Any) -> None:
        async with self.lock:
            self.seq += 1
            await self.ws.send_str(json.dumps({"op": 0, "t": event, "s": self.seq, "d": data}))

    def owns(self, guild_id: int | None) -> bool:
        shard_id, count = self.shard
        return (((guild_id or 0) >> 22) % count) == shard_id


class DiscordStandin:
    """Discord's REST API and gateway, served from 127.0.0.1 on a free port."""

    def __init__(
        self,
        *,
        token: str = "standin-token",
        application_id: int = 1_200_000_000_000_000_001,
        checker: SpecChecker | None = None,
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.application_id = application_id
        self.bot = User(1_200_000_000_000_000_002, "ConnectsBot", bot=True)
        self.checker = checker or SpecChecker()
        self.guilds: dict[int, Guild] = {}
        self.users: dict[int, User] = {}
        self.user_installs: set[int] = set()  # users who installed the app to their account
        self.privates: dict[int, Private] = {}
        #: Discord offers a command only in the contexts and installs it was synced with; off,
        #: the stand-in sends what a client with a stale command list would
        self.check_offers = True
        self.commands: dict[int | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.sessions: list[Session] = []
        self.interactions: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}
        self.channel_messages: list[tuple[int, dict[str, Any]]] = []  # (channel id, message)
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.requests: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.unauthorized = 0
        self.fail_next_callbacks = 0  # answer this many callbacks with Discord's 10062
        self.validate = True  # bench scripts turn the (slow) schema checks off while timing
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        #: uploaded files by attachment id: (filename, bytes, content type); served at
        #: /attachments/<id>/<filename> as Discord's CDN serves them, and the fetches counted
        self.files: dict[str, tuple[str, bytes, str]] = {}
        self.cdn_fetches: list[str] = []

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> DiscordStandin:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._cdn)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        # a deep accept queue: a burst of new connections must not wait for SYN retries
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    def upload(
        self, filename: str, data: bytes, content_type: str = "image/png", size: int | None = None
    ) -> dict[str, Any]:
        """A file a user attaches: its attachment object as Discord resolves it (``size`` may
        claim more than the bytes, as a file too large to fetch would)."""
        aid = str(snowflake())
        self.files[aid] = (filename, data, content_type)
        url = f"{self.cdn_base}/attachments/{aid}/{filename}"
        return {
            "id": aid,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    async def _cdn(self, request: web.Request) -> web.StreamResponse:
        found = self.files.get(request.match_info["id"])
        if found is None or found[0] != request.match_info["name"]:
            return web.Response(status=404)
        self.cdn_fetches.append(request.match_info["id"])
        return web.Response(body=found[1], content_type=found[2])

    async def close(self) -> None:
        for s in list(self.sessions):
            with contextlib.suppress(Exception):
                await s.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def cdn_base(self) -> str:
        """The origin its CDN serves attachments from (Discord's: https://cdn.discordapp.com),
        for the bot's ``[discord] cdn_hosts``."""
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ world

    def add_user(self, name: str, user_id: int | None = None) -> User:
        user = User(user_id or snowflake(), name)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, owner: User, guild_id: int | None = None, *, bot: bool = True
    ) -> Guild:
        """A server; ``bot=False``: one the bot was never added to (members may still run
        commands they installed to their own account there)."""
        guild = Guild(guild_id or snowflake(), name, owner, bot=bot)
        self.guilds[guild.id] = guild
        return guild

    def add_private(self, *members: User, group: bool = True) -> Private:
        """A group DM (or, ``group=False``, a DM between two people) the bot is not in."""
        private = Private(snowflake(), list(members), group)
        self.privates[private.id] = private
        return private

    def install_to(self, user: User) -> None:
        """``user`` adds the app to their account (a user install)."""
        self.user_installs.add(user.id)

    async def wait_for(self, probe: Any, timeout: float = 15.0) -> Any:  # noqa: ASYNC109
        """Wait until ``probe()`` returns something truthy (a session, a sync...)."""
        async with asyncio.timeout(timeout):
            while True:
                self._changed.clear()
                found = probe()
                if found:
                    return found
                await self._changed.wait()

    async def wait_ready(self, shards: int = 1, timeout: float = 20.0) -> list[Session]:  # noqa: ASYNC109
        """Wait until ``shards`` gateway sessions have identified and been sent READY."""
        return await self.wait_for(  # type: ignore[no-any-return]
            lambda: (
                [s for s in self.sessions if s.identified.is_set()][:shards]
                if sum(s.identified.is_set() for s in self.sessions) >= shards
                else None
            ),
            timeout,
        )

    def _touch(self) -> None:
        self._changed.set()

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        session = Session(ws)
        self.sessions.append(session)
        self._touch()
        hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        await ws.send_str(json.dumps(hello))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                await self._gateway_op(session, frame)
        finally:
            self.sessions.remove(session)
            self._touch()
        return ws

    async def _gateway_op(self, session: Session, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            session.heartbeats += 1
            await session.ws.send_str(json.dumps({"op": 11}))
            self._touch()
        elif op == 2:
            if data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            shard = data.get("shard") or [0, 1]
            session.shard = (int(shard[0]), int(shard[1]))
            session.intents = int(data.get("intents", 0))
            guilds = [g for g in self.guilds.values() if g.bot and session.owns(g.id)]
            await session.dispatch(
                "READY",
                {
                    "v": 10,
                    "user": self.bot.payload(),
                    "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                    "session_id": f"session-{snowflake()}",
                    "resume_gateway_url": self.gateway_url,
                    "shard": list(session.shard),
                    "application": {"id": str(self.application_id), "flags": 0},
                    "private_channels": [],
                    "relationships": [],
                },
            )
            for g in guilds:
                await session.dispatch("GUILD_CREATE", g.payload())
            session.identified.set()
            self._touch()
        elif op == 6:  # RESUME
            await session.dispatch("RESUMED", {})
            session.identified.set()
            self._touch()

    async def drop_sessions(self, code: int = 4000) -> None:
        """Close every gateway connection as Discord does on an error (4000: reconnect)."""
        for s in list(self.sessions):
            s.identified.clear()
            await s.ws.close(code=code, message=b"Unknown error.")

    def session_for(self, guild_id: int | None) -> Session:
        for s in self.sessions:
            if s.identified.is_set() and s.owns(guild_id):
                return s
        raise LookupError(f"no gateway session for guild {guild_id}")

    # ------------------------------------------------------------------ interactions

    def dms(self, user: User) -> list[dict[str, Any]]:
        """Direct messages the bot sent to ``user``."""
        dm = self.dm_channels.get(user.id)
        return [m for c, m in self.channel_messages if c == dm]

    def dm_sent(self, user: User) -> list[Sent]:
        """The direct messages the bot sent to ``user`` (notices), as messages whose buttons
        :meth:`click` presses (in a DM: no guild)."""
        return [Sent("message", None, m, [], 0.0) for m in self.dms(user)]

    def find_command(self, name: str, where: Where, kind: int = 1) -> dict[str, Any]:
        """The synced command ``name`` of type ``kind`` (1 slash, 2 user, 3 message); a slash
        command by its first word (``"pool add"`` finds ``pool``)."""
        wanted = name.split(" ", maxsplit=1)[0] if kind == 1 else name
        for scope in ((where.id if isinstance(where, Guild) else None), None):
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == wanted and int(cmd.get("type") or 1) == kind:
                    return cmd
        raise LookupError(f"{'/' if kind == 1 else ''}{wanted} was not synced")

    def offered(self, cmd: dict[str, Any] | None, user: User, where: Where) -> dict[str, str]:
        """``authorizing_integration_owners`` for ``user`` running the synced command ``cmd``
        ``where``, as Discord computes it: the server install (key ``0``: the server's id, or
        ``"0"`` in the bot's DM) where the command takes it and the bot is there; the user's
        own install (key ``1``) where the command takes it and the user installed the app.
        Discord shows no command outside its ``contexts`` or without an install, so neither
        can be run (a LookupError) unless :attr:`check_offers` is off."""
        context = _context(where)
        types = [GUILD_INSTALL]  # a server's own commands take only the server install
        contexts = [GUILD, BOT_DM, PRIVATE_CHANNEL]
        if cmd is not None and not cmd.get("guild_id"):
            types = list(cmd.get("integration_types") or [GUILD_INSTALL])
            contexts = list(cmd.get("contexts") or contexts)
        owners: dict[str, str] = {}
        if GUILD_INSTALL in types:
            if isinstance(where, Guild) and where.bot:
                owners["0"] = str(where.id)
            elif where is None:
                owners["0"] = "0"
        if USER_INSTALL in types and user.id in self.user_installs:
            owners["1"] = str(user.id)
        if self.check_offers:
            name = (cmd or {}).get("name", "that command")
            if context not in contexts:
                raise LookupError(f"Discord does not offer {name} in context {context}")
            if not owners:
                raise LookupError(f"{name} is not installed where {user.name} runs it")
        return owners

    def _base(
        self, kind: int, user: User, where: Where, owners: dict[str, str] | None = None
    ) -> dict[str, Any]:
        iid = snowflake()
        if owners is None:
            owners = self.offered(None, user, where)
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": kind,
            "token": f"itoken-{iid}-{snowflake()}",
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": owners,
            "context": _context(where),
        }
        if isinstance(where, Guild):
            guild = where
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                channel_id=str(guild.channel_id),
                channel=guild.channel(),
                member=guild.member(user),
                guild_locale="en-US",
                app_permissions=str(PERMISSIONS_ALL if guild.bot else USER_APP_PERMISSIONS),
            )
        elif isinstance(where, Private):
            payload.update(
                user=user.payload(),
                channel_id=str(where.id),
                channel=where.channel(),
                app_permissions=str(USER_APP_PERMISSIONS),
            )
        else:
            # a DM interaction happens in the user's DM channel with the bot, once it exists
            dm = self.dm_channels.get(user.id) or snowflake()
            payload.update(
                user=user.payload(),
                channel_id=str(dm),
                channel={"id": str(dm), "type": 1, "recipients": [user.payload()]},
                app_permissions=str(MEMBER_PERMISSIONS),
            )
        return payload

    def command_data(
        self, name: str, options: dict[str, Any], where: Where, focused: str | None = None
    ) -> dict[str, Any]:
        """The ``data`` of an application-command interaction, typed from the synced command."""
        cmd = self.find_command(name, where)
        guild = where if isinstance(where, Guild) else None
        declared = cmd.get("options") or []
        resolved: dict[str, dict[str, Any]] = {}
        parts = name.split(" ")
        if len(parts) > 1:
            sub = next((o for o in declared if o["name"] == parts[1] and o["type"] == 1), None)
            if sub is None:
                raise LookupError(f"/{name} was not synced")
            declared = sub.get("options") or []
        values: list[dict[str, Any]] = []
        for key, value in options.items():
            decl = next((o for o in declared if o["name"] == key), None)
            if decl is None:
                raise LookupError(f"/{name} has no option {key!r}")
            opt: dict[str, Any] = {"name": key, "type": decl["type"]}
            if decl["type"] == 6:  # user
                user = value if isinstance(value, User) else self.users[int(value)]
                opt["value"] = str(user.id)
                resolved.setdefault("users", {})[str(user.id)] = user.payload()
                if guild is not None:
                    member = guild.member(user)
                    member.pop("user")
                    resolved.setdefault("members", {})[str(user.id)] = member
            elif decl["type"] == 7:  # channel
                cid = int(value)
                opt["value"] = str(cid)
                resolved.setdefault("channels", {})[str(cid)] = {
                    "id": str(cid),
                    "type": 0,
                    "name": "bids",
                    "permissions": str(PERMISSIONS_ALL),
                }
            elif decl["type"] == 11:  # attachment: the value an upload() made
                opt["value"] = value["id"]
                resolved.setdefault("attachments", {})[value["id"]] = value
            else:
                opt["value"] = value
            if key == focused:
                opt["focused"] = True
            values.append(opt)
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1}
        if len(parts) > 1:
            data["options"] = [{"name": parts[1], "type": 1, "options": values}]
        else:
            data["options"] = values
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    def slash_payload(
        self, command: str, user: User, where: Where = None, /, **options: Any
    ) -> dict[str, Any]:
        owners = self.offered(self.find_command(command, where), user, where)
        payload = self._base(2, user, where, owners)
        payload["data"] = self.command_data(command, options, where)
        return payload

    async def send(
        self, payload: dict[str, Any], times: int = 1, *, every_session: bool = False
    ) -> InteractionRecord:
        """Dispatch an INTERACTION_CREATE (``times`` deliveries at once) and record it.

        ``every_session`` delivers it to every connection that owns the guild (two processes
        running the same shard), as a duplicate delivery across processes."""
        iid = int(payload["id"])
        record = self.interactions.get(iid)
        if record is None:
            record = InteractionRecord(iid, payload["token"], payload)
            self.interactions[iid] = record
            self.by_token[record.token] = record
        guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        if every_session:
            sessions = [s for s in self.sessions if s.identified.is_set() and s.owns(guild_id)]
        else:
            sessions = [self.session_for(guild_id)]
        record.dispatched_at = time.perf_counter()
        await asyncio.gather(
            *(s.dispatch("INTERACTION_CREATE", payload) for s in sessions for _ in range(times))
        )
        return record

    async def slash(
        self, command: str, user: User, where: Where = None, /, **options: Any
    ) -> InteractionRecord:
        """Run ``/command`` as ``user`` (in a server, a private channel, or the bot's DM) with
        typed options."""
        return await self.send(self.slash_payload(command, user, where, **options))

    async def autocomplete(
        self,
        command: str,
        focused: str,
        user: User,
        where: Where = None,
        /,
        **options: Any,
    ) -> InteractionRecord:
        """Ask for suggestions while ``user`` types option ``focused`` of ``/command``."""
        options.setdefault(focused, "")
        owners = self.offered(self.find_command(command, where), user, where)
        payload = self._base(4, user, where, owners)
        payload["data"] = self.command_data(command, options, where, focused=focused)
        return await self.send(payload)

    async def click(
        self, message: Sent, custom_id: str, user: User, where: Where = None
    ) -> InteractionRecord:
        """Click the button ``custom_id`` of a message the bot sent; the click carries the
        installs that authorized the message's interaction."""
        if custom_id not in {b.get("custom_id") for b in message.buttons()}:
            raise LookupError(f"no button {custom_id!r} on that message")
        payload = self._base(3, user, where, message.owners or None)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = self._message(message.data, [], message.data.get("id", snowflake()))
        return await self.send(payload)

    async def submit(
        self,
        modal: Sent,
        user: User,
        where: Where = None,
        /,
        *,
        files: dict[str, list[dict[str, Any]]] | None = None,
        **values: str,
    ) -> InteractionRecord:
        """Submit a modal the bot opened, typing ``values`` into its text inputs (by custom id)
        and uploading ``files`` (attachments :meth:`upload` made) to its file uploads, as
        Discord's client does: it refuses to send a required input left empty or a value
        outside the input's lengths, and sends every input with its value; the uploads come
        back as attachment ids, described in ``resolved.attachments``."""
        if modal.kind != "callback" or modal.type != 9:
            raise LookupError("that answer is not a modal")
        inputs = {str(i["custom_id"]): i for i in modal.inputs()}
        unknown = set(values) - set(inputs)
        if unknown:
            raise LookupError(f"the modal has no text input {sorted(unknown)}")
        for custom_id, spec in inputs.items():
            value = values.get(custom_id, spec.get("value") or "")
            if value == "" and spec.get("required", True) is not False:
                raise ValueError(f"Discord does not submit {custom_id!r} empty: it is required")
            if value and not (spec.get("min_length") or 0) <= len(value) <= (
                spec.get("max_length") or 4000
            ):
                raise ValueError(f"Discord does not submit {custom_id!r}: {len(value)} characters")
        payload = self._base(5, user, where, modal.owners or None)
        ids = itertools.count(1)
        uploads = files or {}
        payload["data"] = {
            "custom_id": modal.data["custom_id"],
            "components": [
                _submitted(c, {**values, **uploads}, ids) for c in modal.data["components"]
            ],
        }
        if uploads:
            attached = {f["id"]: f for group in uploads.values() for f in group}
            payload["data"]["resolved"] = {"attachments": attached}
        return await self.send(payload)

    def user_message(
        self,
        author: User,
        content: str = "",
        where: Where = None,
        *,
        embeds: Iterable[dict[str, Any]] = (),
        attachments: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """A message someone posted (in a server's channel, a private channel, else in a DM
        with the bot), as Discord sends it in ``resolved.messages``; ``attachments`` are files
        :meth:`upload` made, in order."""
        guild = where if isinstance(where, Guild) else None
        if isinstance(where, Private):
            channel = where.id
        elif guild is not None:
            channel = guild.channel_id
        else:
            channel = self.dm_channels.setdefault(author.id, snowflake())
        message: dict[str, Any] = {
            "id": str(snowflake()),
            "channel_id": str(channel),
            "type": 0,
            "content": content,
            "author": author.payload(),
            "attachments": list(attachments),
            "embeds": list(embeds),
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "mention_everyone": False,
            "tts": False,
            "timestamp": _now(),
            "edited_timestamp": None,
            "flags": 0,
            "components": [],
        }
        if guild is not None:
            message["guild_id"] = str(guild.id)
        return message

    async def message_command(
        self, name: str, target: dict[str, Any], user: User, where: Where = None
    ) -> InteractionRecord:
        """Run the message command ``name`` (message menu, Apps) on the message ``target``."""
        cmd = self.find_command(name, where, kind=3)
        payload = self._base(2, user, where, self.offered(cmd, user, where))
        if where is None:  # the DM the message is in
            payload["channel_id"] = payload["channel"]["id"] = target["channel_id"]
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": cmd["name"],
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        payload["data"] = data
        return await self.send(payload)

    # ------------------------------------------------------------------ REST

    def _json(self, data: Any, status: int = 200) -> web.Response:
        # discord.py only parses a body whose Content-Type is exactly application/json
        return web.Response(
            body=json.dumps(data).encode(),
            status=status,
            headers={"Content-Type": "application/json"},
        )

    def _error(self, status: int, code: int, message: str) -> web.Response:
        return self._json({"code": code, "message": message}, status)

    async def _read(self, request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]], str]:
        ctype = request.content_type
        files: list[tuple[str, str, bytes]] = []
        if ctype == "multipart/form-data":
            body: Any = None
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    data = await part.read()  # type: ignore[union-attr]
                    files.append(
                        (part.filename or "", part.headers.get("Content-Type", ""), bytes(data))  # type: ignore[union-attr]
                    )
            return body, files, ctype
        raw = await request.read()
        if not raw:
            return None, files, "application/json"
        return json.loads(raw), files, "application/json"

    async def _rest(self, request: web.Request) -> web.Response:
        arrived = time.perf_counter()
        path = "/" + request.match_info["tail"]
        self.requests.append((request.method, path))
        if request.headers.get("Authorization") != f"Bot {self.token}" and not (
            path.startswith(("/webhooks/", "/interactions/"))
        ):
            self.unauthorized += 1
            return self._error(401, 0, "401: Unauthorized")
        body, files, ctype = await self._read(request)
        if self.validate and request.method in ("POST", "PUT", "PATCH"):
            problems = self.checker.check(request.method, path, body, ctype)
            problems += self._limits(request.method, path, body, files)
            if problems:
                self.violations.extend(problems)
                errors = {"_errors": [{"code": "INVALID", "message": p} for p in problems]}
                return self._json(
                    {"code": 50035, "message": "Invalid Form Body", "errors": errors}, 400
                )
        try:
            return await self._route(request, path, body, files, arrived)
        finally:
            self._touch()

    def _limits(
        self, method: str, path: str, body: Any, files: list[tuple[str, str, bytes]]
    ) -> list[str]:
        """Documented rules the OpenAPI schema cannot express."""
        problems: list[str] = []
        if method == "PUT" and path.endswith("/commands") and isinstance(body, list):
            problems += bulk_problems(body)
        if isinstance(body, dict) and path.endswith("/callback") and body.get("type") == 9:
            problems += modal_problems(body.get("data") or {})
        if isinstance(body, dict):
            data = body.get("data") if path.endswith("/callback") else body
            if isinstance(data, dict):
                ids = {str(a.get("id")) for a in data.get("attachments") or []}
                wanted = {str(i) for i in range(len(files))}
                if files and not wanted <= ids:
                    problems.append(f"{method} {path}: files not named in attachments")
                problems += embed_problems(data.get("embeds") or [])
        return problems

    async def _route(
        self,
        request: web.Request,
        path: str,
        body: Any,
        files: list[tuple[str, str, bytes]],
        arrived: float,
    ) -> web.Response:
        method = request.method
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return self._json(self.bot.payload())
        if method == "GET" and path in ("/oauth2/applications/@me", "/applications/@me"):
            return self._json(self._application())
        if method == "GET" and path == "/gateway":
            return self._json({"url": self.gateway_url})
        if method == "GET" and path == "/gateway/bot":
            return self._json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands":
            guild_id = int(parts[3]) if len(parts) == 5 else None
            if method == "PUT":
                return self._json(self._sync(guild_id, body or []))
            if method == "GET":
                return self._json(self.commands.get(guild_id, []))
        if parts[0] == "interactions" and method == "POST":
            return self._callback(int(parts[1]), parts[2], body, files, request, arrived)
        if parts[0] == "webhooks" and len(parts) >= 3:
            return self._webhook(method, parts, body, files, arrived)
        if method == "POST" and path == "/users/@me/channels":
            user = self.users.get(int((body or {}).get("recipient_id", 0)))
            if user is None:
                return self._error(400, 50007, "Cannot send messages to this user")
            dm = self.dm_channels.setdefault(user.id, snowflake())
            return self._json(
                {"id": str(dm), "type": 1, "last_message_id": None, "recipients": [user.payload()]}
            )
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            msg = self._message(body or {}, files, snowflake(), channel_id=int(parts[1]))
            self.channel_messages.append(
                (int(parts[1]), {**msg, "allowed_mentions": (body or {}).get("allowed_mentions")})
            )
            return self._json(msg)
        return self._error(404, 0, "404: Not Found")

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "Connects bot",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": User(snowflake(), "owner").payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
        }

    def _sync(self, guild_id: int | None, body: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for cmd in body:
            synced = {
                **cmd,
                "id": str(snowflake()),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": cmd.get("type", 1),
                "description": cmd.get("description") or "",  # always there, empty on menus
                "default_member_permissions": cmd.get("default_member_permissions"),
                "nsfw": bool(cmd.get("nsfw")),
            }
            if guild_id is not None:
                synced["guild_id"] = str(guild_id)
            out.append(synced)
        self.commands[guild_id] = out
        self.syncs.append((guild_id, out))
        return out

    def _message(
        self,
        data: dict[str, Any],
        files: Iterable[tuple[str, str, bytes]],
        message_id: int,
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        attachments = [
            {
                "id": str(snowflake()),
                "filename": name,
                "size": len(blob),
                "url": f"https://cdn.example/{name}",
                "proxy_url": f"https://media.example/{name}",
                "content_type": ctype,
            }
            for name, ctype, blob in files
        ]
        components = []
        for row in data.get("components") or []:
            comps = [{**c, "id": i + 1} for i, c in enumerate(row.get("components", []))]
            components.append({"type": 1, "id": 100, "components": comps})
        return {
            "id": str(message_id),
            "channel_id": str(channel_id or 1),
            "type": 20,
            "content": data.get("content") or "",
            "author": self.bot.payload(),
            "attachments": attachments,
            "embeds": data.get("embeds") or [],
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "mention_everyone": False,
            "tts": False,
            "timestamp": _now(),
            "edited_timestamp": None,
            "flags": int(data.get("flags") or 0),
            "components": components,
            "webhook_id": str(self.application_id),
            "application_id": str(self.application_id),
        }

    def _callback(
        self,
        iid: int,
        token: str,
        body: dict[str, Any],
        files: list[tuple[str, str, bytes]],
        request: web.Request,
        now: float,
    ) -> web.Response:
        record = self.interactions.get(iid)
        if record is None or record.token != token:
            return self._error(404, 10062, "Unknown interaction")
        if self.fail_next_callbacks > 0:
            self.fail_next_callbacks -= 1
            record.rejected.append("unknown interaction (expired)")
            record.changed.set()
            return self._error(404, 10062, "Unknown interaction")
        if now - record.dispatched_at > DEADLINE:
            record.rejected.append("deadline missed")
            record.changed.set()
            return self._error(404, 10062, "Unknown interaction")
        if record.callback is not None:
            record.rejected.append("already acknowledged")
            record.changed.set()
            return self._error(400, 40060, "Interaction has already been acknowledged.")
        kind = int(body["type"])
        if kind not in CALLBACKS_FOR.get(int(record.payload["type"]), set()):
            problem = f"callback type {kind} is not allowed for interaction type "
            problem += str(record.payload["type"])
            self.violations.append(problem)
            record.rejected.append(problem)
            record.changed.set()
            return self._error(400, 50035, "Invalid Form Body")
        data = dict(body.get("data") or {})
        if kind == 7 and record.payload.get("message"):
            # an update keeps the message's flags
            data.setdefault("flags", record.payload["message"].get("flags", 0))
        record.answer("callback", kind, data, files, now)
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        message_id = snowflake()
        response: dict[str, Any] = {"interaction": {"id": str(iid), "type": record.payload["type"]}}
        if kind in (4, 5, 6, 7):  # a modal or suggestions are no message
            response["interaction"].update(
                response_message_id=str(message_id),
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(int(data.get("flags") or 0) & EPHEMERAL),
            )
        if kind in (4, 5, 7):
            response["resource"] = {"type": kind, "message": self._message(data, files, message_id)}
            record.sent[-1].data["id"] = str(message_id)
        return self._json(response)

    def _webhook(
        self,
        method: str,
        parts: list[str],
        body: dict[str, Any] | None,
        files: list[tuple[str, str, bytes]],
        now: float,
    ) -> web.Response:
        record = self.by_token.get(parts[2])
        if record is None or int(parts[1]) != self.application_id:
            return self._error(404, 10015, "Unknown Webhook")
        if record.callback is None:
            return self._error(404, 10015, "Unknown Webhook")
        body = body or {}
        if method == "POST" and len(parts) == 3:
            if "0" not in record.owners:
                followups = sum(s.kind == "followup" for s in record.sent)
                if followups >= MAX_USER_FOLLOWUPS:
                    problem = f"follow-up {followups + 1} to a user-installed interaction"
                    problem += f" (max {MAX_USER_FOLLOWUPS})"
                    self.violations.append(problem)
                    record.rejected.append(problem)
                    record.changed.set()
                    return self._error(400, 50035, "Invalid Form Body")
            msg_id = snowflake()
            record.answer("followup", None, {**body, "id": str(msg_id)}, files, now)
            return self._json(self._message(body, files, msg_id))
        if method == "PATCH" and len(parts) == 5 and parts[3] == "messages":
            base = record.callback.data if parts[4] == "@original" else {}
            merged = {**base, **body}
            merged.setdefault("flags", base.get("flags", 0))
            record.answer("edit", None, merged, files, now)
            return self._json(self._message(merged, files, snowflake()))
        if method == "GET" and len(parts) == 5:
            return self._json(self._message(record.callback.data, [], snowflake()))
        if method == "DELETE":
            return web.Response(status=204)
        return self._error(404, 0, "404: Not Found")
