"""Checking and converting option values against the catalog.

Every platform hands values here: Discord's typed values, or the raw strings of the text syntax.
A bad value raises :class:`BadInput` with one line naming the option and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from core.base.keys import UserKey, UserRef
from core.base.numbers import OtherCurrency, Unit, Unreadable, read_number, read_whole
from core.base.text import echo, forbidden, scrub
from core.interface.catalog import Command, Option, OptionType
from core.interface.errors import BadInput
from core.interface.reply import Rich, cmd
from core.interface.uploads import Images

#: A checked option value: int (INTEGER), Decimal (NUMBER), str (STRING, CHANNEL), bool
#: (BOOLEAN), :class:`UserRef` (USER), or ``None`` when omitted without a default.
Value = int | Decimal | str | bool | UserRef | Images | None
#: What a platform may hand in for an option, before checking.
RawValue = int | float | Decimal | str | bool | UserRef | Images | None
#: A value as stored in JSON (fingerprints, confirmations).
Json = str | int | bool | None

UserResolver = Callable[[str], UserRef | None]
#: Turns a platform's channel mention into the channel's id, or ``None`` when it is not one.
ChannelResolver = Callable[[str], str | None]

_INLINE = str.maketrans(dict.fromkeys("\u2028\u2029\x85", " "))
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


#: Words people use for a choice under another name: suggested, never read as it (a status
#: recorded is what its word says, so ``won`` is refused with ``hired`` offered).
CHOICE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "won": ("hired",),
    "win": ("hired",),
    "hire": ("hired",),
    "accepted": ("hired",),
    "rejected": ("lost", "rejected"),
    "declined": ("lost", "rejected"),
    "lose": ("lost",),
    "seen": ("viewed",),
    "interview": ("interviewing",),
    "sent": ("submitted",),
    "cancelled": ("client_cancelled",),
    "canceled": ("client_cancelled",),
}


def _near_choice(word: str, choices: list[str]) -> str | None:
    """The choice ``word`` is a typo or the start of (``interv``), or ``None``."""
    starts = [c for c in choices if len(word) >= 2 and c.startswith(word)]
    if len(starts) == 1:
        return starts[0]
    from core.interface.textreader import near

    return near(word, choices)


def describe(opt: Option) -> str:
    """What an option takes, for help and refusals: ``a whole number from 1 to 100``."""
    return _hint(opt)


def _hint(opt: Option) -> str:
    if opt.choices:
        return f"one of {', '.join(opt.choices)}"
    lo, hi = opt.min_value, opt.max_value
    kind = {
        OptionType.INTEGER: "a whole number",
        OptionType.NUMBER: "a number",
        OptionType.BOOLEAN: "true or false",
        OptionType.USER: "a user",
        OptionType.CHANNEL: "a channel",
        OptionType.STRING: "text",
        OptionType.IMAGE: "screenshots attached",
    }[opt.type]
    if opt.unit is Unit.DOLLARS:
        kind = "dollars"
    elif opt.unit is Unit.PERCENT:
        kind = "a percentage"
    if lo is not None and hi is not None:
        return f"{kind} from {lo} to {hi}"
    return kind


def _bounds(command: Command, opt: Option, value: Decimal | int) -> None:
    if (opt.min_value is not None and value < Decimal(str(opt.min_value))) or (
        opt.max_value is not None and value > Decimal(str(opt.max_value))
    ):
        raise BadInput(f"{opt.name}: {value} is out of range; use {_hint(opt)}.")


class _Input:
    """One option value being converted, with what the conversion may need. (A plain class: a
    dataclass would be built on every start for this internal record.)"""

    __slots__ = ("command", "opt", "resolve_channel", "resolve_user", "value")

    def __init__(
        self,
        command: Command,
        opt: Option,
        value: RawValue,
        resolve_user: UserResolver | None,
        resolve_channel: ChannelResolver | None,
    ) -> None:
        self.command = command
        self.opt = opt
        self.value = value
        self.resolve_user = resolve_user
        self.resolve_channel = resolve_channel

    def bad(self, why: str = "") -> BadInput:
        shown = echo(self.value.strip()) if isinstance(self.value, str) else repr(self.value)
        because = f" ({why})" if why else ""
        return BadInput(f"{self.opt.name}: {shown} is not valid{because}; use {_hint(self.opt)}.")

    def other_currency(self, exc: OtherCurrency) -> BadInput:
        """An amount in another currency: never read as dollars, and said so."""
        shown = echo(str(self.value).strip())
        return BadInput(
            f"{self.opt.name}: {shown} is {exc}; Connects are sold in US dollars, so give the "
            "amount in US dollars ($, US$ or USD), converted."
        )


def _boolean(i: _Input) -> Value:
    if isinstance(i.value, bool):
        return i.value
    text = str(i.value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise i.bad()


def _integer(i: _Input) -> Value:
    if isinstance(i.value, bool):
        raise i.bad()
    if isinstance(i.value, int):
        number = i.value
    else:
        text = str(i.value)
        if len(text) > 40:
            raise i.bad("too long")
        try:
            number = read_whole(text, i.opt.unit)
        except OtherCurrency as exc:
            raise i.other_currency(exc) from None
        except Unreadable as exc:
            raise i.bad(str(exc)) from None
    _bounds(i.command, i.opt, number)
    return number


def _number(i: _Input) -> Value:
    if isinstance(i.value, bool):
        raise i.bad()
    if isinstance(i.value, (int, float, Decimal)):
        # a number the platform typed: no grouping to read, only its precision to check
        number = Decimal(repr(i.value)) if isinstance(i.value, float) else Decimal(i.value)
        if not number.is_finite():
            raise i.bad()
        if i.opt.unit is Unit.DOLLARS and number != number.quantize(Decimal("0.01")):
            raise i.bad("more precision than cents")
    else:
        text = str(i.value)
        if len(text) > 40:
            raise i.bad("too long")
        try:
            number = read_number(text, i.opt.unit)
        except OtherCurrency as exc:
            raise i.other_currency(exc) from None
        except Unreadable as exc:
            raise i.bad(str(exc)) from None
    if not number.is_finite():
        raise i.bad()
    _bounds(i.command, i.opt, number)
    return number


def _user(i: _Input) -> Value:
    if isinstance(i.value, UserRef):
        return i.value
    text = str(i.value).strip()
    found = i.resolve_user(text) if i.resolve_user else None
    if found is None:
        raise BadInput(f"{i.opt.name}: {echo(text)} is not a user you can name here; mention them.")
    return found


def _channel(i: _Input) -> Value:
    text = str(i.value).strip()
    channel_id = i.resolve_channel(text) if i.resolve_channel else None
    if channel_id:
        return channel_id
    if not text:
        raise i.bad()
    return text.lstrip("#")


def _string(i: _Input) -> Value:
    opt = i.opt
    text = str(i.value).strip()
    if opt.choices:
        lowered = text.lower()
        if lowered in opt.choices:
            return lowered
        meant = [c for c in CHOICE_SYNONYMS.get(lowered, ()) if c in opt.choices]
        if not meant and (typo := _near_choice(lowered, list(opt.choices))) is not None:
            meant = [typo]
        if meant:
            raise BadInput(f"{opt.name}: {echo(text)}? Did you mean {' or '.join(meant)}?")
        raise BadInput(f"{opt.name}: {echo(text)} is not one of\n{', '.join(opt.choices)}.")
    if not text and opt.required:
        raise BadInput(f"{opt.name}: must not be empty.")
    if opt.max_length is not None and len(text) > opt.max_length:
        raise BadInput(f"{opt.name}: at most {opt.max_length} characters, got {len(text)}.")
    return text


#: screenshots of one job read as one post (a job page takes two or three phone screens)
MAX_IMAGES = 4


def _image(i: _Input) -> Value:
    if not isinstance(i.value, Images):
        raise BadInput(
            f"{i.opt.name}: attach the screenshot itself; a name typed here is not read."
        )
    if i.value.refused is not None:
        raise BadInput(i.value.refused)
    if not i.value.shots:
        raise BadInput(f"{i.opt.name}: attach a screenshot of the job page.")
    if len(i.value.shots) > MAX_IMAGES:
        raise BadInput(f"{i.opt.name}: up to {MAX_IMAGES} screenshots of one job, in order.")
    return i.value


_CONVERTERS: dict[OptionType, Callable[[_Input], Value]] = {
    OptionType.IMAGE: _image,
    OptionType.BOOLEAN: _boolean,
    OptionType.INTEGER: _integer,
    OptionType.NUMBER: _number,
    OptionType.USER: _user,
    OptionType.CHANNEL: _channel,
    OptionType.STRING: _string,
}


def convert(
    command: Command,
    opt: Option,
    value: RawValue,
    resolve_user: UserResolver | None = None,
    resolve_channel: ChannelResolver | None = None,
) -> Value:
    """``value`` as the option's type, or :class:`BadInput`. Text of any option may not hold
    the characters :mod:`core.base.text` forbids (control characters, bytes that are not UTF-8)."""
    if isinstance(value, str) and opt.verbatim:
        # a pasted post is read, never stored as typed: line ends of any platform become
        # newlines; the characters text may not hold, and the separators that would break a
        # line inside one (U+2028, U+2029, U+0085), become spaces
        value = scrub(value.replace("\r\n", "\n").replace("\r", "\n"), " ").translate(_INLINE)
    if isinstance(value, str) and (found := forbidden(value)) is not None:
        raise BadInput(f"{opt.name}: contains {found}; remove it.")
    return _CONVERTERS[opt.type](_Input(command, opt, value, resolve_user, resolve_channel))


def check(
    command: Command,
    args: Mapping[str, RawValue],
    resolve_user: UserResolver | None = None,
    resolve_channel: ChannelResolver | None = None,
    hints: Mapping[str, str] | None = None,
) -> Values:
    """Every option of ``command`` converted, defaults filled in; unknown or missing options
    raise :class:`BadInput`. ``hints`` adds a sentence to the refusal of an option (how to
    write a value the text syntax read without its key)."""
    names = [o.name for o in command.options]
    for key in args:
        if key not in names:
            raise BadInput(
                Rich(
                    cmd(command.name),
                    f" has no option {echo(key)}. Options: {', '.join(names) or 'none'}.",
                )
            )
    out: dict[str, Value] = {}
    for opt in command.options:
        value = args.get(opt.name)
        if value is None or (isinstance(value, str) and value == "" and not opt.required):
            if opt.required:
                example = (
                    Rich(" e.g. ", cmd(command.name, command.example_args))
                    if command.usage_example
                    else ""
                )
                raise BadInput(Rich(f"{opt.name} is required:", example))
            out[opt.name] = _default(opt)
            continue
        try:
            out[opt.name] = convert(command, opt, value, resolve_user, resolve_channel)
        except BadInput as exc:
            hint = (hints or {}).get(opt.name)
            if hint is None:
                raise
            raise BadInput(Rich(exc.message, f" {hint}")) from None
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

    def opt_images(self, name: str) -> Images | None:
        value = self._typed(name, Images, False)
        assert value is None or isinstance(value, Images)
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
    """A checked value as JSON: a Decimal as normalized plain digits (``1000``, ``12.5``,
    never ``1E+3``, which the option reader refuses when a kept bid is read back), a user
    as their key."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, UserRef):
        return value.key
    if isinstance(value, Images):
        return None  # images are read once, never kept: a kept command holds no image
    return value


def console_user(text: str) -> UserRef | None:
    """A console user named by ``sam`` or ``@sam``."""
    name = text.strip().lstrip("@")
    if not re.fullmatch(r"[\w.-]{1,64}", name):
        return None
    return UserRef(UserKey.of("console", name.lower()), name)
