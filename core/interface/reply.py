"""Platform-neutral replies: text, fields, buttons, files, and the tokens each platform renders.

The core never writes platform markup, and no text a user typed is ever read as markup: reply
text is :class:`Rich` text, literal parts (job titles, notes, anything typed) and tokens the
core placed on purpose: a :class:`Date` (:func:`when`), a :class:`Mention`, a
:class:`ChannelRef`, a :class:`CommandRef` (:func:`cmd`), :class:`Bold` text, and :class:`Markup`
an adapter wrote itself. Each adapter escapes the literal parts for its platform and renders the
tokens its own way (:func:`render`); plain text (the console, logs) reads them as UTC dates, user
ids, ``#channel``, ``/pool add`` and the text itself. A command is named only by a token: no
adapter rewrites reply text, so a job titled ``/pool add`` stays as its author wrote it. Every
literal part is shown as its characters (:func:`core.base.text.shown`): no bidi control reorders it,
no separator breaks its line.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from core.base.keys import UserKey
from core.base.text import shown

#: The one line every platform answers an unexpected failure with. It promises nothing about
#: what changed: a failure after the core's commit (sending the reply) gets it too.
APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


class Mention(NamedTuple):
    """A user named in a reply, by user key."""

    key: str

    def plain(self) -> str:
        return UserKey(self.key).user_id


class ChannelRef(NamedTuple):
    """A channel named in a reply, by the id (or name) the platform gave."""

    channel: str

    def plain(self) -> str:
        return f"#{self.channel}"


class CommandRef(NamedTuple):
    """A catalog command named in a reply, by its catalog name (``pool add``, ``buy``): each
    platform writes it as its users type it (Slack: ``/connects pool add``)."""

    name: str

    def plain(self) -> str:
        return f"/{self.name}"


class Date(NamedTuple):
    """A moment shown as a date, each reader's own where the platform can (UTC epoch s)."""

    ts: int

    def plain(self) -> str:
        return utc_date(self.ts)


class Bold(NamedTuple):
    """Text the core emphasizes (an option's name in help)."""

    text: str

    def plain(self) -> str:
        return self.text


class Markup(NamedTuple):
    """Text a platform adapter wrote in its own markup (a notifier's time), passed through as
    it is; never made from what a user typed."""

    text: str

    def plain(self) -> str:
        return self.text


Token = Mention | ChannelRef | CommandRef | Date | Bold | Markup
Part = str | Token


class Rich(str):
    """Reply text with user and channel tokens among its literal parts.

    It *is* its plain reading (a ``str``: ``"1. sam: 3 bids"``), so it goes wherever text goes;
    :func:`render` gives each platform its own markup for the tokens. Concatenation with ``+``
    keeps the tokens; formatting it into another string keeps only the plain reading.
    """

    parts: tuple[Part, ...]

    def __new__(cls, *parts: Part) -> Rich:
        flat: list[Part] = []
        for part in parts:
            if isinstance(part, Rich):
                flat.extend(part.parts)
            elif part != "":
                flat.append(part)
        self = super().__new__(cls, "".join(_plain(p) for p in flat))
        self.parts = tuple(flat)
        return self

    def __add__(self, other: str) -> Rich:
        return Rich(self, other)

    def __radd__(self, other: str) -> Rich:
        return Rich(other, self)


def _plain(part: Part) -> str:
    return part if isinstance(part, str) else part.plain()


class Renderer(NamedTuple):
    """How a platform writes reply text: its escaping of literal text and its markup for each
    token. The defaults write plain text."""

    literal: Callable[[str], str] = str
    mention: Callable[[Mention], str] = Mention.plain
    channel: Callable[[ChannelRef], str] = ChannelRef.plain
    command: Callable[[CommandRef], str] = CommandRef.plain
    date: Callable[[Date], str] = Date.plain
    bold: Callable[[Bold], str] = Bold.plain
    markup: Callable[[Markup], str] = Markup.plain


PLAIN = Renderer()


def render(text: str, renderer: Renderer = PLAIN) -> str:
    """``text`` in a platform's markup: literal parts shown as their characters and escaped,
    tokens written as markup."""
    if not isinstance(text, Rich):
        return renderer.literal(shown(text))
    out: list[str] = []
    for part in text.parts:
        if isinstance(part, str):
            out.append(renderer.literal(shown(part)))
        elif isinstance(part, Mention):
            out.append(renderer.mention(part))
        elif isinstance(part, ChannelRef):
            out.append(renderer.channel(part))
        elif isinstance(part, CommandRef):
            out.append(renderer.command(part))
        elif isinstance(part, Date):
            out.append(renderer.date(part))
        elif isinstance(part, Markup):
            out.append(renderer.markup(part))
        else:
            out.append(renderer.bold(part))
    return "".join(out)


def cmd(name: str, args: str = "") -> Rich:
    """A command inside reply text: ``cmd("pool topup", f"name:{pool}")`` reads
    ``/pool topup name:agency`` in plain text and ``/connects pool topup name:agency`` on Slack.
    ``args`` are literal text (a pool name is what someone typed). Join it with ``+`` or
    :class:`Rich`; formatting it into an f-string keeps only the plain reading."""
    return Rich(CommandRef(name), f" {args}" if args else "")


_STORED = re.compile(r"\{\{|\}\}|\{when\}|\{/([a-z]+(?: [a-z]+)?)\}")


def stored(text: str) -> str:
    """Reply text as one string to keep (a notice waiting to be sent): a :class:`Date` as
    ``{when}`` (the moment kept beside it), a :class:`CommandRef` as ``{/name}``, literal
    braces doubled; any other token as its plain reading."""
    parts = text.parts if isinstance(text, Rich) else (text,)
    out: list[str] = []
    for part in parts:
        if isinstance(part, Date):
            out.append("{when}")
        elif isinstance(part, CommandRef):
            out.append("{/" + part.name + "}")
        else:
            plain = part if isinstance(part, str) else part.plain()
            out.append(plain.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def restored(text: str, at: Markup | None) -> Rich:
    """The reply text :func:`stored` kept: ``{when}`` as ``at`` (a notifier's own time markup;
    left as it is without one), ``{/name}`` as a command. A text kept before braces were
    doubled reads the same, but for a doubled brace it held."""
    parts: list[Part] = []
    last = 0
    for m in _STORED.finditer(text):
        parts.append(text[last : m.start()])
        last = m.end()
        token = m.group()
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token == "{when}":
            parts.append(at if at is not None else token)
        else:
            parts.append(CommandRef(m.group(1)))
    parts.append(text[last:])
    return Rich(*parts)


def when(ts: int) -> Rich:
    """A date inside reply text (``ts`` in UTC epoch seconds): each reader's own time zone and
    language where the platform can show it, else a UTC date. Join it with ``+`` or
    :class:`Rich`; formatting it into an f-string keeps only the UTC date."""
    return Rich(Date(int(ts)))


def utc_date(ts: int) -> str:
    """``ts`` as ``2026-11-26`` (UTC); a moment out of the calendar's range as its number."""
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):
        return f"@{ts}"


class ButtonStyle(enum.Enum):
    PRIMARY = "primary"
    DANGER = "danger"
    SECONDARY = "secondary"


class Button(NamedTuple):
    """A button on a reply.

    ``action`` is ``"undo"`` or ``"confirm"``; ``value`` is an opaque string (at most 80
    characters) that the platform hands back on a click, through :meth:`core.app.App.press`.
    ``text_command`` is the equivalent command for platforms without buttons (:func:`cmd`).
    ``only_user`` restricts clicks to one user key. Buttons with the same ``row`` show on a
    line of their own where the platform can (one bid's outcomes); ``None``: laid out in turn.
    """

    label: str
    action: str
    value: str
    style: ButtonStyle = ButtonStyle.PRIMARY
    text_command: str = ""
    only_user: str | None = None
    row: int | None = None


class Attachment(NamedTuple):
    """A file sent with a reply (a PNG chart or a CSV export)."""

    filename: str
    content_type: str
    data: bytes


#: The action of a reply's Details button (:meth:`core.app.App.press`): its value is the
#: read-only command that gave the reply, run again for whoever presses, with its details;
#: or a kept code (:data:`KEPT_DETAILS`).
DETAILS = "details"
#: A phone's first screen: the headline, then at most this many lines of this many characters
#: (a job title may wrap); the rest of a reply is its details.
FIRST_LINES = 8
FIRST_WIDTH = 40


class Show(enum.Enum):
    """How much of a reply to give: the first screen with a Details button where there is
    more, everything (``details:true``), or only the details (a Details press)."""

    FIRST = "first"
    ALL = "all"
    DETAILS = "details"


#: A Details value naming details by a kept code: a pasted post's quote by its Bid button's
#: (a post does not fit in a button), a change's by the code its details are kept under.
KEPT_DETAILS = "kept:"


@dataclass(slots=True)
class Reply:
    """A platform-neutral reply.

    ``title`` is short (fits a phone); ``lines`` are text lines (``**bold**`` allowed, tokens
    as :class:`Rich` text); ``fields`` are (name, value) pairs shown as a compact table.
    ``title``, ``lines`` and ``fields`` are the first screen: the answer, at most
    :data:`FIRST_LINES` lines (the fields counted as lines) of :data:`FIRST_WIDTH` characters.
    ``details`` and ``detail_fields`` are the rest (the facts read, how a figure was reached,
    the heuristic beside a learned number), shown on request: a Details button, or
    ``details:true`` in the text syntax (:meth:`full`).
    ``private`` replies are shown only to the user. ``error`` marks a refusal: one line saying
    what to fix, nothing changed.
    """

    title: str
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    private: bool = True
    buttons: list[Button] = field(default_factory=list)
    file: Attachment | None = None
    error: bool = False
    needs_confirmation: bool = False  # nothing changed yet: the user must confirm (a button)
    details: list[str] = field(default_factory=list)
    detail_fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_details(self) -> bool:
        return bool(self.details or self.detail_fields)

    def full(self) -> Reply:
        """The whole reply on one screen: the details after the first screen's lines and
        fields, and no Details button (there is nothing more to show)."""
        return dataclasses.replace(
            self,
            lines=[*self.lines, *self.details],
            fields=[*self.fields, *self.detail_fields],
            buttons=[b for b in self.buttons if b.action != DETAILS],
            details=[],
            detail_fields=[],
        )

    def phone(self) -> Reply:
        """The first screen laid out for a phone: a line wider than :data:`FIRST_WIDTH` made
        of clauses joined by `` · `` is shown one clause a line, each indented as the line
        was (no word changes)."""
        lines = [part for line in self.lines for part in _clauses(line)]
        return self if len(lines) == len(self.lines) else dataclasses.replace(self, lines=lines)

    def only_details(self) -> Reply:
        """What a Details press shows: the headline again, then only the details, private
        (the first screen is already on the screen above it)."""
        if not self.has_details:
            return Reply(self.title, ["No more details."], private=True)
        return Reply(self.title, list(self.details), list(self.detail_fields), private=True)

    def text(self) -> str:
        """The reply as plain text (console, logs, Slack fallbacks), each part shown as its
        characters (:func:`render`)."""
        out = [render(self.title)]
        out.extend(render(x) for x in self.lines)
        width = max((len(k) for k, _ in self.fields), default=0)
        out.extend(f"{render(k).ljust(width)}  {render(v)}" for k, v in self.fields)
        return "\n".join(out)


_DOT = " · "


def _clauses(line: str) -> list[str]:
    """``line`` one clause a line when it is too wide for a phone and joins clauses with
    `` · `` (literal parts only: a token is never cut)."""
    if len(line) <= FIRST_WIDTH or _DOT not in line:
        return [line]
    parts = line.parts if isinstance(line, Rich) else (line,)
    indent = line[: len(line) - len(line.lstrip(" "))]  # a clause stays under its line
    out: list[list[Part]] = [[]]
    for part in parts:
        if not isinstance(part, str):
            out[-1].append(part)
            continue
        pieces = part.split(_DOT)
        out[-1].append(pieces[0])
        out.extend([indent + piece] for piece in pieces[1:])
    return [
        Rich(*clause) if isinstance(line, Rich) else "".join(map(str, clause)) for clause in out
    ]


def split(text: str, sep: str) -> list[str]:
    """``text`` cut at each ``sep`` in its literal parts (a token is never cut), tokens kept."""
    if not isinstance(text, Rich):
        return text.split(sep)
    out: list[list[Part]] = [[]]
    for part in text.parts:
        if not isinstance(part, str):
            out[-1].append(part)
            continue
        pieces = part.split(sep)
        out[-1].append(pieces[0])
        out.extend([piece] for piece in pieces[1:])
    return [Rich(*pieces) for pieces in out]


class Choice(NamedTuple):
    """An autocomplete suggestion: what the user sees and the value filled in."""

    name: str
    value: str


def words(value: str) -> str:
    """A stored word as a reply says it: ``client_cancelled`` reads "client cancelled"."""
    return value.replace("_", " ")


def bids(n: int) -> str:
    """``1 bid``, ``2 bids``, ``1,000 bids``."""
    return plural(n, "bid")


def plural(n: int, word: str = "Connect") -> str:
    """``1 Connect``, ``3 Connects``, ``1,000 Connects``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")
