"""The dashboard's list of a user's latest bids awaiting news: the outcome-ask buttons of a bid
only while its ask can be answered, never someone else's, and nothing asked by reading it."""

from __future__ import annotations

from typing import Any

from core.app import App
from core.base.vocabulary import BidStatus
from core.ledger import outcome_asks
from core.store.tables import asks
from tests.conftest import Clock, actor


async def _ask(app: App, bid_id: int, bidder: str, now: int) -> str:
    token = outcome_asks.new_token()

    async def record(tx: Any) -> None:
        await asks.record(tx, asks.Ask(token, bid_id, bidder, "notice", BidStatus.SUBMITTED, now))

    await app.store.write(record)
    return token


async def _asks(app: App) -> list[Any]:
    return list(await app.store.read(lambda tx: tx.fetchall("SELECT token FROM outcome_asks")))


async def test_buttons_only_for_an_open_ask_of_ones_own_bid(app: App, clock: Clock) -> None:
    """Without an ask a bid shows the /outcome command; with one, its buttons for its
    owner only; once the outcome is recorded, the bid leaves the list. Reading asks nothing.
    Attack: another member's list never shows (or carries buttons for) someone's bid."""
    ana, bo = actor("ana"), actor("bo")
    await app.run_text(ana, "/bid job:first connects:2", "b1")
    await app.run_text(ana, "/bid job:second connects:3", "b2")
    plain = await app.latest_bids(ana, "r1")
    assert not plain.buttons and "/outcome" in plain.text() and "second" in plain.text()
    assert await _asks(app) == []
    token = await _ask(app, 2, "console:ana", clock())
    listed = await app.latest_bids(ana, "r2")
    assert "#2 Hired" in {b.label for b in listed.buttons}
    assert {b.value.split("-")[0] for b in listed.buttons} == {token}
    assert all(b.only_user == "console:ana" for b in listed.buttons)
    assert len(await _asks(app)) == 1
    other = await app.latest_bids(bo, "r3")
    assert not other.buttons and "second" not in other.text()
    hired = next(b for b in listed.buttons if b.label.endswith("Hired"))
    assert not (await app.press(ana, hired.action, hired.value, "p1")).error
    after = await app.latest_bids(ana, "r4")
    assert not after.buttons and "second" not in after.text()
