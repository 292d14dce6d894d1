"""Slack's slash command text -> the console syntax the core parses.

With ``should_escape`` on (the manifest sets it), Slack sends mentions as ``<@U123|sam>``,
channels as ``<#C123|bids>``, links as ``<https://...|label>`` and escapes ``&``, ``<`` and ``>``
in everything else. Links are unwrapped and entities decoded here, so a job title or a note
reaches the core exactly as the user typed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from core.base.keys import UserKey, UserRef
from core.interface.catalog import COMMANDS, Command, find

MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|[^>]*)?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_GROUP = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}

# The slash commands the adapter registers: the four most used, and /connects for everything.
DIRECT_COMMANDS: tuple[str, ...] = ("quote", "bid", "refund", "balance")
CATCH_ALL = "connects"
SLASH_COMMANDS: tuple[str, ...] = (*(f"/{n}" for n in DIRECT_COMMANDS), f"/{CATCH_ALL}")


def slash(name: str) -> str:
    """A catalog command as a Slack user types it: ``pool add`` -> ``/connects pool add``
    (only the four most used commands have slash commands of their own: ``bid`` -> ``/bid``)."""
    root = name.split(" ", 1)[0]
    return f"/{name}" if root in DIRECT_COMMANDS else f"/{CATCH_ALL} {name}"


def unescape(text: str) -> str:
    """Decode Slack's escaping: unwrap links, turn ``<!here>`` and group mentions back into
    the ``@here`` the user typed, and decode ``&lt;``, ``&gt;``, ``&amp;``."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _GROUP.sub(lambda m: m.group(1) or "@group", text)
    # curly quotes stay as typed: the core's text syntax reads them as quotes where they
    # open a value, the same on every platform
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


def command_text(slash: str, text: str) -> str:
    """The core's command line for ``/slash text`` (``/connects pool add ...`` -> ``pool add
    ...``; ``/bid job:x`` -> ``bid job:x``)."""
    name = slash.lstrip("/")
    body = unescape(text).strip()
    if name == CATCH_ALL:
        return body
    return f"{name} {body}".strip()


def catalog_command(line: str) -> Command | None:
    """The catalog command a command line starts with, or ``None``."""
    words = line.lstrip("/").split(None, 2)
    if len(words) >= 2:
        two = find(f"{words[0]} {words[1]}")
        if two is not None:
            return two
    return find(words[0]) if words else find("help")


def mentioned_users(text: str) -> list[tuple[str, str | None]]:
    """The ``(user id, name or None)`` of each user mention in ``text``."""
    return [(m.group(1), m.group(2) or None) for m in MENTION.finditer(text)]


def user_resolver(team_id: str, names: Mapping[str, str]) -> Callable[[str], UserRef | None]:
    """A resolver for the core: ``<@U123|sam>`` or ``<@U123>`` -> ``UserRef("slack:T:U123",
    "sam")``; anything else -> ``None``. ``names`` fills in names Slack left out."""

    def resolve(token: str) -> UserRef | None:
        m = MENTION.fullmatch(token.strip())
        if m is None:
            return None
        user_id = m.group(1)
        return UserRef(
            UserKey.of("slack", user_id, team_id), m.group(2) or names.get(user_id, user_id)
        )

    return resolve


def channel_id(token: str) -> str | None:
    """A resolver for the core: ``<#C123|bids>`` -> ``"C123"``; anything else -> ``None``."""
    m = CHANNEL.fullmatch(token.strip())
    return m.group(1) if m else None


def usage_hint(command: Command) -> str:
    """The usage hint Slack shows while typing a command."""
    example = command.usage_example.lstrip("/")
    return example.split(" ", 1)[1] if " " in example else ""


def catch_all_hint() -> str:
    names = sorted({c.group or c.name for c in COMMANDS if not c.text_only})
    return "help | " + " | ".join(n for n in names if n != "help")
