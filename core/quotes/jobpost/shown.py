"""How a reply writes a value the reader could not settle (two that contradict each other,
one out of range): as the post shows it, in dollars for money."""

from __future__ import annotations

from collections.abc import Callable

from core.quotes.jobpost.activity import Bids, Proposals
from core.quotes.jobpost.client import Pair, Rating
from core.quotes.jobpost.job import Budget


def _dollars(cents: int | None) -> str:
    if cents is None:
        return "?"
    whole, frac = divmod(cents, 100)
    return f"${whole:,}" if frac == 0 else f"${whole:,}.{frac:02d}"


def _budget(value: object) -> str:
    if not isinstance(value, Budget):
        return str(value)
    kind = {"hourly": "hourly ", "fixed": "fixed "}.get(value.kind or "", "")
    if value.low_cents is None and value.high_cents is None:
        return kind.strip() or "?"
    amount = _dollars(value.low_cents)
    if value.high_cents is not None and value.high_cents != value.low_cents:
        amount += f"-{_dollars(value.high_cents)}"
    return kind + amount


def _money(value: object) -> str:
    return _dollars(value) if isinstance(value, int) or value is None else str(value)


def _bids(value: object) -> str:
    if not isinstance(value, Bids):
        return str(value)
    return "/".join(_dollars(v) for v in (value.high_cents, value.avg_cents, value.low_cents))


def _proposals(value: object) -> str:
    if not isinstance(value, Proposals):
        return "?" if value is None else str(value)
    if value.high is None:
        return f"{value.low}+"
    return f"{value.low} to {value.high}"


def _rating(value: object) -> str:
    if not isinstance(value, Rating):
        return str(value)
    if value.hundredths is None:
        return "no reviews"
    stars = f"{value.hundredths // 100}.{value.hundredths % 100:02d}"
    return stars + ("" if value.reviews is None else f" of {value.reviews} reviews")


def _pair(value: object) -> str:
    if not isinstance(value, Pair):
        return str(value)
    return f"{value.first}" + ("" if value.second is None else f" ({value.second} active)")


def _plain(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "?" if value is None else str(value)


#: The writer of each group whose values are not written as they are.
SHOWN: dict[str, Callable[[object], str]] = {
    "budget": _budget,
    "bid_range": _bids,
    "proposals": _proposals,
    "rating": _rating,
    "hires": _pair,
    "spent": _money,
    "avg_hourly": _money,
    "job": lambda v: f"https://www.upwork.com/jobs/{v}",
    "verified": lambda v: "verified" if v else "not verified",
}


def shown(group: str, value: object) -> str:
    return SHOWN.get(group, _plain)(value)
