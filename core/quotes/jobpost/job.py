"""The job's own facts: its link, budget, experience level, length, hours and posting time.

Each reader returns every value the post shows, in order; a value found but not readable for
sure (``$1.200``: 1.2 or 1200?) is ``None`` among them, never skipped for a later one.
"""

from __future__ import annotations

from dataclasses import dataclass

import core.quotes.jobpost.patterns as p
from core.quotes.jobpost.lines import alone, labeled
from core.quotes.jobpost.page import Page
from core.quotes.jobpost.values import cents

#: How many ``Hourly``/``Fixed-price`` lines an amount is looked for near.
MAX_MARKS = 4


@dataclass(frozen=True, slots=True)
class Budget:
    kind: str | None  # "hourly" | "fixed"
    low_cents: int | None
    high_cents: int | None  # None for an hourly rate given as one figure


def link(page: Page) -> list[str]:
    """The job id of each Upwork link that stands as a value (alone on its segment, or after
    ``Job link:``/``View job:``), from the path only, and of each bare id (``~01...``),
    lower-case. A link inside a sentence is the writer's, not the job's."""
    out: list[str] = []
    for i in page.having("upwork.com", "~0"):
        for seg in page.segs(i):
            found = p.LINK_SEGMENT.fullmatch(seg.rstrip(".,;)"))
            if found is None:
                continue
            if found["url"]:
                path = p.PATH.search(found["url"])
                job = None if path is None else p.ID_IN_PATH.search(path.group())
            else:
                job = p.BARE_ID.search(found["id"])
            if job is not None:
                out.append(job.group().lower())
    return out


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


def budget(page: Page) -> list[Budget]:
    """Each labeled amount (``Hourly: $25-$40``, ``Fixed price: $1,200``, ``Est. Budget:
    $300``) and each amount alone on a line at most two lines from ``Hourly`` or
    ``Fixed-price`` alone (the desktop page). A bare budget is fixed-price, as on Upwork,
    unless the post says ``Hourly``; a kind without an amount is a budget of that kind."""
    marks = _marks(page)
    kinds = {mark for _, mark in marks}
    kind = marks[0][1] if len(kinds) == 1 else None
    out: list[Budget] = []
    for hit in labeled(
        page, ("hourly", "fixed", "budget"), p.BUDGET_LABEL, p.AMOUNT_VALUE, whole=True
    ):
        if hit.label is None:
            continue
        found = _budget(hit.label.lastgroup or kind, hit.value.group())
        if found.kind is None and found.high_cents is None and found.low_cents is not None:
            found = Budget("fixed", found.low_cents, found.low_cents)
        out.append(found)
    for i, mark in marks:
        for j in (i - 1, i + 1, i - 2, i + 2):
            if 0 <= j < len(page.lines) and len(page.segs(j)) == 1:
                amount = p.AMOUNT_VALUE.fullmatch(page.segs(j)[0])
                if amount:
                    out.append(_budget(mark, amount.group()))
                    break
    if not out:
        out.extend(Budget(mark, None, None) for _, mark in marks)
    return out


def experience(page: Page) -> list[str]:
    """``Entry level``, ``Intermediate``, ``Expert`` (also ``Experience level: Expert``)."""
    return alone(
        page,
        ("entry", "intermediate", "expert"),
        p.EXPERIENCE_LABEL,
        p.EXPERIENCE_VALUE,
        bare=p.EXPERIENCE_ALONE,
    )


def length(page: Page) -> list[str]:
    """``Less than 1 month`` ... ``More than 6 months``, alone or after a label."""
    return alone(page, ("month",), p.LENGTH_LABEL, p.LENGTH_VALUE)


def hours(page: Page) -> list[str]:
    """``Less than 30 hrs/week``, ``More than 30 hrs/week``, ``30+ hrs/week``."""
    return alone(page, ("week", "wk"), p.HOURS_LABEL, p.HOURS_VALUE)


def posted(page: Page) -> list[tuple[int, str]]:
    """(line, time as written) of each ``Posted 2 hours ago``/``Posted on: ...``."""
    hits = labeled(page, ("posted",), p.POSTED_LABEL, p.TIME_VALUE)
    return [(hit.line, hit.value["time"]) for hit in hits]
