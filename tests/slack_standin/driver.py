"""Play Slack's side of a conversation with the bot: slash commands, button clicks,
shortcuts (global and on a message) and modal submissions.

In HTTP mode requests are signed exactly as Slack signs them (``v0:<timestamp>:<raw body>``,
HMAC-SHA256 with the signing secret); in Socket Mode they go out as envelopes on the stand-in's
websocket. Either way the bot's acknowledgement comes back as a dict, checked with slack_sdk's
block models.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.slack_standin.files import uploaded_state
from tests.slack_standin.server import (
    OpenedView,
    SlackStandIn,
    input_blocks,
    validate_message,
    validate_view_response,
)

_ids = itertools.count(1)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack adds to a request: timestamp and ``v0=`` HMAC-SHA256 signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def new_trigger_id() -> str:
    return f"{next(_ids)}.1000.{time.time_ns():x}"


def command_payload(
    slack: SlackStandIn,
    user_id: str,
    command: str,
    text: str,
    *,
    trigger_id: str | None = None,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    response_url: str | None = None,
) -> dict[str, str]:
    """The fields of a slash command request, as Slack sends them."""
    user = slack.users.get(user_id)
    trigger_id = slack.issue_trigger(trigger_id or new_trigger_id(), user_id)
    return {
        "token": "deprecated-verification-token",
        "team_id": slack.team_id,
        "team_domain": "standin",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user.name if user else user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": "ASTANDIN",
        "is_enterprise_install": "false",
        "response_url": response_url or slack.new_response_url(),
        "trigger_id": trigger_id,
    }


def _user(slack: SlackStandIn, user_id: str) -> dict[str, str]:
    """The ``user`` object of an interaction payload."""
    user = slack.users.get(user_id)
    return {
        "id": user_id,
        "username": user_id.lower(),
        "name": user_id.lower(),
        # the user's home workspace: another one for a Slack Connect user
        "team_id": user.team_id if user else slack.team_id,
    }


def action_payload(
    slack: SlackStandIn,
    user_id: str,
    action_id: str,
    value: str,
    *,
    trigger_id: str | None = None,
    channel_id: str = "C0GENERAL",
    response_url: str | None = None,
    block_id: str = "buttons",
    ephemeral: bool = True,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on a button of an actions block ``block_id``
    (in an ephemeral reply unless ``ephemeral`` is false: a message the bot posted, such as a
    notice in a direct message, whose ``channel_id`` is the DM's ``D…`` id)."""
    return {
        "type": "block_actions",
        "user": _user(slack, user_id),
        "api_app_id": "ASTANDIN",
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": slack.issue_trigger(trigger_id or new_trigger_id(), user_id),
        "team": {"id": slack.team_id, "domain": "standin"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {
            "id": channel_id,
            "name": "directmessage" if channel_id.startswith("D") else "general",
        },
        "response_url": response_url or slack.new_response_url(),
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": "Button"},
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def shortcut_payload(
    slack: SlackStandIn, user_id: str, callback_id: str, *, trigger_id: str | None = None
) -> dict[str, Any]:
    """A global shortcut (``type: shortcut``): no channel, no response_url."""
    return {
        "type": "shortcut",
        "token": "deprecated-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": slack.team_id, "domain": "standin"},
        "user": _user(slack, user_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": slack.issue_trigger(trigger_id or new_trigger_id(), user_id),
    }


def message_action_payload(
    slack: SlackStandIn,
    user_id: str,
    callback_id: str,
    message: dict[str, Any],
    *,
    channel_id: str = "C0GENERAL",
    trigger_id: str | None = None,
    response_url: str | None = None,
) -> dict[str, Any]:
    """A message shortcut (``type: message_action``) used on ``message`` (its ``text`` in
    Slack's mrkdwn, as Slack stores it; ``user`` and ``ts`` filled in if missing)."""
    ts = message.get("ts") or f"{1700000000 + len(slack.calls)}.000300"
    return {
        "type": "message_action",
        "token": "deprecated-verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": slack.team_id, "domain": "standin"},
        "user": _user(slack, user_id),
        "channel": {"id": channel_id, "name": "general"},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": slack.issue_trigger(trigger_id or new_trigger_id(), user_id),
        "response_url": response_url or slack.new_response_url(),
        "message_ts": ts,
        "message": {"type": "message", "user": "UKIM", "team": slack.team_id, **message, "ts": ts},
    }


def view_submission_payload(
    slack: SlackStandIn,
    opened: OpenedView,
    values: dict[str, Any],
    *,
    user_id: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """The ``view_submission`` of a modal the bot opened, with ``values`` (block id -> what
    the user typed, or for a ``file_input`` the file objects uploaded, from
    :meth:`SlackStandIn.host_file`) in ``view.state.values``. Refuses, as Slack's client does,
    what a user cannot submit: a required input left empty, text over an input's
    ``max_length``, a line break in a single-line input, files a file_input does not take."""
    user_id = user_id or opened.user_id or "USAM"
    inputs = input_blocks(opened.view)
    unknown = set(values) - set(inputs)
    if unknown:
        raise ValueError(f"no input blocks {sorted(unknown)} in the view")
    state: dict[str, dict[str, Any]] = {}
    for block_id, block in inputs.items():
        element = block["element"]
        value = values.get(block_id) or None
        if value is None and not block.get("optional"):
            raise ValueError(f"{block_id}: Slack's client refuses an empty required input")
        if element["type"] == "file_input":
            files = list(value or [])
            state[block_id] = {element["action_id"]: uploaded_state(element, files)}
            continue
        if value is not None and len(value) > element.get("max_length", 3000):
            raise ValueError(f"{block_id}: longer than max_length {element.get('max_length')}")
        if value is not None and "\n" in value and not element.get("multiline"):
            raise ValueError(f"{block_id}: a single-line input takes no line breaks")
        state[block_id] = {element["action_id"]: {"type": element["type"], "value": value}}
    return {
        "type": "view_submission",
        "team": {"id": slack.team_id, "domain": "standin"},
        "user": _user(slack, user_id),
        "api_app_id": "ASTANDIN",
        "token": "deprecated-verification-token",
        "trigger_id": slack.issue_trigger(trigger_id or new_trigger_id(), user_id),
        "view": {**opened.view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def dm_channel(user_id: str) -> str:
    """The id of the app's DM with ``user_id`` (as the stand-in's conversations.open gives)."""
    return "D" + user_id[1:]


def event_body(slack: SlackStandIn, event: dict[str, Any]) -> dict[str, Any]:
    """An Events API ``event_callback`` wrapping ``event``, as Slack sends it."""
    return {
        "token": "deprecated-verification-token",
        "team_id": slack.team_id,
        "api_app_id": "ASTANDIN",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": slack.team_id,
                "user_id": slack.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{next(_ids):010d}",
    }


def file_share_event(
    slack: SlackStandIn,
    user_id: str,
    files: list[dict[str, Any]],
    *,
    text: str = "",
    channel: str | None = None,
    channel_type: str = "im",
) -> dict[str, Any]:
    """A ``message`` event of subtype ``file_share``: ``user_id`` shared ``files`` (file
    objects from :meth:`SlackStandIn.host_file`) with ``text``, by default in the app's DM
    (``message.im``)."""
    ts = f"{int(time.time())}.{next(_ids):06d}"
    user = slack.users.get(user_id)
    return {
        "type": "message",
        "subtype": "file_share",
        "text": text,
        "files": files,
        "upload": True,
        "user": user_id,
        "user_team": user.team_id if user else slack.team_id,
        "source_team": slack.team_id,
        "display_as_bot": False,
        "ts": ts,
        "blocks": [],
        "client_msg_id": f"{next(_ids):08x}-0000-4000-8000-000000000000",
        "channel": channel or dm_channel(user_id),
        "event_ts": ts,
        "channel_type": channel_type,
    }


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The button elements of a message's actions blocks, each with the id of its block
    (``_block_id``, which a click sends back)."""
    return [
        {**el, "_block_id": block.get("block_id")}
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for el in block["elements"]
        if el.get("type") == "button"
    ]


def message_text(message: dict[str, Any]) -> str:
    """Every piece of text a user would read in a message (fallback text excluded)."""
    out: list[str] = []
    for block in message.get("blocks") or []:
        if "text" in block and isinstance(block["text"], dict):
            out.append(block["text"]["text"])
        for f in block.get("fields") or []:
            out.append(f["text"])
        for el in block.get("elements") or []:
            if isinstance(el.get("text"), dict):
                out.append(el["text"]["text"])
            elif isinstance(el.get("text"), str):
                out.append(el["text"])
    if not message.get("blocks"):
        out.append(message.get("text") or "")
    return "\n".join(out)


@dataclass
class Exchange:
    """One request to the bot and what came back."""

    status: int
    ack: dict[str, Any]
    response_url: str
    trigger_id: str
    raw: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class SlackDriver:
    """Sends requests to the bot over HTTP (signed) or Socket Mode, like Slack does."""

    def __init__(
        self, slack: SlackStandIn, mode: str, *, bot_url: str = "", signing_secret: str = ""
    ) -> None:
        self.slack = slack
        self.mode = mode
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def post_signed(
        self,
        body: bytes,
        *,
        headers: dict[str, str] | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> tuple[int, str]:
        """POST ``body`` to the bot's request URL, signed with ``secret`` (default: the right
        one) at ``timestamp`` (default: now)."""
        hdrs = {"Content-Type": content_type}
        hdrs.update(sign(self.signing_secret if secret is None else secret, body, timestamp))
        hdrs.update(headers or {})
        session = await self._http()
        async with session.post(self.bot_url, data=body, headers=hdrs) as resp:
            return resp.status, await resp.text()

    async def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """POST ``body`` to the bot's request URL with exactly ``headers`` (no signature
        unless they carry one): what anyone on the internet can send."""
        session = await self._http()
        async with session.post(self.bot_url, data=body, headers=headers) as resp:
            return resp.status, await resp.text()

    async def command(
        self,
        user_id: str,
        command: str,
        text: str = "",
        *,
        trigger_id: str | None = None,
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        retry_num: int | None = None,
        response_url: str | None = None,
        omit: tuple[str, ...] = (),
        envelope_id: str | None = None,
        timestamp: int | None = None,
    ) -> Exchange:
        """Send a slash command; return the bot's ack. ``omit`` names fields left out of
        the payload (``trigger_id``); ``response_url`` and ``envelope_id`` (Socket Mode)
        repeat an earlier delivery's; ``timestamp`` is when an HTTP request is signed."""
        fields = command_payload(
            self.slack,
            user_id,
            command,
            text,
            trigger_id=trigger_id,
            channel_id=channel_id,
            channel_name=channel_name,
            response_url=response_url,
        )
        for name in omit:
            fields.pop(name, None)
        if self.mode == "http":
            body = urllib.parse.urlencode(fields).encode()
            headers = (
                {}
                if retry_num is None
                else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            )
            status, raw = await self.post_signed(body, headers=headers, timestamp=timestamp)
            ack = json.loads(raw) if raw.startswith("{") else ({"text": raw} if raw else {})
        else:
            reply = await self.slack.send_envelope(
                "slash_commands", fields, envelope_id=envelope_id, retry_attempt=retry_num or 0
            )
            status, raw, ack = (
                200,
                json.dumps(reply.get("payload") or {}),
                reply.get("payload") or {},
            )
        if ack and status == 200:
            validate_message(ack)
        return Exchange(
            status, ack, fields.get("response_url", ""), fields.get("trigger_id", ""), raw
        )

    async def click(
        self,
        user_id: str,
        button: dict[str, Any],
        *,
        trigger_id: str | None = None,
        response_url: str | None = None,
        posted_in: str | None = None,
    ) -> Exchange:
        """Click ``button`` (an element from a message the bot sent: a reply, or with
        ``posted_in`` a message it posted in that channel, such as a DM notice). The block id
        is the one of the actions block holding the button, when ``button`` carries it."""
        payload = action_payload(
            self.slack,
            user_id,
            button["action_id"],
            button["value"],
            trigger_id=trigger_id,
            response_url=response_url,
            block_id=str(button.get("_block_id", "buttons")),
            **({} if posted_in is None else {"channel_id": posted_in, "ephemeral": False}),
        )
        return await self.interact(payload)

    async def interact(
        self, payload: dict[str, Any], *, retry_num: int = 0, **envelope: Any
    ) -> Exchange:
        """Send an interaction payload: over HTTP a signed form whose one field is
        ``payload`` (its JSON), in Socket Mode an ``interactive`` envelope. The ack comes back
        as a dict: the HTTP response body, or the envelope ack's payload. ``retry_num`` > 0
        sends it as Slack's redelivery: over HTTP with ``X-Slack-Retry-Num`` and
        ``X-Slack-Retry-Reason``, in Socket Mode in an envelope whose ``retry_attempt`` says
        so (a new envelope id unless ``envelope_id`` is given)."""
        if self.mode == "http":
            body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
            headers = (
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
                if retry_num
                else None
            )
            status, raw = await self.post_signed(body, headers=headers)
            ack = json.loads(raw) if raw.startswith("{") else {}
        else:
            if retry_num:
                envelope.setdefault("retry_attempt", retry_num)
            reply = await self.slack.send_envelope("interactive", payload, **envelope)
            ack = reply.get("payload") or {}
            status, raw = 200, json.dumps(ack) if ack else ""
        return Exchange(
            status,
            ack,
            payload.get("response_url", ""),
            payload.get("trigger_id", ""),
            raw,
            extra={"payload": payload},
        )

    async def shortcut(self, user_id: str, callback_id: str, **kw: Any) -> Exchange:
        """Use a global shortcut (the shortcuts menu or search)."""
        return await self.interact(shortcut_payload(self.slack, user_id, callback_id, **kw))

    async def message_shortcut(
        self, user_id: str, callback_id: str, message: dict[str, Any], **kw: Any
    ) -> Exchange:
        """Use a message shortcut on ``message`` (its context menu)."""
        return await self.send_message_action(
            message_action_payload(self.slack, user_id, callback_id, message, **kw)
        )

    async def send_message_action(self, payload: dict[str, Any], *, retry_num: int = 0) -> Exchange:
        """Send a message shortcut's payload (again, as a redelivery, when ``retry_num``)."""
        return await self.interact(payload, retry_num=retry_num)

    async def submit_view(
        self,
        opened: OpenedView,
        values: dict[str, Any],
        *,
        user_id: str | None = None,
        trigger_id: str | None = None,
        envelope_id: str | None = None,
        retry_num: int = 0,
    ) -> Exchange:
        """Submit a modal the bot opened with ``values`` typed in; the ack is the bot's
        answer (``response_action``), checked against the view."""
        payload = view_submission_payload(
            self.slack, opened, values, user_id=user_id, trigger_id=trigger_id
        )
        if self.mode == "http":
            exchange = await self.interact(payload, retry_num=retry_num)
        else:
            exchange = await self.interact(
                payload, envelope_id=envelope_id, retry_attempt=retry_num
            )
        if exchange.status == 200:
            validate_view_response(exchange.ack, opened.view)
        exchange.extra["payload"] = payload
        return exchange

    async def event(self, body: dict[str, Any], *, retry_num: int = 0) -> int:
        """Deliver an Events API callback: over HTTP signed JSON (with the retry headers when
        ``retry_num``), in Socket Mode an ``events_api`` envelope; the HTTP status (200 for
        an acked envelope)."""
        if self.mode == "http":
            headers = (
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
                if retry_num
                else None
            )
            raw = json.dumps(body).encode()
            status, _ = await self.post_signed(
                raw, headers=headers, content_type="application/json"
            )
            return status
        await self.slack.send_envelope("events_api", body, retry_attempt=retry_num)
        return 200

    async def share_in_dm(
        self, user_id: str, files: list[dict[str, Any]], **kw: Any
    ) -> dict[str, Any]:
        """``user_id`` shares ``files`` in the app's DM (``message.im``, ``file_share``);
        returns the event delivered."""
        body = event_body(self.slack, file_share_event(self.slack, user_id, files, **kw))
        assert await self.event(body) == 200
        return body

    async def redeliver(self, exchange: Exchange, retry_num: int) -> Exchange:
        """Send an earlier interaction's very payload again, as Slack redelivers one whose
        ack it did not get: over HTTP with the retry headers, in Socket Mode in a new
        envelope."""
        return await self.interact(exchange.extra["payload"], retry_num=retry_num)

    async def reply(self, exchange: Exchange, within: float = 15.0) -> dict[str, Any]:
        """The message the user finally sees for a command: the ack, or, when the bot acked
        with a placeholder, its post to the response_url."""
        if exchange.ack and not exchange.ack.get("x_working") and not _is_working(exchange.ack):
            return exchange.ack
        posts = await self.slack.wait_posts(exchange.response_url, 1, within)
        return posts[-1]

    async def run(self, user_id: str, command: str, text: str = "", **kw: Any) -> dict[str, Any]:
        """Send a command and return the message the user finally sees."""
        return await self.reply(await self.command(user_id, command, text, **kw))


def _is_working(message: dict[str, Any]) -> bool:
    return "Working on it" in (message.get("text") or "")
