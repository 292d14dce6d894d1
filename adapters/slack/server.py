"""The two ways Slack reaches the bot: an HTTP endpoint (signed requests) or Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
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
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from adapters.slack.identity import api_error

log = logging.getLogger(__name__)
SOCKET_LOG = logging.getLogger("adapters.slack.socket")  # slack_sdk's Socket Mode client logs here

# Seconds between pings on the Socket Mode connection; slack_sdk also waits this long before
# each new attempt to connect.
SOCKET_PING_INTERVAL = 10.0

FORM = "application/x-www-form-urlencoded"


def parse_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """The fields of a request body as Slack sent them.

    A form (slash commands) is its fields, each value intact; only a form whose one field is
    ``payload`` is an interaction (buttons), whose JSON that field holds. A JSON body (the
    Events API) is its object. A body that is none of these is ``{}``, which bolt answers
    with 404 once the signature checks out.
    """
    if not raw:
        return {}
    if content_type == "application/json" or (content_type != FORM and raw.startswith("{")):
        return _json_object(raw)
    fields = parse_qs(raw, keep_blank_values=True)
    if fields.keys() == {"payload"} and len(fields["payload"]) == 1:
        return _json_object(fields["payload"][0])
    return {name: values[-1] for name, values in fields.items()}  # the last, as bolt keeps


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class FormAwareRequest(AsyncBoltRequest):
    """An HTTP request for bolt whose body this module parsed, not bolt.

    Works around ``slack_bolt.request.internals.parse_body`` (slack-bolt 1.30.0, which
    ``AsyncBoltRequest.__init__`` calls on an HTTP body): it takes any form body in which
    the substring ``payload`` occurs for an interaction, then finds no ``payload`` field and
    returns ``{}``, so a slash command whose text, channel name or user name contains the
    word is unhandled (404) and lost. Here bolt is given an empty body to parse, and the
    raw body and :func:`parse_body`'s fields are set afterwards: bolt's signature check
    (``AsyncRequestVerification``) reads ``raw_body``, so it still verifies the exact bytes
    Slack signed, and listeners, matchers and the context read ``body``. This relies on
    bolt's request attributes (``raw_body``, ``body``, ``context``) and
    ``build_async_context``; pyproject bounds slack-bolt to the tested range, as a new
    release can change them:
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
    """Serves ``POST <path>`` to bolt (which checks the signature and timestamp: 401 when
    either is wrong) and ``GET /healthz`` for load balancers."""

    def __init__(self, bolt: AsyncApp, host: str, port: int, path: str) -> None:
        self._bolt = bolt
        self.host = host
        self.port = port
        self.path = path if path.startswith("/") else "/" + path
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post(self.path, self._handle)
        app.router.add_get("/healthz", self._health)
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
        log.info("Slack HTTP endpoint listening on http://%s:%d%s", self.host, self.port, self.path)

    async def _handle(self, request: web.Request) -> web.Response:
        # Not slack_bolt's to_bolt_request: bolt's parse_body (1.30.0) misreads any form body
        # containing "payload" as an interaction; see FormAwareRequest. The raw body is kept
        # as read, for bolt's signature check.
        headers: dict[str, str | Sequence[str]] = {
            name: request.headers.getall(name) for name in request.headers
        }
        bolt_request = FormAwareRequest(
            raw_body=await request.text(), query=request.query_string, headers=headers
        )
        bolt_response = await self._bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def stop(self) -> None:
        """Stop listening; requests being handled finish first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


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
