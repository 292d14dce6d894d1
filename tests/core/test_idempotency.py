"""Stored results: versioned JSON read back through one function that refuses what it cannot
read; replays of results stored before versioning still render the same reply."""

from __future__ import annotations

import json

import pytest

from core.app import App
from core.ledger.idempotency import SCHEMA, StoredResultError, dump, load
from core.ledger.results import Purchased
from core.quotes.bidrecords import BidPlaced, Undone
from core.store.base import Tx
from tests.conftest import actor

ANA = actor("ana")
PLACED = BidPlaced(
    bid=3,
    job="Logo",
    connects=4,
    boost=1,
    total=5,
    where="your wallet",
    balance=55,
    cost_cents=0,
    quoted=False,
    allowance_left=None,
    undo_until=1_790_000_300,
    nonce="ab12cd34",
    rate_type=None,
    rate_cents=None,
    pool=None,
    threshold=0,
)


def test_round_trip_carries_version_and_type() -> None:
    text = dump(PLACED)
    body = json.loads(text)
    assert body["schema"] == SCHEMA and body["type"] == "bid_placed"
    assert load(BidPlaced, text) == PLACED


def test_results_stored_before_versioning_load() -> None:
    legacy = {k: v for k, v in json.loads(dump(PLACED)).items() if k not in ("schema", "type")}
    assert load(BidPlaced, json.dumps(legacy)) == PLACED


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"schema": SCHEMA + 1}, "another version"),
        ({"type": "undone"}, "another kind"),
        ({"balance": "55"}, "'balance'"),
        ({"quoted": 1}, "'quoted'"),
        ({"allowance_left": 2.5}, "'allowance_left'"),
    ],
)
def test_what_cannot_be_read_is_refused(change: dict[str, object], fragment: str) -> None:
    body = json.loads(dump(PLACED))
    body.update(change)
    with pytest.raises(StoredResultError, match=fragment):
        load(BidPlaced, json.dumps(body))


def test_a_missing_field_is_refused() -> None:
    body = json.loads(dump(PLACED))
    del body["nonce"]
    with pytest.raises(StoredResultError, match="'nonce'"):
        load(BidPlaced, json.dumps(body))
    with pytest.raises(StoredResultError):
        load(Undone, "[1, 2]")
    with pytest.raises(StoredResultError):
        load(Purchased, "{not json")


async def _set_result(app: App, request_id: str, text: str) -> None:
    async def run(tx: Tx) -> None:
        await tx.execute(
            "UPDATE requests SET result = :r WHERE id = :id", {"r": text, "id": request_id}
        )

    await app.store.write(run)


async def test_a_legacy_stored_reply_replays_the_same(app: App) -> None:
    """A bid recorded by a version that stored plain dicts replays the same reply."""
    first = await app.run_text(ANA, "/bid job:Logo connects:4", "rid-1")
    stored = await app.store.read(
        lambda tx: tx.fetchone("SELECT result FROM requests WHERE id = 'rid-1'")
    )
    assert stored is not None
    legacy = {k: v for k, v in json.loads(stored["result"]).items() if k not in ("schema", "type")}
    await _set_result(app, "rid-1", json.dumps(legacy))
    again = await app.run_text(ANA, "/bid job:Logo connects:4", "rid-1")
    assert (again.title, again.lines) == (first.title, first.lines)


async def test_a_newer_stored_reply_is_refused_and_changes_nothing(app: App) -> None:
    await app.run_text(ANA, "/bid job:Logo connects:4", "rid-1")
    stored = await app.store.read(
        lambda tx: tx.fetchone("SELECT result FROM requests WHERE id = 'rid-1'")
    )
    assert stored is not None
    body = json.loads(stored["result"])
    body["schema"] = SCHEMA + 1
    await _set_result(app, "rid-1", json.dumps(body))
    reply = await app.run_text(ANA, "/bid job:Logo connects:4", "rid-1")
    assert reply.error and "another version" in reply.title
    balance = await app.run_text(ANA, "/balance", "rid-2")
    assert balance.title == "56 Connects"
