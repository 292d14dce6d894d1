"""Finding a labeled value on a :class:`~core.jobpost.page.Page`: the searches every field
reader is made of."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.jobpost.page import Page


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
) -> Hit | None:
    """The first ``value`` after ``label``: on the label's segment (``Label: value``,
    ``Label value``) or, when the label ends its segment, on the next line; the value starts
    what follows the label, or is all of it when ``whole``."""
    match = value.fullmatch if whole else value.match
    for i in page.having(*marks):
        for seg in page.segs(i):
            head = label.match(seg)
            if head is None:
                continue
            rest = seg[head.end() :]
            found = match(rest if rest else page.after(i))
            if found is not None:
                return Hit(i, head, found)
    return None


def searched(page: Page, marks: tuple[str, ...], *patterns: re.Pattern[str]) -> Hit | None:
    """The first line where one of ``patterns`` is found (searched anywhere on the line)."""
    for i in page.having(*marks):
        for pattern in patterns:
            found = pattern.search(page.lines[i])
            if found is not None:
                return Hit(i, None, found)
    return None


def alone(
    page: Page,
    marks: tuple[str, ...],
    label: re.Pattern[str],
    value: re.Pattern[str],
    *,
    bare: re.Pattern[str] | None = None,
) -> str | None:
    """The group name (without leading ``_``) of the first ``value`` that is a segment or a
    comma item of one (``Est. Time: 1 to 3 months, Less than 30 hrs/week``), maybe after
    ``label``; without a label it must also match ``bare`` when given."""
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
                return found.lastgroup.lstrip("_")
    return None
