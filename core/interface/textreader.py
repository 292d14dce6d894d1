"""The words of the text syntax: what separates them (:data:`SPACE`), quoted values, ``<...>``
mentions kept whole, keys as people type them (:func:`key_at`), the near miss of a name
(:func:`near`) and the forward-only cursor that reads them all (``_Reader``), in time linear in
the length of the text. :mod:`core.interface.textparse` builds commands and their options from
these.
"""

from __future__ import annotations

import re

from core.base.text import echo
from core.interface.errors import BadInput

#: What separates words: whitespace, except the control characters text may not hold (CR,
#: VT, FF, U+001C-U+001F), which stay inside the word they touch so that the option it ends
#: up in refuses them by name. Written out rather than worked out on every start: it is every
#: character ``str.isspace`` calls space (none is above U+3000) but for those, and a test
#: works it out again.
SPACE = (
    "\t\n \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_SPACE_CLASS = "[" + "".join(f"\\u{ord(c):04x}" for c in SPACE) + "]"
_SPACES = re.compile(_SPACE_CLASS + "+")
_KEY = re.compile(r"([A-Za-z_]+):(?!//)")
#: A key as people type it: an option's name in any case, its words parted by ``_``, ``-`` or a
#: space (``client spent:``, ``Hire-Rate:``), with spaces before the colon (``Rating :``).
_KEYISH = re.compile(r"(?:([A-Za-z][A-Za-z_-]*)[ \t]+)?([A-Za-z][A-Za-z_-]*)([ \t]*):(?!//)")
_KEYISH_AFTER_SPACE = re.compile(
    _SPACE_CLASS + r"(?:([A-Za-z][A-Za-z_-]*)[ \t]+)?([A-Za-z][A-Za-z_-]*)([ \t]*):(?!//)"
)
# an opening quote and the closers it accepts
_QUOTES: dict[str, str] = {'"': '"', "“": '”"', "”": "”", "„": "“”", "'": "'", "‘": "’", "«": "»"}
_DOUBLE = '"“”„«'


def near(word: str, names: list[str]) -> str | None:
    """The name ``word`` is most likely a typo of, or ``None``."""
    if len(word) > 2 * max((len(n) for n in names), default=0):
        return None  # too long to be a typo of any of them
    import difflib

    found = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.75)
    return found[0] if found else None


def _norm(word: str) -> str:
    return word.lower().replace("-", "_")


def key_at(text: str, pos: int, names: list[str]) -> tuple[str, str, int] | None:
    """The key written at ``pos``: (as typed, its option's name, where its value starts), or
    ``None`` when a value starts there. Two words or spaces before the colon make a key only
    when they spell an option's name (``client spent:``, ``Rating :``); otherwise the first
    word is a value, as it always was."""
    match = _KEYISH.match(text, pos)
    if match is None:
        return None
    first, last, gap = match.group(1), match.group(2), match.group(3)
    if first is not None:
        joined = _norm(f"{first}_{last}")
        if joined in names:
            return f"{first} {last}", joined, match.end()
        return None
    if gap and _norm(last) not in names:
        return None
    return last, _norm(last), match.end()


class _Reader:
    """A cursor over the text. The cursor only moves forward, so a search that found nothing
    ahead of it (no closing quote, no ``>``) finds nothing later either: each is remembered and
    never repeated, which keeps reading linear. (A plain class: a dataclass would be built on
    every start for this internal record.)"""

    __slots__ = ("next_gt", "pos", "text", "unclosed")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        #: openers whose closing quote is known to be missing from here on
        self.unclosed: set[str] = set()
        #: where the next ``>`` is, once searched for (-1: none ahead)
        self.next_gt: int | None = None

    def skip_space(self) -> None:
        n = len(self.text)
        while self.pos < n and self.text[self.pos] in SPACE:
            self.pos += 1

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def quoted(self) -> str | None:
        """A quoted value at the cursor (consumed), or ``None`` when none starts here. A
        single quote without its closer is an apostrophe, not a quote."""
        opener = self.text[self.pos]
        closers = _QUOTES.get(opener)
        if closers is None or opener in self.unclosed:
            return None
        out: list[str] = []
        i, n = self.pos + 1, len(self.text)
        while i < n:
            ch = self.text[i]
            if (
                ch == "\\"
                and i + 1 < n
                and self.text[i + 1] in closers + "\\"
                and opener in _DOUBLE
            ):
                out.append(self.text[i + 1])
                i += 2
                continue
            if ch in closers and (i + 1 >= n or self.text[i + 1] in SPACE):
                self.pos = i + 1
                return "".join(out)
            out.append(ch)
            i += 1
        if opener in _DOUBLE:
            raise BadInput('A quoted value is missing its closing ", e.g. job:"Logo for a bakery"')
        self.unclosed.add(opener)
        return None

    def word(self) -> str:
        """One word at the cursor (consumed); ``<...>`` mentions stay whole."""
        start, n = self.pos, len(self.text)
        i = start
        while i < n and self.text[i] not in SPACE:
            if self.text[i] == "<":
                if self.next_gt is None or 0 <= self.next_gt < i:
                    self.next_gt = self.text.find(">", i)
                if self.next_gt != -1:
                    i = self.next_gt + 1
                    continue
            i += 1
        self.pos = i
        return self.text[start:i]

    def free_text(self, names: list[str]) -> str:
        """Text up to the next key of one of ``names`` (consumed), trimmed."""
        start = self.pos
        for match in _KEYISH_AFTER_SPACE.finditer(self.text, start):
            first, last, gap = match.group(1), match.group(2), match.group(3)
            if first is not None and _norm(f"{first}_{last}") in names:
                self.pos = match.start()  # a key of two words: client spent:
                return self.text[start : self.pos].strip(SPACE)
            key = _norm(last)
            if key in names:
                self.pos = match.start() if first is None else match.start(2)
                return self.text[start : self.pos].strip(SPACE)
            if not gap and near(key, names) is not None:
                raise BadInput(
                    f"{echo(last)} is not an option here; did you mean "
                    f"{near(key, names)}:? Write options as key:value."
                )
        self.pos = len(self.text)
        return self.text[start:].strip(SPACE)


def tokenize(text: str) -> list[tuple[str, bool]]:
    """``text`` split into words and quoted values: (text, quoted)."""
    reader, out = _Reader(text), list[tuple[str, bool]]()
    while True:
        reader.skip_space()
        if reader.done():
            return out
        value = reader.quoted()
        out.append((reader.word(), False) if value is None else (value, True))
