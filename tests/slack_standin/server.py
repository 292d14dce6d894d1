"""A local stand-in for Slack on 127.0.0.1: Web API, response URLs, file uploads and hosting,
Socket Mode.

It answers the Web API methods the bot calls, checks tokens like Slack does, parses and
validates every Block Kit payload with slack_sdk's models (an invalid one is answered with
``invalid_blocks`` and recorded in :attr:`SlackStandIn.block_errors`), receives posts to
``response_url`` addresses, hosts users' files at ``url_private`` behind the bot token
(:mod:`tests.slack_standin.files`), and serves a Socket Mode websocket that says ``hello``,
sends envelopes and collects their acks.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.slack_standin import files as hosting
from tests.slack_standin.files import FileFetch, Hosted

KNOWN_METHODS = {
    "auth.test",
    "chat.postMessage",
    "chat.postEphemeral",
    "chat.update",
    "conversations.open",
    "files.getUploadURLExternal",
    "files.completeUploadExternal",
    "files.info",
    "users.info",
    "apps.connections.open",
    "views.open",
    "views.publish",
    "oauth.v2.access",
}

# Slack's rotating bot tokens last 12 hours.
TOKEN_TTL = 12 * 60 * 60

# Slack's limits on views (views.open reference, Block Kit reference)
TRIGGER_TTL = 3.0  # seconds a trigger id may open a modal, once
VIEW_MAX_BLOCKS = 100
MESSAGE_MAX_BLOCKS = 50
INPUT_MAX_LENGTH = 3000  # a plain_text_input's min_length and max_length
TEXT_LABELS = ("title", "submit", "close")


class BlockError(ValueError):
    """A Block Kit payload slack_sdk's models refuse."""


def validate_blocks(blocks: Any, limit: int = MESSAGE_MAX_BLOCKS) -> list[dict[str, Any]]:
    """Parse ``blocks`` (a list or its JSON text) with slack_sdk's models and validate each;
    at most ``limit`` of them (50 in a message, 100 in a view).

    Returns the parsed list; raises :class:`BlockError` naming the first problem.
    """
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list):
        raise BlockError(f"blocks must be a list, got {type(blocks).__name__}")
    if len(blocks) > limit:
        raise BlockError(f"{len(blocks)} blocks: Slack allows at most {limit}")
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
        blocks = validate_blocks(payload["blocks"])
        if any((b.get("element") or {}).get("type") == "file_input" for b in blocks):
            raise BlockError("a file_input works only in a modal's input block")
    text = payload.get("text")
    if not payload.get("blocks") and not text and not payload.get("delete_original"):
        raise BlockError("a message needs text or blocks")
    if text is not None and len(text) > 40_000:
        raise BlockError("text longer than 40,000 characters")
    if payload.get("response_type") not in (None, "ephemeral", "in_channel"):
        raise BlockError(f"bad response_type {payload.get('response_type')!r}")


def _input_element(block: dict[str, Any]) -> None:
    """The checks Slack makes on an input block's plain_text_input that slack_sdk does not."""
    element = block.get("element") or {}
    where = f"input {block.get('block_id')!r}"
    if not block.get("block_id") or not element.get("action_id"):
        raise BlockError(f"{where}: needs a block_id and an action_id to be read back")
    if element.get("type") == "file_input":
        hosting.validate_file_input(element, where)
        return
    if element.get("type") != "plain_text_input":
        return
    low, high = element.get("min_length"), element.get("max_length")
    for name, value, least in (("min_length", low, 0), ("max_length", high, 1)):
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise BlockError(f"{where}: {name} must be an integer")
        if not least <= value <= INPUT_MAX_LENGTH:
            raise BlockError(f"{where}: {name} {value} is not within {least}-{INPUT_MAX_LENGTH}")
    if low is not None and high is not None and low > high:
        raise BlockError(f"{where}: min_length {low} exceeds max_length {high}")
    if "multiline" in element and not isinstance(element["multiline"], bool):
        raise BlockError(f"{where}: multiline must be a boolean")


def validate_view(view: Any) -> dict[str, Any]:
    """Parse a modal (a dict or its JSON text) as ``views.open`` takes it and check Slack's
    limits: slack_sdk's :class:`View` model (title, submit and close at most 24 characters,
    1-100 blocks, callback_id at most 255, private_metadata at most 3,000), every block
    through :func:`validate_blocks`, labels in plain text, a submit button when the view
    has inputs, unique block ids, and each plain_text_input's bounds. Returns the view."""
    if isinstance(view, str):
        view = json.loads(view)
    if not isinstance(view, dict):
        raise BlockError(f"a view must be an object, got {type(view).__name__}")
    if view.get("type") != "modal":
        raise BlockError(f"views.open opens a modal, not {view.get('type')!r}")
    unknown = set(view) - View.attributes
    if unknown:
        raise BlockError(f"unknown view fields {sorted(unknown)}")
    if not view.get("title"):
        raise BlockError("a modal needs a title")
    for name in TEXT_LABELS:
        label = view.get(name)
        if label is not None and (not isinstance(label, dict) or label.get("type") != "plain_text"):
            raise BlockError(f"{name} must be a plain_text object")
    blocks = validate_blocks(view.get("blocks"), VIEW_MAX_BLOCKS)
    try:
        model = View(**view)
        model.validate_json()
        again = model.to_dict()
    except Exception as exc:
        raise BlockError(f"view: {exc}") from exc
    if again != view:
        raise BlockError(f"view does not round-trip: {view!r} != {again!r}")
    inputs = [b for b in blocks if b.get("type") == "input"]
    if inputs and not view.get("submit"):
        raise BlockError("a modal with input blocks needs a submit button")
    ids = [b["block_id"] for b in blocks if b.get("block_id")]
    if len(ids) != len(set(ids)):
        raise BlockError(f"block ids repeat: {ids}")
    for block in inputs:
        _input_element(block)
    return view


def input_blocks(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The input blocks of a view by block id."""
    return {b["block_id"]: b for b in view.get("blocks") or [] if b.get("type") == "input"}


def validate_view_response(ack: dict[str, Any], view: dict[str, Any]) -> None:
    """Check the bot's answer to a ``view_submission`` of ``view``: empty (close the modal),
    ``clear``, ``errors`` naming input blocks of the view with a message each, or
    ``update``/``push`` with a valid modal."""
    if not ack:
        return
    action = ack.get("response_action")
    if action == "errors":
        errors = ack.get("errors")
        if set(ack) != {"response_action", "errors"} or not isinstance(errors, dict) or not errors:
            raise BlockError(f"errors needs a non-empty errors object alone: {ack!r}")
        inputs = input_blocks(view)
        for block_id, message in errors.items():
            if block_id not in inputs:
                raise BlockError(f"errors names {block_id!r}, not an input block of the view")
            if not isinstance(message, str) or not message.strip():
                raise BlockError(f"the error for {block_id!r} must be text")
    elif action == "clear":
        if set(ack) != {"response_action"}:
            raise BlockError(f"clear takes nothing else: {ack!r}")
    elif action in ("update", "push"):
        validate_view(ack.get("view"))
    else:
        raise BlockError(f"bad response_action {action!r}")


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    token: str | None
    verb: str = "POST"  # the HTTP method (slack_sdk GETs a few methods, users.info)


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
class Message:
    """A message the bot posted with chat.postMessage, as it reads now (chat.update edits it)."""

    channel: str
    ts: str
    params: dict[str, Any]
    edits: int = 0


@dataclass
class Envelope:
    envelope_id: str
    ack: asyncio.Future[dict[str, Any]] = field(repr=False)
    payload: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class Team:
    """A workspace that installed the app through OAuth: its current tokens. With rotation a
    refresh token is spent once; the access tokens it replaced stay valid until they expire,
    as on Slack."""

    team_id: str
    tokens: set[str] = field(default_factory=set)
    refresh_token: str | None = None
    spent: set[str] = field(default_factory=set)
    refreshes: int = 0
    reused: int = 0  # refresh tokens presented again (two replicas spending one)


@dataclass
class Trigger:
    """A trigger id Slack issued with an interaction: it opens one modal within 3 seconds."""

    user_id: str | None
    issued: float  # time.monotonic()
    used: bool = False


@dataclass
class OpenedView:
    """A modal the bot opened with ``views.open``, as Slack stores it (id, hash, state)."""

    view: dict[str, Any]
    user_id: str | None
    trigger_id: str

    @property
    def id(self) -> str:
        return str(self.view["id"])


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
        self.triggers: dict[str, Trigger] = {}
        self.views: list[OpenedView] = []
        # many workspaces (OAuth): the app's credentials, codes users approved, teams' tokens
        self.client_id = "111.222"
        self.client_secret = "standin-client-secret"
        self.rotation = True
        self.refresh_delay = 0.0  # seconds an oauth.v2.access refresh takes (to race two)
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (team, installing user)
        self.teams: dict[str, Team] = {}
        self.homes: dict[tuple[str, str], dict[str, Any]] = {}  # (team, user) -> Home view
        self.hosted: dict[str, Hosted] = {}  # files users uploaded, by id
        self.file_fetches: list[FileFetch] = []  # requests for their bytes
        self.sign_ins = 0  # requests that followed a file's redirect to the sign-in page
        self.messages: list[Message] = []  # what the bot posted, as edited since
        self._ids = itertools.count(1)
        self._envelopes: dict[str, Envelope] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._changed = asyncio.Condition()
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
        app.router.add_get("/files-pri/{key}/{tail:.*}", self._file)
        app.router.add_get("/", self._sign_in)
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

    def host_file(
        self,
        user_id: str,
        name: str,
        data: bytes,
        *,
        team_id: str | None = None,
        mimetype: str | None = None,
        size: int | None = None,
        length: int | None = -1,
        endless: bool = False,
    ) -> dict[str, Any]:
        """A file ``user_id`` uploaded in workspace ``team_id`` (default: this one): its file
        object, as a file_input's submission, a message's ``files`` and ``files.info`` carry
        it. ``size`` is what Slack states (default: the bytes'); ``length`` the Content-Length
        served (default: the bytes'; ``None``: chunked); ``endless`` keeps the body coming."""
        file_id = f"F{next(self._ids):08d}"
        team = team_id or self.team_id
        meta = hosting.file_object(
            self.base_url,
            file_id,
            name,
            len(data) if size is None else size,
            user_id=user_id,
            team_id=team,
            mimetype=mimetype,
        )
        served = len(data) if length == -1 else length
        self.hosted[file_id] = Hosted(meta, data, team, served, endless)
        return dict(meta)

    def fetches_of(self, file_id: str) -> list[FileFetch]:
        """The requests for a hosted file's bytes."""
        return [f for f in self.file_fetches if f.file_id == file_id]

    def approve(self, team_id: str, user_id: str = "UINSTALLER") -> str:
        """A user of ``team_id`` approved the install on Slack's authorize page: the code
        Slack hands back on the redirect."""
        code = f"code-{team_id}-{next(self._ids)}"
        self.codes[code] = (team_id, user_id)
        return code

    def revoke(self, team_id: str) -> None:
        """The workspace uninstalled the app or revoked its tokens: none of them works."""
        team = self.teams.get(team_id)
        if team is not None:
            team.tokens.clear()
            team.refresh_token = None

    def team_of(self, token: str | None) -> str | None:
        """The workspace a bot token works in (the configured token: :attr:`team_id`)."""
        if token and token == self.bot_token:
            return self.team_id
        return next((t.team_id for t in self.teams.values() if token in t.tokens), None)

    def _issue(self, team: Team) -> dict[str, Any]:
        n = next(self._ids)
        access = f"xoxb-{team.team_id}-{n}"
        team.tokens.add(access)
        answer: dict[str, Any] = {
            "access_token": access,
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": "UBOT" + team.team_id,
            "app_id": "ASTANDIN",
            "team": {"id": team.team_id, "name": "Team " + team.team_id},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if self.rotation:
            team.refresh_token = f"xoxe-1-{team.team_id}-{n}"
            answer.update(refresh_token=team.refresh_token, expires_in=TOKEN_TTL)
        return answer

    def fail_next(
        self, method: str, error: str = "ratelimited", *, retry_after: float | None = None
    ) -> None:
        """Make the next call of ``method`` fail with ``error`` (429 with Retry-After for
        ``ratelimited``)."""
        self.failures[method].append((error, retry_after))

    def issue_trigger(self, trigger_id: str, user_id: str | None = None) -> str:
        """Record ``trigger_id`` as issued now with an interaction of ``user_id`` (the
        driver does this for every payload it sends); returns it."""
        self.triggers[trigger_id] = Trigger(user_id, time.monotonic())
        return trigger_id

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
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.posts_to(response_url)) >= count),
                within,
            )
        return self.posts_to(response_url)

    async def wait_for(self, ready: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``ready()`` holds; it is checked after every post and Web API call."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), within)

    async def wait_calls(self, method: str, count: int = 1, within: float = 10.0) -> list[ApiCall]:
        """Wait until ``method`` was called ``count`` times; return those calls."""
        await self.wait_for(lambda: len(self.calls_of(method)) >= count, within)
        return self.calls_of(method)

    async def wait_views(self, count: int = 1, within: float = 10.0) -> list[OpenedView]:
        """Wait until the bot opened ``count`` modals; return them all."""
        await self.wait_for(lambda: len(self.views) >= count, within)
        return list(self.views)

    def view(self, view_id: str) -> OpenedView:
        return next(v for v in self.views if v.id == view_id)

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
        self._envelopes[envelope_id] = Envelope(envelope_id, fut, payload)
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
        if auth.startswith("Basic "):  # oauth.v2.access: the app's client id and secret
            pair = base64.b64decode(auth.removeprefix("Basic ").strip()).decode()
            client_id, _, client_secret = pair.partition(":")
            params.update(client_id=client_id, client_secret=client_secret)
            auth = ""
        token = auth.removeprefix("Bearer ").strip() or params.get("token")
        self.calls.append(ApiCall(method, params, token, request.method))
        if method not in KNOWN_METHODS:
            return _error("unknown_method", status=404)
        if self.failures[method]:
            error, retry_after = self.failures[method].pop(0)
            if error == "ratelimited":
                headers = {"Retry-After": str(int(retry_after or 0))}
                return web.json_response({"ok": False, "error": error}, status=429, headers=headers)
            return _error(error)
        if method == "oauth.v2.access":
            response = await self._m_oauth_v2_access(params)
            async with self._changed:
                self._changed.notify_all()
            return response
        if method == "apps.connections.open":
            if token != self.app_token:
                return _error("not_authed" if not token else "invalid_auth")
        elif self.team_of(token) is None:
            return _error("not_authed" if not token else "invalid_auth")
        for key in ("blocks",):
            if params.get(key):
                try:
                    validate_blocks(params[key])
                except (BlockError, ValueError) as exc:
                    self.block_errors.append(f"{method}: {exc}")
                    return _error("invalid_blocks")
        handler = getattr(self, "_m_" + method.replace(".", "_"))
        response: web.Response = await handler({**params, "_token": token})
        async with self._changed:
            self._changed.notify_all()
        return response

    async def _m_oauth_v2_access(self, params: dict[str, Any]) -> web.Response:
        """The code grant (an install) and the refresh grant (a rotation): client id and
        secret checked; a code is used once; a refresh token is spent once, and one
        presented again is refused (``invalid_refresh_token``) and counted."""
        if (
            params.get("client_id") != self.client_id
            or params.get("client_secret") != self.client_secret
        ):
            return _error("invalid_client_id")
        if params.get("grant_type") == "refresh_token":
            given = str(params.get("refresh_token") or "")
            team = next((t for t in self.teams.values() if t.refresh_token == given), None)
            if team is None:
                for t in self.teams.values():
                    if given in t.spent:
                        t.reused += 1
                return _error("invalid_refresh_token")
            team.spent.add(given)
            team.refresh_token = None
            team.refreshes += 1
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            return _ok(**self._issue(team))
        code = str(params.get("code") or "")
        if code not in self.codes:
            return _error("invalid_code")
        team_id, user_id = self.codes.pop(code)
        team = self.teams.setdefault(team_id, Team(team_id))
        answer = self._issue(team)
        answer["authed_user"] = {"id": user_id}
        return _ok(**answer)

    async def _m_views_publish(self, params: dict[str, Any]) -> web.Response:
        """A Home tab: a ``home`` view of at most 100 valid blocks, for one user."""
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        user_id = params.get("user_id")
        try:
            if not isinstance(view, dict) or view.get("type") != "home":
                raise BlockError("views.publish takes a home view")
            validate_blocks(view.get("blocks"), VIEW_MAX_BLOCKS)
            ids = [b.get("block_id") for b in view["blocks"] if b.get("block_id")]
            if len(ids) != len(set(ids)):
                raise BlockError("repeated block_id in a view")
        except (BlockError, ValueError) as exc:
            self.block_errors.append(f"views.publish: {exc}")
            return _error("invalid_arguments")
        if not user_id:
            return _error("invalid_arguments")
        team = self.team_of(params.get("_token"))
        self.homes[(team or "", str(user_id))] = view
        return _ok(view={**view, "id": f"VHOME{next(self._ids)}"})

    async def _m_auth_test(self, params: dict[str, Any]) -> web.Response:
        return _ok(
            url="https://standin.slack.test/",
            team="Stand-in",
            user="connects",
            team_id=self.team_of(params.get("_token")) or self.team_id,
            user_id=self.bot_user_id,
            bot_id="BBOT",
        )

    async def _m_chat_postMessage(self, params: dict[str, Any]) -> web.Response:
        channel = str(params.get("channel") or "")
        if not channel:
            return _error("channel_not_found")
        if channel[0] in "UW":
            # a user id: Slack posts in the app's direct message with that user
            if channel not in self.users:
                return _error("channel_not_found")
            channel = "D" + channel[1:]
        if not params.get("text") and not params.get("blocks"):
            return _error("no_text")
        ts = f"{1700000000 + next(self._ids)}.000100"
        kept = {k: v for k, v in params.items() if k not in ("_token", "token")}
        self.messages.append(Message(channel, ts, {**kept, "channel": channel}))
        return _ok(channel=channel, ts=ts, message={"text": params.get("text")})

    async def _m_chat_postEphemeral(self, params: dict[str, Any]) -> web.Response:
        if not params.get("channel") or not params.get("user"):
            return _error("channel_not_found" if not params.get("channel") else "user_not_found")
        return _ok(message_ts=f"{1700000000 + next(self._ids)}.000200")

    async def _m_chat_update(self, params: dict[str, Any]) -> web.Response:
        """Edit a message the bot posted (its channel and ts): its text, and its blocks when
        given; any other ts is not found, as on Slack."""
        found = next(
            (
                m
                for m in self.messages
                if (m.channel, m.ts) == (params.get("channel"), params.get("ts"))
            ),
            None,
        )
        if found is None:
            return _error("message_not_found")
        if not params.get("text") and not params.get("blocks"):
            return _error("no_text")
        found.params = {
            **found.params,
            **{k: v for k, v in params.items() if k not in ("_token", "token", "ts")},
        }
        found.edits += 1
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

    async def _m_files_info(self, params: dict[str, Any]) -> web.Response:
        """A file of the token's workspace (another workspace's is not found, as on Slack)."""
        hosted = self.hosted.get(str(params.get("file") or ""))
        if hosted is None or hosted.team_id != self.team_of(params.get("_token")):
            return _error("file_not_found")
        return _ok(file=dict(hosted.meta), comments=[], response_metadata={"next_cursor": ""})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """``url_private`` and ``url_private_download``: the bytes for a token that works in
        the file's workspace, else Slack's redirect to its sign-in page."""
        team, _, file_id = request.match_info["key"].partition("-")
        hosted = self.hosted.get(file_id)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        allowed = hosted is not None and hosted.team_id == team and self.team_of(token) == team
        self.file_fetches.append(FileFetch(file_id, allowed, request.path))
        async with self._changed:
            self._changed.notify_all()
        return await hosting.serve(request, hosted, allowed)

    async def _sign_in(self, request: web.Request) -> web.Response:
        self.sign_ins += 1
        return await hosting.sign_in_page(request)

    async def _m_views_open(self, params: dict[str, Any]) -> web.Response:
        trigger_id = str(params.get("trigger_id") or "")
        if not trigger_id or not params.get("view"):
            return _error("invalid_arguments")
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            return _error("invalid_trigger_id")
        if trigger.used:
            return _error("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > TRIGGER_TTL:
            return _error("expired_trigger_id")
        try:
            view = validate_view(params["view"])
        except (BlockError, ValueError) as exc:
            self.block_errors.append(f"views.open: {exc}")
            return _error("invalid_arguments")
        trigger.used = True
        view_id = f"V{next(self._ids):08d}"
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "blocks": view["blocks"],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{next(self._ids):08x}",
            "title": view["title"],
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "ASTANDIN",
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": "BBOT",
        }
        self.views.append(OpenedView(stored, trigger.user_id, trigger_id))
        return _ok(view=stored)

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
        async with self._changed:
            self.posted.append(Posted(url_id, payload))
            self._changed.notify_all()
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
                submitted = envelope.payload.get("type") == "view_submission"
                try:
                    if submitted:
                        validate_view_response(data.get("payload") or {}, envelope.payload["view"])
                    elif data.get("payload"):
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
