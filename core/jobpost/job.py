"""The job's own facts: its link, budget, experience level, length, hours and posting time.

Each reader returns the first occurrence in the post, or ``None``; a value found but not
readable for sure (``$1.200``: 1.2 or 1200?) gives ``None`` rather than a later one.
"""

from __future__ import annotations

from dataclasses import dataclass

import core.jobpost.patterns as p
from core.jobpost.lines import alone, labeled
from core.jobpost.page import Page
from core.jobpost.values import cents

#: How many ``Hourly``/``Fixed-price`` lines an amount is looked for near.
MAX_MARKS = 4


@dataclass(frozen=True, slots=True)
class Budget:
    kind: str | None  # "hourly" | "fixed"
    low_cents: int | None
    high_cents: int | None  # None for an hourly rate given as one figure


def link(page: Page) -> str | None:
    """The job id of the first Upwork link that holds one (the path only, not the query),
    else the first bare id (``~01...``), lower-case."""
    for i in page.having("upwork.com", prose=True):
        for path in p.PATH.finditer(page.lines[i]):
            found = p.ID_IN_PATH.search(path.group())
            if found:
                return found.group().lower()
    for i in page.having("~0", prose=True):
        found = p.BARE_ID.search(page.lines[i])
        if found:
            return found.group().lower()
    return None


def _amounts(text: str) -> tuple[int | None, int | None]:
    """(low, high) of ``$a`` or ``$a-$b``: high is None for one figure; both None when a
    figure is not exact or the range runs backwards."""
    figures = [cents(m.group()) for m in p.MONEY_VALUE.finditer(text)]
    if len(figures) == 1:
        return figures[0], None
    low, high = figures[0], figures[-1]
    if len(figures) != 2 or low is None or high is None or low > high:
        return None, None
    return low, high


def _budget(kind: str | None, text: str) -> Budget:
    low, high = _amounts(text)
    if kind == "fixed" and high is None:
        high = low
    return Budget(kind, low, high)


def _marks(page: Page) -> list[tuple[int, str]]:
    """The lines where ``Hourly`` or ``Fixed-price`` stands alone as a segment, with which."""
    out: list[tuple[int, str]] = []
    for i in page.having("hourly", "fixed"):
        if len(out) == MAX_MARKS:
            break
        for seg in page.segs(i):
            mark = p.BUDGET_MARK.fullmatch(seg.rstrip(":"))
            if mark and mark.lastgroup:
                out.append((i, mark.lastgroup))
                break
    return out


def budget(page: Page) -> Budget | None:
    """A labeled amount (``Hourly: $25-$40``, ``Fixed price: $1,200``, ``Est. Budget:
    $300``) or else an amount alone on a line at most two lines from ``Hourly`` or
    ``Fixed-price`` alone (the desktop page). A bare budget is fixed-price, as on Upwork,
    unless the post says ``Hourly``."""
    marks = _marks(page)
    kind = marks[0][1] if marks else None
    hit = labeled(page, ("hourly", "fixed", "budget"), p.BUDGET_LABEL, p.AMOUNT_VALUE, whole=True)
    if hit is not None and hit.label is not None:
        said = hit.label.lastgroup
        found = _budget(said or kind, hit.value.group())
        if found.kind is None and found.high_cents is None and found.low_cents is not None:
            return Budget("fixed", found.low_cents, found.low_cents)
        return found
    for i, mark in marks:
        if mark != kind:
            continue
        for j in (i - 1, i + 1, i - 2, i + 2):
            if 0 <= j < len(page.lines) and len(page.segs(j)) == 1:
                amount = p.AMOUNT_VALUE.fullmatch(page.segs(j)[0])
                if amount:
                    return _budget(kind, amount.group())
    return None if kind is None else Budget(kind, None, None)


def experience(page: Page) -> str | None:
    """``Entry level``, ``Intermediate``, ``Expert`` (also ``Experience level: Expert``)."""
    return alone(
        page,
        ("entry", "intermediate", "expert"),
        p.EXPERIENCE_LABEL,
        p.EXPERIENCE_VALUE,
        bare=p.EXPERIENCE_ALONE,
    )


def length(page: Page) -> str | None:
    """``Less than 1 month`` ... ``More than 6 months``, alone or after a label."""
    return alone(page, ("month",), p.LENGTH_LABEL, p.LENGTH_VALUE)


def hours(page: Page) -> str | None:
    """``Less than 30 hrs/week``, ``More than 30 hrs/week``, ``30+ hrs/week``."""
    return alone(page, ("week", "wk"), p.HOURS_LABEL, p.HOURS_VALUE)


def posted(page: Page) -> tuple[int, str] | None:
    """(line, time as written) of the first ``Posted 2 hours ago``/``Posted on: ...``."""
    hit = labeled(page, ("posted",), p.POSTED_LABEL, p.TIME_VALUE)
    return None if hit is None else (hit.line, hit.value["time"])
