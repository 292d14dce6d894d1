"""What applying costs and who else applies: the Connects a proposal takes, the reader's
balance, the bid range, and the job's activity (proposals, interviews, invites)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import core.quotes.jobpost.patterns as p
from core.quotes.jobpost.lines import Hit, labeled, shaped
from core.quotes.jobpost.page import Page
from core.quotes.jobpost.values import cents, whole

#: How many lines after ``Bid range`` its figures may sit on.
BID_REACH = 3
#: How many ``Bid range`` lines are tried for figures.
BID_TRIES = 3


@dataclass(frozen=True, slots=True)
class Bids:
    high_cents: int | None
    avg_cents: int | None
    low_cents: int | None


@dataclass(frozen=True, slots=True)
class Proposals:
    low: int | None
    high: int | None


def _ints(hits: list[Hit]) -> list[int | None]:
    return [whole(hit.value["n"]) for hit in hits]


def connects(page: Page) -> list[int | None]:
    """``Required Connects to submit a proposal: 13``, ``Send a proposal for: 20 Connects``,
    ``This proposal requires 16 Connects``."""
    return _ints(labeled(page, ("connects", "proposal"), p.CONNECTS_LABEL, p.CONNECTS_VALUE))


def available(page: Page) -> list[int | None]:
    """``Available Connects: 11``."""
    return _ints(labeled(page, ("connects",), p.AVAILABLE_LABEL, p.CONNECTS_VALUE))


def remaining(page: Page) -> list[int | None]:
    """``When you submit this proposal, you'll have 32 Connects remaining.``"""
    return _ints(shaped(page, ("connect",), p.REMAINING))


def bid_range(page: Page) -> list[Bids]:
    """``Bid range - High $75.00 | Avg $31.69 | Low $6.00``, on one line or the next few."""
    out: list[Bids] = []
    for i in page.having(p.BID_RANGE)[:BID_TRIES]:
        window = " ".join(page.lines[i : i + BID_REACH + 1])
        window = window[window.lower().index(p.BID_RANGE) :]
        figures = {}
        for name, pattern in p.BID.items():
            found = pattern.search(window)
            figures[name] = None if found is None else cents(found["m"])
        if any(v is not None for v in figures.values()):
            out.append(Bids(figures["high"], figures["avg"], figures["low"]))
    return out


def _range(text: str) -> Proposals | None:
    found = p.PROPOSALS_VALUE.match(text)
    if found is None:
        return None
    if found["below"]:
        below = whole(found["below"])
        return None if below is None or below < 1 else Proposals(0, below - 1)
    if found["lo"]:
        low, high = whole(found["lo"]), whole(found["hi"])
        if low is None or high is None or low > high:
            return None
        return Proposals(low, high)
    if found["plus"]:
        return Proposals(whole(found["plus"]), None)
    one = whole(found["one"])
    return Proposals(one, one)


def proposals(page: Page) -> list[Proposals | None]:
    """``Proposals: 15 to 20``, ``Less than 5`` (0 to 4), ``50+`` (50 and more), ``15 to 20
    proposals``."""
    found = [
        (hit.line, _range(hit.value.group()))
        for hit in labeled(page, ("proposals",), p.PROPOSALS_LABEL, p.PROPOSALS_VALUE)
    ]
    for hit in shaped(page, ("proposals",), p.PROPOSALS_AFTER):
        if _range(hit.value["value"]) is not None:
            found.append((hit.line, _range(hit.value["value"])))
    return [value for _, value in sorted(found, key=lambda pair: pair[0])]


def _count(page: Page, marks: tuple[str, ...], label: re.Pattern[str]) -> list[int | None]:
    return _ints(labeled(page, marks, label, p.INT_VALUE))


def interviewing(page: Page) -> list[int | None]:
    return _count(page, ("interviewing",), p.INTERVIEWING_LABEL)


def invites(page: Page) -> list[int | None]:
    return _count(page, ("invites sent",), p.INVITES_LABEL)


def unanswered(page: Page) -> list[int | None]:
    return _count(page, ("unanswered",), p.UNANSWERED_LABEL)


def last_viewed(page: Page) -> list[str]:
    """``Last viewed by client: 2 hours ago``, the time as written."""
    hits = labeled(page, ("last viewed",), p.LAST_VIEWED_LABEL, p.TIME_VALUE)
    return [hit.value["time"] for hit in hits]
