"""A local stand-in for Slack on 127.0.0.1: Web API, response URLs, file uploads, Socket Mode.

It answers the Web API methods the bot calls, checks tokens like Slack does, parses and
validates every Block Kit payload with slack_sdk's models (an invalid one is answered with
``invalid_blocks`` and recorded in :attr:`SlackStandIn.block_errors`), receives posts to
``response_url`` addresses, and serves a Socket Mode websocket that says ``hello``, sends
envelopes and collects their acks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.models.blocks import Block

KNOWN_METHODS = {
    "auth.test",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "conversations.open",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "users.info",
    "apps.connections.open",
}


class BlockError(ValueError):
    """A Block Kit payload slack_sdk's models refuse."""


def validate_blocks(blocks: Any) -> list[dict[str, Any]]:
    """Parse ``blocks`` (a list or its JSON text) with slack_sdk's models and validate each.

    Returns the parsed list; raises :class:`BlockError` naming the first problem.
    """
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        raise BlockError(f"blocks must be a list, got {type(blocks).__name__}")
    if len(blocks) > 50:
        raise BlockError(f"{len(blocks)} blocks: Slack allows at most 50")
    for raw in blocks:
        try:
            model = Block.parse(raw)
            if model is None or type(model) is Block:
                raise BlockError(f"unknown block {raw!r}")
            model.validate_json()
            again = model.to_dict()
        except BlockError:
            raise
        except Exception as exc:
            raise BlockError(f"{raw.get('type')}: {exc}") from exc
        if again != raw:
            raise BlockError(f"block does not round-trip: {raw!r} != {again!r}")
    return blocks


def validate_message(payload: dict[str, Any]) -> None:
    """Validate a message payload (ack body, response_url post, chat.* arguments)."""
    if payload.get("blocks") is not None:
        validate_blocks(payload["blocks"])
    text = payload.get("text")
    if not payload.get("blocks") and not text and not payload.get("delete_original"):
        raise BlockError("a message needs text or blocks")
    if text is not None and len(text) > 40_000:
        raise BlockError("text longer than 40,000 characters")
    if payload.get("response_type") not in (None, "ephemeral", "in_channel"):
        raise BlockError(f"bad response_type {payload.get('response_type')!r}")


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class User:
    id: str
    name: str
    team_id: str
    is_admin: bool = False
    is_owner: bool = False
    locale: str = "en-US"


@dataclass
class Posted:
    """A post to a response_url."""

    url_id: str
    payload: dict[str, Any]


@dataclass
class Envelope:
    envelope_id: str
    ack: asyncio.Future[dict[str, Any]] = field(repr=False)


class SlackStandIn:
    """The stand-in server. ``async with SlackStandIn() as slack:`` starts it on a free port."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-standin-bot",
        app_token: str = "xapp-standin-app",
        team_id: str = "T0STAND",
        bot_user_id: str = "UBOT",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.calls: list[ApiCall] = []
        self.posted: list[Posted] = []
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.users: dict[str, User] = {}
        self.block_errors: list[str] = []
        self.acks: list[dict[str, Any]] = []
        self.socket_connections = 0
        self.failures: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
        self._ids = itertools.count(1)
        self._envelopes: dict[str, Envelope] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._posted_event = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> SlackStandIn:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{url_id}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = getattr(site._server, "sockets", [])[0].getsockname()[1]
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> SlackStandIn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The Web API base URL to configure the bot with (``[slack] api_base``)."""
        return f"{self.base_url}/api/"

    # -- test controls --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        locale: str = "en-US",
        team_id: str | None = None,
    ) -> User:
        """A user ``users.info`` knows. ``team_id`` is their home workspace: by default this
        one; another for a Slack Connect user from another organization, whose ``is_admin``
        and ``is_owner`` describe that workspace (as Slack's user object does)."""
        user = User(user_id, name, team_id or self.team_id, is_admin, is_owner, locale)
        self.users[user_id] = user
        return user

    def fail_next(
        self, method: str, error: str = "ratelimited", *, retry_after: float | None = None
    ) -> None:
        """Make the next call of ``method`` fail with ``error`` (429 with Retry-After for
        ``ratelimited``)."""
        self.failures[method].append((error, retry_after))

    def new_response_url(self) -> str:
        return f"{self.base_url}/response/R{next(self._ids):06d}"

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, response_url: str) -> list[dict[str, Any]]:
        url_id = response_url.rsplit("/", 1)[-1]
        return [p.payload for p in self.posted if p.url_id == url_id]

    async def wait_posts(
        self, response_url: str, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` posts reached ``response_url``; return them all."""
        async with self._posted_event:
            await asyncio.wait_for(
                self._posted_event.wait_for(lambda: len(self.posts_to(response_url)) >= count),
                within,
            )
        return self.posts_to(response_url)

    async def wait_socket(self, within: float = 10.0) -> None:
        await asyncio.wait_for(self._socket_ready.wait(), within)

    async def send_envelope(
        self,
        type_: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        within: float = 10.0,
    ) -> dict[str, Any]:
        """Send an envelope on the Socket Mode connection and wait for its ack."""
        await self.wait_socket()
        envelope_id = envelope_id or f"env-{next(self._ids):06d}"
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._envelopes[envelope_id] = Envelope(envelope_id, fut)
        message = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": type_ != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        await self._sockets[-1].send_str(json.dumps(message))
        return await asyncio.wait_for(fut, within)

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the connected Socket Mode client to reconnect, as Slack does every few hours."""
        await self.wait_socket()
        await self._sockets[-1].send_str(
            json.dumps(
                {
                    "type": "disconnect",
                    "reason": reason,
                    "debug_info": {"host": "standin"},
                }
            )
        )

    # -- handlers -------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(await request.post())
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or params.get("token")
        self.calls.append(ApiCall(method, params, token))
        if method not in KNOWN_METHODS:
            return _error("unknown_method", status=404)
        if self.failures[method]:
            error, retry_after = self.failures[method].pop(0)
            if error == "ratelimited":
                headers = {"Retry-After": str(int(retry_after or 0))}
                return web.json_response({"ok": False, "error": error}, status=429, headers=headers)
            return _error(error)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return _error("not_authed" if not token else "invalid_auth")
        for key in ("blocks",):
            if params.get(key):
                try:
                    validate_blocks(params[key])
                except (BlockError, ValueError) as exc:
                    self.block_errors.append(f"{method}: {exc}")
                    return _error("invalid_blocks")
        handler = getattr(self, "_m_" + method.replace(".", "_"))
        response: web.Response = await handler(params)
        return response

    async def _m_auth_test(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            url="https://standin.slack.test/",
            team="Stand-in",
            user="connects",
            team_id=self.team_id,
            user_id=self.bot_user_id,
            bot_id="BBOT",
        )

    async def _m_chat_postMessage(self, params: dict[str, Any]) -> web.Response:
        if not params.get("channel"):
            return _error("channel_not_found")
        if not params.get("text") and not params.get("blocks"):
            return _error("no_text")
        ts = f"{1700000000 + next(self._ids)}.000100"
        return _ok(channel=params["channel"], ts=ts, message={"text": params.get("text")})

    async def _m_chat_postEphemeral(self, params: dict[str, Any]) -> web.Response:
        if not params.get("channel") or not params.get("user"):
            return _error("channel_not_found" if not params.get("channel") else "user_not_found")
        return _ok(message_ts=f"{1700000000 + next(self._ids)}.000200")

    async def _m_chat_update(self, params: dict[str, Any]) -> web.Response:
        if not params.get("channel") or not params.get("ts"):
            return _error("message_not_found")
        return _ok(channel=params["channel"], ts=params["ts"], text=params.get("text"))

    async def _m_conversations_open(self, params: dict[str, Any]) -> web.Response:
        first = str(params.get("users", "")).split(",", maxsplit=1)[0]
        if first not in self.users:
            return _error("user_not_found")
        return _ok(channel={"id": "D" + first[1:]})

    async def _m_users_info(self, params: dict[str, Any]) -> web.Response:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return _error("user_not_found")
        return _ok(
            user={
                "id": user.id,
                "team_id": user.team_id,
                "name": user.name,
                "real_name": user.name,
                "is_admin": user.is_admin,
                "is_owner": user.is_owner,
                "is_bot": False,
                "locale": user.locale,
                "profile": {"display_name": user.name, "real_name": user.name},
            }
        )

    async def _m_files_getUploadURLExternal(self, params: dict[str, Any]) -> web.Response:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return _error("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.files[file_id] = {
            "id": file_id,
            "name": params["filename"],
            "length": int(params["length"]),
        }
        return _ok(upload_url=f"{self.base_url}/upload/{file_id}", file_id=file_id)

    async def _m_files_completeUploadExternal(self, params: dict[str, Any]) -> web.Response:
        try:
            files = json.loads(params["files"])
        except (KeyError, ValueError):
            return _error("invalid_arguments")
        out = []
        for f in files:
            meta = self.files.get(f.get("id"))
            if meta is None or f["id"] not in self.uploads:
                return _error("file_not_found")
            if len(self.uploads[f["id"]]) != meta["length"]:
                return _error("file_upload_size_mismatch")
            meta.update(
                title=f.get("title"),
                channel=params.get("channel_id"),
                comment=params.get("initial_comment"),
            )
            out.append(
                {
                    "id": f["id"],
                    "name": meta["name"],
                    "title": f.get("title"),
                    "permalink": f"https://standin.slack.test/files/{f['id']}",
                }
            )
        return _ok(files=out)

    async def _m_apps_connections_open(self, params: dict[str, Any]) -> web.Response:
        return _ok(url=f"ws://127.0.0.1:{self.port}/socket")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.files:
            return web.Response(status=404, text="unknown upload")
        self.uploads[file_id] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    async def _response(self, request: web.Request) -> web.Response:
        url_id = request.match_info["url_id"]
        payload = await request.json()
        try:
            validate_message(payload)
        except (BlockError, ValueError) as exc:
            self.block_errors.append(f"response_url: {exc}")
            return web.Response(status=400, text="invalid_blocks")
        async with self._posted_event:
            self.posted.append(Posted(url_id, payload))
            self._posted_event.notify_all()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        await ws.send_str(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": len(self._sockets),
                    "debug_info": {"host": "standin", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "ASTANDIN"},
                }
            )
        )
        self._socket_ready.set()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                envelope = self._envelopes.pop(data.get("envelope_id", ""), None)
                if envelope is None:
                    continue
                self.acks.append(data)
                if data.get("payload"):
                    try:
                        validate_message(data["payload"])
                    except (BlockError, ValueError) as exc:
                        self.block_errors.append(f"ack: {exc}")
                if not envelope.ack.done():
                    envelope.ack.set_result(data)
        finally:
            with contextlib.suppress(ValueError):
                self._sockets.remove(ws)
            if not self._sockets:
                self._socket_ready.clear()
        return ws


def _ok(**data: Any) -> web.Response:
    return web.json_response({"ok": True, **data})


def _error(error: str, status: int = 200) -> web.Response:
    return web.json_response({"ok": False, "error": error}, status=status)
