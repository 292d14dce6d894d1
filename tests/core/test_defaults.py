"""Today's defaults: the job's budget type typed on /quote and /bid (and /bid's rate_type beside
it), and a new wallet's first /balance saying where its Connects come from."""

from __future__ import annotations

from typing import Any

import pytest

from core.app import App
from core.interface.catalog import BY_NAME
from core.interface.reply import CommandRef, Rich
from core.store.base import Tx
from tests.conftest import actor

ANA, BEN = actor("ana"), actor("ben")


async def _bids(app: App) -> list[dict[str, Any]]:
    async def read(tx: Tx) -> list[dict[str, Any]]:
        return [dict(r) for r in await tx.fetchall("SELECT * FROM bids ORDER BY id")]

    return await app.store.read(read)


async def _entries(app: App) -> int:
    async def read(tx: Tx) -> int:
        row = await tx.fetchone("SELECT COUNT(*) AS n FROM entries")
        assert row is not None
        return int(row["n"])

    return await app.store.read(read)


# ------------------------------------------------------------------------------ budget_type


def test_budget_type_is_typed_on_quote_and_bid_within_discords_limit() -> None:
    """/quote and /bid take budget_type (hourly or fixed), the learned model's largest effect;
    neither command passes Discord's 25 options."""
    for name in ("quote", "bid"):
        options = {o.name: o for o in BY_NAME[name].options}
        assert options["budget_type"].choices == ("hourly", "fixed")
        assert len(options) <= 25
    assert BY_NAME["bid"].options[0].name == "job"  # keyless values still fill job first


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("budget_type:hourly", "hourly"),
        ("rate_type:fixed", "fixed"),
        ("rate_type:hourly budget_type:hourly", "hourly"),
        ("", None),
    ],
)
async def test_bid_keeps_the_budget_type_typed_either_way(
    app: App, typed: str, stored: str | None
) -> None:
    """rate_type fills budget_type when it is not given; agreeing, both are one fact; the
    bid stores it as both its rate type and its budget type."""
    reply = await app.run_text(ANA, f"/bid job:Logo connects:9 {typed}", "b1")
    assert not reply.error, reply.title
    [bid] = await _bids(app)
    assert (bid["rate_type"], bid["budget_type"]) == (stored, stored)


@pytest.mark.parametrize(
    ("rate", "budget"), [("hourly", "fixed"), ("fixed", "hourly")], ids=["h-f", "f-h"]
)
async def test_a_rate_type_contradicting_the_budget_type_is_refused(
    app: App, rate: str, budget: str
) -> None:
    """Attack (or a slip): rate_type says one thing, budget_type the other. Neither is
    chosen silently: one line naming both, nothing changed."""
    await app.run_text(ANA, "/balance", "b0")
    before = await _entries(app)
    reply = await app.run_text(
        ANA, f"/bid job:Logo connects:9 rate_type:{rate} budget_type:{budget}", "b1"
    )
    assert reply.error and "\n" not in reply.title
    assert f"rate_type:{rate}" in reply.title and f"budget_type:{budget}" in reply.title
    assert await _bids(app) == [] and await _entries(app) == before


async def test_quote_takes_the_budget_type(app: App) -> None:
    """/quote budget_type:hourly is read (a value outside the choices is refused in one
    line), and a post's budget type yields to the typed one as every typed fact does."""
    assert not (await app.run_text(ANA, "/quote budget_type:hourly price:40", "q1")).error
    bad = await app.run_text(ANA, "/quote budget_type:weekly", "q2")
    assert bad.error and "hourly" in " ".join([bad.title, *bad.lines]) and len(bad.lines) <= 1
    post = "Logo job\nFixed-price\n$500\nRequired Connects to submit a proposal: 10\n"
    reply = await app.run_text(ANA, f"/bid job:Logo budget_type:hourly post:{post}", "b1")
    assert not reply.error, reply.title
    [bid] = await _bids(app)
    assert (bid["connects"], bid["budget_type"]) == (10, "hourly")


# --------------------------------------------------------------------------- first /balance


def _refs(line: str) -> list[str]:
    """The commands a reply line names as tokens."""
    if not isinstance(line, Rich):
        return []
    return [p.name for p in line.parts if isinstance(p, CommandRef)]


async def test_a_new_wallet_says_where_its_connects_come_from(app: App) -> None:
    """A new user's /balance says the 60 are the bot's welcome grant, not their Upwork
    balance (which it cannot see), and offers /reconcile as a command token (each platform
    draws its own); once the wallet records anything else, the note is gone."""
    grant = app.config.wallet.welcome_grant
    first = await app.run_text(ANA, "/balance", "r1")
    assert first.title == f"{grant} Connects"
    text = first.text()
    assert "welcome grant" in text and "not your Upwork balance" in text
    assert any("reconcile" in _refs(line) for line in first.lines)
    again = await app.run_text(ANA, "/balance", "r2")
    assert again.lines == first.lines  # still only the grant: still the bot's figure
    assert not (await app.run_text(ANA, "/reconcile connects:42", "r3")).error
    matched = await app.run_text(ANA, "/balance", "r4")
    assert matched.title == "42 Connects"
    assert "welcome grant" not in matched.text()
    assert not any(_refs(line) for line in matched.lines)


async def test_the_welcome_note_is_per_wallet(app: App) -> None:
    """Another member's activity does not change what a new wallet's note says."""
    assert not (await app.run_text(BEN, "/bid job:Logo connects:9", "b1")).error
    ana = await app.run_text(ANA, "/balance", "r1")
    assert "welcome grant" in ana.text()
    ben = await app.run_text(BEN, "/balance", "r2")
    assert "welcome grant" not in ben.text()


async def test_a_price_without_its_type_says_how_to_give_it(app: App) -> None:
    """Is it worth it needs to know whether a price is fixed or hourly: a quote without it
    names the option that gives it, and with it the job has a value."""
    unknown = await app.run_text(ANA, "/quote price:500 details:true", "q1")
    assert any("budget_type:fixed" in line for line in unknown.lines)
    fixed = await app.run_text(ANA, "/quote price:500 budget_type:fixed details:true", "q2")
    assert not any("budget_type:fixed" in line for line in fixed.lines)
    assert any("the job's fixed price" in line for line in fixed.lines)
