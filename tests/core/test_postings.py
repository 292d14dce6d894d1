"""The posting kernel: every movement keeps balance = sum of entries = Connects in lots, on
both backends; a short balance is refused by the database and changes nothing."""

from __future__ import annotations

import pytest

from core.app import App
from core.base.vocabulary import EntryKind, LotSource
from core.interface.errors import InsufficientConnects
from core.ledger import postings
from core.ledger.postings import Leg, Stamp
from core.store.base import Tx

NOW = 1_790_000_000


async def _totals(tx: Tx, account: int) -> tuple[int, int, int]:
    row = await tx.fetchone(
        "SELECT a.balance, "
        "(SELECT COALESCE(SUM(delta), 0) FROM entries e WHERE e.account_id = a.id) AS se, "
        "(SELECT COALESCE(SUM(remaining), 0) FROM lots l WHERE l.account_id = a.id) AS sl "
        "FROM accounts a WHERE a.id = :a",
        {"a": account},
    )
    assert row is not None
    return int(row["balance"]), int(row["se"]), int(row["sl"])


async def _last_entries(tx: Tx, account: int) -> list[tuple[str, int, int]]:
    rows = await tx.fetchall(
        "SELECT kind, delta, balance_after FROM entries WHERE account_id = :a ORDER BY id",
        {"a": account},
    )
    return [(str(r["kind"]), int(r["delta"]), int(r["balance_after"])) for r in rows]


async def test_every_movement_keeps_the_invariants(app: App) -> None:
    """credit, debit (two legs), adjust both ways and expire: each writes its entries with
    the balance after them, and the three totals agree after each."""
    stamp = Stamp("console:ana", "r1", NOW)

    async def run(tx: Tx) -> int:
        account = await postings.open_account(tx, "user", NOW)
        await postings.credit(
            tx,
            account,
            10,
            "purchase",
            stamp,
            cost_cents=500,
            expires_at=NOW + 100,
            memo="10 for $5",
        )
        await postings.credit(tx, account, 5, "grant", stamp)
        assert await _totals(tx, account) == (15, 15, 15)
        draw = await postings.debit(
            tx, account, [Leg("bid", 4, "job"), Leg("boost", 2)], stamp, label="your wallet"
        )
        assert draw.balance == 9 and draw.cents == 300  # 6 of the $5.00 lot of 10
        assert await _totals(tx, account) == (9, 9, 9)
        assert (
            await postings.adjust(tx, account, 3, stamp, label="your wallet", memo="recount") == 12
        )
        assert (
            await postings.adjust(tx, account, -5, stamp, label="your wallet", memo="recount") == 7
        )
        assert await _totals(tx, account) == (7, 7, 7)
        later = Stamp("console:ana", "r2", NOW + 100)
        assert await postings.expire(tx, account, later) == 0  # the lot was drawn first
        return account

    account = await app.store.write(run)
    entries = await app.store.read(lambda tx: _last_entries(tx, account))
    assert entries == [
        ("purchase", 10, 10),
        ("grant", 5, 15),
        ("bid", -4, 11),
        ("boost", -2, 9),
        ("adjustment", 3, 12),
        ("adjustment", -5, 7),
    ]


async def test_expiry_and_give_back_return_to_their_lots(app: App) -> None:
    """A bid's Connects come back to the lot they came from; a lot past its date expires
    again at once, as an entry of its own."""
    stamp = Stamp("console:ana", "r1", NOW)

    async def setup(tx: Tx) -> tuple[int, int]:
        account = await postings.open_account(tx, "user", NOW)
        await postings.credit(
            tx, account, 4, "purchase", stamp, cost_cents=400, expires_at=NOW + 10
        )
        await postings.credit(tx, account, 6, "grant", stamp)
        bid = await tx.fetchone(
            "INSERT INTO bids (account_id, bidder, job, job_key, connects, boost, status, "
            "created_at, updated_at, request_id) VALUES (:a, 'console:ana', 'j', 'j', 5, 0, "
            "'submitted', :now, :now, 'r1') RETURNING id",
            {"a": account, "now": NOW},
        )
        assert bid is not None

        async def link(cents: int) -> int:
            assert cents == 400  # all 4 of the bought lot, then 1 granted (free)
            return int(bid["id"])

        await postings.debit(tx, account, [Leg("bid", 5)], stamp, label="w", link=link)
        return account, int(bid["id"])

    account, bid_id = await app.store.write(setup)

    async def refund(tx: Tx) -> postings.Draw:
        return await postings.give_back(
            tx, account, bid_id, 5, "refund", Stamp("console:ana", "r2", NOW + 20), "completed"
        )

    back = await app.store.write(refund)
    # 4 returned to the bought lot, which had expired by then: they leave again
    assert back.cents == 400 and back.balance == 6
    assert await app.store.read(lambda tx: _totals(tx, account)) == (6, 6, 6)
    kinds = [k for k, _, _ in await app.store.read(lambda tx: _last_entries(tx, account))]
    assert kinds[-2:] == ["refund", "expiry"]


async def test_short_debit_is_refused_and_changes_nothing(app: App) -> None:
    stamp = Stamp("console:ana", "r1", NOW)

    async def setup(tx: Tx) -> int:
        account = await postings.open_account(tx, "user", NOW)
        await postings.credit(tx, account, 3, "grant", stamp)
        return account

    account = await app.store.write(setup)

    async def overspend(tx: Tx) -> None:
        await postings.debit(
            tx, account, [Leg("bid", 2), Leg("boost", 2)], stamp, label="your wallet"
        )

    with pytest.raises(InsufficientConnects) as err:
        await app.store.write(overspend)
    assert err.value.needed == 4 and err.value.available == 3
    with pytest.raises(InsufficientConnects):
        await app.store.write(
            lambda tx: postings.adjust(tx, account, -4, stamp, label="your wallet", memo="x")
        )
    assert await app.store.read(lambda tx: _totals(tx, account)) == (3, 3, 3)


async def test_movements_refuse_nonsense_amounts(app: App) -> None:
    stamp = Stamp("console:ana", "r1", NOW)

    async def run(tx: Tx) -> None:
        account = await postings.open_account(tx, "user", NOW)
        with pytest.raises(ValueError):
            await postings.credit(tx, account, 0, "grant", stamp)
        with pytest.raises(ValueError):
            await postings.debit(tx, account, [Leg("bid", -1)], stamp, label="w")

    await app.store.write(run)


async def test_a_debit_of_nothing_only_links_its_bid(app: App) -> None:
    """An invited proposal's debit of 0 Connects links its bid and writes no entry, takes from
    no lot; without a bid to link it is nonsense and refused."""
    stamp = Stamp("console:ana", "r1", NOW)
    linked: list[int] = []

    async def link(cents: int) -> int:
        linked.append(cents)
        return 0

    async def entries(tx: Tx, account: int) -> int:
        row = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM entries WHERE account_id = :a", {"a": account}
        )
        assert row is not None
        return int(row["n"])

    async def run(tx: Tx) -> tuple[postings.Draw, tuple[int, int, int], int]:
        account = await postings.open_account(tx, "user", NOW)
        await postings.credit(tx, account, 5, LotSource.GRANT, stamp)
        nothing = [Leg(EntryKind.BID, 0), Leg(EntryKind.BOOST, 0)]
        with pytest.raises(ValueError):
            await postings.debit(tx, account, nothing, stamp, label="w")
        draw = await postings.debit(tx, account, nothing, stamp, label="w", link=link)
        return draw, await _totals(tx, account), await entries(tx, account)

    draw, totals, written = await app.store.write(run)
    assert draw == postings.Draw(5, 0)
    assert linked == [0]
    assert totals == (5, 5, 5)
    assert written == 1  # the grant's
