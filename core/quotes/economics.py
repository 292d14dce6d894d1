"""The economics of a bid: what a hire pays after Upwork's fee, the hire rate at which a bid pays
for itself, and what a bid is worth on average.

With ``p`` the hire rate of similar jobs, ``R`` the job's value, ``f`` Upwork's service fee and
``c`` what the bid's Connects cost in dollars:

* a hire pays ``R·(1−f)``;
* the bid breaks even at the hire rate ``c / (R·(1−f))``;
* its expected value is ``p·R·(1−f) − c``, with an interval from ``p``'s 95% interval.

Arithmetic is exact: money in integer cents, the fee in basis points (1000 = 10%), and every
quotient a :class:`~fractions.Fraction` until it is shown. Shown amounts are rounded half away
from zero to the cent; the break-even rate half up to 0.01%. ``p``'s interval ends are Wilson
bounds (irrational: square roots), taken as the exact value of their floating-point number.

``R`` is the job's fixed price, or for an hourly job its hourly rate times the hours the
freelancer expects to bill; an hourly job without hours has no value here, and none is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from core.quotes.amounts import dollars

#: Basis points in a whole: 10,000 (a fee of 1000 is 10%).
BASIS = 10_000


@dataclass(frozen=True, slots=True)
class JobValue:
    """What a job pays before the fee (``cents``), and how it was reached: a fixed price, or an
    hourly rate (``rate_cents``) times the ``hours`` expected."""

    cents: int
    hourly: bool = False
    rate_cents: int = 0
    hours: int = 0

    def describe(self) -> str:
        """``$75.00, the job's fixed price``; ``$2,000.00, an hourly estimate ($50.00/hr, the
        job's rate or the top of its range, × 40 hours you expect)``."""
        if not self.hourly:
            return f"{dollars(self.cents)}, the job's fixed price"
        return (
            f"{dollars(self.cents)}, an hourly estimate ({dollars(self.rate_cents)}/hr, the "
            f"job's rate or the top of its range, × {self.hours:,} hours you expect)"
        )


def job_value(
    budget_type: str | None, price_cents: int | None, hours: int | None
) -> JobValue | str:
    """The job's value, or why it has none (one line saying what would give it)."""
    if budget_type == "fixed" and price_cents:
        return JobValue(price_cents)
    if budget_type == "hourly" and price_cents and hours:
        return JobValue(price_cents * hours, hourly=True, rate_cents=price_cents, hours=hours)
    return "No expected value: " + _why_no_value(budget_type, price_cents)


def _why_no_value(budget_type: str | None, price_cents: int | None) -> str:
    if budget_type == "hourly" and price_cents:
        return "an hourly job's value needs the hours you expect to bill (hours:N)."
    if budget_type in {"fixed", "hourly"}:
        what = "rate" if budget_type == "hourly" else "budget"
        return f"the {'fixed-price' if budget_type == 'fixed' else 'hourly'} job states no {what}."
    if price_cents:
        return (
            f"whether {dollars(price_cents)} is a fixed price or an hourly rate is not known "
            "(type budget_type:fixed or budget_type:hourly, or paste the post)."
        )
    return "the job's budget is not known (a pasted post states it)."


def fee_text(fee_bp: int) -> str:
    """A fee in basis points as a percent: ``10%``, ``12.5%``."""
    whole, rest = divmod(fee_bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def net(value_cents: int, fee_bp: int) -> Fraction:
    """What a hire pays after the fee: ``R·(1−f)``, in exact cents."""
    return Fraction(value_cents * (BASIS - fee_bp), BASIS)


def break_even(cost_cents: int, value_cents: int, fee_bp: int) -> Fraction | None:
    """The hire rate at which a bid costing ``cost_cents`` pays for itself: ``c / (R·(1−f))``,
    a fraction (1 or more: no rate does); ``None`` when the job pays nothing after the fee."""
    paid = net(value_cents, fee_bp)
    return None if paid <= 0 else Fraction(cost_cents) / paid


def expected(share: Fraction, value_cents: int, fee_bp: int, cost_cents: int) -> Fraction:
    """The expected value of a bid in exact cents: ``p·R·(1−f) − c``."""
    return share * net(value_cents, fee_bp) - cost_cents


def cents(amount: Fraction) -> int:
    """Exact cents rounded half away from zero to the cent."""
    whole = (abs(amount.numerator) * 2 + amount.denominator) // (amount.denominator * 2)
    return whole if amount >= 0 else -whole


def percent_text(share: Fraction) -> str:
    """A share as a percent rounded half up to 0.01% (``3.11%``); never ``0%`` when it is
    not nothing (``<0.01%``)."""
    value = (Decimal(share.numerator * 100) / Decimal(share.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )
    if value == 0 and share > 0:
        return "<0.01%"
    return f"{value.normalize():f}%"


@dataclass(frozen=True, slots=True)
class Worth:
    """A bid's expected value in cents (exact), and at each end of the hire rate's interval."""

    mean: Fraction
    low: Fraction
    high: Fraction

    def verdict(self) -> str:
        """Whether the bid pays on average across the hire rate's 95% interval."""
        if self.low > 0:
            return "Pays on average, even at the low end of the hire rate's 95% interval."
        if self.low == 0 and self.high > 0:
            return "Cannot lose on average: it breaks even at the low end of the interval."
        if self.high < 0:
            return "Does not pay on average, even at the high end of the hire rate's interval."
        return "Not clear: the break-even rate is inside the hire rate's 95% interval."


def worth(
    hired: int,
    bids: int,
    interval: tuple[float, float],
    value_cents: int,
    fee_bp: int,
    cost_cents: int,
) -> Worth:
    """The expected value of a bid at the hire rate ``hired / bids`` (``bids`` > 0), and at the
    ends of that rate's ``interval`` (fractions)."""
    share = Fraction(hired, bids)
    # the interval holds the share; a float's last bit (1e-17 above none hired) must not say
    # otherwise
    low, high = min(Fraction(interval[0]), share), max(Fraction(interval[1]), share)
    return Worth(
        expected(share, value_cents, fee_bp, cost_cents),
        expected(low, value_cents, fee_bp, cost_cents),
        expected(high, value_cents, fee_bp, cost_cents),
    )


__all__ = [
    "BASIS",
    "JobValue",
    "Worth",
    "break_even",
    "cents",
    "expected",
    "fee_text",
    "job_value",
    "net",
    "percent_text",
    "worth",
]
