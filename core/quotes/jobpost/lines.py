"""Finding a labeled value on a :class:`~core.quotes.jobpost.page.Page`: the searches every field
reader is made of. Each returns every hit, in order, so that a reader can tell one value
stated twice from two values that contradict each other.

A value is read only where it is shaped like Upwork's own label and value: it fills its
segment (``Label: value``, ``value`` alone, ``33 hires, 13 active``), never a phrase inside a
sentence (``our last agency quoted $40K total spent on design alone``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.quotes.jobpost.page import Page

#: What may follow a value on its segment: a full stop, nothing else.
_TAIL = " ."


@dataclass(frozen=True, slots=True)
class Hit:
    """A value found: its line, the label before it (if any) and the value's match."""

    line: int
    label: re.Match[str] | None
    value: re.Match[str]


def labeled(
    page: Page,
    marks: tuple[str, ...],
    label: re.Pattern[str],
    value: re.Pattern[str],
    *,
    whole: bool = False,
) -> list[Hit]:
    """Each ``value`` after ``label``: on the label's segment (``Label: value``, ``Label
    value``) or, when the label ends its segment, on the next line; the value fills what
    follows the label (a full stop may end it)."""
    hits: list[Hit] = []
    for i in page.having(*marks):
        for seg in page.segs(i):
            head = label.match(seg)
            if head is None:
                continue
            rest = seg[head.end() :]
            text = rest if rest else page.after(i)
            found = value.fullmatch(text) if whole else value.match(text)
            if found is not None and not text[found.end() :].strip(_TAIL):
                hits.append(Hit(i, head, found))
    return hits


def shaped(page: Page, marks: tuple[str, ...], *patterns: re.Pattern[str]) -> list[Hit]:
    """Each segment that one of ``patterns`` fills (a full stop may end it)."""
    hits: list[Hit] = []
    for i in page.having(*marks):
        for seg in page.segs(i):
            text = seg.rstrip(_TAIL)
            for pattern in patterns:
                found = pattern.fullmatch(text)
                if found is not None:
                    hits.append(Hit(i, None, found))
                    break
    return hits


def alone(
    page: Page,
    marks: tuple[str, ...],
    label: re.Pattern[str],
    value: re.Pattern[str],
    *,
    bare: re.Pattern[str] | None = None,
) -> list[str]:
    """The group name (without leading ``_``) of each ``value`` that is a segment or a
    comma item of one (``Est. Time: 1 to 3 months, Less than 30 hrs/week``), maybe after
    ``label``; without a label it must also match ``bare`` when given."""
    out: list[str] = []
    for i in page.having(*marks):
        for seg in page.segs(i):
            head = label.match(seg)
            body = seg[head.end() :] if head else seg
            for item in body.split(", "):
                text = item.strip().rstrip(".")
                found = value.match(text)
                if found is None or not found.lastgroup:
                    continue
                if head is None and bare is not None and not bare.fullmatch(text):
                    continue
                out.append(found.lastgroup.lstrip("_"))
    return out
