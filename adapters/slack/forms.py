"""The catalog's forms and message actions as Slack shortcuts and modals.

A command with a :class:`~core.interface.commandspec.Form` is a global shortcut (``/connects paste``
without text opens the same modal); each :data:`~core.interface.catalog.MESSAGE_ACTIONS` entry is a
message shortcut. The manifest and the listeners both read :data:`FORMS` and :data:`ACTIONS`,
so they cannot drift. Everything here is pure: views as dicts, payloads as text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from adapters.slack import text
from adapters.slack.files import FILETYPES
from adapters.slack.payloads import MessageAttachment, ShortcutMessage, SlackFile, ViewBody
from core.interface.catalog import COMMANDS, MESSAGE_ACTIONS, Command, Form, MessageAction
from core.interface.options import MAX_IMAGES
from core.interface.reply import Renderer, Reply
from core.interface.reply import render as render_tokens

# Slack's limits (Block Kit reference, manifest schema)
TITLE_MAX = 24  # a modal's title, submit and close labels
INPUT_MAX = 3000  # a plain_text_input's max_length
PLACEHOLDER_MAX = 150
LABEL_MAX = 2000
SHORTCUT_DESCRIPTION_MAX = 150
ERROR_MAX = 1000  # the refusal shown under the input (refusals are one short line)
#: the label of a form's file_input (Slack takes up to 10 files and 10 MB each there)
UPLOAD_LABEL = f"Or screenshots of the job page (up to {MAX_IMAGES}, in order)"


def callback_of(command: Command) -> str:
    """The stable callback id of a command's shortcut and modal (``paste``)."""
    return command.name.replace(" ", "_")


#: callback id -> the command whose form a global shortcut (and its modal) opens
FORMS: dict[str, Command] = {callback_of(c): c for c in COMMANDS if c.form is not None}
#: callback id -> the message action a message shortcut runs
ACTIONS: dict[str, MessageAction] = {a.callback: a for a in MESSAGE_ACTIONS}


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def shortcut_name(command: Command) -> str:
    """A global shortcut's name: the head of the command's description (``Paste a job post``
    of ``Paste a job post: its real cost...``), else the form's title."""
    assert command.form is not None, f"/{command.name} has no form"
    head, colon, _ = command.description.partition(":")
    return head.strip() if colon and head.strip() else command.form.title


def manifest_shortcuts() -> list[dict[str, str]]:
    """``features.shortcuts`` of the manifest: one global shortcut per form, one message
    shortcut per message action."""
    out = [
        {
            "name": shortcut_name(c),
            "type": "global",
            "callback_id": callback,
            "description": _clip(c.description, SHORTCUT_DESCRIPTION_MAX),
        }
        for callback, c in FORMS.items()
    ]
    out.extend(
        {
            "name": a.name,
            "type": "message",
            "callback_id": callback,
            "description": _clip(a.description, SHORTCUT_DESCRIPTION_MAX),
        }
        for callback, a in ACTIONS.items()
    )
    return out


def opens_form(command: Command | None, line: str) -> bool:
    """Whether a command line is a form command given nothing (``paste``): it opens the
    form rather than running."""
    return command is not None and command.form is not None and line.strip() == command.name


# -- the modal ----------------------------------------------------------------------------------


def modal(command: Command, channel_id: str | None = None) -> dict[str, Any]:
    """The modal for ``command``'s form: one multiline input whose block and action ids are
    the form's field; for a form that takes screenshots, a ``file_input`` under it (block and
    action ids the image option; both inputs optional then: one or the other).
    ``channel_id`` (where the command was typed) rides in ``private_metadata`` so the answer
    can go back there."""
    form = command.form
    assert form is not None, f"/{command.name} has no form"
    limit = min(form.max_length, INPUT_MAX)
    element = PlainTextInputElement(
        action_id=form.field,
        multiline=True,
        max_length=limit,
        placeholder=_clip(form.placeholder, PLACEHOLDER_MAX),
        focus_on_load=True,
    )
    hint = (
        f"Slack takes up to {limit:,} characters here; for a longer post, paste its link."
        if limit < form.max_length
        else None
    )
    blocks = [
        InputBlock(
            block_id=form.field,
            label=_clip(form.label, LABEL_MAX),
            element=element,
            hint=hint,
            optional=form.image is not None,
        )
    ]
    if form.image is not None:
        upload = FileInputElement(
            action_id=form.image, filetypes=list(FILETYPES), max_files=MAX_IMAGES
        )
        blocks.append(
            InputBlock(block_id=form.image, label=UPLOAD_LABEL, element=upload, optional=True)
        )
    view = View(
        type="modal",
        callback_id=callback_of(command),
        title=_clip(form.title, TITLE_MAX),
        submit=_clip(form.submit.capitalize(), TITLE_MAX),
        close="Cancel",
        blocks=blocks,
        private_metadata=json.dumps({"channel": channel_id} if channel_id else {}),
    )
    out: dict[str, Any] = view.to_dict()
    return out


def channel_of(view: ViewBody) -> str | None:
    """The channel a modal was opened from (its ``private_metadata``), if any."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = data.get("channel") if isinstance(data, dict) else None
    return channel if isinstance(channel, str) and channel else None


def submitted(view: ViewBody, form: Form) -> str | None:
    """What the user typed into the form's input, exactly (Slack sends input values
    unescaped), or ``None`` when the input is missing or empty."""
    values = (view.get("state") or {}).get("values") or {}
    value = (values.get(form.field) or {}).get(form.field, {}).get("value")
    return value if isinstance(value, str) and value else None


def uploaded(view: ViewBody, form: Form) -> list[SlackFile]:
    """The files uploaded to the form's ``file_input`` (in the order Slack lists them), or none
    for a form without one."""
    if form.image is None:
        return []
    values = (view.get("state") or {}).get("values") or {}
    files = (values.get(form.image) or {}).get(form.image, {}).get("files") or []
    return [f for f in files if isinstance(f, dict)]


#: Plain text with commands as Slack users type them (a form's error shows no markup).
_PLAIN = Renderer(command=lambda c: text.slash(c.name))


def error_line(reply: Reply) -> str:
    """A refusal as the one plain-text line Slack shows under the input."""
    parts = [
        render_tokens(p, _PLAIN).strip() for p in (reply.title, *reply.lines) if p and p.strip()
    ]
    line = " ".join(" ".join(parts).split()) or "That did not work."
    return _clip(line, ERROR_MAX)


def digest(*parts: object) -> str:
    """A stable id of the given parts (a request with no trigger id of its own)."""
    key = json.dumps([str(p or "") for p in parts], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:40]


# -- a message's text ---------------------------------------------------------------------------

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")


def plain(mrkdwn: str) -> str:
    """Slack message text as a person reads it: entities decoded, links as their URLs,
    ``<@U1|sam>`` as ``@sam``, ``<#C1|bids>`` as ``#bids``."""
    out = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), mrkdwn)
    out = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), out)
    return text.unescape(out)


def _inline(el: Mapping[str, Any]) -> str:
    """One inline rich_text element as typed: text, a link (its URL, which a job link needs),
    an emoji, a mention."""
    kind = el.get("type")
    if kind == "link":
        url, label = str(el.get("url") or ""), str(el.get("text") or "")
        return url if not label or label == url else f"{label} {url}"
    if kind == "emoji":
        return f":{el.get('name', '')}:"
    if kind == "user":
        return f"@{el.get('user_id', '')}"
    if kind == "channel":
        return f"#{el.get('channel_id', '')}"
    return str(el.get("text") or "")


def _rich(elements: Iterable[Any]) -> str:
    """The text of rich_text elements (sections, lists, quotes, code), one paragraph a line."""
    paragraphs: list[str] = []
    for el in elements:
        if not isinstance(el, Mapping):
            continue
        children = [c for c in el.get("elements") or [] if isinstance(c, Mapping)]
        if el.get("type") == "rich_text_list":
            paragraphs.extend(_rich([item]) for item in children)
        elif "elements" in el:
            paragraphs.append("".join(_inline(c) for c in children).strip("\n"))
        else:
            paragraphs.append(_inline(el))
    return "\n".join(p for p in paragraphs if p)


def _blocks_text(blocks: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        if block.get("type") == "rich_text":
            out.append(_rich(block.get("elements") or []))
        if isinstance(block.get("text"), Mapping):
            out.append(plain(str(block["text"].get("text") or "")))
        out.extend(
            plain(str(f.get("text") or ""))
            for f in block.get("fields") or []
            if isinstance(f, dict)
        )
    return [x for x in out if x.strip()]


def _attachment_text(att: MessageAttachment) -> list[str]:
    """An attachment (a link unfurl: the job's title, link and description) as lines."""
    lines = [plain(att.get("pretext") or ""), plain(att.get("title") or "")]
    lines.append(att.get("from_url") or att.get("title_link") or att.get("original_url") or "")
    lines.append(plain(att.get("text") or ""))
    lines.extend(
        f"{plain(f.get('title') or '')}: {plain(f.get('value') or '')}"
        for f in att.get("fields") or []
    )
    if not any(x.strip() for x in lines):
        lines.append(plain(att.get("fallback") or ""))
    return [x for x in lines if x.strip()]


def message_text(message: ShortcutMessage) -> str:
    """The text a message shortcut quotes: the message's text (its blocks when it has none),
    then what its attachments add, such as the title and link of an unfurled job post.
    Lines already there are not repeated; empty when the message holds no text at all."""
    body = plain(message.get("text") or "")
    lines = [body] if body.strip() else _blocks_text(message.get("blocks") or [])
    for att in message.get("attachments") or []:
        seen = "\n".join(lines)
        lines.extend(x for x in _attachment_text(att) if x not in seen)
    return "\n".join(lines).strip()
