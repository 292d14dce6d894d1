"""Text people type on phones, read right or refused: a table of inputs with the reading each
must get, and properties over any text and any number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.app import App
from core.base.numbers import Unit
from core.interface.catalog import BY_NAME, COMMANDS
from core.interface.errors import BadInput
from core.interface.textparse import parse_options
from core.store.base import Tx
from tests.conftest import actor

BID = BY_NAME["bid"]
ANA = actor("ana")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("job:Logo for a bakery connects:3", {"job": "Logo for a bakery", "connects": "3"}),
        ("job: Logo for a bakery connects: 3", {"job": "Logo for a bakery", "connects": "3"}),
        ("Job:Logo CONNECTS:3", {"job": "Logo", "connects": "3"}),
        ("job:“Logo for a bakery” connects:3", {"job": "Logo for a bakery", "connects": "3"}),
        ("job:'Logo for a bakery' connects:3", {"job": "Logo for a bakery", "connects": "3"}),
        ("job:‘Logo’ connects:3", {"job": "Logo", "connects": "3"}),
        ("job:Bob's logo note:it's fine", {"job": "Bob's logo", "note": "it's fine"}),
        ("job:Bob’s “big” logo", {"job": "Bob’s “big” logo"}),
        ("job:Fix bug: urgent connects:2", {"job": "Fix bug: urgent", "connects": "2"}),
        ("job:call at 10:30 note:a: b", {"job": "call at 10:30", "note": "a: b"}),
        (
            "job:https://www.upwork.com/jobs/~01ab?x=1 connects:2",
            {"job": "https://www.upwork.com/jobs/~01ab?x=1", "connects": "2"},
        ),
        (
            'job:"quoted wins: connects:9" connects:2',
            {"job": "quoted wins: connects:9", "connects": "2"},
        ),
        ("connects:2 job:Logo for a bakery", {"connects": "2", "job": "Logo for a bakery"}),
        ("job:a\nb connects:2", {"job": "a\nb", "connects": "2"}),
        ("job:Logo note: connects:2", {"job": "Logo", "note": "", "connects": "2"}),
    ],
)
def test_bid_text_reads_as_typed(text: str, expected: dict[str, str]) -> None:
    assert parse_options(BID, text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("job:x conects:3", "did you mean connects:"),
        ("conects:3 job:x", "Did you mean connects?"),
        ('job:"never closed', "closing"),
    ],
)
def test_near_misses_are_named(text: str, fragment: str) -> None:
    with pytest.raises(BadInput, match=fragment):
        parse_options(BID, text)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("/qoute price:5", "Did you mean /quote?"),
        ("/pool ad name:x", "did you mean /pool add?"),
        (
            "/bid Logo for a bakery",
            "read as connects, the 2nd value without a key; put the job in quotes or write job:…",
        ),
        ("/quote small 500", "read as price, the 1st value without a key; write it with its key"),
        ("/buy connects:1,0", "'1,0' is not valid (not a whole number)"),
        ("/buy connects:1_0", "'1_0' is not valid (not a number)"),
        ("/buy connects:##5", "'##5' is not valid (not a number)"),
        ("/buy connects:10 paid:1,5,0", "'1,5,0' is not valid (not a number"),
        ("/buy connects:10 paid:1.505", "'1.505' is not valid (1.505 or 1505?"),
        ("/quote price:1.500", "1.5 or 1500?"),
    ],
)
async def test_refusals_say_what_to_fix(app: App, line: str, fragment: str) -> None:
    reply = await app.run_text(ANA, line, "r1")
    assert reply.error and fragment in reply.title
    assert "\n" not in reply.title
    balance = await app.run_text(ANA, "/balance", "r2")
    assert balance.title == "60 Connects"  # nothing was charged or recorded


async def _purchase_cents(app: App) -> list[int]:
    async def read(tx: Tx) -> list[int]:
        rows = await tx.fetchall(
            "SELECT cost_cents FROM lots WHERE source = 'purchase' ORDER BY id"
        )
        return [int(r["cost_cents"]) for r in rows]

    return await app.store.read(read)


@pytest.mark.parametrize(
    ("paid", "cents"),
    [
        ("1,50", 150),
        ("1.50", 150),
        ("$1,500", 150_000),
        ("12,000.50", 1_200_050),
        ("US$10", 1000),
        ("10 USD", 1000),
        ("USD 10", 1000),
        ("$ 10", 1000),
        ("1.5k", 150_000),
        ("0,5", 50),
    ],
)
async def test_purchases_record_exactly_what_was_paid(app: App, paid: str, cents: int) -> None:
    reply = await app.run_text(ANA, f"/buy connects:10 paid:{paid}", "r1")
    assert not reply.error, reply.title
    assert await _purchase_cents(app) == [cents]


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("rating:4,9", "rating", "4.9 +2/2"),
        ("price:1,5", "price", "$1.50"),
        ("hire_rate:75%", "hire rate", "75%"),
        ("client_spent:$12k", "client spent", "$12,000.00"),
    ],
)
async def test_quote_factors_read_right(seed_app: App, option: str, value: str, shown: str) -> None:
    """Each factor typed as people type it reads right in the seed model's points table."""
    reply = await seed_app.run_text(ANA, f"/quote {option}", "r1")
    assert not reply.error, reply.title
    assert shown in dict(reply.detail_fields)[value]  # the points table: a detail


# ------------------------------------------------------------------ properties

_BID_KEYS = [o.name for o in BID.options]
_SPECIAL = "&=+%#;?\"'“”‘’:<>@\n\t😀é_-/\\"
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
    | st.sampled_from(list(_SPECIAL)),
    min_size=1,
    max_size=60,
)


def _keyed(text: str) -> bool:
    """Whether ``text`` holds what would read as another option's key."""
    import re

    return any(re.search(rf"(?:^|\s){k}:", text, re.IGNORECASE) for k in _BID_KEYS) or any(
        re.search(rf"(?:^|\s){k[:-1]}\w?:", text, re.IGNORECASE) for k in _BID_KEYS
    )


def _write(text: str) -> str:
    """``text`` as a person would write it: bare where unambiguous, else in quotes."""
    bare_ok = text == text.strip() and text[0] not in "\"“”„«'‘" and not _keyed(text)
    if bare_ok:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(texts, texts)
def test_any_job_and_note_read_as_typed(job: str, note: str) -> None:
    job, note = job.strip() or "x", note.strip() or "y"
    parsed = parse_options(BID, f"job:{_write(job)} note:{_write(note)} connects:2")
    assert parsed["job"] == job and parsed["note"] == note and parsed["connects"] == "2"


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts)
async def test_stored_job_equals_what_was_typed(app: App, job: str) -> None:
    job = " ".join(job.split())[:200] or "x"
    rid = f"p-{abs(hash(job))}"
    reply = await app.run_text(ANA, f"/bid job:{_write(job)} connects:1", rid)
    assert not reply.error, reply.title

    async def read(tx: Tx) -> str:
        row = await tx.fetchone("SELECT job FROM bids WHERE request_id = :r", {"r": rid})
        assert row is not None
        return str(row["job"])

    assert await app.store.read(read) == job


amounts = st.decimals(
    min_value=0, max_value=99_999, places=2, allow_nan=False, allow_infinity=False
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(amounts, st.sampled_from(["{:,.2f}", "{:.2f}", "${:,.2f}", "DE"]))
async def test_any_written_amount_is_recorded_exactly(app: App, value: Decimal, form: str) -> None:
    if form == "DE":
        text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    else:
        text = form.format(value)
    rid = f"a-{text}"
    reply = await app.run_text(ANA, f"/buy connects:1 paid:{text}", rid)
    assert not reply.error, (text, reply.title)

    async def read(tx: Tx) -> int:
        row = await tx.fetchone(
            "SELECT cost_cents FROM lots l JOIN entries e ON e.lot_id = "
            "l.id WHERE e.request_id = :r",
            {"r": rid},
        )
        assert row is not None
        return int(row["cost_cents"])

    assert await app.store.read(read) == int(value * 100)


def _money_options() -> list[tuple[str, str]]:
    """Every option that means US dollars, with a command that takes it."""
    return [(c.name, o.name) for c in COMMANDS for o in c.options if o.unit is Unit.DOLLARS]


@pytest.mark.parametrize(("command", "option"), _money_options())
@pytest.mark.parametrize(
    ("typed", "currency"),
    [("€6", "Euro (EUR)"), ("£6", "British Pound (GBP)"), ("6 EUR", "Euro (EUR)")],
)
async def test_another_currency_is_refused_in_every_money_option(
    app: App, command: str, option: str, typed: str, currency: str
) -> None:
    """Connects are sold in US dollars: an amount in another currency, in any option that
    means dollars, is refused in one line naming the currency; nothing is recorded."""
    needs = {
        "buy": " connects:40",
        "bid": ' job:"A job" connects:2',
        "pool topup": " name:crew connects:40",
    }.get(command, "")
    if command == "pool topup":
        assert not (await app.run_text(ANA, "/pool create name:crew", "r0")).error
    reply = await app.run_text(ANA, f"/{command}{needs} {option}: {typed}", "r1")
    assert reply.error and f"is in {currency}, not US dollars" in reply.title, reply.title
    assert "\n" not in reply.title
    assert await _purchase_cents(app) == []
    assert (await app.run_text(ANA, "/balance", "r2")).title == "60 Connects"


@pytest.mark.parametrize("typed", ["$6", "6 USD", "US$6", "USD 6", "6 usd"])
async def test_us_dollars_written_any_way_are_read(app: App, typed: str) -> None:
    reply = await app.run_text(ANA, f"/buy connects:40 paid: {typed}", "r1")
    assert not reply.error, reply.title
    assert await _purchase_cents(app) == [600]
