"""The ``bids`` table: a bid's insert with the factors it was priced on, its reads, and its status
changes. A final status (``refunded``, ``undone``) is never overwritten by news: the guard sits
in the ``UPDATE`` itself, so a change that committed meanwhile in another process is respected.

The rules about which change a bid may take live in :mod:`core.ledger.rules`; here is only SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.base.vocabulary import FINAL, BidStatus
from core.store.base import Row, Tx
from core.store.tables.words import sql_list, unanswered_sql

_COLUMNS = (
    "id, account_id, pool_id, bidder, job, connects, boost, status, refunded, created_at, title"
)


@dataclass(frozen=True, slots=True)
class Bid:
    """A bid as the ledger changes it: who placed it from which account, what it spent, where it
    stands, and how much of it came back (``refunded``, Connects)."""

    id: int
    account_id: int
    pool_id: int | None
    bidder: str
    job: str
    connects: int
    boost: int
    status: BidStatus
    refunded: int
    created_at: int
    title: str | None = None  # the post's title, when the job is its link

    @property
    def total(self) -> int:
        """Connects it spent, boost included."""
        return self.connects + self.boost


@dataclass(frozen=True, slots=True)
class Standing:
    """A bid's status now and what its account can spend now (lots expired by now not counted,
    swept or not)."""

    status: BidStatus
    spendable: int


def _bid(row: Row) -> Bid:
    pool = row["pool_id"]
    return Bid(
        id=int(row["id"]),
        account_id=int(row["account_id"]),
        pool_id=None if pool is None else int(pool),
        bidder=str(row["bidder"]),
        job=str(row["job"]),
        connects=int(row["connects"]),
        boost=int(row["boost"]),
        status=BidStatus(row["status"]),
        refunded=int(row["refunded"]),
        created_at=int(row["created_at"]),
        title=None if row["title"] is None else str(row["title"]),
    )


async def insert(
    tx: Tx,
    *,
    account_id: int,
    pool_id: int | None,
    bidder: str,
    job: str,
    job_key: str,
    connects: int,
    boost: int,
    cost_cents: int,
    rate_type: str | None,
    rate_cents: int | None,
    note: str | None,
    stated: bool,
    scope: str | None,
    request_id: str,
    now: int,
    factors: Mapping[str, int | str | None],
    title: str | None = None,
) -> int:
    """A new ``submitted`` bid with its factor columns (column name -> value) and its post's
    title; its id."""
    assert all(name.isidentifier() for name in factors)  # names are columns, never input
    names = "".join(f", {name}" for name in factors)
    marks = "".join(f", :f_{name}" for name in factors)
    row = await tx.fetchone(
        "INSERT INTO bids (account_id, pool_id, bidder, job, job_key, connects, boost, "
        "cost_cents, rate_type, rate_cents, note, status, refunded, created_at, updated_at, "
        f"request_id, connects_stated, scope, title{names}) VALUES (:a, :p, :b, :job, :key, :c, "
        f":boost, :cents, :rt, :rate, :note, :status, 0, :now, :now, :rid, :stated, :scope, "
        f":title{marks}) "
        "RETURNING id",
        {
            "a": account_id,
            "p": pool_id,
            "b": bidder,
            "job": job,
            "key": job_key,
            "c": connects,
            "boost": boost,
            "cents": cost_cents,
            "rt": rate_type,
            "rate": rate_cents,
            "note": note,
            "status": BidStatus.SUBMITTED.value,
            "now": now,
            "rid": request_id,
            "stated": 1 if stated else 0,
            "scope": scope,
            "title": title,
            **{f"f_{name}": value for name, value in factors.items()},
        },
    )
    assert row is not None
    return int(row["id"])


async def by_id(tx: Tx, bid_id: int) -> Bid | None:
    """The bid ``bid_id``, or ``None``."""
    row = await tx.fetchone(f"SELECT {_COLUMNS} FROM bids WHERE id = :id", {"id": bid_id})
    return None if row is None else _bid(row)


async def locked(tx: Tx, bid: Bid) -> Bid:
    """Lock the bid's account and read the bid again: a refund or undo that committed while
    this transaction waited for the lock (another process, on PostgreSQL) is seen."""
    await tx.lock_account(bid.account_id)
    again = await by_id(tx, bid.id)
    assert again is not None  # bids are never deleted
    return again


async def first_on_job(tx: Tx, pool_id: int, job_key: str) -> Bid | None:
    """The pool's first bid on the job ``job_key`` that was not undone, or ``None``."""
    row = await tx.fetchone(
        f"SELECT {_COLUMNS} FROM bids WHERE pool_id = :p AND job_key = :k "
        "AND status <> :undone ORDER BY id LIMIT 1",
        {"p": pool_id, "k": job_key, "undone": BidStatus.UNDONE.value},
    )
    return None if row is None else _bid(row)


async def recent(tx: Tx, bidder: str, limit: int) -> Sequence[Bid]:
    """The bidder's newest ``limit`` bids, newest first."""
    rows = await tx.fetchall(
        f"SELECT {_COLUMNS} FROM bids WHERE bidder = :b ORDER BY id DESC LIMIT :n",
        {"b": bidder, "n": limit},
    )
    return [_bid(r) for r in rows]


async def standing(tx: Tx, bid_id: int, now: int) -> Standing | None:
    """The bid's status and its account's spendable Connects at ``now``; ``None``: no such
    bid."""
    row = await tx.fetchone(
        "SELECT b.status, (SELECT COALESCE(SUM(l.remaining), 0) FROM lots l "
        "WHERE l.account_id = b.account_id AND (l.expires_at IS NULL OR l.expires_at > :now)"
        ") AS spendable FROM bids b WHERE b.id = :id",
        {"id": bid_id, "now": now},
    )
    return None if row is None else Standing(BidStatus(row["status"]), int(row["spendable"]))


async def set_returned(
    tx: Tx,
    bid_id: int,
    status: BidStatus,
    refunded: int,
    refunded_cents: int,
    reason: str | None,
    now: int,
) -> None:
    """Record Connects given back: the bid becomes ``status`` (refunded or undone) with
    ``refunded`` Connects worth ``refunded_cents`` returned for ``reason``. The caller holds
    the bid read again under its account's lock (:func:`locked`)."""
    assert status in FINAL
    await tx.execute(
        "UPDATE bids SET status = :s, refunded = :n, refunded_cents = :c, "
        "refund_reason = :r, updated_at = :now WHERE id = :id",
        {
            "s": status.value,
            "n": refunded,
            "c": refunded_cents,
            "r": reason,
            "now": now,
            "id": bid_id,
        },
    )


async def set_status(tx: Tx, bid_id: int, status: BidStatus, now: int) -> bool:
    """Record news of a bid unless its status is final by now; whether it changed."""
    changed = await tx.execute(
        "UPDATE bids SET status = :s, updated_at = :now WHERE id = :id "
        f"AND status NOT IN {sql_list(FINAL)}",
        {"s": status.value, "now": now, "id": bid_id},
    )
    return bool(changed)


async def mark_ghosted(tx: Tx, cutoff: int, now: int) -> int:
    """Mark ``ghosted`` every bid awaiting an answer since before ``cutoff``; how many."""
    return await tx.execute(
        "UPDATE bids SET status = :s, updated_at = :now WHERE " + unanswered_sql(),
        {"s": BidStatus.GHOSTED.value, "now": now, "ghost": cutoff},
    )
