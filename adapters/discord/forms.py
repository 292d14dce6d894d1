"""Forms and message actions on Discord: a catalog form as a modal, the text of a message.

A catalog command with a :class:`~core.interface.catalog.Form` (``/paste``) opens a modal with one
paragraph text input in a label. The modal's ``custom_id`` names the command
(``connects:form:paste``), and submissions are routed by it from every MODAL_SUBMIT interaction
the client receives (:meth:`~adapters.discord.bot.ClientMixin.on_interaction`), never through a
modal object kept in memory, so a form opened before a restart still answers. A catalog
:class:`~core.interface.catalog.MessageAction` is a message command (in a message's menu, under
Apps) that reads the message's text, its embeds included, so a job link Discord unfurled still
carries its URL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import discord

from core.interface.catalog import BY_NAME, COMMANDS, MESSAGE_ACTIONS, Command, MessageAction
from core.interface.options import MAX_IMAGES
from core.interface.reply import Reply, Rich, cmd

from .commands import MAX_STRING

FORM_PREFIX = "connects:form:"
# Discord's limits on a modal (title, label) and its text input (placeholder, value)
TITLE_MAX = 45
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
INPUT_MAX = 4000
#: the file upload under a form's text box, where the form's command reads screenshots
UPLOAD_LABEL = "Or screenshots of the job (up to 4)"
#: where Discord shows message commands: a message's menu (right click or long press), Apps
WHERE_ACTIONS = "message menu → Apps"
FORM_CHANGED = "That form has changed; run the command again."


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def form_id(command: Command) -> str:
    """The ``custom_id`` of the modal of ``command``: ``connects:form:<name>``."""
    return FORM_PREFIX + command.name


def form_command(custom_id: str) -> Command | None:
    """The catalog command whose modal has ``custom_id``, or ``None`` (not one of ours, or a
    form the catalog no longer has)."""
    if not custom_id.startswith(FORM_PREFIX):
        return None
    command = BY_NAME.get(custom_id.removeprefix(FORM_PREFIX))
    return command if command is not None and command.form is not None else None


def modal(command: Command) -> discord.ui.Modal:
    """The modal of a command's form: its title and one required paragraph text input whose
    ``custom_id`` is the option it fills, inside a label (Discord's layout for modal fields
    since it deprecated text inputs in action rows in August 2025)."""
    form = command.form
    if form is None:
        raise ValueError(f"/{command.name} has no form")
    out = discord.ui.Modal(title=_cut(form.title, TITLE_MAX), custom_id=form_id(command))
    field: discord.ui.TextInput[Any] = discord.ui.TextInput(
        style=discord.TextStyle.paragraph,
        custom_id=form.field,
        placeholder=_cut(form.placeholder, PLACEHOLDER_MAX),
        max_length=min(form.max_length, INPUT_MAX),
        required=form.image is None,
    )
    out.add_item(discord.ui.Label(text=_cut(form.label, LABEL_MAX), component=field))
    if form.image is not None:
        upload: discord.ui.FileUpload[discord.ui.Modal] = discord.ui.FileUpload(
            custom_id=form.image, required=False, max_values=MAX_IMAGES
        )
        out.add_item(discord.ui.Label(text=UPLOAD_LABEL, component=upload))
    # submissions are routed by custom_id (ClientMixin.on_interaction), so the modal need not
    # wait in discord.py's view store (send_modal keeps only a modal that is not finished)
    out.stop()
    return out


def uploaded(data: Mapping[str, Any], field: str) -> list[dict[str, Any]]:
    """The attachments uploaded to the file upload ``field`` of a MODAL_SUBMIT's ``data``, in
    order, as ``data.resolved`` describes them (those it does not describe are skipped)."""
    known = (data.get("resolved") or {}).get("attachments") or {}
    for top in data.get("components") or []:
        inner = top.get("component") if top.get("type") == 18 else None
        if inner and inner.get("type") == 19 and inner.get("custom_id") == field:
            return [known[str(i)] for i in inner.get("values") or [] if str(i) in known]
    return []


def submitted(data: Mapping[str, Any], field: str) -> str | None:
    """The value typed into the text input ``field`` of a MODAL_SUBMIT's ``data``: in a label,
    or in an action row (a form opened by an older version); ``None`` if it is not there."""
    for component in data.get("components") or []:
        found = _value(component, field)
        if found is not None:
            return found
    return None


def _value(component: Mapping[str, Any], field: str) -> str | None:
    kind = component.get("type")
    children: list[Mapping[str, Any]] = []
    if kind == 1:
        children = list(component.get("components") or [])
    elif kind == 18:
        children = [component.get("component") or {}]
    elif component.get("custom_id") == field:
        value = component.get("value")
        return value if isinstance(value, str) else ""
    for child in children:
        found = _value(child, field)
        if found is not None:
            return found
    return None


def message_text(message: discord.Message) -> str:
    """What a message says: its content, then each embed's title, link, description and fields
    (so an unfurled job link still gives the job's URL); blank parts are left out."""
    parts: list[str | None] = [message.content]
    for embed in message.embeds:
        parts += [embed.title, embed.url, embed.description]
        parts += [f"{f.name}: {f.value}" for f in embed.fields]
    text = ""
    for part in parts:
        if part and part.strip() and part not in text:
            text = f"{text}\n{part}" if text else part
    return text


def empty_form_line(command: Command) -> str:
    """The one line a form submitted blank gets."""
    label = command.form.label if command.form is not None else "The text"
    return f"{label} was empty: paste it into the form and submit again."


def empty_message_line(action: MessageAction) -> str:
    """The one line a message action on a message without text gets."""
    verb = action.name.split(" ", 1)[0].lower()
    form = form_for(action)
    if form is None or form.form is None:
        return f"That message holds no text to {verb}."
    return Rich(
        f"That message holds no text to {verb}; paste {form.form.label.lower()} into ",
        cmd(form.name),
        " instead.",
    )


def form_for(action: MessageAction) -> Command | None:
    """The command whose form fills what ``action`` fills (``/paste`` for Quote this job)."""
    for command in COMMANDS:
        form = command.form
        if form is not None and (form.submit, form.field) == (action.command, action.option):
            return command
    return None


def form_help(command: Command) -> list[str]:
    """How a command with a form is used on Discord (``/help paste``): it takes no options."""
    form = command.form
    if form is None:
        return []
    lines: list[str] = [
        f"Opens a form to paste {form.label.lower()} into (up to {form.max_length:,} "
        "characters); submit it for the answer."
    ]
    option = BY_NAME[form.submit].option(form.field)
    longest = min(option.max_length or MAX_STRING, MAX_STRING) if option is not None else 0
    if longest > form.max_length:
        lines.append(Rich("Longer? ", cmd(form.submit, form.field), f": takes up to {longest:,}."))
    lines += [
        f"Or on any message: {a.name} ({WHERE_ACTIONS})."
        for a in MESSAGE_ACTIONS
        if form_for(a) is command
    ]
    lines.append(Rich("Example: ", cmd(command.name)))
    return lines


def discord_help(reply: Reply, asked: object) -> Reply:
    """``/help`` as Discord offers it: a command with a form explained as the form it opens
    (the core lists the message actions, told where Discord shows them)."""
    if reply.error or not asked:
        return reply
    command = BY_NAME.get(" ".join(str(asked).strip().lstrip("/").lower().split()))
    if command is None or command.form is None:
        return reply
    return dataclasses.replace(reply, lines=form_help(command))
