"""The posting kernel: the only code that writes accounts, ledger entries and lots (its
statements are :mod:`core.store.tables.postings`, in the order this module runs them).

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

Which lots a debit draws and a refund refills is worked out by the pure :func:`draw` and
:func:`restore`. Callers decide *whether* to move money (policies, allowances, permissions);
this module only moves it, with one exception held here so that no spending path can skip it:
a debit of the spending kinds is refused over the spender's caps (:mod:`core.ledger.caps`).
A new movement (a reconcile, a void) is a composition of these calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import NamedTuple

from core.base.dates import utc_day
from core.base.vocabulary import EntryKind, LotSource
from core.interface.errors import InsufficientConnects
from core.ledger import caps
from core.quotes.amounts import share_cents
from core.store.base import Tx
from core.store.tables import accounts
from core.store.tables import postings as table
from core.store.tables.postings import Entry, Holding, Usage


class Stamp(NamedTuple):
    """Who moved money, for which request, and when: written on every entry."""

    actor: str
    request_id: str
    now: int


class Leg(NamedTuple):
    """One entry of a debit: ``amount`` Connects (positive) of ``kind``."""

    kind: EntryKind
    amount: int
    memo: str = ""


class Draw(NamedTuple):
    """What a debit took: the balance left and the dollar cost of the Connects taken."""

    balance: int
    cents: int


def _share_out(
    parts: Iterable[tuple[int, int, int, int]], total: int
) -> tuple[list[tuple[int, int]], int, int]:
    """Take ``total`` Connects from ``parts`` in order, each ``(lot id, Connects it can give,
    the lot's Connects, the lot's cost in cents)``: (lot id, Connects) per lot taken from, the
    dollar cost in cents of what was taken, and what the parts could not give."""
    taken: list[tuple[int, int]] = []
    cents, left = 0, total
    for lot_id, available, connects, cost_cents in parts:
        if left == 0:
            break
        take = min(left, available)
        taken.append((lot_id, take))
        cents += share_cents(take, connects, cost_cents)
        left -= take
    return taken, cents, left


def draw(lots: Iterable[Holding], total: int) -> tuple[list[tuple[int, int]], int, int]:
    """How a debit of ``total`` takes from ``lots`` (oldest first): (lot id, Connects) per
    lot drawn, the dollar cost in cents of what was taken, and what the lots could not give."""
    return _share_out(((h.id, h.remaining, h.connects, h.cost_cents) for h in lots), total)


def restore(usage: Iterable[Usage], amount: int) -> tuple[list[tuple[int, int]], int, int]:
    """How ``amount`` of a bid's Connects go back to the lots it used (newest first, as given):
    (lot id, Connects) per lot, the dollar cost in cents of what came back, and what the usage
    could not take."""
    return _share_out(((u.lot_id, u.amount, u.connects, u.cost_cents) for u in usage), amount)


async def open_account(tx: Tx, kind: accounts.AccountKind, now: int) -> int:
    """A new empty account (``user`` or ``pool``); its id."""
    return await accounts.open_account(tx, kind, now)


async def balance(tx: Tx, account_id: int) -> int:
    """The account's balance (0 for an unknown account)."""
    return await table.balance(tx, account_id)


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
    entry = Entry(
        account_id,
        delta,
        balance_after,
        kind,
        stamp.actor,
        stamp.request_id,
        stamp.now,
        bid_id,
        lot_id,
        memo,
    )
    await table.append_entry(tx, entry)


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
    after = await table.add_to_balance(tx, account_id, delta)
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
    lot = await table.add_lot(
        tx,
        account_id,
        LotSource(source),
        amount,
        cost_cents=cost_cents,
        acquired_at=stamp.now,
        expires_at=expires_at,
    )
    kind = EntryKind(LotSource(source).value)
    await _move(tx, account_id, amount, kind, stamp, lot_id=lot, memo=memo)
    return lot


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

    Refused with :class:`~core.interface.errors.CapReached` when a draw of the spending kinds
    would pass a cap the spender (``stamp.actor``) is under on this account
    (:func:`core.ledger.caps.enforce`, under the account's lock), and
    with :class:`InsufficientConnects` (naming ``label``, e.g. "your wallet"; ``own``
    when it is the user's own wallet) when the balance is short (``fix`` says what to do about
    it): the conditional update is the guard, so two processes can never both spend the last
    Connects. ``link``, given the cost in
    cents of the Connects taken, creates the bid the draw pays for and returns its id: the
    entries and the lot usage then name it, so a later :func:`give_back` returns them to the
    same lots. A debit of nothing (an invited proposal) only links its bid: no entry, no lot.
    """
    total = sum(leg.amount for leg in legs)
    if (total == 0 and link is None) or any(leg.amount < 0 for leg in legs):
        raise ValueError("a debit takes a positive amount")
    await caps.enforce(
        tx, account_id, stamp.actor, [(leg.kind, leg.amount) for leg in legs], stamp.now, label
    )
    left_after = await table.take_from_balance(tx, account_id, total)
    if left_after is None:
        raise InsufficientConnects(total, await balance(tx, account_id), label, fix or "", own=own)
    used, cents, short = draw(await table.holdings(tx, account_id), total)
    for lot_id, take in used:
        await table.take_from_lot(tx, lot_id, take)
    if short:  # the cached balance and the lots disagree: refuse rather than corrupt
        raise RuntimeError(f"account {account_id}: lots hold less than the balance")
    bid_id = await link(cents) if link is not None else None
    if bid_id is not None:
        for lot_id, amount in used:
            await table.record_usage(tx, bid_id, lot_id, amount)
    after = left_after + total
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
    back, cents, short = restore(await table.usage_of(tx, bid_id), amount)
    for lot_id, n in back:
        await table.return_to_lot(tx, lot_id, n)
    if short:
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
    amount = await table.empty_untouched_lot(tx, lot_id, account_id)
    if amount is None:
        raise ValueError(f"lot {lot_id}: not an untouched lot of account {account_id}")
    after = await table.take_from_balance(tx, account_id, amount)
    if after is None:  # the lot holds Connects the balance does not: refuse rather than corrupt
        raise RuntimeError(f"account {account_id}: balance below an untouched lot")
    await _entry(tx, account_id, -amount, after, EntryKind.VOID, stamp, lot_id=lot_id, memo=memo)
    return after


async def expire(tx: Tx, account_id: int, stamp: Stamp) -> int:
    """Expire the account's lots past their date (``stamp.now``): each leaves as an
    ``expiry`` entry by ``system``; the Connects removed.

    The account's lock comes first, so two processes never expire the same lot twice."""
    await tx.lock_account(account_id)
    lots = await table.lots_due(tx, account_id, stamp.now)
    system = Stamp("system", stamp.request_id, stamp.now)
    total = 0
    for lot in lots:
        await table.empty_lot(tx, lot.id)
        await _move(
            tx,
            account_id,
            -lot.remaining,
            EntryKind.EXPIRY,
            system,
            lot_id=lot.id,
            memo=f"bought {utc_day(lot.acquired_at)}, expired",
        )
        total += lot.remaining
    return total
