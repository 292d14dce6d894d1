"""The two ways Slack reaches the bot: an HTTP endpoint (signed requests) or Socket Mode."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import hashlib
import hmac
import json
import logging
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response  # internal
from slack_bolt.adapter.socket_mode.internals import build_headers  # internal, since 1.29
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from adapters.slack.identity import api_error

log = logging.getLogger(__name__)
SOCKET_LOG = logging.getLogger("adapters.slack.socket")  # slack_sdk's Socket Mode client logs here

# Seconds between pings on the Socket Mode connection; slack_sdk also waits this long before
# each new attempt to connect.
SOCKET_PING_INTERVAL = 10.0

FORM = "application/x-www-form-urlencoded"

# Slack signs a request at most this long before it arrives (its documented replay window).
MAX_AGE = 60 * 5

# The bolt context key of an HTTP request's delivery id (see HttpServer._handle).
DELIVERY_ID = "delivery_id"


class RequestSignature(SignatureVerifier):
    """Slack's ``v0`` request signature, checked on the raw bytes of a request from anyone.

    slack_sdk's :class:`SignatureVerifier` (3.48.0) computes the right HMAC-SHA256 of
    ``v0:<timestamp>:<body>``, but it decodes the body as UTF-8 (an invalid byte raises),
    reads the timestamp with ``int()`` (``abc`` raises) and compares ``str`` digests (a
    non-ASCII header raises ``TypeError``), so a junk request ends in a traceback. Here the
    signing secret, the clock and the five-minute window are slack_sdk's; the base string
    is built from bytes and compared as bytes, in constant time, and every failure is a
    reason, never an exception.
    """

    def problem(self, body: bytes, timestamp: str | None, signature: str | None) -> str | None:
        """Why the request is not signed by Slack (a short phrase for logs), or ``None``."""
        if not signature:
            return "no signature"
        if not timestamp:
            return "no timestamp"
        if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
            return "a timestamp that is not a number"
        age = self.clock.now() - int(timestamp)
        if abs(age) > MAX_AGE:
            return f"a timestamp {abs(int(age))} s {'old' if age > 0 else 'ahead'}"
        expected = self.generate_signature(timestamp=timestamp, body=body) or ""
        given = signature.encode("utf-8", "replace")
        if not hmac.compare_digest(expected.encode(), given):
            return "a wrong signature"
        return None

    def is_valid(self, body: str | bytes, timestamp: str | None, signature: str | None) -> bool:
        raw = body.encode() if isinstance(body, str) else body
        return self.problem(raw, timestamp, signature) is None

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        raw = body.encode() if isinstance(body, str) else body
        base = b"v0:" + timestamp.encode() + b":" + raw
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"


class MalformedRequest(ValueError):
    """A signed request whose body is no request Slack sends; the message says why."""


def decode_body(raw: bytes, charset: str | None) -> str:
    """The text of a request body: Slack sends UTF-8, with or without saying so."""
    if charset is not None:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            raise MalformedRequest(f"an unknown charset {charset[:40]!r}") from None
        if name != "utf-8":
            raise MalformedRequest(f"charset {charset[:40]!r}, not UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("a body that is not UTF-8") from None


def parse_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """The fields of a request body as Slack sent them.

    A form (slash commands) is its fields, each value intact; only a form whose one field is
    ``payload`` is an interaction (buttons), whose JSON object that field holds. A JSON body
    (the Events API) is its object. Raises :class:`MalformedRequest` for what Slack never
    sends: an empty body, JSON that does not parse or is not an object, an interaction
    whose ``payload`` is not a JSON object, a percent-escape that is not UTF-8. A well-formed
    body bolt has no listener for is bolt's to answer (404).
    """
    if not raw:
        raise MalformedRequest("an empty body")
    if content_type == "application/json" or (content_type != FORM and raw.startswith("{")):
        return _json_object(raw, "a JSON body")
    try:
        fields = parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise MalformedRequest("a form field that is not UTF-8") from None
    if fields.keys() == {"payload"} and len(fields["payload"]) == 1:
        return _json_object(fields["payload"][0], "an interaction payload")
    return {name: values[-1] for name, values in fields.items()}  # the last, as bolt keeps


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise MalformedRequest(f"{what} that does not parse as JSON") from None
    if not isinstance(value, dict):
        raise MalformedRequest(f"{what} that is not a JSON object")
    return value


class FormAwareRequest(AsyncBoltRequest):
    """An HTTP request for bolt whose body this module parsed, not bolt.

    Works around ``slack_bolt.request.internals.parse_body`` (slack-bolt 1.30.0, which
    ``AsyncBoltRequest.__init__`` calls on an HTTP body): it takes any form body in which
    the substring ``payload`` occurs for an interaction, then finds no ``payload`` field and
    returns ``{}``, so a slash command whose text, channel name or user name contains the
    word is unhandled (404) and lost. Here bolt is given an empty body to parse, and the
    raw body and :func:`parse_body`'s fields are set afterwards (a body it refuses raises
    :class:`MalformedRequest`): ``raw_body`` stays the exact text Slack signed, and
    listeners, matchers and the context read ``body``. This relies on bolt's request
    attributes (``raw_body``, ``body``, ``context``) and ``build_async_context``; pyproject
    bounds slack-bolt to the tested range, as a new release can change them:
    ``tests/adapters/slack/test_slack_form_fields.py`` covers both modes end to end and
    skips its check of bolt's parser once bolt parses such forms whole.
    """

    def __init__(
        self,
        *,
        raw_body: str,
        query: str | dict[str, Sequence[str]] | None = None,
        headers: dict[str, str | Sequence[str]] | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(body="", query=query, headers=headers, context=context, mode="http")
        self.raw_body = raw_body
        self.body = parse_body(raw_body, self.content_type)
        self.context = build_async_context(AsyncBoltContext(context or {}), self.body)

    def to_copyable(self) -> FormAwareRequest:
        """A copy (bolt makes one for lazy listeners), parsed the same way."""
        return FormAwareRequest(
            raw_body=self.raw_body,
            query=self.query,
            headers=dict(self.headers),
            context=self.context.to_copyable(),
        )


class HttpServer:
    """Serves ``POST <path>`` to bolt and ``GET /healthz`` for load balancers.

    Every POST is checked before anything reads it: its ``v0`` signature over the raw bytes
    and its timestamp (:class:`RequestSignature`); an unsigned, badly signed or stale request
    gets 401 and one log line. Only then is the body decoded and parsed: a signed body that
    is no request Slack sends gets 400 and one log line. ``signing_secret`` defaults to the
    bolt app's own; the bot's app (:class:`adapters.slack.handlers.SlackAdapter`) leaves
    bolt's ``RequestVerification`` off in HTTP mode, so this is the one check and the one
    answer. A bolt app that keeps it on (a default ``AsyncApp``, with the default secret)
    re-checks the same bytes with the same secret and window, so it only ever sees requests
    it accepts too.
    """

    def __init__(
        self,
        bolt: AsyncApp,
        host: str,
        port: int,
        path: str,
        *,
        signing_secret: str | None = None,
    ) -> None:
        self._bolt = bolt
        # slack-bolt internal AsyncApp._signing_secret (pyproject bounds bolt): the secret the
        # app was built with, when none is given here
        secret = signing_secret if signing_secret is not None else bolt._signing_secret
        self._signature = RequestSignature(secret)  # an empty secret raises ValueError
        self.host = host
        self.port = port
        self.path = path if path.startswith("/") else "/" + path
        self._runner: web.AppRunner | None = None
        #: True while the listener is bound (``/readyz``)
        self.bound = False

    async def start(self) -> None:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post(self.path, self._handle)
        app.router.add_get("/healthz", self._health)
        flow = self._bolt.oauth_flow
        if flow is not None:  # many workspaces: the install link and Slack's redirect
            app.router.add_get(flow.install_path, self._install)
            app.router.add_get(flow.redirect_uri_path, self._redirect)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=30.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # aiohttp internal TCPSite._server: the port bound when asked for 0 (pyproject bounds it)
        sockets = getattr(site._server, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]
        self.bound = True
        log.info("Slack HTTP endpoint listening on http://%s:%d%s", self.host, self.port, self.path)

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        problem = self._signature.problem(raw, timestamp, signature)
        if problem is not None:
            log.warning("refused a Slack request from %s: %s (401)", request.remote, problem)
            return web.json_response({"error": "invalid request"}, status=401)
        # Not slack_bolt's to_bolt_request: bolt's parse_body (1.30.0) misreads any form body
        # containing "payload" as an interaction; see FormAwareRequest.
        headers: dict[str, str | Sequence[str]] = {
            name: request.headers.getall(name) for name in request.headers
        }
        # this delivery's own id: its signed timestamp and signature, the same when the
        # same request is delivered again (a command without a trigger id falls back on it)
        delivery = hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()[:32]
        try:
            bolt_request = FormAwareRequest(
                raw_body=decode_body(raw, request.charset),
                query=request.query_string,
                headers=headers,
                context={DELIVERY_ID: "http:" + delivery},
            )
        except MalformedRequest as exc:
            log.warning("refused a signed Slack request from %s: %s (400)", request.remote, exc)
            return web.json_response({"error": "malformed request"}, status=400)
        bolt_response = await self._bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def _install(self, request: web.Request) -> web.Response:
        """``/slack/install``: a new OAuth state, and the page or redirect to Slack's
        authorize page (bolt's OAuth flow)."""
        flow = self._bolt.oauth_flow
        assert flow is not None
        resp = await flow.handle_installation(_get_request(request))
        return await to_aiohttp_response(resp)

    async def _redirect(self, request: web.Request) -> web.Response:
        """``/slack/oauth_redirect``: Slack sends the user back with a code and the state;
        bolt checks the state (issued here, once, and the browser's cookie), exchanges the
        code and stores the installation, then shows the success or failure page."""
        flow = self._bolt.oauth_flow
        assert flow is not None
        resp = await flow.handle_callback(_get_request(request))
        return await to_aiohttp_response(resp)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def stop(self) -> None:
        """Stop listening; requests being handled finish first."""
        self.bound = False
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _get_request(request: web.Request) -> AsyncBoltRequest:
    headers: dict[str, str | Sequence[str]] = {
        name: request.headers.getall(name) for name in request.headers
    }
    return AsyncBoltRequest(body="", query=request.query_string, headers=headers)


# A connection attempt that failed for a reason outside the bot: Slack refused the token or
# answered an error, the network or Slack is down, or it timed out.
_CONNECTION_ERRORS = (SlackClientError, aiohttp.ClientError, OSError, TimeoutError)


def _short(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return api_error(exc)
    return " ".join(str(exc).split()) or type(exc).__name__


class RetryNoiseFilter(logging.Filter):
    """One short line per failed Socket Mode connection attempt, no traceback.

    slack_sdk's Socket Mode client (3.48.0: ``SocketModeClient.connect`` in
    ``slack_sdk.socket_mode.aiohttp``) retries a failed connection every ping interval and
    logs each attempt with ``logger.exception("Failed to connect (error: ...); Retrying...")``,
    a full traceback each time; when Slack refuses the app token, ``issue_new_wss_url`` logs
    ``"Failed to retrieve WSS URL: ..."`` first, and both quote the error's multi-line text.
    For these expected failures (:data:`_CONNECTION_ERRORS`) this filter drops the traceback,
    puts the short error (``invalid_auth``) in place of its long text, and drops the WSS URL
    line, which the retry line repeats. Other records, and tracebacks of other exceptions
    (a bug), pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        handled = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        if not isinstance(handled, _CONNECTION_ERRORS):
            return True
        message = record.getMessage()
        if record.exc_info is None and message.startswith("Failed to retrieve WSS URL"):
            return False  # re-raised: the "Failed to connect ...; Retrying" line follows
        record.msg = " ".join(message.replace(str(handled), _short(handled)).split())
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


_RETRY_NOISE = RetryNoiseFilter()


class SocketHandler(AsyncSocketModeHandler):
    """bolt's Socket Mode handler, passing the envelope id on and counting requests in
    flight so shutdown can wait for them."""

    def __init__(self, bolt: AsyncApp, app_token: str) -> None:
        super().__init__(
            bolt, app_token=app_token, logger=SOCKET_LOG, ping_interval=SOCKET_PING_INTERVAL
        )
        if _RETRY_NOISE not in SOCKET_LOG.filters:
            SOCKET_LOG.addFilter(_RETRY_NOISE)
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # bolt's methods are untyped; bind them once with their real types
        self._connect: Callable[[], Coroutine[Any, Any, None]] = self.connect_async
        self._close: Callable[[], Coroutine[Any, Any, None]] = self.close_async
        self._on_connect: list[Callable[[], None]] = []
        self.client.message_listeners.append(self._hello)

    def on_connect(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on each connection Slack opens (its ``hello`` message): the
        first, and every reconnection after it."""
        self._on_connect.append(callback)

    async def _hello(
        self, client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None
    ) -> None:
        if message.get("type") == "hello":
            for callback in self._on_connect:
                callback()

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        start = time.time()
        self.in_flight += 1
        self._idle.clear()
        try:
            # slack-bolt internals: its run_async_bolt_app + envelope id (pyproject bounds bolt)
            bolt_request = AsyncBoltRequest(
                mode="socket_mode",
                body=req.payload,
                headers=build_headers(req),
                context={"envelope_id": req.envelope_id},
            )
            bolt_response = await self.app.async_dispatch(bolt_request)
            # slack-bolt internal send_async_response: its Socket Mode ack (pyproject bounds it)
            await send_async_response(client, req, bolt_response, start)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._idle.set()

    async def start(self, stop: asyncio.Event) -> bool:
        """Connect; slack_sdk retries a refused or failed connection itself (logging why),
        so this waits until connected or until ``stop`` is set. Returns whether connected."""
        connect: asyncio.Task[None] = asyncio.create_task(self._connect())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({connect, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if connect.done():
            try:
                connect.result()
            except Exception as exc:
                log.error("Slack Socket Mode connection failed: %s", api_error(exc))
                return False
            log.info("Slack Socket Mode connected")
            return True
        connect.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connect
        log.warning("stopped before Slack Socket Mode could connect")
        return False

    async def stop(self, grace: float = 30.0) -> None:
        """Let requests in flight send their acks, then close the connection."""
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("closing Socket Mode with %d requests unanswered", self.in_flight)
        await self._close()
