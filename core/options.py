"""Checking and converting option values against the catalog.

Every platform hands values here: Discord's typed values, or the raw strings of the text syntax.
A bad value raises :class:`BadInput` with one line naming the option and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from core.catalog import Command, Option, OptionType, UserRef
from core.errors import BadInput

UserResolver = Callable[[str], UserRef | None]

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_CHANNEL = re.compile(r"^<#([A-Z0-9]+)(?:\|[^>]*)?>$")
_SLACK_USER = re.compile(r"^<@([A-Z0-9]+)(?:\|([^>]*))?>$")


def _hint(command: Command, opt: Option) -> str:
    if opt.choices:
        return f"one of {', '.join(opt.choices)}"
    lo, hi = opt.min_value, opt.max_value
    kind = {OptionType.INTEGER: "a whole number", OptionType.NUMBER: "a number",
            OptionType.BOOLEAN: "true or false", OptionType.USER: "a user",
            OptionType.CHANNEL: "a channel", OptionType.STRING: "text"}[opt.type]
    if lo is not None and hi is not None:
        return f"{kind} from {lo} to {hi}"
    return kind


def _bounds(command: Command, opt: Option, value: Decimal | int) -> None:
    if (opt.min_value is not None and value < Decimal(str(opt.min_value))) or (
        opt.max_value is not None and value > Decimal(str(opt.max_value))
    ):
        raise BadInput(f"{opt.name}: {value} is out of range; use {_hint(command, opt)}.")


def convert(command: Command, opt: Option, value: Any,
            resolve_user: UserResolver | None = None) -> Any:
    """``value`` as the option's type, or :class:`BadInput`."""
    def bad() -> BadInput:
        return BadInput(f"{opt.name}: {value!r} is not valid; use {_hint(command, opt)}.")

    if opt.type is OptionType.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise bad()
    if opt.type is OptionType.INTEGER:
        if isinstance(value, bool):
            raise bad()
        if isinstance(value, int):
            number = value
        else:
            text = str(value).strip().lstrip("#").replace(",", "").replace("_", "")
            if not re.fullmatch(r"-?\d{1,15}", text):
                raise bad()
            number = int(text)
        _bounds(command, opt, number)
        return number
    if opt.type is OptionType.NUMBER:
        if isinstance(value, bool):
            raise bad()
        text = str(value).strip().lstrip("$").replace(",", "")
        try:
            number_d = Decimal(text)
        except InvalidOperation:
            raise bad() from None
        if not number_d.is_finite():
            raise bad()
        _bounds(command, opt, number_d)
        return number_d
    if opt.type is OptionType.USER:
        if isinstance(value, UserRef):
            return value
        text = str(value).strip()
        found = resolve_user(text) if resolve_user else None
        if found is None:
            raise BadInput(f"{opt.name}: {text!r} is not a user you can name here; mention them.")
        return found
    if opt.type is OptionType.CHANNEL:
        text = str(value).strip()
        match = _CHANNEL.match(text)
        if match:
            return match.group(1)
        if not text:
            raise bad()
        return text.lstrip("#")
    text = str(value).strip()
    if opt.choices:
        lowered = text.lower()
        for choice in opt.choices:
            if choice == lowered:
                return choice
        raise BadInput(f"{opt.name}: {text!r} is not one of {', '.join(opt.choices)}.")
    if not text and opt.required:
        raise BadInput(f"{opt.name}: must not be empty.")
    if opt.max_length is not None and len(text) > opt.max_length:
        raise BadInput(f"{opt.name}: at most {opt.max_length} characters, got {len(text)}.")
    return text


def check(command: Command, args: Mapping[str, Any],
          resolve_user: UserResolver | None = None) -> dict[str, Any]:
    """Every option of ``command`` converted, defaults filled in; unknown or missing options
    raise :class:`BadInput`."""
    names = [o.name for o in command.options]
    for key in args:
        if key not in names:
            raise BadInput(f"/{command.name} has no option {key!r}. "
                           f"Options: {', '.join(names) or 'none'}.")
    out: dict[str, Any] = {}
    for opt in command.options:
        value = args.get(opt.name)
        if value is None or (isinstance(value, str) and value == "" and not opt.required):
            if opt.required:
                example = f" e.g. {command.usage_example}" if command.usage_example else ""
                raise BadInput(f"{opt.name} is required:{example}")
            out[opt.name] = opt.default
            continue
        out[opt.name] = convert(command, opt, value, resolve_user)
    return out


def slack_user(team: str) -> UserResolver:
    """A resolver for Slack mentions (``<@U123|name>``) in workspace ``team``."""

    def resolve(text: str) -> UserRef | None:
        match = _SLACK_USER.match(text.strip())
        if not match:
            return None
        return UserRef(f"slack:{team}:{match.group(1)}", match.group(2) or match.group(1))

    return resolve


def console_user(text: str) -> UserRef | None:
    """A console user named by ``sam`` or ``@sam``."""
    name = text.strip().lstrip("@")
    if not re.fullmatch(r"[\w.-]{1,64}", name):
        return None
    return UserRef(f"console:{name}", name)
