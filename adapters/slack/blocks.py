"""Core replies -> Slack messages: Block Kit built with slack_sdk's models, laid out for a phone.

A reply is a bold title, its lines, its fields as a two-column table (Slack shows section
fields side by side, also on a phone) and its buttons. Errors are one ephemeral line.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from adapters.slack.text import slash
from core.base.keys import UserKey
from core.interface.reply import (
    APOLOGY,
    Button,
    ButtonStyle,
    ChannelRef,
    CommandRef,
    Mention,
    Renderer,
    Reply,
    utc_date,
)
from core.interface.reply import render as render_tokens

log = logging.getLogger("connects.slack")

ACTION_PREFIX = "connects:"
WORKING_TEXT = "Working on it…"
FAILED_TEXT = APOLOGY

_SECTION_MAX = 3000
_FIELD_MAX = 2000
_FIELDS_PER_SECTION = 10
_MAX_BLOCKS = 50
# tokens the core or a notifier writes on purpose: mentions, channels, Slack date tokens
_MENTION = re.compile(r"<(?:[@#][A-Z0-9]+(?:\|[^<>|]*)?|!date\^\d+\^[^<>|]*\|[^<>]*)>")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]+")
_STYLES = {ButtonStyle.PRIMARY: "primary", ButtonStyle.DANGER: "danger"}


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves, keeping user and channel
    mentions (``<@U123>``, ``<#C123>``) and date tokens (``<!date^...>``)."""
    out: list[str] = []
    last = 0
    for m in _MENTION.finditer(text):
        out.append(_escape_plain(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


#: A bare link, left whole (Slack links it as written); a formatting character; the first colon
#: of an emoji code (``:tada:``).
_FORMATTING = re.compile(
    r"(?P<url>(?:https?|mailto):[^\s<>]+)|(?P<char>[*_~`])|(?P<emoji>:(?=[\w+'-]+:))"
)
_QUOTE = re.compile(r"^(\s*)&gt;", re.MULTILINE)
_ZWSP = "\u200b"


def _unformat(match: re.Match[str]) -> str:
    """A formatting character kept as itself, with a zero-width space on each side wherever it
    could open or close formatting (mrkdwn has no escape): one between two letters or digits
    (``client_cancelled``) cannot, and stays as it is; an emoji code's colon is followed by
    one; a link stays whole."""
    if match["url"]:
        return match["url"]
    if match["emoji"]:
        return ":" + _ZWSP
    text, i = match.string, match.start()
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if before.isalnum() and after.isalnum():
        return match.group()
    return f"{_ZWSP}{match.group()}{_ZWSP}"


def _literal(text: str) -> str:
    """Text a user may have typed, shown as typed: ``&``, ``<`` and ``>`` escaped, so no
    mention, channel, ``<!here>`` or link is ever read from it; no bold, italics, strike-through,
    code, quote or emoji made from it (a zero-width space breaks each up). Never rewritten: a
    command the core names is a :class:`~core.interface.reply.CommandRef`, not text that looks like
    one."""
    escaped = _escape_plain(_FORMATTING.sub(_unformat, text))
    return _QUOTE.sub(r"\1" + _ZWSP + "&gt;", escaped)


def _mention(mention: Mention) -> str:
    key = UserKey(mention.key)
    return f"<@{key.user_id}>" if key.platform == "slack" else _escape_plain(mention.plain())


def _channel(channel: ChannelRef) -> str:
    if _CHANNEL_ID.fullmatch(channel.channel):
        return f"<#{channel.channel}>"
    return _escape_plain(channel.plain())


def _command(command: CommandRef) -> str:
    return _escape_plain(slash(command.name))


_MRKDWN = Renderer(
    literal=_literal,
    mention=_mention,
    channel=_channel,
    command=_command,
    date=lambda d: local_date(d.ts),
    bold=lambda b: f"*{_escape_plain(b.text)}*",
)
# notification text: the same, with dates as UTC dates
_TEXT = Renderer(literal=_literal, mention=_mention, channel=_channel, command=_command)


def notice_text(text: str) -> str:
    """A notice in mrkdwn: what users and posts wrote escaped (no mention, link or formatting
    made from it), the notifier's own date tokens kept."""
    return render_tokens(text, _TEXT)


def mrkdwn(text: str) -> str:
    """Reply text in Slack's mrkdwn: literal text escaped, users and channels as mentions,
    dates in each reader's time zone, bold as bold."""
    return render_tokens(text, _MRKDWN)


def local_date(ts: int) -> str:
    """A Slack date token: each reader sees the date in their own time zone; the UTC date is
    the fallback."""
    return f"<!date^{ts}^{{date_short}}|{utc_date(ts)}>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_line(reply: Reply) -> str:
    """What an error reply is shown as: its line, or its headline and the line under it."""
    parts = [mrkdwn(p).strip() for p in (reply.title, *reply.lines) if p and p.strip()]
    return "\n".join(parts) or "That did not work."


def _plain(text: str) -> str:
    """Notification text: literal text escaped, users and channels as mentions."""
    return render_tokens(text, _TEXT)


def _sections(lines: list[str]) -> list[Block]:
    """Lines as sections of at most 3,000 characters each."""
    out: list[Block] = []
    chunk = ""
    for line in (_clip(mrkdwn(x), _SECTION_MAX) for x in lines):
        if chunk and len(chunk) + 1 + len(line) > _SECTION_MAX:
            out.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        out.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return out


def button_value(button: Button) -> str:
    """What a Slack button carries: the core's action and value, and who may press it."""
    return json.dumps(
        {"a": button.action, "v": button.value, "u": button.only_user}, separators=(",", ":")
    )


def parse_button_value(value: str) -> tuple[str, str, str | None]:
    """``(action, value, only_user)`` from :func:`button_value`; ValueError if not ours."""
    data = json.loads(value)
    if not isinstance(data, dict) or not isinstance(data.get("a"), str):
        raise ValueError("not a Connects bot button")
    return data["a"], str(data.get("v", "")), data.get("u")


def button_blocks(buttons: list[Button]) -> list[Block]:
    """The buttons as actions blocks: one for buttons without a row, one per row otherwise
    (a bid's outcomes on a line of their own), at most 25 buttons in all."""
    rows: list[tuple[int | None, list[ButtonElement]]] = []
    for i, b in enumerate(buttons[:25]):
        element = ButtonElement(
            text=_clip(b.label, 75),
            action_id=f"{ACTION_PREFIX}{b.action}:{i}",
            value=button_value(b),
            style=_STYLES.get(b.style),
        )
        if rows and rows[-1][0] == b.row:
            rows[-1][1].append(element)
        else:
            rows.append((b.row, [element]))
    return [
        ActionsBlock(block_id="buttons" if row is None else f"buttons-{row}", elements=elements)
        for row, elements in rows
    ]


def render(reply: Reply, *, note: str | None = None) -> dict[str, Any]:
    """The Slack message for ``reply``: ``text`` (notification fallback), ``blocks`` and
    ``response_type`` (ephemeral unless the reply is public). ``note`` adds a context line
    (where an uploaded file went). A reply that cannot be laid out is sent as plain text: a
    change it reports has happened either way."""
    try:
        return _render(reply, note)
    except Exception:
        log.exception("a reply could not be laid out; sending it as plain text")
        kind = "ephemeral" if reply.private or reply.error else "in_channel"
        return {"response_type": kind, "text": _clip(_escape_plain(reply.text()), _SECTION_MAX)}


def _render(reply: Reply, note: str | None) -> dict[str, Any]:
    response_type = "ephemeral" if reply.private or reply.error else "in_channel"
    if reply.error:
        return {"response_type": "ephemeral", "text": _clip(error_line(reply), _SECTION_MAX)}
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=_clip(f"*{mrkdwn(reply.title)}*", _SECTION_MAX)))
    ]
    blocks.extend(_sections(reply.lines))
    fields = [
        MarkdownTextObject(text=_clip(f"*{mrkdwn(k)}*\n{mrkdwn(v) or ' '}", _FIELD_MAX))
        for k, v in reply.fields
    ]
    for i in range(0, len(fields), _FIELDS_PER_SECTION):
        blocks.append(SectionBlock(fields=fields[i : i + _FIELDS_PER_SECTION]))
    if note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_clip(note, _SECTION_MAX))]))
    actions = button_blocks(reply.buttons)
    if len(blocks) + len(actions) > _MAX_BLOCKS:
        blocks = blocks[: _MAX_BLOCKS - 1 - len(actions)]
        blocks.append(SectionBlock(text=MarkdownTextObject(text="_(shortened)_")))
    blocks.extend(actions)
    return {
        "response_type": response_type,
        "text": _clip(_fallback(reply), _SECTION_MAX),
        "blocks": [b.to_dict() for b in blocks],
    }


def _fallback(reply: Reply) -> str:
    """The reply as plain text for notifications, with users and channels as mentions."""
    lines = [_plain(reply.title), *(_plain(x) for x in reply.lines)]
    width = max((len(k) for k, _ in reply.fields), default=0)
    lines.extend(f"{_plain(k)}{' ' * (width - len(k))}  {_plain(v)}" for k, v in reply.fields)
    return "\n".join(lines)


def working() -> dict[str, Any]:
    """The placeholder acknowledged while a slow command runs."""
    return {"response_type": "ephemeral", "text": WORKING_TEXT}


def failed() -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": FAILED_TEXT}
