"""Screenshots shared with the app: an image posted in the app's DM (a ``message.im`` event of
subtype ``file_share``) is quoted as the paste form's upload would be, and the answer is posted
back in that DM, which only the sharer and the app see.

Only a person's new message in the app's own DM counts: a message in a channel (the app hears
none, but an event naming one is ignored all the same), the bot's own posts, edits and
deletions are not answered; a plain message (no files) gets one line saying what the DM is
for. Up to :data:`~core.interface.options.MAX_IMAGES` images of one
message are one job's screens, read in order. The files are fetched by :class:`Fetcher`'s
rules (the sharer's own files, from Slack's file host only). The event is acknowledged at once
and the screenshot read after it, so Slack never redelivers it for a slow answer; a
redelivered event (to this process or another) is answered once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.errors import SlackClientError

from adapters.slack import blocks, forms, text
from adapters.slack.files import Fetcher
from adapters.slack.identity import api_error
from adapters.slack.payloads import EventBody, MessageEvent, SlackFile
from core.app import REQUEST_ID
from core.interface.options import MAX_IMAGES
from core.interface.reply import Reply
from core.interface.uploads import Images

if TYPE_CHECKING:
    from adapters.slack.handlers import SlackAdapter

log = logging.getLogger(__name__)


def _share_target() -> tuple[str, str]:
    """The command and image option a shared screenshot runs: those of the form that takes
    screenshots (``/paste``'s: ``quote`` with ``image``)."""
    for command in forms.FORMS.values():
        form = command.form
        if form is not None and form.image is not None:
            return form.submit, form.image
    raise LookupError("no form of the catalog takes screenshots")


#: the command a shared screenshot runs, and its image option
COMMAND, OPTION = _share_target()


def is_share(event: MessageEvent, bot_user_id: str | None) -> bool:
    """Whether ``event`` is a person sharing files in the app's DM: subtype ``file_share``, in
    an ``im``, by a user who is not the bot, with files."""
    return (
        event.get("subtype") == "file_share"
        and event.get("channel_type") == "im"
        and bool(event.get("user"))
        and not event.get("bot_id")
        and event.get("user") != bot_user_id
        and bool(event.get("files"))
        and bool(event.get("channel"))
    )


def is_text(event: MessageEvent, bot_user_id: str | None) -> bool:
    """Whether ``event`` is a person's plain message in the app's DM (answered with a hint:
    commands go through the slash commands)."""
    return (
        "subtype" not in event
        and event.get("channel_type") == "im"
        and bool(event.get("user"))
        and not event.get("bot_id")
        and event.get("user") != bot_user_id
        and bool(event.get("channel"))
    )


#: seconds a shared screenshot's answer may take before a placeholder is posted (replaced by it)
PLACEHOLDER_AFTER = 2.0
READING = "Reading your screenshot…"

#: the answer to a plain message in the app's DM
HINT = (
    f"Share up to {MAX_IMAGES} screenshots of an Upwork job page here to have them quoted. "
    f"For everything else: {text.slash('help')}"
)


class Shares:
    """Registers the ``message`` listener on the adapter's bolt app and fetches the images of
    shares and of the paste form's uploads."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter
        self.fetcher = Fetcher(adapter.config.api_base)
        adapter.bolt.event("message")(self._on_message)

    async def fetch(
        self, team_id: str, user_id: str, home_team: str, files: list[SlackFile]
    ) -> Images:
        """``user_id``'s ``files`` of workspace ``team_id`` as images (their home workspace
        ``home_team`` may hold their own uploads too), fetched with that workspace's token."""
        try:
            client = await self.adapter.client_for(team_id)
        except LookupError:
            return Images((), refused="This workspace has no token: reinstall the app.")
        return await self.fetcher.images(client, files, user_id=user_id, teams={team_id, home_team})

    async def _on_message(
        self, body: EventBody, event: MessageEvent, context: AsyncBoltContext
    ) -> None:
        share = is_share(event, context.bot_user_id)
        if not share and not is_text(event, context.bot_user_id):
            return  # acked: nothing else (an edit, a bot's post, a channel) is answered
        team_id = body.get("team_id", "")
        channel, ts = event.get("channel", ""), event.get("ts", "")
        request_id = "slack-share:" + forms.digest(team_id, channel, ts)
        token = REQUEST_ID.set(request_id)
        try:
            work = self._quote(team_id, event, request_id) if share else self._hint()
            self.adapter.spawn(self._answer(team_id, event, request_id, work))
        finally:
            REQUEST_ID.reset(token)

    async def _hint(self) -> Reply:
        return Reply(title=HINT)

    async def _quote(self, team_id: str, event: MessageEvent, request_id: str) -> Reply:
        user_id = event.get("user", "")
        try:
            actor = await self.adapter.directory.actor(team_id, user_id)
            home = event.get("user_team") or team_id
            images = await self.fetch(team_id, user_id, home, list(event.get("files") or []))
            return await self.adapter.core.dispatch(actor, COMMAND, {OPTION: images}, request_id)
        except Exception:
            log.exception("a shared screenshot failed (request %s)", request_id)
            return Reply(title=blocks.FAILED_TEXT, error=True)

    async def _answer(
        self,
        team_id: str,
        event: MessageEvent,
        request_id: str,
        work: Coroutine[Any, Any, Reply],
    ) -> None:
        """Post ``work``'s reply in the DM the message came from, once per message (a
        redelivery, to this process or another, does no work). A reply not ready within
        :data:`PLACEHOLDER_AFTER` seconds is preceded by a placeholder it then replaces."""
        user_id, channel = event.get("user", ""), event.get("channel", "")
        try:
            first = await self.adapter.core.first_answer(request_id, user_id)
        except Exception:
            log.exception("could not tell whether request %s was answered", request_id)
            first = True
        if not first:
            work.close()
            return
        task = asyncio.ensure_future(work)
        try:
            client = await self.adapter.client_for(team_id)
            done, _ = await asyncio.wait({task}, timeout=PLACEHOLDER_AFTER)
            placeholder = None
            if not done:
                sent = await client.chat_postMessage(channel=channel, text=READING)
                placeholder = sent.get("ts")
            message = blocks.render(await task)
            message.pop("response_type", None)
            if placeholder:
                try:
                    await client.chat_update(channel=channel, ts=placeholder, **message)
                    return
                except SlackClientError as exc:
                    log.info("could not replace the placeholder: %s", api_error(exc))
            await client.chat_postMessage(channel=channel, unfurl_links=False, **message)
        except (SlackClientError, OSError, LookupError) as exc:
            log.warning(
                "could not answer in the app's DM (request %s): %s", request_id, api_error(exc)
            )
        finally:
            if not task.done():
                task.cancel()
