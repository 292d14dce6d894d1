"""The posting kernel: the only code that writes accounts, ledger entries and lots.

Every money movement of the product is one of five calls, each inside the caller's store
transaction:

- :func:`credit` adds a new lot (a grant, a purchase, a top-up) and its entry;
- :func:`debit` takes Connects from the oldest lots first, refused by the database itself when
  the balance is short (a conditional ``UPDATE ... WHERE balance >= :n``), and writes one entry
  per :class:`Leg`;
- :func:`give_back` returns a bid's Connects to the lots they came from (a refund, an undo);
- :func:`adjust` corrects a balance by a signed amount (a credit or a debit of kind
  ``adjustment``);
- :func:`expire` removes lots past their date, one ``expiry`` entry each;
- :func:`void` takes back an untouched lot credited by mistake, as a ``void`` entry.

Invariants, held by construction because each call writes the balance and its entries in the
same statements' transaction and nothing else writes them:

1. an account's cached ``balance`` equals the sum of its entries' ``delta``;
2. it also equals the sum of ``remaining`` over its lots;
3. each entry's ``balance_after`` is the balance right after it;
4. no balance goes below zero (``CHECK (balance >= 0)`` backs the conditional update);
5. entries are appended, never changed (triggers refuse updates and deletes).

Callers decide *whether* to move money (policies, allowances, permissions); this module only
moves it. A new movement (a reconcile, a void) is a composition of these calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from core.base.dates import utc_day
from core.base.vocabulary import EntryKind, LotSource
from core.interface.errors import InsufficientConnects
from core.quotes.pricing import share_cents
from core.store.base import Tx


@dataclass(frozen=True, slots=True)
class Stamp:
    """Who moved money, for which request, and when: written on every entry."""

    actor: str
    request_id: str
    now: int


@dataclass(frozen=True, slots=True)
class Leg:
    """One entry of a debit: ``amount`` Connects (positive) of ``kind``."""

    kind: EntryKind
    amount: int
    memo: str = ""


@dataclass(frozen=True, slots=True)
class Draw:
    """What a debit took: the balance left and the dollar cost of the Connects taken."""

    balance: int
    cents: int


async def open_account(tx: Tx, kind: str, now: int) -> int:
    """A new empty account (``user`` or ``pool``); its id."""
    row = await tx.fetchone(
        "INSERT INTO accounts (kind, balance, created_at) VALUES (:k, 0, :now) RETURNING id",
        {"k": kind, "now": now},
    )
    assert row is not None
    return int(row["id"])


async def balance(tx: Tx, account_id: int) -> int:
    """The account's balance (0 for an unknown account)."""
    row = await tx.fetchone("SELECT balance FROM accounts WHERE id = :id", {"id": account_id})
    return int(row["balance"]) if row else 0


async def _entry(
    tx: Tx,
    account_id: int,
    delta: int,
    balance_after: int,
    kind: EntryKind,
    stamp: Stamp,
    *,
    bid_id: int | None = None,
    lot_id: int | None = None,
    memo: str = "",
) -> None:
    await tx.execute(
        "INSERT INTO entries (account_id, delta, balance_after, kind, bid_id, lot_id, actor, "
        "request_id, memo, created_at) VALUES (:a, :d, :b, :k, :bid, :lot, :actor, :rid, "
        ":memo, :now)",
        {
            "a": account_id,
            "d": delta,
            "b": balance_after,
            "k": EntryKind(kind).value,
            "bid": bid_id,
            "lot": lot_id,
            "actor": stamp.actor,
            "rid": stamp.request_id,
            "memo": memo,
            "now": stamp.now,
        },
    )


async def _move(
    tx: Tx,
    account_id: int,
    delta: int,
    kind: EntryKind,
    stamp: Stamp,
    *,
    bid_id: int | None = None,
    lot_id: int | None = None,
    memo: str = "",
) -> int:
    """Add ``delta`` to the balance with its entry; the new balance. Only for movements whose
    lots were already adjusted by the caller in this module."""
    row = await tx.fetchone(
        "UPDATE accounts SET balance = balance + :n WHERE id = :a RETURNING balance",
        {"n": delta, "a": account_id},
    )
    assert row is not None
    after = int(row["balance"])
    await _entry(tx, account_id, delta, after, kind, stamp, bid_id=bid_id, lot_id=lot_id, memo=memo)
    return after


async def credit(
    tx: Tx,
    account_id: int,
    amount: int,
    source: LotSource,
    stamp: Stamp,
    *,
    cost_cents: int = 0,
    expires_at: int | None = None,
    memo: str = "",
) -> int:
    """Add a lot of ``amount`` Connects (bought for ``cost_cents``, expiring at
    ``expires_at``) from ``source``, with an entry of the same kind; the new lot's id."""
    if amount <= 0:
        raise ValueError("a credit adds a positive amount")
    lot = await tx.fetchone(
        "INSERT INTO lots (account_id, source, connects, remaining, cost_cents, acquired_at, "
        "expires_at) VALUES (:a, :s, :n, :n, :c, :now, :exp) RETURNING id",
        {
            "a": account_id,
            "s": LotSource(source).value,
            "n": amount,
            "c": cost_cents,
            "now": stamp.now,
            "exp": expires_at,
        },
    )
    assert lot is not None
    kind = EntryKind(LotSource(source).value)
    await _move(tx, account_id, amount, kind, stamp, lot_id=int(lot["id"]), memo=memo)
    return int(lot["id"])


async def debit(
    tx: Tx,
    account_id: int,
    legs: Sequence[Leg],
    stamp: Stamp,
    *,
    label: str,
    own: bool = False,
    link: Callable[[int], Awaitable[int]] | None = None,
    fix: str | None = None,
) -> Draw:
    """Take the legs' total from the account's oldest lots and write one entry per leg.

    Refused with :class:`InsufficientConnects` (naming ``label``, e.g. "your wallet"; ``own``
    when it is the user's own wallet) when the balance is short (``fix`` says what to do about
    it): the conditional update is the guard, so two processes can never both spend the last
    Connects. ``link``, given the cost in
    cents of the Connects taken, creates the bid the draw pays for and returns its id: the
    entries and the lot usage then name it, so a later :func:`give_back` returns them to the
    same lots.
    """
    total = sum(leg.amount for leg in legs)
    if total <= 0 or any(leg.amount < 0 for leg in legs):
        raise ValueError("a debit takes a positive amount")
    row = await tx.fetchone(
        "UPDATE accounts SET balance = balance - :n WHERE id = :a AND balance >= :n "
        "RETURNING balance",
        {"n": total, "a": account_id},
    )
    if row is None:
        raise InsufficientConnects(total, await balance(tx, account_id), label, fix or "", own=own)
    used: list[tuple[int, int]] = []
    cents, left = 0, total
    lots = await tx.fetchall(
        "SELECT id, remaining, connects, cost_cents FROM lots "
        "WHERE account_id = :a AND remaining > 0 ORDER BY acquired_at, id",
        {"a": account_id},
    )
    for lot in lots:
        if left == 0:
            break
        take = min(left, int(lot["remaining"]))
        await tx.execute(
            "UPDATE lots SET remaining = remaining - :t WHERE id = :id",
            {"t": take, "id": lot["id"]},
        )
        used.append((int(lot["id"]), take))
        cents += share_cents(take, int(lot["connects"]), int(lot["cost_cents"]))
        left -= take
    if left:  # the cached balance and the lots disagree: refuse rather than corrupt
        raise RuntimeError(f"account {account_id}: lots hold less than the balance")
    bid_id = await link(cents) if link is not None else None
    if bid_id is not None:
        for lot_id, amount in used:
            await tx.execute(
                "INSERT INTO lot_usage (bid_id, lot_id, amount) VALUES (:b, :l, :n)",
                {"b": bid_id, "l": lot_id, "n": amount},
            )
    after = int(row["balance"]) + total
    for leg in legs:
        if leg.amount:
            after -= leg.amount
            await _entry(
                tx, account_id, -leg.amount, after, leg.kind, stamp, bid_id=bid_id, memo=leg.memo
            )
    return Draw(after, cents)


async def give_back(
    tx: Tx, account_id: int, bid_id: int, amount: int, kind: EntryKind, stamp: Stamp, memo: str
) -> Draw:
    """Return ``amount`` of a bid's Connects to the lots they came from (newest first), with
    one ``kind`` entry; lots past their date expire again at once. The balance afterwards and
    the dollar cost of what came back."""
    usage = await tx.fetchall(
        "SELECT u.lot_id, u.amount, l.connects, l.cost_cents FROM lot_usage u "
        "JOIN lots l ON l.id = u.lot_id WHERE u.bid_id = :b ORDER BY l.acquired_at DESC, "
        "l.id DESC",
        {"b": bid_id},
    )
    left, cents = amount, 0
    for use in usage:
        if left == 0:
            break
        back = min(left, int(use["amount"]))
        await tx.execute(
            "UPDATE lots SET remaining = remaining + :n WHERE id = :id",
            {"n": back, "id": use["lot_id"]},
        )
        cents += share_cents(back, int(use["connects"]), int(use["cost_cents"]))
        left -= back
    if left:
        raise RuntimeError(f"bid {bid_id}: usage holds less than the refund")
    await _move(tx, account_id, amount, kind, stamp, bid_id=bid_id, memo=memo)
    await expire(tx, account_id, stamp)
    return Draw(await balance(tx, account_id), cents)


async def adjust(
    tx: Tx, account_id: int, delta: int, stamp: Stamp, *, label: str, memo: str, own: bool = False
) -> int:
    """Correct the balance by ``delta`` (a new lot when positive, oldest lots first when
    negative, refused when short); the balance afterwards."""
    if delta > 0:
        await credit(tx, account_id, delta, LotSource.ADJUSTMENT, stamp, memo=memo)
        return await balance(tx, account_id)
    if delta < 0:
        leg = Leg(EntryKind.ADJUSTMENT, -delta, memo)
        return (await debit(tx, account_id, [leg], stamp, label=label, own=own)).balance
    return await balance(tx, account_id)


async def void(tx: Tx, account_id: int, lot_id: int, stamp: Stamp, memo: str) -> int:
    """Take back the whole of lot ``lot_id`` (none of it spent) with a ``void`` entry; the
    balance afterwards. ``ValueError`` when the lot is not the account's or was touched."""
    taken = await tx.fetchone(
        "UPDATE lots SET remaining = 0 WHERE id = :l AND account_id = :a AND remaining > 0 "
        "AND remaining = connects RETURNING connects",
        {"l": lot_id, "a": account_id},
    )
    if taken is None:
        raise ValueError(f"lot {lot_id}: not an untouched lot of account {account_id}")
    amount = int(taken["connects"])
    row = await tx.fetchone(
        "UPDATE accounts SET balance = balance - :n WHERE id = :a AND balance >= :n "
        "RETURNING balance",
        {"n": amount, "a": account_id},
    )
    if row is None:  # the lot holds Connects the balance does not: refuse rather than corrupt
        raise RuntimeError(f"account {account_id}: balance below an untouched lot")
    after = int(row["balance"])
    await _entry(tx, account_id, -amount, after, EntryKind.VOID, stamp, lot_id=lot_id, memo=memo)
    return after


async def expire(tx: Tx, account_id: int, stamp: Stamp) -> int:
    """Expire the account's lots past their date (``stamp.now``): each leaves as an
    ``expiry`` entry by ``system``; the Connects removed.

    The account's lock comes first, so two processes never expire the same lot twice."""
    await tx.lock_account(account_id)
    lots = await tx.fetchall(
        "SELECT id, remaining, acquired_at FROM lots WHERE account_id = :a AND remaining > 0 "
        "AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY id",
        {"a": account_id, "now": stamp.now},
    )
    system = Stamp("system", stamp.request_id, stamp.now)
    total = 0
    for lot in lots:
        amount = int(lot["remaining"])
        await tx.execute("UPDATE lots SET remaining = 0 WHERE id = :id", {"id": lot["id"]})
        await _move(
            tx,
            account_id,
            -amount,
            EntryKind.EXPIRY,
            system,
            lot_id=int(lot["id"]),
            memo=f"bought {utc_day(int(lot['acquired_at']))}, expired",
        )
        total += amount
    return total
