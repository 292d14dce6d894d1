"""A reply's details kept as JSON, so a change's Details button can show them again later
without running the change again (:mod:`core.ledger.kept`, kind ``details``).

Each text is kept as its parts: literal text as a string, each token as ``[kind, value]``
(a date as its moment, a command by its catalog name, a user by key). A :class:`Markup` is
kept as its plain text: kept text is read back as data, never as a platform's markup.
"""

from __future__ import annotations

import json

from core.interface.reply import (
    Bold,
    ChannelRef,
    CommandRef,
    Date,
    Mention,
    Part,
    Reply,
    Rich,
)

Kept = str | list[str | list[str | int]]

#: The tokens kept by kind, each made of one text (a user by key, a command by name).
_TOKENS: dict[str, type[Mention | ChannelRef | CommandRef | Bold]] = {
    "user": Mention,
    "channel": ChannelRef,
    "command": CommandRef,
    "bold": Bold,
}


def _part(part: Part) -> str | list[str | int]:
    if isinstance(part, str):
        return part
    if isinstance(part, Date):
        return ["date", part.ts]
    for kind, token in _TOKENS.items():
        if isinstance(part, token):
            return [kind, part[0]]
    return part.plain()  # Markup: only its text


def _text(text: str) -> Kept:
    if not isinstance(text, Rich):
        return str(text)
    return [_part(p) for p in text.parts]


def _token(kind: object, value: object) -> Part:
    if kind == "date" and isinstance(value, int):
        return Date(value)
    token = _TOKENS.get(str(kind))
    return str(value) if token is None else token(str(value))


def _read(kept: object) -> str:
    if isinstance(kept, str):
        return kept
    if not isinstance(kept, list):
        return ""
    parts: list[Part] = []
    for part in kept:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, list) and len(part) == 2:
            parts.append(_token(part[0], part[1]))
    return Rich(*parts)


def dump_details(reply: Reply) -> str:
    """``reply``'s headline and details as JSON (its first screen is not kept)."""
    body = {
        "title": _text(reply.title),
        "lines": [_text(x) for x in reply.details],
        "fields": [[_text(k), _text(v)] for k, v in reply.detail_fields],
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def load_details(kept: str) -> Reply:
    """The reply :func:`dump_details` kept, as a Details press shows it: the headline and the
    details, private. Raises ``ValueError`` for text that is not kept details."""
    body = json.loads(kept)
    if not isinstance(body, dict) or "lines" not in body:
        raise ValueError("not kept details")
    lines = [_read(x) for x in body.get("lines", [])]
    fields = [
        (_read(pair[0]), _read(pair[1]))
        for pair in body.get("fields", [])
        if isinstance(pair, list) and len(pair) == 2
    ]
    return Reply(_read(body.get("title", "")), lines, fields, private=True)
