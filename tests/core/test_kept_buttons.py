"""A button does exactly what its label says, once: a quote's Bid button spends the number it
showed, a kept bid is placed at most once whichever way it is invoked, the export shows no code
that still places anything, Set-to applies the balance Upwork showed when the post was quoted,
and a click long after still says what it did. On both databases.

The attacks, beside the tests: a member who forges a button's value (another's code, a code
of another kind, a made-up ``Set to 999999``) gets one line and no change; a member who types
``/confirm`` with a code from their export, or re-clicks after a week, places nothing again."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Callable

import pytest

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.interface.reply import Reply
from core.ledger import kept
from core.notices import Jobs
from core.quotes import learning
from core.quotes.estimates import _RATES
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.learning.synthetic import community, insert

ANA, BEN = actor("ana"), actor("ben")

# Upwork shows 64 Connects; the wallet here starts at 60; the job costs 20.
POST64 = """Data pipeline in Python
Fixed-price
$800
Payment method verified
Required Connects to submit a proposal: 20
Available Connects: 64
https://www.upwork.com/jobs/~01aaaabbbbcccc1111
"""
NO_COST = """Logo for a bakery
Fixed-price
$1,000
Payment method verified
"""
COST12 = NO_COST + "Required Connects to submit a proposal: 12\n"


def button(reply: Reply, action: str) -> str:
    found = [b for b in reply.buttons if b.action == action]
    assert found, f"no {action} button in {reply.buttons}"
    return found[0].value


async def rows(app: App, sql: str) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        return [dict(r) for r in await tx.fetchall(sql)]

    return await app.store.read(read)


async def bids(app: App) -> list[dict[str, object]]:
    return await rows(app, "SELECT id, connects, boost, connects_stated FROM bids ORDER BY id")


async def balance(app: App, who: object = ANA) -> int:
    reply = await app.run_text(who, "/balance", "read")  # type: ignore[arg-type]
    return int(reply.title.split()[0])


async def ledger(app: App) -> list[dict[str, object]]:
    return await rows(app, "SELECT * FROM entries ORDER BY id")


# ------------------------------------------------------------------ the label's number


@pytest.fixture
async def learning_app(make_config: Callable[..., Config], clock: Clock) -> AsyncIterator[App]:
    """An app whose console community can be fitted (200 stated bids ready to insert), under
    the seed profile: its heuristic answers one number a Bid button can show (the default's
    range offers no button)."""
    config = make_config(
        learning={"min_bids": 20, "folds": 2, "min_outcomes": 20, "min_count": 5},
        pricing={"profile": "seed"},
    )
    app = await create_app(config, clock)
    _RATES.clear()
    try:
        yield app
    finally:
        _RATES.clear()
        await app.close()


async def test_a_bid_button_spends_its_labels_number_after_the_model_is_fitted(
    learning_app: App, clock: Clock
) -> None:
    """A post stating no cost is quoted by the heuristic; the model is fitted for the first
    time before the click, so a quote now answers another number; the click still spends
    exactly what the button showed, recorded as estimated."""
    app = learning_app
    quote = await app.run_text(ANA, f"/quote post:{NO_COST}", "q1")
    shown = int(quote.title.split()[0])
    assert [b.label for b in quote.buttons] == [f"Bid {shown} Connects", "Details"]
    await insert(app.store, community(200, clock.now, seed=3), "console")
    assert (await learning.fit(app.store, app.config, "console", clock.now)).in_use
    _RATES.clear()
    now = await app.run_text(ANA, f"/quote post:{NO_COST}", "q2")
    assert int(now.title.split()[0]) != shown and now.title.endswith("learned")
    placed = await app.press(ANA, "bid", button(quote, "bid"), "c1")
    assert placed.title.startswith("Bid #") and not placed.error
    mine = [b for b in await bids(app) if b["id"] == int(placed.title.split("#")[1].split()[0])]
    assert [(b["connects"], b["boost"], b["connects_stated"]) for b in mine] == [(shown, 0, 0)]
    assert placed.lines[1:4] == [  # the reply says what the ledger records
        f"{shown} Connects from your wallet",
        f"{60 - shown} Connects left",
        "Cost estimated: none was stated",
    ]


async def test_a_confirm_spends_the_number_its_refusal_named(app: App) -> None:
    """A duplicate in a pool is kept with the Connects and boost it would spend; the reply
    says them and the Confirm spends exactly them."""
    for line in ("/pool create name:crew", "/pool topup name:crew connects:60"):
        assert not (await app.run_text(ANA, line, line)).error
    assert not (await app.run_text(ANA, "/bid pool:crew job:Logo connects:5", "b1")).error
    refused = await app.run_text(ANA, "/bid pool:crew job:Logo connects:7 boost:2", "b2")
    assert refused.needs_confirmation
    assert "confirm to bid 9 Connects anyway" in refused.lines[0]
    done = await app.press(ANA, "confirm", button(refused, "confirm"), "c1")
    assert done.title == "Bid #2 placed" and "7 Connects + 2 boost from pool crew" in done.lines[1]


# ------------------------------------------------------------------ one code, one bid


async def test_a_kept_bid_is_placed_once_by_button_confirm_and_retries(app: App) -> None:
    """A quote's Bid button, then /confirm with its code, the Confirm button, and retries:
    one bid, one charge."""
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    code = button(quote, "bid")
    first = await app.press(ANA, "bid", code, "click-1")
    assert first.title == "Bid #1 placed"
    for i, invoke in enumerate(
        (
            lambda: app.run_text(ANA, f"/confirm token:{code}", "t1"),
            lambda: app.press(ANA, "confirm", code, "click-2"),
            lambda: app.press(ANA, "bid", code, "click-1"),
            lambda: app.dispatch(ANA, "confirm", {"token": code}, "t2"),
        )
    ):
        again = await invoke()
        assert again.title == "Bid #1 placed", (i, again.title)
    assert [(b["id"], b["connects"]) for b in await bids(app)] == [(1, 20)]
    assert await balance(app) == 40


async def test_a_confirm_is_placed_once_by_button_and_text(app: App) -> None:
    """A Confirm's code through /confirm, then its button: one bid."""
    for line in ("/pool create name:crew", "/pool topup name:crew connects:60"):
        await app.run_text(ANA, line, line)
    await app.run_text(ANA, "/bid pool:crew job:Logo connects:5", "b1")
    refused = await app.run_text(ANA, "/bid pool:crew job:Logo connects:5", "b2")
    code = button(refused, "confirm")
    assert (await app.run_text(ANA, f"/confirm token:{code}", "t1")).title == "Bid #2 placed"
    assert (await app.press(ANA, "confirm", code, "c1")).title == "Bid #2 placed"
    assert (await app.press(ANA, "bid", code, "c2")).title == "Bid #2 placed"
    assert len(await bids(app)) == 2


async def test_no_export_shows_a_code_that_still_places_anything(app: App) -> None:
    """Every request id in the export, given to /confirm or to a Bid or Confirm button,
    places nothing: the placements are keyed by a one-way digest of the code."""
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    code = button(quote, "bid")
    await app.press(ANA, "bid", code, "c1")
    export = await app.run_text(ANA, "/export", "e1")
    assert export.file is not None
    text = export.file.data.decode("utf-8-sig")
    assert code not in text
    requests = {r["request"] for r in csv.DictReader(io.StringIO(text))}
    assert kept.placement_key(code) in requests
    before = await ledger(app)
    for i, value in enumerate(sorted(requests)):
        for tail in (value, value.split(":", 1)[-1]):
            assert (await app.run_text(ANA, f"/confirm token:{tail}", f"x{i}{tail}")).error
            assert (await app.press(ANA, "bid", tail, f"y{i}{tail}")).error
    assert await ledger(app) == before


async def test_a_bid_placed_by_an_earlier_version_is_not_placed_again(app: App) -> None:
    """A kept bid without a kind or number, placed under the earlier ``bidbutton:`` key, is
    replayed by its button and by /confirm; one bid."""
    args = json.dumps({"post": POST64, "boost": None}, sort_keys=True)
    token = "0123abcdef"

    async def old(tx: Tx) -> None:
        await tx.execute(
            "INSERT INTO confirmations (token, actor, scope, args, created_at) "
            "VALUES (:t, :a, :s, :args, :now)",
            {
                "t": token,
                "a": ANA.user.key,
                "s": ANA.scope,
                "args": args,
                "now": app.services.clock(),
            },
        )

    await app.store.write(old)
    first = await app.dispatch(ANA, "bid", json.loads(args), f"bidbutton:{token}")
    assert first.title == "Bid #1 placed"
    assert (await app.press(ANA, "bid", token, "c1")).title == "Bid #1 placed"
    assert (await app.run_text(ANA, f"/confirm token:{token}", "t1")).title == "Bid #1 placed"
    assert len(await bids(app)) == 1


# ------------------------------------------------------------------ Set-to


async def test_set_to_after_a_bid_applies_what_upwork_showed_then(app: App) -> None:
    """Upwork shows 64, the wallet 60: Bid 20, then the offer makes the wallet 44 (what
    Upwork shows after that bid), says so, and a second click changes nothing."""
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    assert "Upwork shows 64; your wallet has 60." in quote.lines
    assert [b.label for b in quote.buttons] == ["Bid 20 Connects", "Match Upwork's 64", "Details"]
    assert (await app.press(ANA, "bid", button(quote, "bid"), "c1")).title == "Bid #1 placed"
    done = await app.press(ANA, "reconcile", button(quote, "reconcile"), "c2")
    assert done.title == "Set to 44 Connects"
    assert done.lines == [
        "Upwork showed 64 before bid #1 (your wallet had 60 then): 40 → 44 (+4 adjustment)"
    ]
    assert await balance(app) == 44
    assert await app.press(ANA, "reconcile", button(quote, "reconcile"), "c3") == done
    assert await balance(app) == 44


async def test_set_to_without_changes_since_is_upworks_number(app: App) -> None:
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    done = await app.press(ANA, "reconcile", button(quote, "reconcile"), "c1")
    assert done.title == "Set to 64 Connects" and "when the post was quoted" in done.lines[0]
    assert await balance(app) == 64


async def test_set_to_expires_with_the_other_kept_buttons(app: App, clock: Clock) -> None:
    """A day on, the offer is refused in one line; nothing changes (a year on, the same)."""
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    before = await ledger(app)
    for later in (86_401, 365 * 86_400):
        clock.now += later
        late = await app.press(ANA, "reconcile", button(quote, "reconcile"), f"c{later}")
        assert late.error and "\n" not in late.title
    assert await ledger(app) == before


async def test_a_forged_set_to_does_nothing(app: App) -> None:
    """Values nobody was given (an old-style ``N.code``, a made-up code, the quote's Bid
    code, another member's offer) change nothing."""
    mine = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    theirs = await app.run_text(BEN, f"/quote post:{POST64}", "q2")
    before = await ledger(app)
    for value in (
        "999999.0123456789",
        "64." + button(mine, "reconcile"),
        "ffffffffff",
        button(mine, "bid"),
        button(theirs, "reconcile"),
    ):
        forged = await app.press(ANA, "reconcile", value, f"f-{value}")
        assert forged.error and "\n" not in forged.title
    assert (await app.press(ANA, "bid", button(mine, "reconcile"), "f-bid")).error
    assert await ledger(app) == before


async def test_set_to_is_offered_only_within_reconciles_range(app: App) -> None:
    """A balance /reconcile refuses is named but not offered: one beyond what a post states
    is not read at all, and says so."""
    huge = POST64.replace("Available Connects: 64", "Available Connects: 99,999,999")
    quote = await app.run_text(ANA, f"/quote post:{huge}", "q1")
    assert [b.action for b in quote.buttons] == ["bid", "details"]
    assert any("99,999,999) is outside what a job post states" in line for line in quote.lines)


async def test_set_to_is_offered_only_within_the_wallets_maximum(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """A balance over the configured [wallet] max_balance is named but not offered."""
    app = await create_app(make_config(wallet={"max_balance": 50}), clock)
    try:
        quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
        assert [b.action for b in quote.buttons] == ["bid", "details"]
        assert any("more than /reconcile takes" in line for line in quote.details)
    finally:
        await app.close()


async def test_set_to_is_not_offered_for_another_persons_message(app: App) -> None:
    """Quoting someone else's message: their Upwork balance is not compared with the
    wallet, nor offered to set it."""
    quote = await app.dispatch(ANA, "quote", {"post": POST64}, "q1", own_post=False)
    assert [b.action for b in quote.buttons] == ["bid", "details"]
    assert not any("your wallet here" in line for line in quote.lines)
    assert any("not yours to match" in line for line in quote.lines)


# ------------------------------------------------------------------ after the sweep


async def test_a_swept_button_still_says_what_it_did(app: App, clock: Clock) -> None:
    """A week on the kept buttons are swept; the Bid button and /confirm still answer that
    bid #1 was placed, the Set-to what it set; another member and an unplaced code hear
    'unknown'."""
    quote = await app.run_text(ANA, f"/quote post:{POST64}", "q1")
    other = await app.run_text(ANA, f"/quote post:{COST12}", "q2")
    code = button(quote, "bid")
    await app.press(ANA, "bid", code, "c1")
    await app.press(ANA, "reconcile", button(quote, "reconcile"), "c2")
    clock.now += 8 * 86_400
    # the Bid, the Set-to and the placed bid's details (the other quote kept its Bid)
    assert (await Jobs(app.services).run_all(clock.now)).swept == 4
    late = await app.press(ANA, "bid", code, "c3")
    assert not late.error
    assert late.title == "Bid #1 was placed on 2026-09-21", late.title
    assert (await app.run_text(ANA, f"/confirm token:{code}", "t1")).title == late.title
    matched = await app.press(ANA, "reconcile", button(quote, "reconcile"), "c4")
    assert matched.title.startswith("Set to 44 Connects on ")
    assert (await app.press(BEN, "bid", code, "c5")).error
    unplaced = await app.press(ANA, "bid", button(other, "bid"), "c6")
    assert unplaced.error and "unknown" in unplaced.title
    assert len(await bids(app)) == 1


# ------------------------------------------------------------------ answered once


async def test_an_answer_is_claimed_once_across_processes(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """Two processes on one database, each handed the same submission several times at
    once: exactly one claim to answer it wins."""
    apps = [await create_app(make_config(), clock) for _ in range(2)]
    try:
        wins = await asyncio.gather(
            *(app.first_answer("slack-view:abc", "U1") for app in apps for _ in range(3))
        )
        assert sorted(wins) == [False] * 5 + [True]
        assert await apps[1].first_answer("slack-view:other", "U1")
    finally:
        for app in apps:
            await app.close()


async def test_kept_options_with_round_amounts_read_back(app: App) -> None:
    """A kept bid typed with ``price:1000`` (kept as ``1000``, not ``1E+3``) is placed by its
    Confirm and by a quote's Bid button, instead of refused as 'not a number'."""
    for line in ("/pool create name:crew", "/pool topup name:crew connects:60"):
        await app.run_text(ANA, line, line)
    await app.run_text(ANA, "/bid pool:crew job:Logo connects:1", "b1")
    refused = await app.run_text(
        ANA, "/bid pool:crew job:Logo connects:2 price:1000 verified:yes", "b2"
    )
    done = await app.press(ANA, "confirm", button(refused, "confirm"), "c1")
    assert done.title == "Bid #2 placed", done.title
    quote = await app.run_text(ANA, f"/quote price:1000 client_spent:20000 post:{COST12}", "q1")
    placed = await app.press(ANA, "bid", button(quote, "bid"), "c2")
    assert placed.title == "Bid #3 placed", placed.title
