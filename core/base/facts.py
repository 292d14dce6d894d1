"""A job's facts: one shape from the option a user types, or the post they paste, to the bid
column that stores them and the model that learns from them.

Each fact is declared once, as a field of :class:`JobFacts` with its :class:`Fact` (what it
counts, the option it is typed as, its bounds, the feature the learned model reads, how it is
named). Everything else is derived from these declarations: the catalog's factor options
(:mod:`core.interface.factoptions`), the typed options' parsing, what a read post gives
(:func:`core.quotes.jobpost.factors.bid_factors`), the learned model's features
(:mod:`core.quotes.learning.features`) and the bid columns (:meth:`JobFacts.columns`, whose
names a test finds in the ``bids`` table of both backends). The pricing heuristic prices a
:class:`JobFacts` too, weighing the facts its configuration has points for.

Values are kept exactly, as integers or words: amounts in cents, a rating in hundredths of a
star, a date as ``YYYY-MM-DD``; ``None`` is not known (never 0). A typed value becomes a kept
one by :meth:`Fact.keep` (rounding half up: ``4.855`` stars -> 486 hundredths), and the
heuristic's rating in tenths is rounded half up from the kept hundredths
(:attr:`JobFacts.rating_tenths`), so a rating typed and the same rating read from a post price
the same (``4.85`` -> 49 tenths either way).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

#: The largest amount in dollars an option takes.
MAX_DOLLARS = 10_000_000

#: A value as a person types it: dollars and stars exactly (``Decimal``), whole numbers,
#: words and yes/no.
Typed = Decimal | int | str | bool
#: A value as kept: cents and hundredths as whole numbers, words, yes/no.
Kept = int | str | bool


class Kind(enum.Enum):
    """What a fact counts: how it is typed, kept, stored and learned."""

    WORD = "word"  # one of ``choices``; the order of ``choices`` is its order (an ordinal)
    DOLLARS = "dollars"  # typed in dollars, kept in cents
    STARS = "stars"  # a rating typed in stars (0-5), kept in hundredths
    PERCENT = "percent"  # a whole percent, 0-100
    COUNT = "count"  # a whole number
    FLAG = "flag"  # yes or no, stored as 1 or 0
    DATE = "date"  # ``YYYY-MM-DD``
    CODE = "code"  # a country as ISO 3166-1 alpha-2


#: What a fact's kept value is divided by to be read in its unit (dollars, stars).
SCALE: dict[Kind, int] = {Kind.DOLLARS: 100, Kind.STARS: 100}


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of a job and its client, declared once with everything derived from it.

    ``name`` is the attribute of :class:`JobFacts` and the ``bids`` column; ``option`` the
    option /quote and /bid take it as (``None``: not typed), ``describe`` that option's
    description, ``high`` its largest typed value (the lowest is 0); ``feature`` the learned
    model's column for it (``None``: not learned from), ``rising`` when the learned cost may
    only rise with it; ``label`` how a reply names it."""

    kind: Kind
    label: str
    option: str | None = None
    describe: str = ""
    choices: tuple[str, ...] = ()
    high: int | None = None
    feature: str | None = None
    rising: bool = False
    name: str = ""
    #: Where its option goes among the typed ones (ascending; ties in field order): keyless
    #: values fill options in that order, so an option added later goes after the others.
    rank: int = 0

    def keep(self, typed: Typed) -> Kept:
        """A typed value as kept: dollars to cents and stars to hundredths, rounded half up
        (``Decimal("4.855")`` -> 486); anything else as it is."""
        if not isinstance(typed, Decimal):
            return typed
        scale = SCALE.get(self.kind)
        assert scale is not None, f"{self.name} is not typed as a decimal"
        return int((typed * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def typed(self, kept: Kept) -> Typed:
        """A kept value as it is typed (486 hundredths -> ``Decimal("4.86")``): the
        inverse of :meth:`keep` on values typed to the cent or the hundredth."""
        scale = SCALE.get(self.kind)
        return kept if scale is None else Decimal(int(kept)) / scale


def _fact(
    kind: Kind,
    label: str,
    *,
    option: str | None = None,
    describe: str = "",
    choices: tuple[str, ...] = (),
    high: int | None = None,
    feature: str | None = None,
    rising: bool = False,
    rank: int = 0,
) -> dict[str, Fact]:
    """The metadata of a field of :class:`JobFacts`: the :class:`Fact` it is."""
    return {"fact": Fact(kind, label, option, describe, choices, high, feature, rising, rank=rank)}


@dataclass(frozen=True, slots=True)
class JobFacts:
    """What a job and its client are known to be, typed or read from a job post; ``None``:
    not known (never 0). Amounts in cents, a rating in hundredths of a star, a date as
    ``YYYY-MM-DD``. The fields' order is the bid columns' and the learned features' order."""

    budget_type: str | None = field(
        default=None,
        metadata=_fact(
            Kind.WORD,
            "budget type",
            option="budget_type",
            describe="Hourly or fixed price",
            choices=("hourly", "fixed"),
            feature="budget_type",
            rank=1,  # typed since the seed's factors: after them (`/quote 500 small`)
        ),
    )
    price_cents: int | None = field(
        default=None,
        metadata=_fact(
            Kind.DOLLARS,
            "price",
            option="price",
            describe="Job budget in dollars",
            high=MAX_DOLLARS,
            feature="price",
            rising=True,
        ),
    )
    size: str | None = field(
        default=None,
        metadata=_fact(
            Kind.WORD,
            "size",
            option="size",
            describe="Job size",
            choices=("small", "medium", "large"),
            feature="size",
        ),
    )
    experience: str | None = field(
        default=None,
        metadata=_fact(
            Kind.WORD,
            "experience",
            choices=("entry", "intermediate", "expert"),
            feature="experience",
        ),
    )
    length: str | None = field(
        default=None,
        metadata=_fact(
            Kind.WORD,
            "project length",
            choices=("under_1_month", "1_to_3_months", "3_to_6_months", "over_6_months"),
            feature="length",
            rising=True,
        ),
    )
    hours: str | None = field(
        default=None,
        metadata=_fact(
            Kind.WORD, "hours per week", choices=("under_30", "30_plus"), feature="hours"
        ),
    )
    funded: bool | None = field(
        default=None,
        metadata=_fact(
            Kind.FLAG,
            "funded",
            option="funded",
            describe="Client has funded the job",
            feature="funded",
        ),
    )
    verified: bool | None = field(
        default=None,
        metadata=_fact(
            Kind.FLAG,
            "verified",
            option="verified",
            describe="Client payment verified",
            feature="verified",
        ),
    )
    client_spent_cents: int | None = field(
        default=None,
        metadata=_fact(
            Kind.DOLLARS,
            "client spent",
            option="client_spent",
            describe="Client's total spend in dollars",
            high=MAX_DOLLARS,
            feature="client_spent",
            rising=True,
        ),
    )
    hire_rate: int | None = field(
        default=None,
        metadata=_fact(
            Kind.PERCENT,
            "hire rate",
            option="hire_rate",
            describe="Client hire rate, %",
            high=100,
            feature="hire_rate",
        ),
    )
    rating_hundredths: int | None = field(
        default=None,
        metadata=_fact(
            Kind.STARS,
            "rating",
            option="rating",
            describe="Client rating, 0-5",
            high=5,
            feature="rating",
        ),
    )
    reviews: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "reviews", feature="reviews", rising=True)
    )
    hires: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "hires", feature="hires", rising=True)
    )
    proposals_min: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "proposals (fewest)", feature="proposals_min")
    )
    proposals_max: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "proposals (most)", feature="proposals_max")
    )
    interviewing: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "interviewing", feature="interviewing")
    )
    invites: int | None = field(
        default=None, metadata=_fact(Kind.COUNT, "invites sent", feature="invites")
    )
    country: str | None = field(default=None, metadata=_fact(Kind.CODE, "client country"))
    member_since: str | None = field(
        default=None, metadata=_fact(Kind.DATE, "member since", feature="member_years", rising=True)
    )

    @property
    def rating_tenths(self) -> int | None:
        """The rating in tenths of a star, rounded half up from the hundredths kept (495 ->
        50, 494 -> 49): what the pricing heuristic weighs."""
        h = self.rating_hundredths
        return None if h is None else (h + 5) // 10

    def columns(self) -> dict[str, int | str | None]:
        """The bid row's fact columns, by name (yes/no as 1/0)."""
        out: dict[str, int | str | None] = {}
        for fact in FACTS:
            value = getattr(self, fact.name)
            out[fact.name] = int(value) if isinstance(value, bool) else value
        return out

    @classmethod
    def of_columns(cls, row: Mapping[str, object]) -> JobFacts:
        """The facts a bid row holds: :meth:`columns` read back (1/0 as yes/no)."""
        values: dict[str, object] = {}
        for fact in FACTS:
            value = row[fact.name]
            values[fact.name] = (
                bool(value) if fact.kind is Kind.FLAG and value is not None else value
            )
        return cls(**values)  # type: ignore[arg-type]

    def typed(self) -> dict[str, Typed | None]:
        """The facts that are typed, as the options /quote and /bid take them (``price`` in
        dollars, ``rating`` in stars), ``None`` where not known."""
        out: dict[str, Typed | None] = {}
        for fact in TYPED:
            assert fact.option is not None
            value = getattr(self, fact.name)
            out[fact.option] = None if value is None else fact.typed(value)
        return out

    def over(self, read: JobFacts) -> JobFacts:
        """These facts where known, else those of ``read`` (typed options over a post)."""
        known = {f.name: getattr(self, f.name) for f in FACTS if getattr(self, f.name) is not None}
        return dataclasses.replace(read, **known)


def _declared() -> tuple[Fact, ...]:
    out = []
    for declared in dataclasses.fields(JobFacts):
        fact = declared.metadata["fact"]
        assert isinstance(fact, Fact), declared.name
        out.append(dataclasses.replace(fact, name=declared.name))
    return tuple(out)


#: Every fact, in the order of :class:`JobFacts`' fields.
FACTS: tuple[Fact, ...] = _declared()
#: Each fact by its name.
BY_NAME: dict[str, Fact] = {fact.name: fact for fact in FACTS}
#: The facts a user types as options of /quote and /bid, in the options' order.
TYPED: tuple[Fact, ...] = tuple(
    sorted((fact for fact in FACTS if fact.option is not None), key=lambda fact: fact.rank)
)
#: The ``bids`` columns that keep the facts.
COLUMNS: tuple[str, ...] = tuple(fact.name for fact in FACTS)
