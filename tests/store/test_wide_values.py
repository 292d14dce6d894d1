"""Values the store can hold, the same on both databases.

Every integer column holds a signed 64-bit number on SQLite and on PostgreSQL (migration 0009
widened PostgreSQL's 32-bit ones): a $30,000,000 budget and 3,000,000,000 invites read from a
post are stored on both, and ``db copy`` moves them either way. A number beyond 64 bits is
refused by the store in one line before anything is charged, whatever produced it (the job
post reader bounds what it reads; the store does not count on it), and a quote offers no Bid
button that could only fail. The attack: a post crafted with absurd figures, pasted to break
a shared ledger's copy or to make a member's bid fail after a charge; nothing is charged and
the ledger stays copyable."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import create_app
from core.app import App
from core.base.config import parse
from core.base.numbers import Unit
from core.interface.catalog import COMMANDS
from core.interface.commandspec import OptionType
from core.ledger.postings import Stamp
from core.quotes import jobquote
from core.quotes.bidrecords import BidFactors, BidSpec
from core.store import open_store
from core.store.base import INT_MAX, INT_MIN, Tx, Unstorable
from core.store.copy import copy_ledger
from tests.bot.test_cli import cli
from tests.conftest import actor

POSTS = Path(__file__).parents[1] / "core" / "jobposts"


def big_post() -> str:
    """A real post with a $30,000,000 budget and 3,000,000,000 invites sent."""
    lines = (POSTS / "desktop_fixed.txt").read_text().splitlines()
    lines[lines.index("$500.00")] = "$30,000,000.00"
    lines[lines.index("Invites sent:") + 1] = "3,000,000,000"
    return "\n".join(lines)


def _int_factors(value: int) -> BidFactors:
    ints = {
        f.name: value
        for f in dataclasses.fields(BidFactors)
        if f.name.endswith(("_cents", "_hundredths", "_rate", "_min", "_max"))
        or f.name in ("reviews", "hires", "interviewing", "invites")
    }
    return BidFactors(**ints)


async def _rows(url: str, table: str) -> list[tuple[Any, ...]]:
    store = await open_store(url, migrate=False)
    try:

        async def read(tx: Tx) -> list[tuple[Any, ...]]:
            rows = await tx.fetchall(f"SELECT * FROM {table} ORDER BY 1")
            return [tuple(r[k] for k in sorted(r.keys())) for r in rows]

        return await store.read(read)
    finally:
        await store.close()


# ------------------------------------------------------------------ through exec


def _exec(tmp_path: Path, url: str, line: str) -> Any:
    return cli(tmp_path, "exec", line, env={"CONNECTS_DATABASE_URL": url})


def test_a_post_with_a_30_million_budget_is_quoted_and_bid_on_both_databases(
    db_url: str, tmp_path: Path
) -> None:
    post = big_post()
    quote = _exec(tmp_path, db_url, f"/quote post:{post}")
    assert quote.returncode == 0 and "Traceback" not in quote.stderr, quote.stderr
    assert "[Bid 20 Connects]" in quote.stdout
    bid = _exec(tmp_path, db_url, f"/bid post:{post}")
    assert bid.returncode == 0, bid.stdout + bid.stderr
    assert bid.stdout.startswith("Bid #1 placed") and bid.stderr == ""
    assert _exec(tmp_path, db_url, "/balance").stdout.startswith("40 Connects")


async def test_a_30_million_budget_bid_copies_from_sqlite_to_postgresql(
    tmp_path: Path, pg_url: str
) -> None:
    lite = f"sqlite:///{tmp_path / 'lite.db'}"
    bid = _exec(tmp_path, lite, f"/bid post:{big_post()}")
    assert bid.returncode == 0, bid.stderr
    copied = cli(tmp_path, "db", "copy", lite, pg_url)
    assert copied.returncode == 0, copied.stderr
    [row] = await _rows(pg_url, "bids")
    stored = await _rows(lite, "bids")
    assert [row] == stored
    with sqlite3.connect(tmp_path / "lite.db") as db:
        # the reader leaves both out as beyond what a post states; the rest of the bid copies
        assert db.execute("SELECT price_cents, invites FROM bids").fetchone() == (None, None)
        assert db.execute("SELECT connects FROM bids").fetchone() == (20,)


# ------------------------------------------------------------------ the store refuses


async def test_the_store_refuses_a_number_beyond_64_bits_in_one_line(db_url: str) -> None:
    store = await open_store(db_url)
    try:
        for value in (INT_MAX + 1, INT_MIN - 1, 10**30):

            async def write(tx: Tx, value: int = value) -> None:
                await tx.execute(
                    "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 0, :t)",
                    {"t": value},
                )

            with pytest.raises(Unstorable) as refused:
                await store.write(write)
            assert "\n" not in refused.value.message
            assert f"{value:,}" in refused.value.message
            assert "9,223,372,036,854,775,807" in refused.value.message

        async def count(tx: Tx) -> int:
            row = await tx.fetchone("SELECT COUNT(*) AS n FROM accounts")
            assert row is not None
            return int(row["n"])

        assert await store.read(count) == 0
    finally:
        await store.close()


async def test_a_bid_with_a_factor_beyond_64_bits_charges_nothing(app: App) -> None:
    ana = actor()
    assert not (await app.dispatch(ana, "balance", {}, "r0")).error
    services = app.services
    spec = BidSpec("A job", 3, 0, None, None, None, None, False, _int_factors(INT_MAX + 1))

    async def place(tx: Tx) -> None:
        await services.bids.place(tx, ana, spec, Stamp(ana.user.key, "r1", services.clock()))

    with pytest.raises(Unstorable, match=r"^price cents 9,223,372,036,854,775,808 is more"):
        await services.store.write(place)
    assert (await app.dispatch(ana, "balance", {}, "r2")).title.startswith("60 Connects")


@pytest.fixture
def unbounded_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A job post reader that returns an invites count beyond 64 bits, as a reader without
    bounds would."""
    real = jobquote.bid_factors

    def read(post: Any) -> BidFactors:
        return dataclasses.replace(real(post), invites=10**20)

    monkeypatch.setattr(jobquote, "bid_factors", read)


async def test_whatever_the_reader_returns_a_quote_offers_no_bid_that_would_fail(
    app: App, unbounded_reader: None
) -> None:
    ana, post = actor(), big_post()
    quote = await app.dispatch(ana, "quote", {"post": post}, "q1")
    assert not quote.error
    assert not [b for b in quote.buttons if b.action == "bid"]
    assert any(
        "No Bid button: the post's invites (100,000,000,000,000,000,000) is more than the "
        "ledger can keep." in str(line)
        for line in quote.lines
    )
    bid = await app.dispatch(ana, "bid", {"post": post}, "b1")
    assert bid.error and bid.title.startswith("invites 100,000,000,000,000,000,000 is more")
    assert (await app.dispatch(ana, "balance", {}, "b2")).title.startswith("60 Connects")


# ------------------------------------------------------------------ db copy both ways


async def _largest_ledger(url: str) -> None:
    """A ledger holding the largest (and smallest) values either backend accepts, in the
    columns that take them: every bid factor, a rate, a model's figures."""
    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:
        ana = actor()
        assert not (await app.dispatch(ana, "buy", {"connects": 10_000}, "r0")).error
        services = app.services
        for i, value in enumerate((INT_MAX, INT_MIN)):
            spec = BidSpec(f"Job {i}", 3, 0, None, "fixed", value, None, True, _int_factors(value))

            async def place(tx: Tx, spec: BidSpec = spec, i: int = i) -> None:
                stamp = Stamp(ana.user.key, f"big{i}", services.clock())
                await services.bids.place(tx, ana, spec, stamp)

            await services.store.write(place)

        async def model(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO cost_models (scope, fitted_at, sample_size, min_bids, "
                "mae_hundredths, within1_permille, within2_permille, heuristic_mae_hundredths, "
                "half_life_days, max_age_days, fit_ms, in_use, claimed_until) VALUES "
                "('wide', :big, :big, :big, :big, :big, :big, :big, :big, :big, :big, 0, :big)",
                {"big": INT_MAX},
            )

        await services.store.write(model)
    finally:
        await app.close()


async def test_the_largest_values_copy_to_postgresql_and_back(tmp_path: Path, pg_url: str) -> None:
    first, back = f"sqlite:///{tmp_path / 'first.db'}", f"sqlite:///{tmp_path / 'back.db'}"
    await _largest_ledger(first)
    await copy_ledger(first, pg_url)
    await copy_ledger(pg_url, back)
    for table in ("bids", "lots", "entries", "accounts", "cost_models"):
        rows = await _rows(first, table)
        assert rows and rows == await _rows(pg_url, table) == await _rows(back, table), table
    assert INT_MAX in (await _rows(back, "bids"))[0]


# ------------------------------------------------------------------ typed options


def test_every_typed_number_is_bounded_within_what_the_store_holds() -> None:
    """A typed number feeds a column (in cents for dollars): each option declares both
    bounds, and its largest value, in the column's unit, fits 32 bits with room to add up."""
    for command in COMMANDS:
        for opt in command.options:
            if opt.type not in (OptionType.INTEGER, OptionType.NUMBER):
                continue
            where = f"/{command.name} {opt.name}"
            assert opt.min_value is not None and opt.max_value is not None, where
            scale = 100 if opt.unit is Unit.DOLLARS or opt.name == "rating" else 1
            assert opt.min_value * scale > -(2**31) and opt.max_value * scale < 2**31, where
