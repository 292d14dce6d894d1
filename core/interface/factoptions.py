"""The options a job's facts are typed as, /quote's and /bid's alike: derived from the facts'
declarations (:mod:`core.base.facts`), and read back as one :class:`~core.base.facts.JobFacts`."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from core.base.facts import TYPED, Fact, JobFacts, Kept, Kind, Typed
from core.base.numbers import Unit
from core.interface.commandspec import Option, OptionType


class Values(Protocol):
    """What the facts are read from: a command's checked options
    (:class:`core.interface.options.Values`), by name and type."""

    def opt_number(self, name: str) -> Decimal | None: ...
    def opt_integer(self, name: str) -> int | None: ...
    def opt_flag(self, name: str) -> bool | None: ...
    def opt_text(self, name: str) -> str | None: ...


#: How each kind of fact is typed: the option's type and the unit its number counts.
_TYPES: dict[Kind, tuple[OptionType, Unit]] = {
    Kind.DOLLARS: (OptionType.NUMBER, Unit.DOLLARS),
    Kind.STARS: (OptionType.NUMBER, Unit.PLAIN),
    Kind.PERCENT: (OptionType.INTEGER, Unit.PERCENT),
    Kind.COUNT: (OptionType.INTEGER, Unit.PLAIN),
    Kind.FLAG: (OptionType.BOOLEAN, Unit.PLAIN),
    Kind.WORD: (OptionType.STRING, Unit.PLAIN),
}


def option(fact: Fact) -> Option:
    """The option ``fact`` is typed as: its name, type, description, choices and bounds."""
    assert fact.option is not None, f"{fact.name} is not typed"
    kind, unit = _TYPES[fact.kind]
    low = None if fact.high is None else 0
    return Option(
        fact.option,
        kind,
        fact.describe,
        choices=fact.choices,
        min_value=low,
        max_value=fact.high,
        unit=unit,
    )


#: The options of a job's facts, in their declared order.
QUOTE_FACTORS: tuple[Option, ...] = tuple(option(fact) for fact in TYPED)


def _typed(values: Values, fact: Fact) -> Typed | None:
    assert fact.option is not None
    kind, _ = _TYPES[fact.kind]
    if kind is OptionType.NUMBER:
        return values.opt_number(fact.option)
    if kind is OptionType.INTEGER:
        return values.opt_integer(fact.option)
    if kind is OptionType.BOOLEAN:
        return values.opt_flag(fact.option)
    return values.opt_text(fact.option)


def typed_facts(values: Values) -> JobFacts:
    """The facts typed as the options of :data:`QUOTE_FACTORS`, kept exactly (dollars as
    cents, stars as hundredths, rounded half up); the options not given stay unknown."""
    kept: dict[str, Kept | None] = {}
    for fact in TYPED:
        value = _typed(values, fact)
        kept[fact.name] = None if value is None else fact.keep(value)
    return JobFacts(**kept)  # type: ignore[arg-type]
