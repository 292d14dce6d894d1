"""The text syntax shared by the console and Slack.

``/bid job:"Logo for a bakery" connects:4 note:"say \\"hi\\""``: options as ``key:value``,
values with spaces in double quotes (``\\"`` inside), options also accepted in catalog order
without their key, and ``<...>`` mentions kept whole. The parser only splits text into raw
strings; :mod:`core.options` checks and converts them.
"""

from __future__ import annotations

import re

from core.catalog import COMMANDS, Command, find
from core.errors import BadInput

_KEY = re.compile(r"^([a-z_]+):(?!//)(.*)$", re.DOTALL)


def tokenize(text: str) -> list[tuple[str, int | None]]:
    """Split ``text`` on whitespace outside quotes and mentions.

    Each token comes with the offset where its first quoted part began (``None`` if unquoted),
    so ``"a:b"`` in quotes is a value, never an option.
    """
    tokens: list[tuple[str, int | None]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        buf: list[str] = []
        quoted: int | None = None
        while i < n and not text[i].isspace():
            ch = text[i]
            if ch == '"':
                if quoted is None:
                    quoted = len("".join(buf))
                i += 1
                while True:
                    if i >= n:
                        raise BadInput('A quoted value is missing its closing ", e.g. '
                                       'job:"Logo for a bakery"')
                    if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\':
                        buf.append(text[i + 1])
                        i += 2
                        continue
                    if text[i] == '"':
                        i += 1
                        break
                    buf.append(text[i])
                    i += 1
            elif ch == "<" and ">" in text[i:]:
                end = text.index(">", i)
                buf.append(text[i:end + 1])
                i = end + 1
            else:
                buf.append(ch)
                i += 1
        tokens.append(("".join(buf), quoted))
    return tokens


def split_command(text: str) -> tuple[Command | None, str]:
    """The command named at the start of ``text`` (``"/pool add ..."``) and the rest.

    Returns ``(None, "")`` for empty text or ``help``. Raises :class:`BadInput` naming the
    commands when the name is unknown.
    """
    stripped = text.strip()
    if stripped.startswith("/"):
        stripped = stripped[1:]
    words = stripped.split(None, 2)
    if not words or words[0].lower() == "help":
        return None, ""
    first = words[0].lower()
    if len(words) >= 2:
        sub = find(f"{first} {words[1].lower()}")
        if sub is not None:
            return sub, words[2] if len(words) > 2 else ""
    command = find(first)
    if command is None:
        subs = [c.leaf for c in COMMANDS if c.group == first]
        if subs:
            raise BadInput(f"/{first} needs one of: {', '.join(subs)}, e.g. /{first} {subs[0]}")
        names = sorted({c.group or c.name for c in COMMANDS})
        raise BadInput(f"Unknown command {first!r}. Commands: {', '.join(names)}.")
    return command, stripped[len(words[0]):].strip()


def parse_options(command: Command, text: str) -> dict[str, str]:
    """Raw option strings by name, from ``key:value`` pairs and values in catalog order."""
    values: dict[str, str] = {}
    positional: list[str] = []
    names = [o.name for o in command.options]
    for token, quoted in tokenize(text):
        match = _KEY.match(token)
        if match and (quoted is None or token.index(":") < quoted):
            key, value = match.group(1), match.group(2)
            if key not in names:
                valid = ", ".join(names) if names else "none"
                raise BadInput(f"/{command.name} has no option {key!r}. Options: {valid}.")
            if key in values:
                raise BadInput(f"{key} is given twice; give it once.")
            values[key] = value
        else:
            positional.append(token)
    free = [n for n in names if n not in values]
    if len(positional) > len(free):
        extra = positional[len(free)]
        raise BadInput(f"/{command.name}: unexpected {extra!r}; write options as key:value "
                       f"({', '.join(names) or 'no options'}).")
    for name, value in zip(free, positional, strict=False):
        values[name] = value
    return values
