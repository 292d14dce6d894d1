"""Discord's documented rules that its OpenAPI schema cannot express: names, descriptions and
counts of application commands, by command type, where a command may be installed and run,
the layout of a modal, and the total text of a message's embeds."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

# CHAT_INPUT names: lowercase where a letter has a lowercase form, no spaces
_CHAT_NAME = re.compile(r"^[-_'\w]{1,32}$")
CHAT_INPUT, USER, MESSAGE = 1, 2, 3
#: top-level commands of one type in one bulk overwrite. Discord documents 100 CHAT_INPUT
#: commands; for USER and MESSAGE commands discord.py refuses more than 5, which is never more
#: than Discord takes, so the stand-in holds the bot to that.
MAX_BY_TYPE = {CHAT_INPUT: 100, USER: 5, MESSAGE: 5}


#: interaction contexts: servers, the bot's DM, private channels (group DMs, DMs between people)
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1


def install_problems(cmd: dict[str, Any]) -> list[str]:
    """A command offered in private channels must be installable to a user: only a user's own
    install reaches a channel the bot is not in (docs: interaction contexts)."""
    contexts = cmd.get("contexts") or []
    installs = cmd.get("integration_types") or [GUILD_INSTALL]
    if PRIVATE_CHANNEL in contexts and USER_INSTALL not in installs:
        return [f"/{cmd.get('name')}: offered in private channels without a user install"]
    return []


def modal_problems(data: dict[str, Any]) -> list[str]:
    """Discord deprecated text inputs in action rows (August 2025): each goes in a label, and
    the label, not the input, carries the text above it."""
    problems: list[str] = []
    for top in data.get("components") or []:
        if top.get("type") == 1 and any(c.get("type") == 4 for c in top.get("components") or []):
            problems.append("modal: a text input in an action row (deprecated: use a label)")
        inner = top.get("component") or {}
        if top.get("type") == 18 and inner.get("type") == 4 and inner.get("label"):
            problems.append("modal: a text input in a label carries its own label")
    return problems


def bulk_problems(body: list[dict[str, Any]]) -> list[str]:
    """Problems with a bulk overwrite: each command's, then names and counts per type."""
    problems: list[str] = []
    for cmd in body:
        problems += command_problems(cmd)
        problems += install_problems(cmd)
    types = Counter(int(c.get("type") or CHAT_INPUT) for c in body)
    for kind, n in types.items():
        if n > MAX_BY_TYPE.get(kind, 0):
            problems.append(f"{n} commands of type {kind} (max {MAX_BY_TYPE.get(kind, 0)})")
    names = Counter((int(c.get("type") or CHAT_INPUT), c.get("name")) for c in body)
    problems += [f"two commands of type {k} named {n!r}" for (k, n), c in names.items() if c > 1]
    return problems


def command_problems(cmd: dict[str, Any], where: str = "") -> list[str]:
    """Discord's documented limits on an application command, beyond its JSON schema."""
    kind = int(cmd.get("type") or CHAT_INPUT) if not where else CHAT_INPUT
    if kind in (USER, MESSAGE):
        return _menu_problems(cmd)
    problems: list[str] = []
    name = str(cmd.get("name", ""))
    here = f"{where}/{name}"
    if not _CHAT_NAME.match(name) or name != name.lower():
        problems.append(f"{here}: name must be 1-32 lowercase letters, digits, - or _")
    desc = str(cmd.get("description") or "")
    if not 1 <= len(desc) <= 100:
        problems.append(f"{here}: description must be 1-100 characters")
    options = cmd.get("options") or []
    if len(options) > 25:
        problems.append(f"{here}: more than 25 options")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        problems.append(f"{here}: duplicate option names")
    seen_optional = False
    for opt in options:
        if opt.get("type") in (1, 2):
            problems += command_problems(opt, here)
            continue
        if not opt.get("required"):
            seen_optional = True
        elif seen_optional:
            problems.append(f"{here}: required option {opt.get('name')} after an optional one")
        problems += command_problems({**opt, "options": []}, here)
        if opt.get("choices") and opt.get("autocomplete"):
            problems.append(f"{here}/{opt.get('name')}: choices and autocomplete together")
        if len(opt.get("choices") or []) > 25:
            problems.append(f"{here}/{opt.get('name')}: more than 25 choices")
    if not where:
        total = _characters(cmd)
        if total > 4000:
            problems.append(f"{here}: {total} characters in names and descriptions (max 4000)")
    return problems


def _menu_problems(cmd: dict[str, Any]) -> list[str]:
    """A USER or MESSAGE command (a context menu entry): a name of 1-32 characters, which may
    have capitals and spaces; an empty description; no options."""
    name = str(cmd.get("name", ""))
    here = f"/{name}"
    problems: list[str] = []
    if not 1 <= len(name) <= 32:
        problems.append(f"{here}: name must be 1-32 characters")
    if cmd.get("description"):
        problems.append(f"{here}: USER and MESSAGE commands take an empty description")
    if cmd.get("options"):
        problems.append(f"{here}: USER and MESSAGE commands take no options")
    return problems


def _characters(cmd: dict[str, Any]) -> int:
    n = len(cmd.get("name", "")) + len(cmd.get("description") or "")
    for c in cmd.get("choices") or []:
        n += len(str(c.get("name", ""))) + len(str(c.get("value", "")))
    for o in cmd.get("options") or []:
        n += _characters(o)
    return n


def embed_problems(embeds: list[dict[str, Any]]) -> list[str]:
    """Discord's limit on the total text of a message's embeds (6000 characters)."""
    total = 0
    for e in embeds:
        total += len(e.get("title") or "") + len(e.get("description") or "")
        total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in e.get("fields", []))
        total += len((e.get("footer") or {}).get("text", ""))
    return [f"embeds: {total} characters (max 6000)"] if total > 6000 else []
