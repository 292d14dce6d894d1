"""Refusals carry their facts as fields; their words are built from the fields, never read
back from other words."""

from __future__ import annotations

from core.app import App
from core.interface.errors import InsufficientConnects
from core.interface.reply import CommandRef, Rich
from tests.conftest import actor
from tests.core.test_ledger import ok, refused

ANA = actor("ana")
BEN = actor("ben")


def test_whose_account_is_a_field_not_a_phrase() -> None:
    """``own`` decides how the line speaks; the account's name is only shown."""
    mine = InsufficientConnects(5, 2, "your wallet", own=True)
    assert mine.message.startswith("Not enough Connects in your wallet: this needs 5, you have 2.")
    theirs = InsufficientConnects(5, 2, "your wallet")
    assert "it has 2" in theirs.message and not theirs.own
    assert (mine.needed, mine.available, mine.where, mine.own) == (5, 2, "your wallet", True)


def test_the_default_fix_names_buy_by_token() -> None:
    message = InsufficientConnects(5, 2, "pool agency").message
    assert isinstance(message, Rich) and CommandRef("buy") in message.parts
    assert message.endswith("Record a purchase with /buy.")


async def test_a_wallet_and_a_pool_are_told_apart_by_the_account(app: App) -> None:
    await refused(app, ANA, "/bid job:a connects:99", "this needs 99, you have 60.")
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool add name:agency member:@ben")
    reply = await refused(app, BEN, "/bid job:a connects:5 pool:agency", "this needs 5, it has 0.")
    assert isinstance(reply.title, Rich)
    assert CommandRef("pool topup") not in reply.title.parts  # ben is no admin of agency
    own = await refused(app, ANA, "/bid job:a connects:5 pool:agency", "it has 0.")
    assert isinstance(own.title, Rich) and CommandRef("pool topup") in own.title.parts
