"""Turns a platform-neutral :class:`~core.interface.catalog.Reply` into a Discord message.

Replies become one embed with a short title, the lines as its description and a few inline
fields, which read well on a phone; refusals become one plain line. Buttons carry their action
and value in the ``custom_id`` so a click works after a restart; files are attached (a PNG chart
is also shown as the embed's image).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Required, TypedDict

import discord

from core.base.keys import UserKey
from core.interface.reply import (
    APOLOGY,
    Button,
    ButtonStyle,
    ChannelRef,
    Mention,
    Renderer,
    Reply,
    render,
    utc_date,
)

if TYPE_CHECKING:
    from adapters.discord.bot import Handler

# Discord's limits on a message
CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
BUTTONS_PER_ROW = 5
INLINE_MAX = 24  # short field values sit side by side

log = logging.getLogger("connects.discord")

COLOUR = discord.Colour(0x14A800)  # Upwork green

_STYLES = {
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.SECONDARY: discord.ButtonStyle.secondary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}
CUSTOM_ID = re.compile(r"cb:(?P<action>[a-z_]{1,20}):(?P<value>.{1,80})", re.DOTALL)


def _mention(mention: Mention) -> str:
    key = UserKey(mention.key)
    return f"<@{key.user_id}>" if key.platform == "discord" else mention.plain()


def _channel(channel: ChannelRef) -> str:
    return f"<#{channel.channel}>" if channel.channel.isdigit() else channel.plain()


#: A bare link, left whole (a backslash inside would change it), or a character Discord's markdown
#: reads: escaped with a backslash, which Discord hides.
_MARKDOWN = re.compile(
    r"(?P<url>(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s])|(?P<char>[\\*_~|`\[\]])"
)
#: A line's heading, quote, list or subtext marker.
_LINE_MARK = re.compile(r"^(?P<lead>[ \t]*)(?P<mark>#|>|-|\d+(?=\.))", re.MULTILINE)


def _escape_markdown(text: str) -> str:
    out = _MARKDOWN.sub(lambda m: m["url"] or "\\" + m["char"], text)
    return _LINE_MARK.sub(
        lambda m: m["lead"] + (m["mark"] + "\\" if m["mark"][0].isdigit() else "\\" + m["mark"]),
        out,
    )


def _literal(text: str) -> str:
    """Text a user may have typed, shown as typed: never formatting (bold, italics, code,
    spoilers, strike-through, headings, quotes, lists and masked links are escaped with a
    backslash, which Discord hides), a mention, a channel, a timestamp, an emoji tag or
    ``@everyone`` (a zero-width space breaks each up)."""
    return (
        _escape_markdown(text)
        .replace("<", "<\u200b")
        .replace("@everyone", "@\u200beveryone")
        .replace("@here", "@\u200bhere")
        .replace("](", "]\u200b(")
    )


def text(line: str, fmt: Callable[[int], str] = utc_date) -> str:
    """A line of a reply in Discord's markup: literal text escaped, users and channels as
    mentions, dates by ``fmt``, bold as bold, commands as typed (``/pool add``)."""
    return render(
        line,
        Renderer(
            literal=_literal,
            mention=_mention,
            channel=_channel,
            date=lambda d: fmt(d.ts),
            bold=lambda b: f"**{_literal(b.text)}**",
        ),
    )


def local_date(ts: int) -> str:
    """A Discord timestamp: each reader sees the date in their own time zone and language
    (a moment Discord cannot show stays a UTC date)."""
    return f"<t:{ts}:d>" if -8_640_000_000_000 <= ts <= 8_640_000_000_000 else utc_date(ts)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def custom_id(button: Button) -> str:
    """The ``custom_id`` of a button: ``cb:<action>:<value>`` (at most 100 characters)."""
    return f"cb:{button.action}:{button.value}"[:CUSTOM_ID_MAX]


class PressButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID):
    """A reply button; a click, even after a restart, reaches the core's ``press``."""

    def __init__(
        self,
        action: str,
        value: str,
        label: str = "OK",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=_cut(label, LABEL_MAX),
                style=style,
                custom_id=f"cb:{action}:{value}"[:CUSTOM_ID_MAX],
            )
        )
        self.action = action
        self.value = value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PressButton:
        label = getattr(item, "label", None) or "OK"
        return cls(match["action"], match["value"], label)

    async def callback(self, interaction: discord.Interaction) -> None:
        handler: Handler | None = getattr(interaction.client, "handler", None)
        if handler is not None:
            await handler.run_press(interaction, self.action, self.value)


def error_line(reply: Reply) -> str:
    """What a refusal shows: its line, or its headline and the short line under it."""
    said = "\n".join(t for x in (reply.title, *reply.lines) if (t := text(x, local_date).strip()))
    return _cut(said or APOLOGY, CONTENT_MAX)


def embed(reply: Reply) -> discord.Embed:
    """A compact embed for a reply, kept inside Discord's size limits."""
    # embed titles show no timestamps: a date there stays a UTC date
    out = discord.Embed(title=_cut(text(reply.title), TITLE_MAX), colour=COLOUR)
    budget = EMBED_TOTAL_MAX - len(out.title or "")
    fields = reply.fields[:FIELDS_MAX]
    for raw_name, raw_value in fields:
        name = _cut(text(raw_name) or "\u200b", FIELD_NAME_MAX)
        value = _cut(text(raw_value, local_date) or "\u200b", FIELD_VALUE_MAX)
        if len(name) + len(value) > budget:
            break
        budget -= len(name) + len(value)
        out.add_field(name=name, value=value, inline=len(value) <= INLINE_MAX)
    if reply.lines:
        out.description = _cut(
            "\n".join(text(x, local_date) for x in reply.lines),
            min(DESCRIPTION_MAX, max(budget, 1)),
        )
    if reply.file is not None and reply.file.content_type == "image/png":
        out.set_image(url=f"attachment://{reply.file.filename}")
    return out


def view(buttons: list[Button]) -> discord.ui.View | None:
    """The buttons of a reply, five to a row (on their own row where a button names one), or
    ``None``."""
    if not buttons:
        return None
    out = discord.ui.View(timeout=None)
    for i, b in enumerate(buttons[: BUTTONS_PER_ROW * 5]):
        item = PressButton(
            b.action, b.value, b.label, _STYLES.get(b.style, discord.ButtonStyle.primary)
        )
        row = b.row if b.row is not None and 0 <= b.row < 5 else None
        item.item.row = i // BUTTONS_PER_ROW if row is None else row
        out.add_item(item)
    # clicks are routed by custom_id to PressButton (registered as a dynamic item), so the view
    # need not be kept in discord.py's view store (nor hold a timeout task per message)
    out.stop()
    return out


class SendKwargs(TypedDict, total=False):
    """What :meth:`Message.send_kwargs` passes: only the parts the message has."""

    ephemeral: Required[bool]
    content: str
    embed: discord.Embed
    view: discord.ui.View
    file: discord.File


class EditKwargs(TypedDict):
    """What :meth:`Message.edit_kwargs` passes: every part, ``None`` or empty to remove it."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None
    attachments: list[discord.File]


@dataclass
class Message:
    """Keyword arguments for discord.py's send/edit calls, built from a reply."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    file: discord.File | None = None
    ephemeral: bool = True

    def send_kwargs(self) -> SendKwargs:
        """For ``response.send_message`` and ``followup.send``."""
        kw: SendKwargs = {"ephemeral": self.ephemeral}
        if self.content is not None:
            kw["content"] = self.content
        if self.embed is not None:
            kw["embed"] = self.embed
        if self.view is not None:
            kw["view"] = self.view
        if self.file is not None:
            kw["file"] = self.file
        return kw

    def edit_kwargs(self) -> EditKwargs:
        """For ``edit_original_response`` and ``response.edit_message``: replaces everything."""
        return {
            "content": self.content,
            "embed": self.embed,
            "view": self.view,
            "attachments": [self.file] if self.file is not None else [],
        }


def message(reply: Reply) -> Message:
    """The Discord message for ``reply``: refusals are one private line. A reply that cannot
    be laid out is sent as plain text: a change it reports has happened either way."""
    try:
        return _message(reply)
    except Exception:
        log.exception("a reply could not be laid out; sending it as plain text")
        return Message(
            content=_cut(_literal(reply.text()) or APOLOGY, CONTENT_MAX), ephemeral=reply.private
        )


def _message(reply: Reply) -> Message:
    if reply.error:
        return Message(content=error_line(reply), ephemeral=True)
    file = None
    if reply.file is not None:
        file = discord.File(io.BytesIO(reply.file.data), filename=reply.file.filename)
    return Message(embed=embed(reply), view=view(reply.buttons), file=file, ephemeral=reply.private)


def apology() -> Message:
    return Message(content=APOLOGY, ephemeral=True)
