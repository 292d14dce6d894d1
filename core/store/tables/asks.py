"""Outcome asks: the ``outcome_asks`` table (a bid asked about in a private message with one
button per outcome), what the asking job reads to pick bids, and the guarded status change a
press makes.

:mod:`core.ledger.outcome_asks` and :mod:`core.notices` decide and word the asks; this module
only stores and reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.base.vocabulary import BidStatus
from core.store.base import Row, Tx
from core.store.tables.words import sql_list


@dataclass(frozen=True, slots=True)
class Waiting:
    """A bid awaiting news: its job, what it cost, where it stands and since when."""

    id: int
    job: str
    connects: int
    boost: int
    refunded: int
    status: BidStatus
    created_at: int
    updated_at: int
    title: str | None = None  # the post's title, when the job is its link


_WAITING = (
    "b.id, b.job, b.connects, b.boost, b.refunded, b.status, b.created_at, b.updated_at, b.title"
)


def _waiting(r: Row) -> Waiting:
    return Waiting(
        int(r["id"]),
        str(r["job"]),
        int(r["connects"]),
        int(r["boost"]),
        int(r["refunded"]),
        BidStatus(r["status"]),
        int(r["created_at"]),
        int(r["updated_at"]),
        None if r["title"] is None else str(r["title"]),
    )


def _askable() -> str:
    """SQL: a bid without news since before ``:quiet`` (a ghosted one: marked so before
    ``:ghosted``, its last news then at least the ghost period older), asked fewer than
    ``:most`` times, and neither asked nor answered "No news" after ``:again``."""
    return (
        f"(b.updated_at < :quiet OR (b.status = '{BidStatus.GHOSTED.value}' "
        "AND b.updated_at < :ghosted)) "
        "AND (SELECT COUNT(*) FROM outcome_asks a WHERE a.bid_id = b.id) < :most "
        "AND NOT EXISTS (SELECT 1 FROM outcome_asks a WHERE a.bid_id = b.id "
        "AND (a.asked_at > :again OR a.answered_at > :again))"
    )


def _params(quiet: int, ghosted: int, again: int, most: int) -> dict[str, int]:
    return {"quiet": quiet, "ghosted": ghosted, "again": again, "most": most}


async def askers(
    tx: Tx, awaiting: Sequence[BidStatus], *, quiet: int, ghosted: int, again: int, most: int
) -> list[str]:
    """The users with a bid to ask about (see :func:`_askable`), in key order."""
    rows = await tx.fetchall(
        f"SELECT DISTINCT b.bidder FROM bids b WHERE b.status IN {sql_list(awaiting)} AND "
        + _askable()
        + " ORDER BY b.bidder",
        _params(quiet, ghosted, again, most),
    )
    return [str(r["bidder"]) for r in rows]


async def to_ask(
    tx: Tx,
    bidder: str,
    awaiting: Sequence[BidStatus],
    *,
    quiet: int,
    ghosted: int,
    again: int,
    most: int,
    limit: int,
) -> list[Waiting]:
    """At most ``limit`` of ``bidder``'s bids to ask about, the longest without news first."""
    rows = await tx.fetchall(
        f"SELECT {_WAITING} FROM bids b WHERE b.bidder = :u "
        f"AND b.status IN {sql_list(awaiting)} AND " + _askable() + " "
        "ORDER BY b.updated_at, b.id LIMIT :n",
        {"u": bidder, "n": limit, **_params(quiet, ghosted, again, most)},
    )
    return [_waiting(r) for r in rows]


async def waiting(tx: Tx, bidder: str, awaiting: Sequence[BidStatus], limit: int) -> list[Waiting]:
    """``bidder``'s bids awaiting news, the longest without news first (``/outcomes``)."""
    rows = await tx.fetchall(
        f"SELECT {_WAITING} FROM bids b WHERE b.bidder = :u "
        f"AND b.status IN {sql_list(awaiting)} ORDER BY b.updated_at, b.id LIMIT :n",
        {"u": bidder, "n": limit},
    )
    return [_waiting(r) for r in rows]


async def count_waiting(tx: Tx, bidder: str, awaiting: Sequence[BidStatus]) -> int:
    """How many of ``bidder``'s bids await news."""
    row = await tx.fetchone(
        f"SELECT COUNT(*) AS n FROM bids b WHERE b.bidder = :u "
        f"AND b.status IN {sql_list(awaiting)}",
        {"u": bidder},
    )
    return 0 if row is None else int(row["n"])


@dataclass(frozen=True, slots=True)
class Ask:
    """A bid asked about: the code its buttons carry, whose bid it is, the notice that asked,
    where the bid stood then, and the last button pressed (``None``: none yet)."""

    token: str
    bid_id: int
    bidder: str
    message: str
    status: BidStatus
    asked_at: int
    answer: str | None = None
    answered_at: int | None = None


async def record(tx: Tx, ask: Ask) -> None:
    """Record ``ask`` (unanswered)."""
    await tx.execute(
        "INSERT INTO outcome_asks (token, bid_id, bidder, message, status, asked_at) "
        "VALUES (:t, :b, :u, :m, :s, :at)",
        {
            "t": ask.token,
            "b": ask.bid_id,
            "u": ask.bidder,
            "m": ask.message,
            "s": ask.status.value,
            "at": ask.asked_at,
        },
    )


def _ask(r: Row) -> Ask:
    return Ask(
        str(r["token"]),
        int(r["bid_id"]),
        str(r["bidder"]),
        str(r["message"]),
        BidStatus(r["status"]),
        int(r["asked_at"]),
        None if r["answer"] is None else str(r["answer"]),
        None if r["answered_at"] is None else int(r["answered_at"]),
    )


_ASK = "token, bid_id, bidder, message, status, asked_at, answer, answered_at"


async def find(tx: Tx, token: str) -> Ask | None:
    """The ask whose buttons carry ``token``, or ``None``."""
    row = await tx.fetchone(f"SELECT {_ASK} FROM outcome_asks WHERE token = :t", {"t": token})
    return None if row is None else _ask(row)


async def of_bid(tx: Tx, bid_id: int) -> list[Ask]:
    """Every ask about ``bid_id``, oldest first."""
    rows = await tx.fetchall(
        f"SELECT {_ASK} FROM outcome_asks WHERE bid_id = :b ORDER BY asked_at, token",
        {"b": bid_id},
    )
    return [_ask(r) for r in rows]


@dataclass(frozen=True, slots=True)
class Open:
    """An unanswered ask of a message, with its bid's job and where the bid stands now."""

    ask: Ask
    job: str
    now: BidStatus


async def unanswered(tx: Tx, message: str) -> list[Open]:
    """The asks of the notice ``message`` that no button answered yet, by bid."""
    rows = await tx.fetchall(
        "SELECT a.token, a.bid_id, a.bidder, a.message, a.status, a.asked_at, a.answer, "
        "a.answered_at, b.job, b.status AS now FROM outcome_asks a JOIN bids b ON b.id = a.bid_id "
        "WHERE a.message = :m AND a.answered_at IS NULL ORDER BY a.bid_id",
        {"m": message},
    )
    return [Open(_ask(r), str(r["job"]), BidStatus(r["now"])) for r in rows]


async def answer(tx: Tx, token: str, answer: str, now: int) -> None:
    """The button ``answer`` of the ask ``token`` was pressed at ``now``."""
    await tx.execute(
        "UPDATE outcome_asks SET answer = :a, answered_at = :now WHERE token = :t",
        {"a": answer, "now": now, "t": token},
    )


async def set_status_if(
    tx: Tx, bid_id: int, status: BidStatus, was: Sequence[BidStatus], now: int
) -> bool:
    """Record news of a bid only while its status is one of ``was`` (no other news, refund or
    undo committed meanwhile, in any process); whether it changed."""
    changed = await tx.execute(
        "UPDATE bids SET status = :s, updated_at = :now WHERE id = :id "
        f"AND status IN {sql_list(was)}",
        {"s": status.value, "now": now, "id": bid_id},
    )
    return bool(changed)
