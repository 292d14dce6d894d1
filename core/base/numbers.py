"""Numbers as people type them, read exactly or refused: never a wrong value.

Accepted: ``1500``,
``1,500`` and ``12,000.50`` (commas in well-formed thousands groups), decimal commas (``1,50``,
``4,9``, ``1.500,50``), US dollars named on amounts (``$6``, ``US$6``, ``6 USD``, ``USD 6``) and
a ``k``/``M`` suffix (``$12k``, ``1.5K``), Upwork's ``+`` after a shown amount (``$20K+`` is the
figure shown, 20,000, as the job-post reader reads it), a ``%`` sign on percentages (``75%``).
Refused, with one line saying how to write it: malformed grouping (``1,5,0``), a reading that
depends on the writer's country (``1.500``: 1.5 or 1500?), more precision than cents on an
amount (``1.505``), anything but digits in a whole number (``1_0``, ``##5``, ``1,0``), and an
amount in another currency (:class:`OtherCurrency`: ``€6``, ``£6``, ``6 EUR``, ``CA$6``,
``¥600``), which is never read as dollars.

Both readings, the English (comma groups, dot decimals) and the continental (dot groups,
comma decimals), are Babel's strict parser for ``en_US`` and ``de_DE``; this module only
decides between them.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from decimal import Decimal


class Unit(enum.Enum):
    """What a number counts, which decides the signs and suffixes it may carry."""

    PLAIN = "plain"  # a rating, a count
    DOLLARS = "dollars"  # an amount: $ or € sign, k/M suffix, at most cents
    PERCENT = "percent"  # a share: an optional % sign


class Unreadable(ValueError):
    """A number that cannot be read for sure; the message says why, for one line."""


class OtherCurrency(Unreadable):
    """An amount in a currency other than US dollars: ``currency`` names it in words."""

    def __init__(self, currency: str) -> None:
        super().__init__(f"in {currency}, not US dollars")
        self.currency = currency


class _Form:
    """A number's digits with its unit taken off, and what its suffix (``k``, ``M``) multiplies
    it by. (A plain class: a dataclass would be built on every start for this internal
    record.)"""

    __slots__ = ("digits", "multiplier")

    def __init__(self, digits: str, multiplier: int) -> None:
        self.digits = digits
        self.multiplier = multiplier


_SUFFIXES = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}
#: How an amount may say it is in US dollars, before or after the number (any case).
_US_DOLLARS = ("US$", "USD", "$")
#: What is left of an amount that is not its number: a sign, a code or a suffix.
_MARKS = re.compile(r"^(?P<head>[^\d.,-]*)(?P<body>.*?)(?P<tail>[^\d.,]*)$", re.DOTALL)


def _other_currency(mark: str) -> str | None:
    """The currency ``mark`` (what stands before or after an amount) names when it is not US
    dollars, in words for a refusal (``euros (EUR)``); ``None`` when it names none. Known are
    the ISO 4217 codes and English symbols Babel lists, any currency sign of Unicode (``₺``),
    and any dollar but the US one (``CA$``, ``NZ$``)."""
    from babel.numbers import get_currency_name, get_currency_symbol, list_currencies

    mark = mark.strip()
    if not mark:
        return None
    codes = list_currencies()
    code = mark.upper() if mark.upper() in codes else None
    if code is None:
        code = next((c for c in sorted(codes) if get_currency_symbol(c, "en") == mark), None)
    if code is not None and code != "USD":
        return f"{get_currency_name(code, locale='en')} ({code})"
    if "$" in mark or any(unicodedata.category(ch) == "Sc" for ch in mark):
        return repr(mark)
    return None


def _dollars(body: str) -> str:
    """``body`` without the US dollar sign or code around it; :class:`OtherCurrency` when
    another currency stands there instead."""
    upper = body.upper()
    for sign in _US_DOLLARS:
        if upper.startswith(sign):
            return body[len(sign) :].strip()
        if upper.endswith(sign):
            return body[: -len(sign)].strip()
    marks = _MARKS.match(body)
    assert marks is not None  # every text matches
    for mark in (marks["head"], marks["tail"].rstrip("kKmM")):
        if (other := _other_currency(mark)) is not None:
            raise OtherCurrency(other)
    return body


def _strip_unit(text: str, unit: Unit) -> _Form:
    body = text.strip().replace("\u00a0", "").replace("\u202f", "")
    if unit is Unit.DOLLARS:
        # Upwork shows a client's spend as ``$20K+``: the figure shown, as the post reader
        # reads it
        body = _dollars(body.removesuffix("+")).removesuffix("+")
        if body[-1:] in _SUFFIXES:
            return _Form(body[:-1].strip(), _SUFFIXES[body[-1]])
    elif unit is Unit.PERCENT and body.endswith("%"):
        body = body[:-1].strip()
    return _Form(body, 1)


def _readings(digits: str) -> dict[str, Decimal]:
    """The strict English and continental readings of ``digits`` that succeed."""
    from babel.numbers import NumberFormatError, parse_decimal

    out: dict[str, Decimal] = {}
    for name, locale in (("en", "en_US"), ("de", "de_DE")):
        try:
            out[name] = parse_decimal(digits, locale=locale, strict=True)
        except (NumberFormatError, ValueError):
            continue
    return out


def read_number(text: str, unit: Unit = Unit.PLAIN, *, whole: bool = False) -> Decimal:
    """The value ``text`` stands for, or :class:`Unreadable`.

    ``whole`` asks for a whole number written without decimals."""
    form = _strip_unit(text, unit)
    body = form.digits.removeprefix("-")
    if not body or not all(c.isdigit() or c in ",." for c in body):
        raise Unreadable("not a number")
    readings = _readings(form.digits)
    if not readings:
        raise Unreadable(
            "not a number: commas group thousands, as in 1,500, or mark decimals, as in 1,50"
        )
    values = set(readings.values())
    if len(values) == 1:
        value = values.pop()
    elif "." not in body:
        value = readings["en"]  # commas in well-formed thousands groups: 1,500
    else:
        en, de = readings["en"], readings["de"]
        raise Unreadable(
            f"{en.normalize():f} or {de.normalize():f}? write it without the "
            "dot, or with two decimals"
        )
    if whole and (value.as_tuple().exponent != 0 or value != value.to_integral_value()):
        raise Unreadable("not a whole number")
    value = value * form.multiplier
    if unit is Unit.DOLLARS and value != value.quantize(Decimal("0.01")):
        raise Unreadable("more precision than cents")
    return value


def read_whole(text: str, unit: Unit = Unit.PLAIN) -> int:
    """A whole number written with digits (thousands groups allowed), or
    :class:`Unreadable`."""
    return int(read_number(text, unit, whole=True))
