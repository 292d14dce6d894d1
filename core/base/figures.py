"""Figures shown to the precision that keeps them true.

A quotient is never truncated into a rounder number than it is: 609 Connects over 10 hires is
``60.9`` per hire, not ``60``; a share of 199 in 200 is ``99.5%``, not ``100%``. Whole when
exact, else rounded half up (to one decimal; percentages that round to 0 or 100 without being
so say ``<0.1`` or ``>99.9``); cents rounded half up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_TENTH = Decimal("0.1")


def per(total: int, count: int) -> str:
    """``total / count`` (``count`` > 0): ``61`` when exact, else one decimal, ``60.9``."""
    if total % count == 0:
        return f"{total // count:,}"
    value = (Decimal(total) / Decimal(count)).quantize(_TENTH, ROUND_HALF_UP)
    return f"{value:,f}"


def per_cents(cents: int, count: int) -> int:
    """``cents / count`` (``count`` > 0) rounded half up (away from zero) to the cent."""
    whole = (abs(cents) * 2 + count) // (count * 2)
    return whole if cents >= 0 else -whole


def percent(part: int, whole: int, places: int = 1) -> str:
    """``part`` of ``whole`` (> 0) in percent, without the sign: whole when exact, else rounded
    half up to ``places`` decimals; never ``0`` or ``100`` unless it is (``<0.1``, ``>99.9``,
    or ``<1`` and ``>99`` without decimals)."""
    if (part * 100) % whole == 0:
        return f"{part * 100 // whole:,}"
    step = Decimal(1).scaleb(-places)
    value = (Decimal(part * 100) / Decimal(whole)).quantize(step, ROUND_HALF_UP)
    if value == 0:
        return f"<{step}"
    if value == 100 and part < whole:
        return f">{100 - step}"
    return f"{value:,f}"
