"""Checking and converting option values against the catalog.

Every platform hands values here: Discord's typed values, or the raw strings of the text syntax.
A bad value raises :class:`BadInput` with one line naming the option and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from core.catalog import Command, Option, OptionType
from core.errors import BadInput
from core.keys import UserKey, UserRef

#: A checked option value: int (INTEGER), Decimal (NUMBER), str (STRING, CHANNEL), bool
#: (BOOLEAN), :class:`UserRef` (USER), or ``None`` when omitted without a default.
Value = int | Decimal | str | bool | UserRef | None
#: What a platform may hand in for an option, before checking.
RawValue = int | float | Decimal | str | bool | UserRef | None
#: A value as stored in JSON (fingerprints, confirmations).
Json = str | int | bool | None

UserResolver = Callable[[str], UserRef | None]
#: Turns a platform's channel mention into the channel's id, or ``None`` when it is not one.
ChannelResolver = Callable[[str], str | None]

_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


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


def convert(command: Command, opt: Option, value: RawValue,
            resolve_user: UserResolver | None = None,
            resolve_channel: ChannelResolver | None = None) -> Value:
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
        channel_id = resolve_channel(text) if resolve_channel else None
        if channel_id:
            return channel_id
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


def check(command: Command, args: Mapping[str, RawValue],
          resolve_user: UserResolver | None = None,
          resolve_channel: ChannelResolver | None = None) -> Values:
    """Every option of ``command`` converted, defaults filled in; unknown or missing options
    raise :class:`BadInput`."""
    names = [o.name for o in command.options]
    for key in args:
        if key not in names:
            raise BadInput(f"/{command.name} has no option {key!r}. "
                           f"Options: {', '.join(names) or 'none'}.")
    out: dict[str, Value] = {}
    for opt in command.options:
        value = args.get(opt.name)
        if value is None or (isinstance(value, str) and value == "" and not opt.required):
            if opt.required:
                example = f" e.g. {command.usage_example}" if command.usage_example else ""
                raise BadInput(f"{opt.name} is required:{example}")
            out[opt.name] = _default(opt)
            continue
        out[opt.name] = convert(command, opt, value, resolve_user, resolve_channel)
    return Values(command.name, out)


def _default(opt: Option) -> Value:
    default = opt.default
    if default is None or isinstance(default, (bool, int, str)):
        return default
    raise TypeError(f"option {opt.name}: unsupported default {default!r}")


class Values:
    """The checked options of one command, read by name with their types.

    A handler's options dataclass is built from these with the typed getters; asking for an
    option the command does not have, or with the wrong type, is a programming error
    (``TypeError``), caught by the catalog tests.
    """

    __slots__ = ("_data", "command")

    def __init__(self, command: str, data: Mapping[str, Value]) -> None:
        self.command = command
        self._data = dict(data)

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __getitem__(self, name: str) -> Value:
        return self._data[name]

    def names(self) -> list[str]:
        return list(self._data)

    def _get(self, name: str) -> Value:
        if name not in self._data:
            raise TypeError(f"/{self.command} has no option {name!r}")
        return self._data[name]

    def _typed(self, name: str, kind: type[object], required: bool) -> Value:
        value = self._get(name)
        if value is None and not required:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"/{self.command} {name}: expected {kind.__name__}, got {value!r}")
        return value

    def text(self, name: str) -> str:
        value = self._typed(name, str, True)
        assert isinstance(value, str)
        return value

    def opt_text(self, name: str) -> str | None:
        value = self._typed(name, str, False)
        assert value is None or isinstance(value, str)
        return value

    def integer(self, name: str) -> int:
        value = self._typed(name, int, True)
        assert isinstance(value, int)
        return value

    def opt_integer(self, name: str) -> int | None:
        value = self._typed(name, int, False)
        assert value is None or isinstance(value, int)
        return value

    def opt_number(self, name: str) -> Decimal | None:
        value = self._typed(name, Decimal, False)
        assert value is None or isinstance(value, Decimal)
        return value

    def flag(self, name: str) -> bool:
        value = self._typed(name, bool, True)
        assert isinstance(value, bool)
        return value

    def opt_flag(self, name: str) -> bool | None:
        value = self._typed(name, bool, False)
        assert value is None or isinstance(value, bool)
        return value

    def user(self, name: str) -> UserRef:
        value = self._typed(name, UserRef, True)
        assert isinstance(value, UserRef)
        return value

    def json(self) -> dict[str, Json]:
        """Every option as JSON values: numbers as normalized text, users as their keys."""
        return {k: jsonable(v) for k, v in self._data.items()}


def jsonable(value: Value) -> Json:
    """A checked value as JSON: a Decimal as normalized text, a user as their key."""
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, UserRef):
        return value.key
    return value


def console_user(text: str) -> UserRef | None:
    """A console user named by ``sam`` or ``@sam``."""
    name = text.strip().lstrip("@")
    if not re.fullmatch(r"[\w.-]{1,64}", name):
        return None
    return UserRef(UserKey.of("console", name), name)
