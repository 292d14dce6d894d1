"""The posting kernel's tables: account balances, lots, lot usage and ledger entries.

Each function is one statement of :mod:`core.ledger.postings` (and of the few readers of
entries and lots beside it), in the caller's transaction. The kernel decides the order; this
module only says it in SQL. :func:`take_from_balance` is the overspend guard: a conditional
``UPDATE ... WHERE balance >= :n`` that changes nothing when the balance is short, backed by
the ``CHECK (balance >= 0)`` constraint.
"""

from __future__ import annotations

from typing import NamedTuple

from core.base.vocabulary import BOUGHT, EntryKind, LotSource
from core.store.base import Tx
from core.store.tables.words import sql_list


class Entry(NamedTuple):
    """One ledger entry to append: ``delta`` Connects of ``kind`` leaving ``balance_after``."""

    account_id: int
    delta: int
    balance_after: int
    kind: EntryKind
    actor: str
    request_id: str
    created_at: int
    bid_id: int | None = None
    lot_id: int | None = None
    memo: str = ""


class Holding(NamedTuple):
    """A lot with Connects left: ``remaining`` of the ``connects`` bought for ``cost_cents``."""

    id: int
    remaining: int
    connects: int
    cost_cents: int


class Usage(NamedTuple):
    """Connects a bid took from one lot, with what that lot held and cost."""

    lot_id: int
    amount: int
    connects: int
    cost_cents: int


class DueLot(NamedTuple):
    """A lot past its date with Connects left."""

    id: int
    remaining: int
    acquired_at: int


class BoughtLot(NamedTuple):
    """A purchase's (or top-up's) lot, who recorded it, the pool holding it, and whether it
    was voided already."""

    id: int
    account_id: int
    connects: int
    remaining: int
    cost_cents: int
    acquired_at: int
    actor: str
    pool_id: int | None
    voided: bool


class Change(NamedTuple):
    """What an entry was, in brief: its kind and the bid it names."""

    kind: EntryKind
    bid_id: int | None


# ------------------------------------------------------------------------------- accounts


async def balance(tx: Tx, account_id: int) -> int:
    """The account's balance (0 for an unknown account)."""
    row = await tx.fetchone("SELECT balance FROM accounts WHERE id = :id", {"id": account_id})
    return int(row["balance"]) if row else 0


async def add_to_balance(tx: Tx, account_id: int, delta: int) -> int:
    """Add ``delta`` (of either sign) to the balance; the new balance."""
    row = await tx.fetchone(
        "UPDATE accounts SET balance = balance + :n WHERE id = :a RETURNING balance",
        {"n": delta, "a": account_id},
    )
    assert row is not None
    return int(row["balance"])


async def take_from_balance(tx: Tx, account_id: int, amount: int) -> int | None:
    """Take ``amount`` from the balance only if it holds that much; the new balance, or
    ``None`` (nothing changed) when it is short."""
    row = await tx.fetchone(
        "UPDATE accounts SET balance = balance - :n WHERE id = :a AND balance >= :n "
        "RETURNING balance",
        {"n": amount, "a": account_id},
    )
    return None if row is None else int(row["balance"])


# -------------------------------------------------------------------------------- entries


async def append_entry(tx: Tx, entry: Entry) -> None:
    """Append ``entry`` to the ledger."""
    await tx.execute(
        "INSERT INTO entries (account_id, delta, balance_after, kind, bid_id, lot_id, actor, "
        "request_id, memo, created_at) VALUES (:a, :d, :b, :k, :bid, :lot, :actor, :rid, "
        ":memo, :now)",
        {
            "a": entry.account_id,
            "d": entry.delta,
            "b": entry.balance_after,
            "k": EntryKind(entry.kind).value,
            "bid": entry.bid_id,
            "lot": entry.lot_id,
            "actor": entry.actor,
            "rid": entry.request_id,
            "memo": entry.memo,
            "now": entry.created_at,
        },
    )


async def last_entry(tx: Tx, account_id: int) -> int:
    """The id of the account's newest entry (0 before any)."""
    row = await tx.fetchone(
        "SELECT MAX(id) AS e FROM entries WHERE account_id = :a", {"a": account_id}
    )
    return 0 if row is None or row["e"] is None else int(row["e"])


async def first_kinds(tx: Tx, account_id: int, limit: int) -> list[EntryKind]:
    """The kinds of the account's first ``limit`` entries, oldest first."""
    rows = await tx.fetchall(
        "SELECT kind FROM entries WHERE account_id = :a ORDER BY id LIMIT :n",
        {"a": account_id, "n": limit},
    )
    return [EntryKind(str(r["kind"])) for r in rows]


async def changes_after(tx: Tx, account_id: int, entry_id: int) -> list[Change]:
    """The account's entries after entry ``entry_id``, oldest first, in brief."""
    rows = await tx.fetchall(
        "SELECT kind, bid_id FROM entries WHERE account_id = :a AND id > :e ORDER BY id",
        {"a": account_id, "e": entry_id},
    )
    return [
        Change(EntryKind(str(r["kind"])), None if r["bid_id"] is None else int(r["bid_id"]))
        for r in rows
    ]


# ----------------------------------------------------------------------------------- lots


async def add_lot(
    tx: Tx,
    account_id: int,
    source: LotSource,
    connects: int,
    *,
    cost_cents: int,
    acquired_at: int,
    expires_at: int | None,
) -> int:
    """A new lot of ``connects`` Connects, all remaining; its id."""
    row = await tx.fetchone(
        "INSERT INTO lots (account_id, source, connects, remaining, cost_cents, acquired_at, "
        "expires_at) VALUES (:a, :s, :n, :n, :c, :now, :exp) RETURNING id",
        {
            "a": account_id,
            "s": LotSource(source).value,
            "n": connects,
            "c": cost_cents,
            "now": acquired_at,
            "exp": expires_at,
        },
    )
    assert row is not None
    return int(row["id"])


async def holdings(tx: Tx, account_id: int) -> list[Holding]:
    """The account's lots with Connects left, oldest first (the order a debit draws them)."""
    rows = await tx.fetchall(
        "SELECT id, remaining, connects, cost_cents FROM lots "
        "WHERE account_id = :a AND remaining > 0 ORDER BY acquired_at, id",
        {"a": account_id},
    )
    return [
        Holding(int(r["id"]), int(r["remaining"]), int(r["connects"]), int(r["cost_cents"]))
        for r in rows
    ]


async def take_from_lot(tx: Tx, lot_id: int, amount: int) -> None:
    """Take ``amount`` of the lot's remaining Connects."""
    await tx.execute(
        "UPDATE lots SET remaining = remaining - :t WHERE id = :id", {"t": amount, "id": lot_id}
    )


async def return_to_lot(tx: Tx, lot_id: int, amount: int) -> None:
    """Put ``amount`` Connects back in the lot."""
    await tx.execute(
        "UPDATE lots SET remaining = remaining + :n WHERE id = :id", {"n": amount, "id": lot_id}
    )


async def empty_lot(tx: Tx, lot_id: int) -> None:
    """Leave the lot with nothing remaining."""
    await tx.execute("UPDATE lots SET remaining = 0 WHERE id = :id", {"id": lot_id})


async def empty_untouched_lot(tx: Tx, lot_id: int, account_id: int) -> int | None:
    """Empty lot ``lot_id`` of ``account_id`` if none of it was spent; the Connects it held,
    or ``None`` (nothing changed) when it is not the account's or was touched."""
    row = await tx.fetchone(
        "UPDATE lots SET remaining = 0 WHERE id = :l AND account_id = :a AND remaining > 0 "
        "AND remaining = connects RETURNING connects",
        {"l": lot_id, "a": account_id},
    )
    return None if row is None else int(row["connects"])


async def lots_due(tx: Tx, account_id: int, now: int) -> list[DueLot]:
    """The account's lots past their date at ``now`` with Connects left, by id."""
    rows = await tx.fetchall(
        "SELECT id, remaining, acquired_at FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY id",
        {"a": account_id, "now": now},
    )
    return [DueLot(int(r["id"]), int(r["remaining"]), int(r["acquired_at"])) for r in rows]


async def bought_lot(tx: Tx, lot_id: int) -> BoughtLot | None:
    """Lot ``lot_id`` if a purchase or top-up credited it, or ``None``."""
    row = await tx.fetchone(
        "SELECT l.id, l.account_id, l.connects, l.remaining, l.cost_cents, l.acquired_at, "
        "e.actor, p.id AS pool_id, (SELECT COUNT(*) FROM entries v WHERE v.lot_id = l.id "
        f"AND v.kind = '{EntryKind.VOID.value}') AS voided FROM lots l JOIN entries e "
        f"ON e.lot_id = l.id AND e.kind IN {sql_list(BOUGHT)} LEFT JOIN pools p "
        "ON p.account_id = l.account_id WHERE l.id = :l",
        {"l": lot_id},
    )
    if row is None:
        return None
    return BoughtLot(
        int(row["id"]),
        int(row["account_id"]),
        int(row["connects"]),
        int(row["remaining"]),
        int(row["cost_cents"]),
        int(row["acquired_at"]),
        str(row["actor"]),
        None if row["pool_id"] is None else int(row["pool_id"]),
        bool(int(row["voided"])),
    )


# ------------------------------------------------------------------------------ lot usage


async def record_usage(tx: Tx, bid_id: int, lot_id: int, amount: int) -> None:
    """Remember that bid ``bid_id`` took ``amount`` Connects from lot ``lot_id``."""
    await tx.execute(
        "INSERT INTO lot_usage (bid_id, lot_id, amount) VALUES (:b, :l, :n)",
        {"b": bid_id, "l": lot_id, "n": amount},
    )


async def usage_of(tx: Tx, bid_id: int) -> list[Usage]:
    """What bid ``bid_id`` took from each lot, newest lot first (the order a refund returns)."""
    rows = await tx.fetchall(
        "SELECT u.lot_id, u.amount, l.connects, l.cost_cents FROM lot_usage u "
        "JOIN lots l ON l.id = u.lot_id WHERE u.bid_id = :b ORDER BY l.acquired_at DESC, "
        "l.id DESC",
        {"b": bid_id},
    )
    return [
        Usage(int(r["lot_id"]), int(r["amount"]), int(r["connects"]), int(r["cost_cents"]))
        for r in rows
    ]
