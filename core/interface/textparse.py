"""The text syntax shared by the console, ``exec`` and Slack.

``/bid job:Logo for a bakery connects:4``: options as ``key:value`` (a space after the colon is
fine, keys in any case). A free-text option (a job, a note) runs until the next key of one of
the command's options, so it needs no quotes; any value may also be quoted, with straight or
curly double quotes (``\\"`` inside) or single quotes, and quotes win where given. Values without
keys fill the options in catalog order, one word (or one quoted value) each, but only before the
first key: a value without a key after ``key:value`` never fills another option (``/pool create
name: Acme Agency`` is refused, saying to quote the name or key the other value), so the words
of a value the user meant as one never spill into an option they did not name. ``<...>``
mentions stay whole. The parser only splits text into raw strings; :mod:`core.interface.options`
checks and converts them.

A key that is not an option of the command is refused with the nearest option named; inside a
free-text value, only a near miss of an option's name (``conects:3``) is, since titles may hold
colons of their own (``Fix bug: urgent``).

A verbatim option (``post:``, a pasted job post) takes everything after its key as it is:
newlines, quotes and colons included, so a post needs no quoting. It is the command's last
option; whatever follows its key is its value.

Reading is linear in the length of the text (every character is looked at a bounded number of
times, whatever it holds), and a line longer than :data:`MAX_LINE` is refused before it is read;
only a verbatim value may run longer, up to :data:`~core.interface.commonoptions.MAX_POST`
characters.
Refusals repeat at most a short prefix of what was typed.
"""

from __future__ import annotations

import re

from core.base.numbers import Unit
from core.base.text import echo
from core.interface.catalog import COMMANDS, Command, OptionType, find
from core.interface.commonoptions import MAX_POST
from core.interface.errors import BadInput
from core.interface.reply import CommandRef, Rich
from core.interface.textreader import (
    _KEY,
    _KEYISH,
    _SPACE_CLASS,
    _SPACES,
    SPACE,
    _norm,
    _Reader,
    key_at,
    near,
)

#: The longest command line read, in characters; the longest options fit several times over.
MAX_LINE = 4000

#: Words people use for an option under another name; a key written so is refused with the
#: option it names suggested (never read as it: ``budget`` may be the price or its type).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "budget": ("price", "budget_type"),
    "amount": ("price",),
    "spent": ("client_spent",),
    "spend": ("client_spent",),
    "stars": ("rating",),
    "hires": ("hire_rate",),
    "cost": ("connects",),
    "type": ("budget_type", "rate_type"),
    "user": ("member",),
}
ORDINALS = ("1st", "2nd", "3rd")


def _ordinal(n: int) -> str:
    return ORDINALS[n - 1] if n <= len(ORDINALS) else f"{n}th"


class Parsed(dict[str, str]):
    """Raw option strings by name; ``positional`` names the options given without a key,
    with their place among the keyless values (1 for the first)."""

    positional: dict[str, int]
    #: ``details:true`` (every command takes it in the text syntax): the whole reply at once.
    details: bool

    def __init__(self) -> None:
        super().__init__()
        self.positional = {}
        self.details = False


#: The option every command takes in the text syntax: ``details:true`` shows a reply's details
#: (what a Details button shows) with its first screen.
DETAILS = "details"
_YES = {"true": True, "yes": True, "false": False, "no": False}


def _details(text: str) -> bool:
    """A ``details:`` value: true or false (yes, no), else :class:`BadInput`."""
    flag = _YES.get(text.strip(SPACE).lower())
    if flag is None:
        raise BadInput(f"details: {echo(text)} is not valid; write details:true or details:false.")
    return flag


_VERBATIM_KEYS = sorted({o.name for c in COMMANDS for o in c.options if o.verbatim})
_VERBATIM = re.compile(
    "(?:^|" + _SPACE_CLASS + ")(?:" + "|".join(_VERBATIM_KEYS) + "):", re.IGNORECASE
)


def check_length(text: str) -> None:
    """Refuse a command line longer than :data:`MAX_LINE`, before anything reads it; a
    verbatim value (``post:`` and the job post after it) may hold up to
    :data:`~core.interface.commonoptions.MAX_POST` characters of its own."""
    if len(text) <= MAX_LINE:
        return
    key = _VERBATIM.search(text, 0, MAX_LINE) if _VERBATIM_KEYS else None
    if key is None:
        raise BadInput(
            f"A command is at most {MAX_LINE:,} characters; this one has {len(text):,}. Shorten it."
        )
    if len(text) - key.end() > MAX_POST:
        raise BadInput(
            f"A pasted post is at most {MAX_POST:,} characters; this one has "
            f"{len(text) - key.end():,}. Paste the job's own part of the page."
        )


def split_command(text: str) -> tuple[Command | None, str]:
    """The command named at the start of ``text`` (``"/pool add ..."``) and the rest.

    Returns ``(None, "")`` for empty text or ``help``. Raises :class:`BadInput` naming the
    nearest command when the name is unknown.
    """
    stripped = text.strip(SPACE)
    if stripped.startswith("/"):
        stripped = stripped[1:]
    words = _SPACES.split(stripped, maxsplit=2) if stripped else []
    if not words or (words[0].lower() == "help" and len(words) == 1):
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
            typo = near(words[1], subs) if len(words) >= 2 else None
            hint = f"did you mean /{first} {typo}? " if typo else ""
            raise BadInput(
                f"/{first} needs one of: {', '.join(subs)}; {hint}e.g. /{first} {subs[0]}"
            )
        names = sorted({c.group or c.name for c in COMMANDS})
        meant = [n for n in names if len(first) >= 2 and n.startswith(first)]
        if not meant and (typo := near(first, names)) is not None:
            meant = [typo]
        if meant:
            refs: list[str | CommandRef] = []
            for n in meant[:3]:
                refs += [" or "] if refs else []
                refs.append(CommandRef(n))
            raise BadInput(Rich(f"No command {echo(first)}. Did you mean ", *refs, "?"))
        raise BadInput(Rich(f"No command {echo(first)}. See ", CommandRef("help"), "."))
    return command, stripped[len(words[0]) :].strip(SPACE)


def _all_verbatim(name: str, text: str) -> Parsed:
    """The options of a command whose only option is verbatim (``/paste <post>``): all of the
    text is its value, with or without its key."""
    values = Parsed()
    head = _KEY.match(text)
    if head and head.group(1).lower() == DETAILS:  # /paste details:true <post>
        reader = _Reader(text)
        reader.pos = head.end()
        reader.skip_space()
        values.details = _details(reader.word())
        text = text[reader.pos :].strip(SPACE)
        head = _KEY.match(text)
    body = text[head.end() :] if head and head.group(1).lower() == name else text
    if body.strip(SPACE):
        values[name] = body.strip(SPACE)
    return values


def parse_options(command: Command, text: str) -> Parsed:
    """Raw option strings by name, from ``key:value`` pairs and values in catalog order."""
    if command.options and command.options[0].verbatim:
        return _all_verbatim(command.options[0].name, text)
    names = [o.name for o in command.options]
    own_details = DETAILS in names
    if not own_details:
        names.append(DETAILS)
    free = {o.name for o in command.options if o.free_text}
    verbatim = {o.name for o in command.options if o.verbatim}
    values = Parsed()
    keyless: list[str] = []
    reader = _Reader(text)
    keyed: str | None = None  # the option the last key named: what words after it belong to
    while True:
        reader.skip_space()
        if reader.done():
            break
        found = key_at(text, reader.pos, names)
        if found is None:
            value = reader.quoted()
            word = reader.word() if value is None else value
            if keyed is not None:
                raise BadInput(_spilled(command, values, keyed, word))
            keyless.append(word)
            continue
        typed, resolved, end = found
        key = _key(command, names, values, resolved if resolved in names else typed)
        if key == DETAILS and not own_details:
            reader.pos = end
            reader.skip_space()
            values.details = _details("" if reader.done() else reader.word())
            continue
        if key in verbatim:
            values[key] = text[end:].strip(SPACE)
            if not values[key]:
                raise BadInput(f"{key}: nothing after {key}:; paste the job post after it.")
            break
        reader.pos = end
        keyed = key
        while not reader.done() and reader.text[reader.pos] in " \t":
            reader.pos += 1
        after = key_at(text, reader.pos, names)
        if (
            reader.done()
            or reader.text[reader.pos] in SPACE
            or (after is not None and after[1] in names)
        ):
            values[key] = ""  # key: with nothing before the next key
            continue
        values[key] = _value(command, reader, key, names, key in free)
    _fill_in_order(command, values, keyless)
    return values


#: A currency written apart from its amount: a code or a sign (``USD``, ``€``, ``US$``).
_CURRENCY_WORD = re.compile(r"[^\W\d_]{3}|[^\w\s:\"'“”‘’«»]{1,2}|[A-Za-z]{1,3}\$", re.UNICODE)


def _value(command: Command, reader: _Reader, key: str, names: list[str], free: bool) -> str:
    """The value after ``key:`` (consumed): quoted, free text, or a word with what belongs
    to it (a number's unit and groups, an amount's currency)."""
    value = reader.quoted()
    if value is not None:
        return value
    if free:
        return reader.free_text(names)
    value = reader.word()
    opt = command.option(key)
    if opt is not None and opt.unit is not Unit.PLAIN:
        value = _number_tail(reader, opt.unit, value)
    if opt is not None and opt.unit is Unit.DOLLARS:
        value = _with_currency(reader, value)
    return value


_GROUP_HEAD = re.compile(r"(?:US\$|\$)?\d{1,3}(?: \d{3})*", re.IGNORECASE)
_GROUP = re.compile(r"\d{3}(?:[.,]\d{1,2})?(?:[kKmM])?\+?")
_PERCENT_WORDS = {"%", "percent", "pct"}


def _next_word(reader: _Reader) -> str | None:
    """The word after the cursor on the same line (consumed), or ``None`` (nothing moved)
    when a key, the end or a line break comes first."""
    start = reader.pos
    while not reader.done() and reader.text[reader.pos] in " \t\xa0\u202f":
        reader.pos += 1
    if reader.pos == start or reader.done() or reader.text[reader.pos] in SPACE:
        reader.pos = start
        return None
    key = _KEYISH.match(reader.text, reader.pos)
    if key is not None and key.group(1) is None:
        reader.pos = start
        return None
    return reader.word()


def _number_tail(reader: _Reader, unit: Unit, value: str) -> str:
    """A number's word with what people write apart from it: its unit (``75 %``, ``20 k``)
    and thousands groups parted by spaces (``1 500``, ``$12 000.50``) on an amount, so that
    the next word is never taken for another option's value."""
    if unit is Unit.DOLLARS:
        while _GROUP_HEAD.fullmatch(value):
            start = reader.pos
            word = _next_word(reader)
            if word is None:
                break
            if not _GROUP.fullmatch(word):
                reader.pos = start
                break
            value = f"{value} {word}"
        value = value.replace(" ", "")
    start = reader.pos
    word = _next_word(reader)
    if word is None:
        return value
    digits = any(c.isdigit() for c in value) and value[-1:].isdigit()
    if digits and unit is Unit.PERCENT and word.lower() in _PERCENT_WORDS:
        return f"{value}%"
    if digits and unit is Unit.DOLLARS and word in {"k", "K", "m", "M", "k+", "K+", "M+"}:
        return f"{value}{word}"
    reader.pos = start
    return value


def _with_currency(reader: _Reader, value: str) -> str:
    """An amount's word with the currency written apart from it, before (``USD 6``) or after
    (``6 USD``, ``6 €``), so that the amount is read with its currency, never one without the
    other; the reader moves past what it took."""
    start = reader.pos
    while not reader.done() and reader.text[reader.pos] in " \t":
        reader.pos += 1
    if reader.done() or _KEY.match(reader.text, reader.pos) or reader.text[reader.pos] in SPACE:
        reader.pos = start
        return value
    word = reader.word()
    digits = any(c.isdigit() for c in value)
    if (digits and _CURRENCY_WORD.fullmatch(word)) or (
        not digits and _CURRENCY_WORD.fullmatch(value) and any(c.isdigit() for c in word)
    ):
        return f"{value} {word}"
    reader.pos = start
    return value


def _key(command: Command, names: list[str], values: Parsed, typed: str) -> str:
    """The option a typed key names, or :class:`BadInput` for an unknown or repeated one."""
    key = _norm(typed)
    if key not in names:
        meant = [n for n in SYNONYMS.get(key, ()) if n in names and n != key]
        if not meant:
            meant = [n for n in names if key in n.split("_")]
        if not meant and (typo := near(key, names)) is not None:
            meant = [typo]
        hint = f" Did you mean {' or '.join(meant)}?" if meant else ""
        raise BadInput(
            f"/{command.name} has no option {echo(typed)}.{hint} "
            f"Options: {', '.join(names) or 'none'}."
        )
    if key in values:
        raise BadInput(f"{key} is given twice; give it once.")
    return key


def _spilled(command: Command, values: Parsed, key: str, word: str) -> str:
    """The refusal of ``word``, given without a key after ``key:``'s value: how to write a
    text value of several words whole, and the option the word may have been meant for."""
    value = values.get(key, "")
    opt = command.option(key)
    others = [o.name for o in command.options if o.name not in values and not o.verbatim]
    fixes: list[str] = []
    if opt is not None and opt.type is OptionType.STRING and not opt.choices:
        whole = f"{value} {word}".strip().replace("\\", "\\\\").replace('"', '\\"')
        fixes.append(f'a value of several words goes in quotes, {key}:"{whole}"')
    fixes.append(
        f"another option's value goes after its key, {others[0]}:{word}"
        if others
        else "nothing else goes after it"
    )
    return f"{key}: {echo(value)} is followed by {echo(word)} without a key; {'; '.join(fixes)}."


def _fill_in_order(command: Command, values: Parsed, keyless: list[str]) -> None:
    """Values given without a key fill the options not given, in catalog order (a verbatim
    option only ever by its key)."""
    names = [o.name for o in command.options]
    slots = [
        o.name
        for o in command.options
        if o.name not in values and not o.verbatim and o.type is not OptionType.IMAGE
    ]
    if len(keyless) > len(slots):
        extra = keyless[len(slots)]
        raise BadInput(
            f"/{command.name}: unexpected {echo(extra)}; write options as key:value "
            f"({', '.join(names) or 'no options'})."
        )
    for place, (name, value) in enumerate(zip(slots, keyless, strict=False), 1):
        values[name] = value
        values.positional[name] = place


def positional_hint(command: Command, parsed: Parsed, name: str) -> str:
    """What to write instead, when the keyless value read as ``name`` does not fit it."""
    place = parsed.positional[name]
    earlier = [n for n, p in parsed.positional.items() if p < place]
    free = [n for n in earlier if (opt := command.option(n)) is not None and opt.free_text]
    fix = (
        f"put the {free[-1]} in quotes or write {free[-1]}:…"
        if free
        else f"write it with its key, {name}:…"
    )
    return f"It was read as {name}, the {_ordinal(place)} value without a key; {fix}"
