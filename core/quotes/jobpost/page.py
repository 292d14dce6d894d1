"""A post's text as lines to read: spaces and dashes made plain, empty lines dropped, the
text cut where other jobs begin, and each short line split into its segments.

A segment is what a feed tile separates with `` - ``, `` · ``, `` | `` or `` • `` on one line
(``Hourly: $25-$40 - Intermediate - Est. Time: 1 to 3 months``); a range keeps its dash
(``$15.00 - $35.00`` becomes ``$15.00-$35.00``). Lines longer than :data:`MAX_LINE` are prose:
they keep no segments and are read only for links.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.quotes.jobpost.model import MAX_CHARS
from core.quotes.jobpost.parts import description, spaced, unflatten

#: Longer lines are prose (a description): read only for a job link.
MAX_LINE = 300
#: A paste of fewer lines than this is taken for one whose newlines were lost.
FLAT_LINES = 12
#: Where the post ends and other jobs begin (lower case, at the start of a line).
STOPS = (
    "explore similar jobs",
    "client's recent history",
    "other open jobs by this client",
    "similar jobs on upwork",
)
#: Lines of the client's block mention one of these; a country or hours billed must be near.
CLIENT_MARKS = (
    "about the client",
    "payment method",
    "payment verified",
    "payment unverified",
    "rating is",
    "review",
    "spent",
    "hire rate",
    "jobs posted",
    "hires",
    "open job",
    "avg hourly rate",
    "member since",
)
#: How many lines from a client line a country (or hours billed) may stand.
CLIENT_REACH = 2

_PLAIN = str.maketrans(
    {
        "\t": "  ",
        **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006", " "),
        **dict.fromkeys("\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u02bc\u2032", "'"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),
    }
)
_RANGE_GAP = re.compile(r"(?<=[\d.km])\s?-\s?(?=[$\d])", re.IGNORECASE)
_SEPARATOR = re.compile(r" [-·|•] ")
_MONEYISH = re.compile(r"\$?[\d.,]+[km]?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Page:
    """The lines of a post (spaces collapsed, case kept) and their lower-case copies."""

    lines: tuple[str, ...]
    lower: tuple[str, ...]
    #: the client's description (see :mod:`core.quotes.jobpost.parts`): kept as text, never read
    description: tuple[str, ...] = ()
    #: for a line whose values were set apart by runs of spaces, its pieces between them
    spaced: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # the lower-case lines joined by newlines, and where each starts in it
    _text: str = field(init=False, repr=False, compare=False)
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _found: dict[tuple[bool, tuple[str, ...]], tuple[int, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _segs: dict[int, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        starts, at = [], 0
        for low in self.lower:
            starts.append(at)
            at += len(low) + 1
        object.__setattr__(self, "_text", "\n".join(self.lower))
        object.__setattr__(self, "_starts", tuple(starts))

    def segs(self, i: int) -> tuple[str, ...]:
        """The segments of line ``i`` (none when it is prose)."""
        cached = self._segs.get(i)
        if cached is None:
            line = self.lines[i]
            cached = segments(line)
            if line in self.spaced:
                cached += tuple(seg for seg in self.spaced[line] if seg not in cached)
            self._segs[i] = cached
        return cached

    def having(self, *marks: str, prose: bool = False) -> tuple[int, ...]:
        """The indexes, in order, of the lines that contain one of ``marks`` (lower case, no
        newline): short lines only, unless ``prose``. Found by searching the whole text
        once per mark, so a post of many lines costs little more than one of few."""
        key = (prose, marks)
        cached = self._found.get(key)
        if cached is not None:
            return cached
        text, starts, found = self._text, self._starts, set()
        for mark in marks:
            at = text.find(mark)
            while at != -1:
                i = bisect.bisect_right(starts, at) - 1
                found.add(i)
                at = text.find(mark, starts[i + 1]) if i + 1 < len(starts) else -1
        lines = self.lines
        out = tuple(i for i in sorted(found) if prose or len(lines[i]) <= MAX_LINE)
        self._found[key] = out
        return out

    def after(self, i: int) -> str:
        """The line after line ``i``, or ``""``."""
        return self.lines[i + 1] if i + 1 < len(self.lines) else ""

    def client_lines(self) -> frozenset[int]:
        """The indexes of the lines near a line of the client's block."""
        marked = [i for i in self.having(*CLIENT_MARKS) if len(self.lines[i]) <= 120]
        return frozenset(
            j
            for i in marked
            for j in range(max(0, i - CLIENT_REACH), min(len(self.lines), i + CLIENT_REACH + 1))
        )


def _joined(lines: list[str]) -> list[str]:
    """Lines with a range split over three lines (``$15.00`` / ``-`` / ``$35.00``) joined."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            line == "-"
            and out
            and i + 1 < len(lines)
            and _MONEYISH.fullmatch(out[-1])
            and _MONEYISH.fullmatch(lines[i + 1])
        ):
            out[-1] = f"{out[-1]}-{lines[i + 1]}"
            i += 2
            continue
        out.append(line)
        i += 1
    return out


def segments(line: str) -> tuple[str, ...]:
    """The segments of one plain line (none when it is prose)."""
    if len(line) > MAX_LINE:
        return ()
    if "-" in line:
        line = _RANGE_GAP.sub("-", line)
    if " - " not in line and " · " not in line and " | " not in line and " • " not in line:
        return (line,)
    return tuple(part for part in _SEPARATOR.split(line) if part)


def page(text: str, states: Callable[[str], bool] | None = None) -> Page:
    """The first :data:`MAX_CHARS` characters of ``text`` as a :class:`Page`, without the
    line the bound cuts (``Available Connects: 11`` cut after ``1`` is not 1). A long line
    is split around Upwork's labels and values in it; with ``states`` (whether a line read
    alone states a fact), the client's description is set apart from the lines read."""
    body = text[:MAX_CHARS]
    if len(text) > MAX_CHARS and text[MAX_CHARS] not in "\r\n":
        body = body[: max(body.rfind("\n"), body.rfind("\r"), 0)]  # a cut line is not read
    lines: list[str] = []
    pieces: dict[str, tuple[str, ...]] = {}
    raws = [raw for raw in body.translate(_PLAIN).splitlines() if raw and not raw.isspace()]
    # a paste of few lines lost its newlines on the way: its lines are split again where
    # Upwork's labels and values stand (a whole page keeps them, and its long lines are prose)
    flat = states is not None and len(raws) < FLAT_LINES
    for raw in raws:
        line = " ".join(raw.split())
        if len(line) <= MAX_LINE and "  " in raw.strip():
            pieces[line] = spaced(raw.strip())
        if flat:
            lines.extend(unflatten(line))
        else:
            lines.append(line)
    if "-" in lines:
        lines = _joined(lines)
    lower = "\n".join(lines).lower().split("\n")
    for i, low in enumerate(lower):
        if low.startswith(STOPS):
            lines, lower = lines[:i], lower[:i]
            break
    if states is None or len(lines) < 2:
        return Page(tuple(lines), tuple(lower), spaced=pieces)
    words = description(lines, states)
    return Page(
        tuple(line for line, said in zip(lines, words, strict=True) if not said),
        tuple(low for low, said in zip(lower, words, strict=True) if not said),
        tuple(line for line, said in zip(lines, words, strict=True) if said),
        pieces,
    )
