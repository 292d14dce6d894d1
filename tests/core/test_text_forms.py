"""The forms people type an option in are read as that option, never blamed on another.

The attack is on the reader's honesty, not the ledger: a refusal that names the wrong option
(``price: '%' is not valid`` for ``hire_rate: 75 %``) sends the user to fix what was right, and
a value read into the wrong option quotes a job that was never described.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.interface.catalog import BY_NAME
from core.interface.errors import BadInput
from core.interface.options import check
from core.interface.textparse import parse_options, split_command

QUOTE = BY_NAME["quote"]
NUMERIC = ["price", "client_spent", "hire_rate", "rating", "hours"]


@st.composite
def spelled(draw: st.DrawFn, name: str) -> str:
    """``name`` as a person may type it: any case, words parted by ``_``, ``-`` or a space,
    spaces before the colon."""
    parts = name.split("_")
    seps = [draw(st.sampled_from(["_", "-", " "])) for _ in parts[1:]]
    word = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))
    word = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    return word + draw(st.sampled_from(["", " ", "  "])) + ":" + draw(st.sampled_from(["", " "]))


@given(
    first=st.sampled_from(NUMERIC),
    second=st.sampled_from(["size", "verified", "budget_type"]),
    data=st.data(),
)
def test_option_names_in_any_spelling(first: str, second: str, data: st.DataObject) -> None:
    """A key typed with spaces, hyphens, capitals or a space before its colon is its option,
    and the option after it still gets its own value."""
    value = {"size": "large", "verified": "true", "budget_type": "fixed"}[second]
    text = f"{data.draw(spelled(first))}5 {data.draw(spelled(second))}{value}"
    assert dict(parse_options(QUOTE, text)) == {first: "5", second: value}


@given(
    thousands=st.integers(1, 999),
    rest=st.integers(0, 999),
    cents=st.sampled_from(["", ".50"]),
    sign=st.sampled_from(["", "$"]),
    then=st.sampled_from(["", " size:small", " rating:4.5"]),
)
def test_thousands_parted_by_a_space(
    thousands: int, rest: int, cents: str, sign: str, then: str
) -> None:
    """``price: 1 500`` is 1,500 dollars; the group after the space is never another option's
    value."""
    text = f"price: {sign}{thousands} {rest:03d}{cents}{then}"
    values = check(QUOTE, parse_options(QUOTE, text))
    assert values["price"] == Decimal(f"{thousands * 1000 + rest}{cents}")


@given(
    pct=st.integers(0, 100),
    unit=st.sampled_from(["%", " %", " percent", " Percent"]),
    then=st.sampled_from(["", " size:small"]),
)
def test_percent_written_apart(pct: int, unit: str, then: str) -> None:
    """A percentage's sign or word after a space belongs to it."""
    values = check(QUOTE, parse_options(QUOTE, f"hire_rate: {pct}{unit}{then}"))
    assert values["hire_rate"] == pct


@given(
    amount=st.integers(1, 999),
    form=st.sampled_from(["${}K+", "${}k", "{} k", "${}K +", "${} K"]),
)
def test_upwork_display_forms(amount: int, form: str) -> None:
    """Upwork's own ``$20K+`` (the figure shown) and a suffix written apart are read as the
    amount shown."""
    text = form.format(amount).replace("K +", "K+")
    values = check(QUOTE, parse_options(QUOTE, f"client_spent: {text}"))
    assert values["client_spent"] == amount * 1000


@pytest.mark.parametrize(
    ("command", "text", "fragment"),
    [
        ("quote", "budget: 1500", "Did you mean price or budget_type?"),
        ("quote", "spent: 20k", "Did you mean client_spent?"),
        ("quote", "stars: 4.9", "Did you mean rating?"),
        ("quote", "rate: 75", "Did you mean hire_rate?"),
    ],
)
def test_synonyms_are_suggested(command: str, text: str, fragment: str) -> None:
    """A key under another name is refused naming the option it means, never read as it."""
    with pytest.raises(BadInput) as err:
        parse_options(BY_NAME[command], text)
    assert fragment in err.value.message


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("/ref", "Did you mean /refund?"),
        ("/re", "Did you mean /reconcile or /refund?"),
        ("/histroy", "Did you mean /history?"),
    ],
)
def test_commands_suggested(line: str, fragment: str) -> None:
    """A command's start or a typo of it names the command."""
    with pytest.raises(BadInput) as err:
        split_command(line)
    assert fragment in err.value.message


@pytest.mark.parametrize(
    ("word", "fragment"),
    [("won", "Did you mean hired?"), ("interv", "Did you mean interviewing?")],
)
def test_choices_suggested(word: str, fragment: str) -> None:
    """A choice's synonym or start is refused with the choice suggested, never recorded as
    it."""
    command = BY_NAME["outcome"]
    with pytest.raises(BadInput) as err:
        check(command, parse_options(command, f"bid:1 status:{word}"))
    assert fragment in err.value.message


@given(title=st.sampled_from(["Fix bug: urgent", "Logo : bakery", "Budget app: v2"]))
def test_titles_keep_their_colons(title: str) -> None:
    """A job title's own colons are no key: only an option's name ends it."""
    parsed = parse_options(BY_NAME["bid"], f"job:{title} hire rate: 50 connects:3")
    assert dict(parsed) == {"job": title, "hire_rate": "50", "connects": "3"}


@given(first=st.integers(1, 99), rest=st.integers(0, 999))
def test_a_connects_count_never_joins_the_next_number(first: int, rest: int) -> None:
    """Only amounts read thousands parted by a space: ``connects:4 500`` is refused, never
    read as 4,500 Connects (the attack: a stray number spending a hundred times the cost)."""
    with pytest.raises(BadInput):
        parse_options(BY_NAME["bid"], f"job:x connects:{first} {rest:03d}")
