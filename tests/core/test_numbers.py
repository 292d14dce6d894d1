"""Numbers people type: each accepted form reads as its value, everything else is refused with
one line, and never a wrong value."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from core.base.numbers import OtherCurrency, Unit, Unreadable, read_number, read_whole

D = Unit.DOLLARS


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1,50", D, "1.50"),
        ("1,5", D, "1.5"),
        ("4,9", Unit.PLAIN, "4.9"),
        ("0,5", D, "0.5"),
        ("1,500", D, "1500"),
        ("1,505", D, "1505"),
        ("12,000.50", D, "12000.50"),
        ("1.500,50", D, "1500.50"),
        ("1,000,000", D, "1000000"),
        ("$12k", D, "12000"),
        ("1.5K", D, "1500"),
        ("US$10", D, "10"),
        ("10 USD", D, "10"),
        ("usd 10", D, "10"),
        ("10$", D, "10"),
        ("$ 25.00", D, "25"),
        ("$900K", D, "900000"),
        ("2M", D, "2000000"),
        ("75%", Unit.PERCENT, "75"),
        ("4.98", Unit.PLAIN, "4.98"),
        ("500.0", D, "500"),
        ("0.01", D, "0.01"),
        (" 7 ", Unit.PLAIN, "7"),
    ],
)
def test_accepted_forms(text: str, unit: Unit, value: str) -> None:
    assert read_number(text, unit) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "unit", "why"),
    [
        ("1,5,0", D, "not a number"),
        ("1.505", D, "1.505 or 1505"),
        ("1.500", D, "1.5 or 1500"),
        ("1,5055", D, "more precision"),
        ("abc", D, "not a number"),
        ("nan", D, "not a number"),
        ("1e3", D, "not a number"),
        ("1_0", D, "not a number"),
        ("##5", D, "not a number"),
        ("12k", Unit.PLAIN, "not a number"),
        ("75%", D, "not a number"),
        ("$5", Unit.PLAIN, "not a number"),
        ("", D, "not a number"),
        ("1,00,000", D, "not a number"),
        ("--5", D, "not a number"),
    ],
)
def test_refused_forms(text: str, unit: Unit, why: str) -> None:
    with pytest.raises(Unreadable, match=why.replace(".", "\\.")):
        read_number(text, unit)


def test_more_precision_than_cents_is_refused() -> None:
    with pytest.raises(Unreadable, match="more precision than cents"):
        read_number("1,505.555", D)
    with pytest.raises(Unreadable, match="more precision than cents"):
        read_number("0,505", D)
    assert read_number("0,505") == Decimal("0.505")  # a rating may have three decimals


@pytest.mark.parametrize("text", ["1,0", "1_0", "##5", "5.0", "1.5", "12k", "#5", "1,5"])
def test_whole_numbers_are_digits(text: str) -> None:
    with pytest.raises(Unreadable):
        read_whole(text)


@pytest.mark.parametrize(("text", "value"), [("10", 10), ("1,000", 1000), ("007", 7)])
def test_whole_numbers(text: str, value: int) -> None:
    assert read_whole(text) == value


amounts = st.decimals(
    min_value=0, max_value=9_999_999, places=2, allow_nan=False, allow_infinity=False
)


@given(amounts, st.sampled_from(["en_US", "de_DE"]), st.booleans(), st.sampled_from(["", "$"]))
def test_any_written_amount_reads_as_its_value(
    value: Decimal, locale: str, grouped: bool, sign: str
) -> None:
    """An amount written with two decimals, with or without thousands groups, in either
    convention, reads back exactly."""
    text = format_decimal(value, format="#,##0.00" if grouped else "0.00", locale=locale)
    assert read_number(sign + text, D) == value


@given(st.text(alphabet="0123456789,.", min_size=1, max_size=12))
def test_never_a_wrong_value(text: str) -> None:
    """Whatever digits, commas and dots are typed: refused, or the value one convention reads
    it as, and then never one the other convention would read differently (except commas in
    thousands groups, which read as thousands)."""
    from babel.numbers import NumberFormatError, parse_decimal

    readings = {}
    for locale in ("en_US", "de_DE"):
        with contextlib.suppress(NumberFormatError, ValueError):
            readings[locale] = parse_decimal(text, locale=locale, strict=True)
    try:
        value = read_number(text)
    except Unreadable:
        return
    assert value in readings.values()
    if len(set(readings.values())) > 1:
        assert "." not in text and value == readings["en_US"]


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("€6", "Euro (EUR)"),
        ("6 €", "Euro (EUR)"),
        ("£6", "British Pound (GBP)"),
        ("6 EUR", "Euro (EUR)"),
        ("gbp 6", "British Pound (GBP)"),
        ("¥600", "Japanese Yen (JPY)"),
        ("CA$6", "Canadian Dollar (CAD)"),
        ("A$6", "Australian Dollar (AUD)"),
        ("6 CHF", "Swiss Franc (CHF)"),
        ("€12k", "Euro (EUR)"),
        ("₺5", "'₺'"),
        ("C$5", "'C$'"),
    ],
)
def test_another_currency_is_never_dollars(text: str, currency: str) -> None:
    """An amount in any currency Babel knows (its ISO code or English symbol), any Unicode
    currency sign and any other dollar is refused, naming it; never read as US dollars."""
    with pytest.raises(OtherCurrency) as refused:
        read_number(text, D)
    assert refused.value.currency == currency
