"""The values inside a job post, as Upwork writes them (en-US: commas group thousands, dots
mark decimals), read exactly with integer arithmetic or not at all.

Each ``*_PATTERN`` is a regular expression fragment, with no groups of its own, bounded so
that it never matches part of a longer number; each reader takes the matched text.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

# a whole number: 7, 3,463, 1,000,000 (at most 12 digits, never a piece of a longer number)
INT_PATTERN = (
    r"(?:^|(?<=[^\d.,])|(?<=^,)|(?<=[^\d],))(?:\d{1,3}(?:,\d{3}){1,3}|\d{1,9})(?!\d|[.,]\d)"
)
# an amount: $15, $15.00, $571,557, $1.5K, $1.2M (at most cents before the suffix)
MONEY_PATTERN = r"\$ ?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,12})(?:\.\d{1,2})?[km]?(?!\w|[.,]\d)"
# a rating: 5, 4.9, 4.98
RATING_PATTERN = r"(?:^|(?<=[^\d.]))[0-5](?:\.\d{1,2})?(?!\d|[.,]\d)"
_UNIT = r"(?:second|sec|minute|min|hour|hr|day|week|month|year)s?"
_MONTH = r"[a-z]{3,9}\.?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?"
# a time as Upwork shows it: "2 hours ago", "over a month ago", "yesterday", "Jan 5, 2025 14:30 UTC"
TIME_PATTERN = (
    rf"(?:(?:(?:over|about|almost|more than) )?(?:\d{{1,3}}\+?|an?|one|a few|few) {_UNIT} ago"
    r"|yesterday|today|just now|last (?:week|month|year)"
    rf"|{_MONTH} \d{{1,2}},? \d{{4}}(?:,? (?:at )?{_CLOCK})?"
    rf"|\d{{1,2}} {_MONTH},? \d{{4}}(?:,? (?:at )?{_CLOCK})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}(?:[ t]{_CLOCK})?)(?!\w)"
)
# a day or a month: "Apr 2, 2018", "April 2 2018", "Apr 2018"
DATE_PATTERN = rf"{_MONTH} (?:\d{{1,2}},? )?\d{{4}}(?!\w)"

_MONEY = re.compile(
    r"\$ ?(?P<whole>[\d,]+)(?:\.(?P<frac>\d{1,2}))?(?P<suffix>[km])?", re.IGNORECASE
)
_DATE = re.compile(r"(?P<month>[a-z]+)\.? (?:(?P<day>\d{1,2}),? )?(?P<year>\d{4})", re.I)
_MULTIPLIER = {"": 1, "k": 1_000, "m": 1_000_000}
_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})*|\d+")


def whole(text: str) -> int | None:
    """``"3,463"`` -> 3463; ``None`` unless digits in well-formed thousands groups."""
    body = text.strip()
    if not _GROUPS.fullmatch(body) or len(body) > 16:
        return None
    return int(body.replace(",", ""))


def cents(text: str) -> int | None:
    """``"$1.5K"`` -> 150000, ``"$14.08"`` -> 1408; ``None`` when not exact to the cent."""
    found = _MONEY.fullmatch(text.strip())
    if found is None:
        return None
    dollars = whole(found["whole"])
    if dollars is None:
        return None
    frac = int((found["frac"] or "").ljust(2, "0"))
    return (dollars * 100 + frac) * _MULTIPLIER[(found["suffix"] or "").lower()]


def hundredths(text: str) -> int | None:
    """A rating out of 5 in hundredths: ``"4.98"`` -> 498, ``"5.0"`` -> 500."""
    head, _, frac = text.strip().partition(".")
    if not head.isdigit() or len(head) != 1 or (frac and not frac.isdigit()) or len(frac) > 2:
        return None
    value = int(head) * 100 + int(frac.ljust(2, "0"))
    return value if value <= 500 else None


@cache
def _months() -> dict[str, int]:
    """English month names, wide and abbreviated (CLDR, through Babel), lower-case."""
    from babel.dates import get_month_names

    out: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale="en").items():
            out[name.lower().rstrip(".")] = number
    out.setdefault("sept", 9)
    return out


def month_number(name: str) -> int | None:
    """``"Apr"``, ``"April"`` -> 4."""
    return _months().get(name.lower().rstrip("."))


def iso_date(text: str) -> str | None:
    """``"Apr 2, 2018"`` -> ``"2018-04-02"``, ``"April 2018"`` -> ``"2018-04-01"``."""
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return None
    month = month_number(found["month"])
    if month is None:
        return None
    day = int(found["day"]) if found["day"] else 1
    year = int(found["year"])
    if not 1990 <= year <= 2100:
        return None
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None
