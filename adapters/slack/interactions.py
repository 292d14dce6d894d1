"""Shortcuts and modals: a form's global shortcut (and ``/connects paste`` without text) opens
its modal, the modal's submission runs the form's command, and a message shortcut runs its
action on the message's text.

Screenshots uploaded to a form's ``file_input`` are fetched from Slack (:mod:`.files`, by
:meth:`Shares.fetch <adapters.slack.shares.Shares.fetch>`) and run as the command's image
option. A refusal of a submission is shown under the modal's input (``response_action:
errors``; a refused screenshot under the upload) so the user fixes it there; anything else
closes the modal and is delivered as a private message in the channel the form was opened
from, or in the user's direct messages with the app when there is none (a global shortcut) or
Slack refuses the channel. A message shortcut is answered
privately through its ``response_url``. Replies are rendered by :func:`blocks.render`, buttons
included, so a click on them goes through :meth:`core.app.App.press` like any other.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackClientError

from adapters.slack import blocks, forms, text
from adapters.slack.identity import api_error
from adapters.slack.payloads import (
    ActionTeam,
    ActionUser,
    MessageActionBody,
    ShortcutBody,
    SlackFile,
    ViewSubmissionBody,
)
from core.app import REQUEST_ID
from core.interface.catalog import Command, MessageAction
from core.interface.options import RawValue
from core.interface.reply import Reply

if TYPE_CHECKING:
    from adapters.slack.handlers import SlackAdapter

log = logging.getLogger(__name__)

# Seconds a submission may take before the modal is closed and the answer sent after it
# (Slack waits 3 seconds for the answer to a view_submission).
SUBMIT_BUDGET = 2.0
#: a form that takes screenshots submitted with neither text nor a screenshot
EMPTY_FORM = "Paste the post here, or add screenshots of it below."


class Interactions:
    """Registers the catalog's forms and message actions on the adapter's bolt app."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self.adapter = adapter
        bolt = adapter.bolt
        self.registered: list[tuple[str, str]] = []  # (shortcut type, callback id)
        for callback in forms.FORMS:
            bolt.global_shortcut(callback)(self._on_global_shortcut)
            bolt.view_submission(callback)(self._on_submission)
            self.registered.append(("global", callback))
        for callback in forms.ACTIONS:
            bolt.message_shortcut(callback)(self._on_message_shortcut)
            self.registered.append(("message", callback))

    # -- opening a form -------------------------------------------------------------------------

    async def open_form(
        self,
        command: Command,
        trigger_id: str,
        channel_id: str | None,
        request_id: str,
        respond: AsyncRespond | None = None,
        team_id: str = "",
    ) -> None:
        """Open ``command``'s modal with ``trigger_id`` (valid for 3 seconds). A failure is
        logged and, when the command came with a ``response_url``, told in one line."""
        try:
            client = await self.adapter.client_for(team_id)
            await client.views_open(trigger_id=trigger_id, view=forms.modal(command, channel_id))
        except (SlackClientError, OSError) as exc:
            error = api_error(exc)
            log.warning(
                "could not open the /%s form (request %s): %s", command.name, request_id, error
            )
            if respond is not None:
                line = (
                    f"Could not open the form ({error}). Try again, or paste the post after "
                    f"{text.slash(command.name)}."
                )
                await self.adapter.send_response(
                    respond, {"response_type": "ephemeral", "text": line}, request_id
                )

    async def _on_global_shortcut(self, ack: AsyncAck, body: ShortcutBody) -> None:
        await ack()
        request_id = str(body.get("trigger_id") or "")
        command = forms.FORMS[body.get("callback_id", "")]
        if not request_id:
            log.warning("a /%s shortcut came without a trigger id; no form opened", command.name)
            return
        token = REQUEST_ID.set(request_id)
        try:
            self.adapter.spawn(
                self.open_form(command, request_id, None, request_id, team_id=_team(body))
            )
        finally:
            REQUEST_ID.reset(token)

    # -- a submitted form -----------------------------------------------------------------------

    async def _on_submission(self, ack: AsyncAck, body: ViewSubmissionBody) -> None:
        view = body.get("view") or {}
        command = forms.FORMS[view.get("callback_id", "")]
        form = command.form
        assert form is not None
        value = forms.submitted(view, form)
        files = forms.uploaded(view, form)
        user = body.get("user") or {}
        # one submission is one view in one state: Slack's HTTP retries and new Socket Mode
        # envelopes repeat it with the same view id, hash and values (and trigger id)
        submission = "slack-view:" + forms.digest(
            _team(body),
            user.get("id"),
            view.get("id"),
            view.get("hash"),
            value,
            *(f.get("id") for f in files),
        )
        request_id = str(body.get("trigger_id") or submission)
        token = REQUEST_ID.set(request_id)
        try:
            if value is None and not files:  # one or the other (Slack's client may send none)
                line = "Paste it here first." if form.image is None else EMPTY_FORM
                await ack(response_action="errors", errors={form.field: line})
                return
            args: dict[str, RawValue] = {} if value is None else {form.field: value}
            uploads = (form.image, files) if files and form.image else None
            work = self.adapter.spawn(
                self._run(body, form.submit, args, request_id, uploads=uploads)
            )
            done, _ = await asyncio.wait({work}, timeout=SUBMIT_BUDGET)
            if done and work.result().error:
                line = forms.error_line(work.result())
                # a refused screenshot is told under the upload, anything else under the text
                where = form.image if form.image and uploads and value is None else form.field
                await ack(response_action="errors", errors={where: line})
                return
            await ack(response_action="clear")
            channel = forms.channel_of(view)
            self.adapter.spawn(
                self._deliver(
                    work, user.get("id", ""), channel, request_id, submission, _team(body)
                )
            )
        finally:
            REQUEST_ID.reset(token)

    async def _run(
        self,
        body: ViewSubmissionBody | MessageActionBody,
        command: str,
        args: Mapping[str, RawValue],
        request_id: str,
        *,
        own_post: bool = True,
        uploads: tuple[str, list[SlackFile]] | None = None,
    ) -> Reply:
        """Run ``command`` for the user of ``body``, with ``uploads`` (an image option and
        the files uploaded to it) fetched from Slack first; an unexpected failure is an
        apology."""
        try:
            user: ActionUser = body.get("user") or {}
            team = _team(body)
            actor = await self.adapter.directory.actor(team, user["id"], user.get("name"))
            if uploads is not None:
                option, files = uploads
                home = user.get("team_id") or team
                images = await self.adapter.shares.fetch(team, user["id"], home, files)
                args = {**args, option: images}
            return await self.adapter.core.dispatch(
                actor, command, args, request_id, own_post=own_post
            )
        except Exception:
            log.exception("Slack %s failed (request %s)", body.get("type"), request_id)
            return Reply(title=blocks.FAILED_TEXT, error=True)

    async def _deliver(
        self,
        work: asyncio.Task[Reply],
        user_id: str,
        channel: str | None,
        request_id: str,
        submission: str,
        team_id: str = "",
    ) -> None:
        """Send a form's answer: privately in ``channel`` (in it, when public), else, or when
        Slack refuses the channel, in the user's direct messages with the app. A submission
        delivered again (to this process or another) is answered once."""
        reply = await work
        if not await self._first(submission, user_id):
            return
        message = await self._message(reply, user_id, channel, request_id, team_id)
        public = message.pop("response_type", "ephemeral") == "in_channel"
        try:
            client = await self.adapter.client_for(team_id)
        except LookupError:
            log.warning("workspace %s has no token (request %s)", team_id, request_id)
            return
        if channel:
            try:
                if public:
                    await client.chat_postMessage(channel=channel, unfurl_links=False, **message)
                else:
                    await client.chat_postEphemeral(channel=channel, user=user_id, **message)
                return
            except (SlackClientError, OSError) as exc:
                log.info(
                    "could not answer in %s (request %s): %s; answering in a direct message",
                    channel,
                    request_id,
                    api_error(exc),
                )
        try:
            # a user id as the channel: Slack posts in the app's direct message with them
            await client.chat_postMessage(channel=user_id, unfurl_links=False, **message)
        except (SlackClientError, OSError) as exc:
            log.warning("could not deliver a reply (request %s): %s", request_id, api_error(exc))

    async def _message(
        self, reply: Reply, user_id: str, channel: str | None, request_id: str, team_id: str
    ) -> dict[str, Any]:
        """The rendered reply; a file it carries is uploaded first and named in it."""
        if reply.file is None or reply.error:
            return blocks.render(reply)
        note = await self.adapter.upload(
            reply.file, user_id, channel or "", reply.private, request_id, team_id
        )
        return blocks.render(reply, note=note)

    # -- a message shortcut ---------------------------------------------------------------------

    async def _on_message_shortcut(
        self, ack: AsyncAck, body: MessageActionBody, respond: AsyncRespond
    ) -> None:
        await ack()
        request_id = str(
            body.get("trigger_id")
            or "slack-shortcut:"
            + forms.digest(
                _team(body),
                (body.get("user") or {}).get("id"),
                (body.get("channel") or {}).get("id"),
                body.get("message_ts"),
                body.get("action_ts"),
            )
        )
        token = REQUEST_ID.set(request_id)
        try:
            self.adapter.spawn(self._on_message(body, respond, request_id))
        finally:
            REQUEST_ID.reset(token)

    async def _on_message(
        self, body: MessageActionBody, respond: AsyncRespond, request_id: str
    ) -> None:
        action = forms.ACTIONS[body.get("callback_id", "")]
        target = body.get("message") or {}
        post = forms.message_text(target)
        user_id = (body.get("user") or {}).get("id", "")
        if post:
            # another person's message (or a bot's, without a user): its Upwork balance is theirs
            own = bool(user_id) and target.get("user") == user_id
            args = {action.option: post}
            reply = await self._run(body, action.command, args, request_id, own_post=own)
        else:
            reply = Reply(title=_no_text(action), error=True)
        if not await self._first(request_id, user_id):
            return
        channel = (body.get("channel") or {}).get("id")
        message = await self._message(reply, user_id, channel, request_id, _team(body))
        message["replace_original"] = False  # a new private message, not the user's own
        await self.adapter.send_response(respond, message, request_id)

    async def _first(self, request_id: str, user_id: str) -> bool:
        """Whether this delivery answers ``request_id`` first; a failure to tell answers."""
        try:
            return await self.adapter.core.first_answer(request_id, user_id)
        except Exception:
            log.exception("could not tell whether request %s was answered", request_id)
            return True


def _team(body: ViewSubmissionBody | MessageActionBody | ShortcutBody) -> str:
    """The workspace an interaction came from (the user's home one if Slack left it out)."""
    team: ActionTeam = body.get("team") or {}
    user: ActionUser = body.get("user") or {}
    return team.get("id") or user.get("team_id", "")


def _no_text(action: MessageAction) -> str:
    """The one line for a message shortcut on a message with no text (a file, an image)."""
    for command in forms.FORMS.values():
        form = command.form
        if form is not None and (form.submit, form.field) == (action.command, action.option):
            name = forms.shortcut_name(command)
            slash = text.slash(command.name)
            if form.image is not None:
                return (
                    f"That message has no text to read. Share its screenshots in my DM, or "
                    f"use the {name} shortcut (or {slash}) to paste the post or upload them."
                )
            return (
                f"That message has no text to read. Use the {name} shortcut (or {slash}) "
                "and paste the post there."
            )
    return "That message has no text to read."
