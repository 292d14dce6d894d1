"""A job's facts have one shape: the catalog's options, the typed options' parsing, a read post,
the learned model's features and the bid columns all come from the facts' declarations, and a
rating typed and the same rating pasted are kept and priced alike. Pure: no database."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.facts import BY_NAME, COLUMNS, FACTS, TYPED, JobFacts, Kind
from core.base.pricingconfig import PricingConfig
from core.commands.registry import options_json
from core.interface.catalog import BY_NAME as COMMANDS
from core.interface.factoptions import QUOTE_FACTORS, typed_facts
from core.interface.options import check
from core.quotes.jobpost import JobPost, bid_factors, read_post
from core.quotes.jobpost.factors import STATED
from core.quotes.learning.features import FEATURES, INCREASING, ORDINALS, heuristic_factors
from core.quotes.pricing import quote


def _typed(command: str, **options: str | Decimal) -> JobFacts:
    return typed_facts(check(COMMANDS[command], options))


def test_each_fact_is_a_field_and_a_column_in_one_order() -> None:
    """The declarations are the fields of JobFacts, in order, and name the bid columns."""
    assert [f.name for f in dataclasses.fields(JobFacts)] == [f.name for f in FACTS]
    assert list(JobFacts().columns()) == list(COLUMNS)


@pytest.mark.parametrize("command", ["quote", "bid"])
def test_the_catalog_offers_every_typed_fact_as_declared(command: str) -> None:
    """/quote and /bid take each typed fact as the option its declaration derives."""
    options = {o.name: o for o in COMMANDS[command].options}
    for option in QUOTE_FACTORS:
        assert options[option.name] == option
    assert [o.name for o in QUOTE_FACTORS] == [f.option for f in TYPED]


def test_typed_options_become_facts_by_name_never_by_position() -> None:
    """Every typed option lands in its own fact, in the unit the fact keeps."""
    facts = _typed(
        "bid",
        job="x",
        price="$1,500",
        size="large",
        funded="no",
        verified="yes",
        client_spent="12k",
        hire_rate="81%",
        rating="4.98",
    )
    assert facts == JobFacts(
        price_cents=150_000,
        size="large",
        funded=False,
        verified=True,
        client_spent_cents=1_200_000,
        hire_rate=81,
        rating_hundredths=498,
    )
    assert _typed("quote") == JobFacts()


typed_values = st.fixed_dictionaries(
    {},
    optional={
        "price": st.integers(0, 10**9).map(lambda c: str(Decimal(c) / 100)),
        "size": st.sampled_from(BY_NAME["size"].choices),
        "funded": st.sampled_from(["yes", "no"]),
        "verified": st.sampled_from(["yes", "no"]),
        "client_spent": st.integers(0, 10**9).map(lambda c: str(Decimal(c) / 100)),
        "hire_rate": st.integers(0, 100).map(str),
        "rating": st.integers(0, 500).map(lambda h: str(Decimal(h) / 100)),
    },
)


@given(typed_values)
def test_facts_written_back_as_options_read_the_same(options: dict[str, str]) -> None:
    """A kept button's options (the facts as typed options) give back the same facts."""
    facts = _typed("quote", **options)
    written = {k: v for k, v in facts.typed().items() if v is not None}
    again = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in written.items()}
    assert _typed("quote", **again) == facts


def test_a_commands_options_keep_their_json_keys() -> None:
    """A quote's options as JSON (kept buttons, retries' fingerprints) name each typed fact
    by its option, in the units it was typed in."""
    from core.commands.quotes import QuoteOptions

    o = QuoteOptions.of(check(COMMANDS["quote"], {"price": "500", "rating": "4.9"}))
    want: dict[str, object] = {fact.option or "": None for fact in TYPED}
    want |= {"price": "500", "rating": "4.9", "boost": None, "post": None, "hours": None}
    want |= {"image": None}  # a screenshot is read into facts, never kept as an option
    assert options_json(o) == want


RATING_FORMS = ["Rating: {}", "Rating is {} out of 5.", "{} of 17 reviews", "{} (23 reviews)"]


@given(
    st.integers(1, 500),
    st.booleans(),
    st.sampled_from(RATING_FORMS),
)
def test_a_rating_typed_and_pasted_is_kept_and_priced_alike(
    hundredths: int, padded: bool, form: str
) -> None:
    """Any rating of up to two decimals: typed or read from a post, the same hundredths, the
    same tenths (half up: 4.85 -> 49, 4.84 -> 48), the same quote, and a stored bid's
    heuristic the same again."""
    stars = Decimal(hundredths) / 100
    written = f"{stars:.2f}" if padded else str(stars.normalize())
    typed = _typed("quote", rating=written)
    pasted = bid_factors(read_post(form.format(written)))
    assert typed.rating_hundredths == pasted.rating_hundredths == hundredths
    assert typed.rating_tenths == pasted.rating_tenths == (hundredths * 2 + 10) // 20
    cfg = PricingConfig()
    assert quote(cfg, typed).lines == quote(cfg, pasted).lines
    stored = JobFacts.of_columns(typed.columns())
    assert heuristic_factors(stored).rating_tenths == typed.rating_tenths


@pytest.mark.parametrize(
    ("typed", "hundredths", "tenths"),
    [
        ("4.85", 485, 49),
        ("4.84", 484, 48),
        ("4.95", 495, 50),
        (Decimal("4.855"), 486, 49),
        (Decimal("4.8449"), 484, 48),
        ("0", 0, 0),
    ],
)
def test_a_typed_rating_rounds_half_up(typed: str | Decimal, hundredths: int, tenths: int) -> None:
    """Beyond hundredths (a platform's number field), half up to the hundredth kept; the
    tenths from what is kept."""
    facts = _typed("quote", rating=typed)
    assert (facts.rating_hundredths, facts.rating_tenths) == (hundredths, tenths)


def test_a_post_gives_every_fact_it_has_a_field_for() -> None:
    """Facts a post does not state under their own name: the price (from its budget), and
    what a post never says (a job's size, whether it is funded)."""
    posts = {f.name for f in dataclasses.fields(JobPost)}
    assert set(COLUMNS) - set(STATED) == {"price_cents", "size", "funded"}
    assert set(STATED) <= posts
    post = JobPost(**{name: _example(name) for name in STATED})  # type: ignore[arg-type]
    assert bid_factors(post) == JobFacts(**{name: _example(name) for name in STATED})  # type: ignore[arg-type]


def _example(name: str) -> object:
    fact = BY_NAME[name]
    examples: dict[Kind, object] = {
        Kind.WORD: fact.choices[-1] if fact.choices else "x",
        Kind.DOLLARS: 12_345,
        Kind.STARS: 485,
        Kind.PERCENT: 81,
        Kind.COUNT: 7,
        Kind.FLAG: True,
        Kind.DATE: "2018-04-02",
        Kind.CODE: "US",
    }
    return examples[fact.kind]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Hourly: $15.00-$35.00", "budget_type"),
        ("Fixed-price", "budget_type"),
        ("Entry level", "experience"),
        ("Intermediate", "experience"),
        ("Expert", "experience"),
        ("Less than 1 month", "length"),
        ("1 to 3 months", "length"),
        ("3 to 6 months", "length"),
        ("More than 6 months", "length"),
        ("Less than 30 hrs/week", "hours"),
        ("More than 30 hrs/week", "hours"),
    ],
)
def test_the_words_a_post_gives_are_the_declared_choices(line: str, name: str) -> None:
    """What the reader writes for a word fact is one of its declared words (the learned
    model's ordinals), never a spelling of its own."""
    value = getattr(read_post(line), name)
    assert value in BY_NAME[name].choices


def test_the_learned_features_are_the_declared_ones() -> None:
    """One feature per learned fact, in the facts' order, then the day; the rising facts are
    the monotone ones; the word facts' ordinals follow their declared order."""
    learned = [f for f in FACTS if f.feature is not None]
    assert (*(f.feature for f in learned), "day") == FEATURES
    assert {f.feature for f in learned if f.rising} == INCREASING
    assert {f.feature: list(f.choices) for f in learned if f.kind is Kind.WORD} == {
        k: sorted(v, key=v.__getitem__) for k, v in ORDINALS.items()
    }
    assert "country" not in FEATURES  # see core.quotes.learning.features
