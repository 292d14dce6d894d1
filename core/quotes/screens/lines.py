"""From the boxes of text a recogniser found on a screenshot to the lines of a pasted post.

Pure: no image library, no I/O. The steps, each a function with its own tests:

- :func:`columns` splits a page at an empty vertical gutter that boxes stand on both sides of
  (Upwork's desktop page: the job on the left, the Connects block and the client on the right),
  read left then right;
- :func:`rows` puts the boxes of one column into lines, top to bottom, left to right;
- :func:`unwrap` joins a line that wrapped ("Required Connects to submit a" / "proposal: 8"): the
  line before is full to the column's right edge, the next starts at the same left edge, at the
  same height, closer than a paragraph's gap;
- :func:`respace` puts back the spaces a recogniser drops ("AvailableConnects:120");
- :func:`unclear` hides a number read with low confidence, so no reader can take it for a fact;
- :func:`stitch` reads several screenshots of one job as one post, dropping the lines a screen
  repeats from the one before it (the screens of a scrolled page overlap).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

#: A box whose text holds a digit is read only at or above this confidence (the recogniser's
#: own score, 0 to 1); below, its numbers are hidden and the reply names its line.
MIN_NUMBER_CONFIDENCE = 0.9
#: What stands for a number that was not read clearly: no pattern of the post reader takes it.
HIDDEN = "\u2047"  # ⁇


@dataclass(frozen=True, slots=True)
class Box:
    """One run of text the recogniser found: its bounding box in pixels, text, confidence."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class Line:
    """A line of one column: its boxes left to right, its text, and whether a number on it
    was hidden for low confidence."""

    boxes: tuple[Box, ...]
    text: str
    hidden: bool

    @property
    def x0(self) -> float:
        return min(b.x0 for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b.x1 for b in self.boxes)

    @property
    def y0(self) -> float:
        return min(b.y0 for b in self.boxes)

    @property
    def y1(self) -> float:
        return max(b.y1 for b in self.boxes)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Page:
    """What one screenshot reads as: its lines in reading order (wrapped lines joined), and
    those whose numbers were hidden."""

    lines: tuple[str, ...]
    unclear: tuple[str, ...]


# ------------------------------------------------------------------------------ columns


def columns(boxes: Sequence[Box], width: float) -> list[list[Box]]:
    """The boxes split into columns, left first, at the widest empty vertical gutter (at least
    2% of ``width``) that at least three boxes on each side share rows across. A page without
    one is one column; each column is split again the same way."""
    if len(boxes) < 6:
        return [list(boxes)]
    spans = sorted((b.x0, b.x1) for b in boxes)
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        gap = x0 - reach
        if gap >= 0.02 * width and (best is None or gap > best[1] - best[0]):
            cut = (reach, x0)
            if _side_by_side(boxes, cut):
                best = cut
        reach = max(reach, x1)
    if best is None:
        return [list(boxes)]
    middle = (best[0] + best[1]) / 2
    left = [b for b in boxes if b.x1 <= middle]
    right = [b for b in boxes if b.x0 >= middle]
    return [*columns(left, width), *columns(right, width)]


def _side_by_side(boxes: Sequence[Box], cut: tuple[float, float]) -> bool:
    """Whether at least three boxes on each side of ``cut`` share rows with the other side (a
    gutter between columns, not a ragged right edge above a lone indented line)."""
    left = [b for b in boxes if b.x1 <= cut[0]]
    right = [b for b in boxes if b.x0 >= cut[1]]
    top, bottom = max(min(b.y0 for b in left), min(b.y0 for b in right)), 0.0
    bottom = min(max(b.y1 for b in left), max(b.y1 for b in right))
    if bottom <= top:
        return False
    return (
        sum(top <= b.middle <= bottom for b in left) >= 3
        and sum(top <= b.middle <= bottom for b in right) >= 3
    )


# --------------------------------------------------------------------------------- rows


def rows(boxes: Iterable[Box]) -> list[list[Box]]:
    """The boxes of one column as lines: top to bottom, a box joining the line whose vertical
    middle it overlaps; each line left to right."""
    out: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.middle, b.x0)):
        line = out[-1] if out else None
        if line is not None and _same_row(line, box):
            line.append(box)
        else:
            out.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in out]


def _same_row(line: list[Box], box: Box) -> bool:
    top = min(b.y0 for b in line)
    bottom = max(b.y1 for b in line)
    middle = (top + bottom) / 2
    return top <= box.middle <= bottom and box.y0 <= middle <= box.y1


# ------------------------------------------------------------------------------- unwrap


def unwrap(lines: Sequence[Line]) -> list[Line]:
    """``lines`` (one column, in order) with each wrapped line joined to the one before it: the
    line before reaches the column's right edge (within a fifth of its width) and does not end
    a sentence or a label, the next starts at its left edge at the same height, and the step
    between them is a paragraph's line step (shorter than the column's usual step between
    separate lines by a sixth), or the next starts in lowercase."""
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    span = max(right - left, 1.0)
    steps = sorted(b.y0 + b.y1 - a.y0 - a.y1 for a, b in itertools.pairwise(lines))
    usual = steps[len(steps) // 2] / 2 if steps else 0.0
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        height = max(prev.height, line.height, 1.0)
        step = (line.y0 + line.y1 - prev.boxes[-1].y0 - prev.boxes[-1].y1) / 2
        if prev.boxes[-1].y0 != prev.y0:  # a joined line: its last row's step
            step = (line.y0 + line.y1) / 2 - max(b.y0 + b.y1 for b in prev.boxes) / 2
        lower = line.text[:1].islower()
        wraps = (
            prev.x1 >= right - 0.2 * span
            and abs(line.x0 - prev.x0) <= 0.6 * height
            and abs(line.height - prev.height) <= 0.25 * height
            and 0 < step <= 1.1 * usual
            and (step <= usual * 5 / 6 or lower)
            and not prev.text.rstrip().endswith((".", "!", "?", ":"))
        )
        if wraps:
            out[-1] = Line(
                prev.boxes + line.boxes, f"{prev.text} {line.text}", prev.hidden or line.hidden
            )
        else:
            out.append(line)
    return out


# ------------------------------------------------------------------------------ respace

# a split worth making between characters a recogniser glued: a letter then a digit, a digit
# then a word (not a unit: $48K, 3rd, 10x), a colon or a percent sign then a letter, a label's
# colon then a number, an abbreviation's period or a comma then a word, a date's comma then its
# year (four digits: not a thousands group). "AvailableConnects" splits by the vocabulary.
_BOUNDARY = re.compile(
    r"(?<=[A-Za-z])(?=\d)"
    r"|(?<=\d)(?=(?![KM](?:\b|[a-z]))(?!(?:k|st|nd|rd|th|x|h|s)\b)[A-Za-z])"
    r"|(?<=\d[KM])(?=[a-z]{2})"
    r"|(?<=[:%])(?=[A-Za-z])"
    r"|(?<=[A-Za-z]:)(?=[\d$])"
    r"|(?<=[A-Za-z]{2}\.)(?=[a-z]{2})"
    r"|(?<=[A-Za-z],)(?=[A-Za-z\d])"
    r"|(?<=\d,)(?=\d{4}\b)"
)
_KEEP = re.compile(r"~|\.(?:com|io|net|org)\b|https?:|www\.", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")
# words of Upwork's job page that the post reader's labels do not spell out but lines hold
_PAGE_WORDS = (
    "a an and the of to for on in is out by per as at or no not be with you your this job jobs "
    "connects connect required submit proposal proposals available send when have remaining "
    "total spent hire hires hired rate active open posted member since payment method verified "
    "unverified reviews review rating client about activity interviewing invites sent "
    "unanswered last viewed hourly fixed price budget est estimated experience level entry "
    "intermediate expert duration project length type hours hour week weeks month months more "
    "than less hrs avg paid apply now save worldwide summary skills expertise find work ongoing "
    "remote one time time country hourly range bid high low average flag inappropriate link "
    "copy similar ago minutes days day yesterday today jan feb mar apr may jun jul aug sep oct "
    "nov dec "
)


@cache
def _vocabulary() -> frozenset[str]:
    """Lowercase words that may be split out of a glued run: those spelled in the post
    reader's patterns and the page's own words."""
    from core.quotes.jobpost import patterns

    words = set(_PAGE_WORDS.split())
    for item in vars(patterns).values():
        source = getattr(item, "pattern", item)
        if isinstance(source, str):
            words.update(w.lower() for w in _WORD.findall(source) if len(w) > 1)
    return frozenset(words)


def _segment(word: str) -> list[str] | None:
    """``word`` as two or more words of the vocabulary (fewest words first), else ``None``."""
    vocab = _vocabulary()
    low = word.lower()
    n = len(low)
    best: list[list[int] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 20), end):
            head = best[start]
            piece = low[start:end]
            if head is not None and (piece in vocab or piece == "a"):
                candidate = [*head, end]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    cuts = best[n]
    if cuts is None or len(cuts) < 2:
        return None
    out, start = [], 0
    for end in cuts:
        out.append(word[start:end])
        start = end
    return out


def respace(text: str) -> str:
    """``text`` with the spaces a recogniser dropped put back: at a letter-digit boundary, a
    glued label's colon, and inside a run of letters that is two or more words the job page
    uses. Links and job ids are left whole."""
    out = []
    for token in text.replace("\u00b7", " \u00b7 ").split():
        if _KEEP.search(token):
            out.append(token)
            continue
        pieces = []
        for part in _BOUNDARY.sub(" ", token).split():
            letters = _WORD.fullmatch(part.rstrip(":.,"))
            if letters is not None and part.lower() not in _vocabulary():
                split = _segment(letters.group())
                if split is not None:
                    tail = part[len(letters.group()) :]
                    pieces.append(" ".join(split) + tail)
                    continue
            pieces.append(part)
        out.append(" ".join(pieces))
    return " ".join(out)


# ------------------------------------------------------------------------------ unclear


def unclear(box: Box, floor: float = MIN_NUMBER_CONFIDENCE) -> tuple[str, bool]:
    """``box``'s text with every number hidden when it was read below ``floor`` (and whether
    one was): a number not read clearly is not read at all."""
    if box.confidence >= floor or not any(c.isdigit() for c in box.text):
        return box.text, False
    return re.sub(r"\d+(?:[.,]\d+)*", HIDDEN, box.text), True


# --------------------------------------------------------------------------------- read


def page(boxes: Sequence[Box], width: float, floor: float = MIN_NUMBER_CONFIDENCE) -> Page:
    """The lines of one screenshot, from its boxes, in reading order."""
    ordered: list[str] = []
    hidden: list[str] = []
    for column in columns(boxes, width):
        built = []
        for row in rows(column):
            texts = [unclear(b, floor) for b in row]
            text = respace(" ".join(t for t, _ in texts))
            built.append(Line(tuple(row), text, any(h for _, h in texts)))
        for line in unwrap(built):
            ordered.append(line.text)
            if line.hidden:
                hidden.append(line.text)
    return Page(tuple(ordered), tuple(hidden))


def stitch(pages: Sequence[Page]) -> Page:
    """Several screenshots of one job as one page: in order, each without the lines at its top
    that repeat the end of the one before (:func:`overlap`)."""
    lines: list[str] = []
    hidden: list[str] = []
    for p in pages:
        skip = overlap(lines, list(p.lines))
        lines.extend(p.lines[skip:])
        hidden.extend(h for h in p.unclear if h in p.lines[skip:])
    return Page(tuple(lines), tuple(dict.fromkeys(hidden)))


def _same(a: str, b: str) -> bool:
    return a.replace(" ", "").lower() == b.replace(" ", "").lower()


def overlap(before: Sequence[str], after: Sequence[str]) -> int:
    """How many of ``after``'s first lines repeat the end of ``before``: the longest run of at
    least two equal lines (spaces and case aside) that ends ``before``, where the last line of
    ``before`` and the first of ``after`` may differ (a screen's edge cuts a line in two)."""
    for start in range(max(0, len(before) - 40), len(before)):
        for lead in (0, 1):
            tail = before[start:]
            head = after[lead : lead + len(tail)]
            if len(head) < len(tail) or len(tail) < 2:
                continue
            equal = [_same(x, y) for x, y in zip(tail, head, strict=True)]
            if all(equal[:-1]) and sum(equal) >= 2:
                return lead + len(tail)
    return 0
