"""Money amounts: dollars and integer cents, the tier price of Connects bought, and a lot's
share of its cost.

Apart from :mod:`core.quotes.pricing` (which re-exports them) so that the ledger and
``/balance`` use them without building the quote records.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from core.base.pricingconfig import PricingConfig


def cents(value: Decimal | int | float | str) -> int:
    """Dollars to integer cents, rounding half up (``"4.005"`` -> 401)."""
    return int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(amount_cents: int) -> str:
    """Integer cents as ``$1,234.56``."""
    sign = "-" if amount_cents < 0 else ""
    whole, frac = divmod(abs(amount_cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"


def tier_cents_per_connect(cfg: PricingConfig, quantity: int) -> int:
    """The price of one Connect, in cents, when ``quantity`` are bought at once."""
    price = cfg.tiers[0][1]
    for minimum, per in cfg.tiers:
        if quantity >= minimum:
            price = per
    return price


def purchase_cents(cfg: PricingConfig, quantity: int) -> int:
    """What ``quantity`` Connects cost at the tier price, in cents."""
    return quantity * tier_cents_per_connect(cfg, quantity)


def share_cents(amount: int, lot_connects: int, lot_cents: int) -> int:
    """The cents of ``amount`` Connects out of a lot of ``lot_connects`` bought for
    ``lot_cents``, rounded half up."""
    if lot_connects <= 0:
        return 0
    return (amount * lot_cents * 2 + lot_connects) // (lot_connects * 2)
