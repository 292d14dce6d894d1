"""The repost radar's read of ``bids``: the bids on jobs of a client who joined Upwork on a given
day, placed since a moment, that the asker may be told about (their community's, or their own
wherever they were placed). Undone bids were never placed and are left out.

The rules that decide whether one of them was the same job posted again live in
:mod:`core.quotes.radar`; here is only SQL (indexed by ``bids_client_since``, migration 0015).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.base.vocabulary import BidStatus
from core.store.base import Row, Tx


@dataclass(frozen=True, slots=True)
class Seen:
    """A bid a repost could repeat: its job's identity and title, its client's facts as the
    post stated them, and whose it was (told to the asker only when it is theirs)."""

    id: int
    bidder: str
    job_key: str
    title: str | None
    created_at: int
    status: BidStatus
    refunded: int
    country: str | None
    client_spent_cents: int | None
    rating_hundredths: int | None
    hires: int | None
    member_since: str


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _seen(row: Row) -> Seen:
    return Seen(
        id=int(row["id"]),
        bidder=str(row["bidder"]),
        job_key=str(row["job_key"]),
        title=None if row["title"] is None else str(row["title"]),
        created_at=int(row["created_at"]),
        status=BidStatus(row["status"]),
        refunded=int(row["refunded"]),
        country=None if row["country"] is None else str(row["country"]),
        client_spent_cents=_int(row["client_spent_cents"]),
        rating_hundredths=_int(row["rating_hundredths"]),
        hires=_int(row["hires"]),
        member_since=str(row["member_since"]),
    )


async def client_bids(
    tx: Tx, member_since: str, since: int, scope: str | None, bidder: str, limit: int = 200
) -> list[Seen]:
    """Bids placed at ``since`` or later on jobs of a client who has been a member since
    ``member_since``, oldest first: those of the community ``scope`` and the ``bidder``'s own
    anywhere (``scope`` ``None``, a direct message: the ``bidder``'s own only). At most
    ``limit``."""
    params: dict[str, object] = {
        "since_day": member_since,
        "since": since,
        "undone": BidStatus.UNDONE.value,
        "me": bidder,
        "n": limit,
    }
    where = "bidder = :me"
    if scope is not None:
        where, params["scope"] = "(scope = :scope OR bidder = :me)", scope
    rows = await tx.fetchall(
        "SELECT id, bidder, job_key, title, created_at, status, refunded, country, "
        "client_spent_cents, rating_hundredths, hires, member_since FROM bids "
        f"WHERE member_since = :since_day AND created_at >= :since AND status <> :undone "
        f"AND {where} ORDER BY created_at, id LIMIT :n",
        params,
    )
    return [_seen(r) for r in rows]
