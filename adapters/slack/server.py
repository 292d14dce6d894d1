"""The two ways Slack reaches the bot: an HTTP endpoint (signed requests) or Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response  # internal
from slack_bolt.adapter.socket_mode.internals import build_headers  # internal, since 1.29
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from adapters.slack.identity import api_error

log = logging.getLogger(__name__)


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
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                     shutdown_timeout=30.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        # aiohttp internal TCPSite._server: the port bound when asked for 0 (pyproject bounds it)
        sockets = getattr(site._server, "sockets", None)
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("Slack HTTP endpoint listening on http://%s:%d%s", self.host, self.port,
                 self.path)

    async def _handle(self, request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await self._bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def stop(self) -> None:
        """Stop listening; requests being handled finish first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


class SocketHandler(AsyncSocketModeHandler):
    """bolt's Socket Mode handler, passing the envelope id on and counting requests in
    flight so shutdown can wait for them."""

    def __init__(self, bolt: AsyncApp, app_token: str) -> None:
        super().__init__(bolt, app_token=app_token, logger=logging.getLogger(
            "adapters.slack.socket"))
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # bolt's methods are untyped; bind them once with their real types
        self._connect: Callable[[], Coroutine[Any, Any, None]] = self.connect_async
        self._close: Callable[[], Coroutine[Any, Any, None]] = self.close_async

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        start = time.time()
        self.in_flight += 1
        self._idle.clear()
        try:
            # slack-bolt internals: its run_async_bolt_app + envelope id (pyproject bounds bolt)
            bolt_request = AsyncBoltRequest(
                mode="socket_mode", body=req.payload, headers=build_headers(req),
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
