"""The bolt app: slash commands and button clicks -> core calls -> Slack messages (shortcuts
and modals: :mod:`adapters.slack.interactions`).

Listeners run before the response is sent (``process_before_response``): a quick command is
answered in its ack, with no polling; one still running after :data:`ACK_BUDGET` seconds, or
marked ``slow`` in the catalog, is acked with a placeholder and answered through
``response_url``. The trigger id is the request id (see :func:`command_request_id` for a
command without one), so a replayed request changes state once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, forms, home, text
from adapters.slack.config import SlackConfig
from adapters.slack.identity import Directory, api_error
from adapters.slack.installs import RotatingAuthorize, Workspaces, oauth_settings
from adapters.slack.interactions import Interactions
from adapters.slack.payloads import ActionBody, CommandBody, EventBody, MentionEvent
from adapters.slack.server import DELIVERY_ID
from adapters.slack.shares import Shares
from core.app import REQUEST_ID, App
from core.interface.catalog import find
from core.interface.reply import DETAILS, Attachment, Reply

log = logging.getLogger(__name__)

ACK_BUDGET = 2.0  # seconds a command may take before it is acked with a placeholder


def web_client(
    config: SlackConfig,
    session: aiohttp.ClientSession | None = None,
    token: str | None = None,
) -> AsyncWebClient:
    """A Web API client on ``config.api_base`` that retries rate limits and dropped
    connections the way Slack asks (``Retry-After``); with ``config.bot_token`` unless
    ``token`` is given (a workspace's own, with many workspaces)."""
    base = config.api_base if config.api_base.endswith("/") else config.api_base + "/"
    return AsyncWebClient(
        token=token or config.bot_token or None,
        base_url=base,
        session=session,
        timeout=15,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


class SlackAdapter:
    """Registers the catalog on a bolt ``AsyncApp`` and tracks the work it starts."""

    def __init__(
        self,
        app: App,
        config: SlackConfig,
        *,
        client: AsyncWebClient | None = None,
        workspaces: Workspaces | None = None,
    ) -> None:
        self.core = app
        self.config = config
        self.client = client or web_client(config)
        self.workspaces = workspaces
        self.directory = Directory(self.client_for)
        self.registered: list[str] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._seen_events: OrderedDict[str, None] = OrderedDict()
        http = config.mode == "http"
        # bolt's own RequestVerification stays off: in HTTP mode server.HttpServer checks
        # every signature on the raw bytes before bolt sees the request (one check, one
        # answer), and Socket Mode has none
        many: dict[str, Any] = {}
        if workspaces is not None:
            # many workspaces: bolt's OAuth flow on the bot's database, and each request
            # served with its own workspace's (rotated) token
            many = {
                "oauth_settings": oauth_settings(config, workspaces),
                "installation_store": workspaces.installations,
                "authorize": RotatingAuthorize(workspaces),
            }
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret if http else "unused-in-socket-mode",
            request_verification_enabled=False,
            process_before_response=True,
            logger=logging.getLogger("adapters.slack.bolt"),
            **many,
        )
        self.bolt.middleware(self._skip_retried_events)
        for slash in text.SLASH_COMMANDS:
            self.bolt.command(slash)(self._on_command)
            self.registered.append(slash)
        self.bolt.action(re.compile("^" + re.escape(blocks.ACTION_PREFIX)))(self._on_action)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.event("app_home_opened")(self._on_home_opened)
        self.bolt.event("app_uninstalled")(self._on_uninstalled)
        self.bolt.event("tokens_revoked")(self._on_tokens_revoked)
        self.bolt.action(home.PASTE_ACTION)(self._on_home_paste)
        self._home_users: set[tuple[str, str]] = set()  # who opened the Home tab here
        self.interactions = Interactions(self)  # shortcuts and modals
        self.shares = Shares(self)  # screenshots shared in the app's DM, and their fetching
        self.bolt.error(self._on_error)

    async def client_for(self, team_id: str) -> AsyncWebClient:
        """The Web API client for workspace ``team_id``: the one client with the static
        token, or (many workspaces) one with that workspace's own token; raises
        :class:`LookupError` for a workspace without one."""
        if self.workspaces is None:
            return self.client
        return await self.workspaces.client(team_id)

    # -- background work ------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` in the background; :meth:`drain` waits for it."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float = 30.0) -> None:
        """Wait (at most ``grace`` seconds) for background work to finish."""
        deadline = time.monotonic() + grace
        while self._tasks and time.monotonic() < deadline:
            await asyncio.wait(set(self._tasks), timeout=deadline - time.monotonic())
        for task in list(self._tasks):
            log.warning("cancelling unfinished Slack work at shutdown")
            task.cancel()

    # -- middleware and errors ------------------------------------------------------------------

    async def _skip_retried_events(
        self,
        body: dict[str, Any],
        request: AsyncBoltRequest,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        """Ack an Events API retry of an event already seen, without processing it again."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            # slack-bolt request parsing: lower-case names, list values (pyproject bounds it)
            retry = request.headers.get("x-slack-retry-num", ["0"])[0]
            if event_id in self._seen_events and retry not in ("", "0"):
                log.info("skipping retry %s of event %s", retry, event_id)
                return BoltResponse(status=200, body="")
            self._seen_events[event_id] = None
            while len(self._seen_events) > 10_000:
                self._seen_events.popitem(last=False)
        return await next()

    async def _on_error(self, error: Exception, body: Mapping[str, Any]) -> None:
        log.error(
            "unhandled error in a Slack listener (request %s)",
            _request_id(body, {}),
            exc_info=error,
        )

    # -- slash commands -------------------------------------------------------------------------

    async def _on_command(
        self, ack: AsyncAck, body: CommandBody, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        started = time.monotonic()
        request_id = command_request_id(body, context)
        token = REQUEST_ID.set(request_id)  # log lines (and the tasks started here) carry it
        try:
            await self._command(ack, body, respond, request_id, started)
        finally:
            REQUEST_ID.reset(token)

    async def _command(
        self,
        ack: AsyncAck,
        body: CommandBody,
        respond: AsyncRespond,
        request_id: str,
        started: float,
    ) -> None:
        line = text.command_text(body.get("command", ""), body.get("text") or "")
        command = text.catalog_command(line)
        trigger_id = body.get("trigger_id")
        if command is not None and forms.opens_form(command, line) and trigger_id:
            await ack()  # nothing to show: the form opens
            channel = body.get("channel_id")
            self.spawn(
                self.interactions.open_form(
                    command, trigger_id, channel, request_id, respond, body.get("team_id", "")
                )
            )
            return
        work = self.spawn(self._run_text(body, line, request_id))
        if command is None or not command.slow:
            budget = max(0.0, ACK_BUDGET - (time.monotonic() - started))
            done, _ = await asyncio.wait({work}, timeout=budget)
            if done:
                reply = work.result()
                if reply.file is None or reply.error:
                    await ack(blocks.render(reply))
                    return
        await ack(blocks.working())
        self.spawn(self._finish(work, body, respond, request_id))

    async def _run_text(self, body: CommandBody, line: str, request_id: str) -> Reply:
        try:
            team_id, user_id = body["team_id"], body["user_id"]
            mentions = text.mentioned_users(line)
            missing = [uid for uid, name in mentions if name is None]
            actor, names = await asyncio.gather(
                self.directory.actor(team_id, user_id, body.get("user_name")),
                self.directory.names(team_id, missing),
            )
            reply = await self.core.run_text(
                actor,
                line,
                request_id,
                resolve_user=text.user_resolver(team_id, names),
                resolve_channel=text.channel_id,
            )
            if not reply.error:
                self.refresh_home(team_id, user_id, request_id)
            return reply
        except Exception:
            log.exception("Slack command failed (request %s)", request_id)
            return Reply(title=blocks.FAILED_TEXT, error=True)

    async def _finish(
        self, work: asyncio.Task[Reply], body: CommandBody, respond: AsyncRespond, request_id: str
    ) -> None:
        reply = await work
        message = blocks.render(reply)
        if reply.file is not None and not reply.error:
            user_id, channel = body.get("user_id", ""), body.get("channel_id") or ""
            note = await self.upload(
                reply.file, user_id, channel, reply.private, request_id, body.get("team_id", "")
            )
            message = blocks.render(reply, note=note)
        if message["response_type"] == "ephemeral":
            await self.send_response(respond, {**message, "replace_original": True}, request_id)
            return
        # an ephemeral placeholder cannot become a channel message: post anew, then remove it
        await self.send_response(respond, {**message, "replace_original": False}, request_id)
        await self.send_response(respond, {"delete_original": True}, request_id)

    async def send_response(
        self, respond: AsyncRespond, message: dict[str, Any], request_id: str
    ) -> None:
        """Post ``message`` to the request's ``response_url``; a refusal is logged."""
        try:
            resp = await respond(message)
            if getattr(resp, "status_code", 200) >= 300:
                log.warning(
                    "response_url refused a reply (request %s): %s %s",
                    request_id,
                    resp.status_code,
                    getattr(resp, "body", ""),
                )
        except Exception as exc:
            log.warning(
                "could not post a reply to response_url (request %s): %s",
                request_id,
                type(exc).__name__,
            )

    async def upload(
        self,
        file: Attachment,
        user_id: str,
        channel: str,
        private: bool,
        request_id: str,
        team_id: str = "",
    ) -> str:
        """Upload ``file`` for ``user_id`` in ``channel`` (in a direct message when private);
        return a line saying where."""
        try:
            private = private or not channel
            client = await self.client_for(team_id)
            if private:
                opened = await client.conversations_open(users=user_id)
                channel = opened["channel"]["id"]
            resp = await client.files_upload_v2(
                channel=channel,
                content=file.data,
                filename=file.filename,
                title=file.filename,
            )
            files = resp.get("files") or [{}]
            link = files[0].get("permalink")
            where = "in your direct messages with me" if private else "in this channel"
            return (
                f"<{link}|{file.filename}> sent {where}."
                if link
                else f"{file.filename} sent {where}."
            )
        except (SlackClientError, OSError, LookupError) as exc:
            error = api_error(exc)
            log.warning("file upload failed (request %s): %s", request_id, error)
            return f"Could not upload {file.filename} ({error}); please try again."

    # -- buttons --------------------------------------------------------------------------------

    async def _on_action(
        self, ack: AsyncAck, body: ActionBody, respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        await ack()
        request_id = _request_id(body, context)
        token = REQUEST_ID.set(request_id)
        try:
            self.spawn(self._press(body, respond, request_id))
        finally:
            REQUEST_ID.reset(token)

    async def _press(self, body: ActionBody, respond: AsyncRespond, request_id: str) -> None:
        name = ""
        try:
            action = (body.get("actions") or [{}])[0]
            try:
                name, value, only_user = blocks.parse_button_value(action.get("value", ""))
            except ValueError:
                log.warning("ignoring a click on an unknown button (request %s)", request_id)
                return
            user = body.get("user") or {}
            team_id = (body.get("team") or {}).get("id") or user.get("team_id", "")
            actor = await self.directory.actor(team_id, user["id"], user.get("name"))
            if only_user and only_user != actor.user.key:
                reply = Reply(
                    title="Only the person who made this bid can use that button.", error=True
                )
            else:
                reply = await self.core.press(actor, name, value, request_id)
                if not reply.error:
                    self.refresh_home(team_id, user["id"], request_id)
        except Exception:
            log.exception("Slack button failed (request %s)", request_id)
            reply = Reply(title=blocks.FAILED_TEXT, error=True)
        if (body.get("view") or {}).get("type") == "home":
            # pressed on the Home tab: no message to answer; the tab is published again, and
            # a refusal is told in the user's direct messages with the app
            if reply.error:
                team = (body.get("team") or {}).get("id") or ""
                await self._tell(team, (body.get("user") or {}).get("id", ""), reply)
            return
        message = blocks.render(reply)
        # Details answer beside the message pressed (ephemeral): the first screen stays
        message["replace_original"] = not reply.error and name != DETAILS
        await self.send_response(respond, message, request_id)

    async def _tell(self, team_id: str, user_id: str, reply: Reply) -> None:
        """Send ``reply`` to ``user_id`` in their direct messages with the app."""
        message = blocks.render(reply)
        message.pop("response_type", None)
        try:
            client = await self.client_for(team_id)
            await client.chat_postMessage(channel=user_id, unfurl_links=False, **message)
        except (SlackClientError, OSError, LookupError) as exc:
            log.warning("could not tell a user why a press was refused: %s", api_error(exc))

    # -- events ---------------------------------------------------------------------------------

    async def _on_mention(self, body: EventBody, event: MentionEvent) -> None:
        """Someone mentioned the bot: show them (only them) what it can do."""
        team_id = body.get("team_id", "")
        if not event.get("user") or not event.get("channel"):
            return
        actor = await self.directory.actor(team_id, event["user"])
        reply = await self.core.run_text(actor, "help", body.get("event_id", ""))
        message = blocks.render(reply)
        message.pop("response_type", None)
        try:
            client = await self.client_for(team_id)
            await client.chat_postEphemeral(channel=event["channel"], user=event["user"], **message)
        except (SlackClientError, OSError, LookupError) as exc:
            log.warning("could not answer a mention: %s", api_error(exc))

    # -- the Home tab, uninstalls and revocations -----------------------------------------------

    async def _on_home_opened(self, body: EventBody, event: dict[str, Any]) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        team_id = body.get("team_id", "")
        self._home_users.add((team_id, event["user"]))
        await self.publish_home(team_id, event["user"], body.get("event_id", ""))

    async def publish_home(self, team_id: str, user_id: str, request_id: str) -> None:
        """Publish ``user_id``'s Home tab in workspace ``team_id``; a failure is logged."""
        try:
            actor = await self.directory.actor(team_id, user_id)
            view = await home.view(self.core, actor, request_id or f"home:{user_id}")
            client = await self.client_for(team_id)
            await client.views_publish(user_id=user_id, view=view)
        except (SlackClientError, OSError, LookupError) as exc:
            log.warning("could not publish the Home tab: %s", api_error(exc))

    def refresh_home(self, team_id: str, user_id: str, request_id: str) -> None:
        """After a user's change: publish their Home tab again, if they opened it here."""
        if (team_id, user_id) in self._home_users:
            self.spawn(self.publish_home(team_id, user_id, request_id + ":home"))

    async def _on_home_paste(self, ack: AsyncAck, body: ActionBody) -> None:
        await ack()
        command = find("paste")
        trigger_id = body.get("trigger_id")
        if command is None or not trigger_id:
            return
        team_id = (body.get("team") or {}).get("id") or ""
        self.spawn(
            self.interactions.open_form(command, trigger_id, None, trigger_id, team_id=team_id)
        )

    async def _on_uninstalled(self, body: EventBody) -> None:
        """The workspace removed the app: its tokens go now, its data after the retention
        period (kept if it installs again before)."""
        await self._forget_tokens(body.get("team_id", ""), "uninstalled the app")

    async def _on_tokens_revoked(self, body: EventBody, event: dict[str, Any]) -> None:
        """Tokens were revoked: the bot's (the only ones the app holds) go now."""
        if (event.get("tokens") or {}).get("bot"):
            await self._forget_tokens(body.get("team_id", ""), "revoked the bot's token")

    async def _forget_tokens(self, team_id: str, what: str) -> None:
        if self.workspaces is None:
            log.warning(
                "Slack workspace %s %s; the configured bot token no longer works", team_id, what
            )
            return
        if await self.workspaces.remove(team_id):
            log.info(
                "Slack workspace %s %s: its tokens are deleted, its data in %d days",
                team_id,
                what,
                self.config.retention_days,
            )
        self._home_users = {k for k in self._home_users if k[0] != team_id}


def command_request_id(body: CommandBody, context: Mapping[str, Any]) -> str:
    """The request id of a slash command: its trigger id.

    A command Slack sent without one gets an id of its own invocation instead: a digest of
    its workspace, user, channel, command and text with its ``response_url``, which Slack
    makes for each invocation and which a redelivery of it repeats, so the same command
    delivered again replays once while the same text typed again is a new request. Lacking
    a ``response_url`` too, the delivery stands for the invocation: the Socket Mode
    envelope id, or over HTTP the request's signed timestamp and signature (the same only
    when the very same signed request arrives again).
    """
    trigger = body.get("trigger_id")
    if trigger:
        return str(trigger)
    invocation = (
        body.get("response_url") or context.get("envelope_id") or context.get(DELIVERY_ID) or ""
    )
    if not invocation:
        return ""  # no id at all: a change is refused by the core
    fields = [body.get(name) or "" for name in ("team_id", "user_id", "channel_id", "command")]
    key = json.dumps([*fields, body.get("text") or "", invocation], ensure_ascii=False)
    return "slack-command:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _request_id(body: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The trigger id of a click; else the Socket Mode envelope id or HTTP delivery id (see
    :func:`command_request_id`), or the event id."""
    return str(
        body.get("trigger_id")
        or context.get("envelope_id")
        or context.get(DELIVERY_ID)
        or body.get("event_id")
        or ""
    )
