"""The export's read: ledger entries joined with their account's owner, their acting user, and
the bid or lot each belongs to, in id order, a page at a time.

Pages are keyset pages (entries after the last one read), each an index range with index
lookups for every join (migration 0005), so a page costs the same anywhere in a big ledger and
an export's memory does not grow with it. :mod:`core.reads.export` writes the CSV.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from core.store.base import Row, Tx

#: Entries read per page of an export: the rows of one page take little memory.
EXPORT_PAGE = 1000


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One ledger entry with everything its export line shows, as stored: ``kind`` and
    ``bid_status`` are the stored words (the export writes them as they are); the bid's and
    the lot's columns are ``None`` for an entry of neither."""

    entry: int
    created_at: int
    account_id: int
    account_kind: str
    owner: str | None  # a user key, or scope/name of a pool
    kind: str
    delta: int
    balance_after: int
    actor: str
    member: str | None  # the acting user's display name (none for "system")
    request_id: str
    memo: str | None
    bid_id: int | None
    lot_id: int | None
    job: str | None
    bid_connects: int | None
    boost: int | None
    bid_status: str | None
    rate_type: str | None
    rate_cents: int | None
    note: str | None
    refunded: int | None
    refund_reason: str | None
    bid_cents: int | None
    refunded_cents: int | None
    lot_connects: int | None
    lot_cents: int | None
    connects_stated: bool | None
    budget_type: str | None
    price_cents: int | None
    size: str | None
    experience: str | None
    length: str | None
    hours: str | None
    funded: bool | None
    verified: bool | None
    client_spent_cents: int | None
    hire_rate: int | None
    rating_hundredths: int | None
    reviews: int | None
    hires: int | None
    proposals_min: int | None
    proposals_max: int | None
    interviewing: int | None
    invites: int | None
    country: str | None
    member_since: str | None


def _int(value: int | None) -> int | None:
    return None if value is None else int(value)


def _text(value: str | None) -> str | None:
    return None if value is None else str(value)


def _flag(value: int | None) -> bool | None:
    return None if value is None else bool(int(value))


def export_row(r: Row) -> ExportRow:
    """The record of one row of :func:`export_page_sql` (or of a query selecting the same
    columns)."""
    return ExportRow(
        entry=int(r["entry"]),
        created_at=int(r["created_at"]),
        account_id=int(r["account_id"]),
        account_kind=str(r["account_kind"]),
        owner=_text(r["owner"]),
        kind=str(r["kind"]),
        delta=int(r["delta"]),
        balance_after=int(r["balance_after"]),
        actor=str(r["actor"]),
        member=_text(r["member"]),
        request_id=str(r["request_id"]),
        memo=_text(r["memo"]),
        bid_id=_int(r["bid_id"]),
        lot_id=_int(r["lot_id"]),
        job=_text(r["job"]),
        bid_connects=_int(r["bid_connects"]),
        boost=_int(r["boost"]),
        bid_status=_text(r["bid_status"]),
        rate_type=_text(r["rate_type"]),
        rate_cents=_int(r["rate_cents"]),
        note=_text(r["note"]),
        refunded=_int(r["refunded"]),
        refund_reason=_text(r["refund_reason"]),
        bid_cents=_int(r["bid_cents"]),
        refunded_cents=_int(r["refunded_cents"]),
        lot_connects=_int(r["lot_connects"]),
        lot_cents=_int(r["lot_cents"]),
        connects_stated=_flag(r["connects_stated"]),
        budget_type=_text(r["budget_type"]),
        price_cents=_int(r["price_cents"]),
        size=_text(r["size"]),
        experience=_text(r["experience"]),
        length=_text(r["length"]),
        hours=_text(r["hours"]),
        funded=_flag(r["funded"]),
        verified=_flag(r["verified"]),
        client_spent_cents=_int(r["client_spent_cents"]),
        hire_rate=_int(r["hire_rate"]),
        rating_hundredths=_int(r["rating_hundredths"]),
        reviews=_int(r["reviews"]),
        hires=_int(r["hires"]),
        proposals_min=_int(r["proposals_min"]),
        proposals_max=_int(r["proposals_max"]),
        interviewing=_int(r["interviewing"]),
        invites=_int(r["invites"]),
        country=_text(r["country"]),
        member_since=_text(r["member_since"]),
    )


_EXPORT_SELECT = (
    "SELECT e.id AS entry, e.created_at, e.account_id, a.kind AS account_kind, "
    "COALESCE(u.key, p.scope || '/' || p.name) AS owner, e.kind, e.delta, e.balance_after, "
    "e.actor, m.display AS member, e.request_id, e.memo, e.bid_id, e.lot_id, b.job, "
    "b.connects AS bid_connects, b.boost, b.status AS bid_status, b.rate_type, "
    "b.rate_cents, b.note, b.refunded, b.refund_reason, b.cost_cents AS bid_cents, "
    "b.refunded_cents, l.connects AS lot_connects, l.cost_cents AS lot_cents, "
    "b.connects_stated, b.budget_type, b.price_cents, b.size, b.experience, b.length, b.hours, "
    "b.funded, b.verified, b.client_spent_cents, b.hire_rate, b.rating_hundredths, b.reviews, "
    "b.hires, b.proposals_min, b.proposals_max, b.interviewing, b.invites, b.country, "
    "b.member_since "
    "FROM entries e JOIN accounts a ON a.id = e.account_id "
    "LEFT JOIN users u ON u.account_id = e.account_id "
    "LEFT JOIN pools p ON p.account_id = e.account_id "
    "LEFT JOIN users m ON m.key = e.actor "
    "LEFT JOIN lots l ON l.id = e.lot_id "
    "LEFT JOIN bids b ON b.id = e.bid_id "
)


def export_page_sql(account: bool, first: bool) -> str:
    """The query of one export page: entries after ``:after`` (none on the ``first`` page) in id
    order, at most ``:n``, of the account ``:a`` when ``account``, else of every account.
    Each page is an index range (``entries_account`` or the primary key) and every join an
    index lookup (migration 0005), so a page costs the same anywhere in a big ledger."""
    conditions = (["e.account_id = :a"] if account else []) + ([] if first else ["e.id > :after"])
    where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    return f"{_EXPORT_SELECT}{where}ORDER BY e.id LIMIT :n"


async def _pages(tx: Tx, account_id: int | None, page: int) -> AsyncIterator[Sequence[ExportRow]]:
    """The export rows of one account (of all when ``None``) in id order, ``page`` entries at a
    time, each page starting after the last entry of the one before (keyset paging). An
    account's entries each have one owner row (one user or pool per account), so a page holds
    whole entries."""
    params: dict[str, int] = {"n": page}
    if account_id is not None:
        params["a"] = account_id
    sql = export_page_sql(account_id is not None, first=True)
    while True:
        rows = [export_row(r) for r in await tx.fetchall(sql, params)]
        if rows:
            yield rows
        if len(rows) < page:
            return
        params["after"] = rows[-1].entry
        sql = export_page_sql(account_id is not None, first=False)


async def export_pages(
    tx: Tx, account_ids: Sequence[int] | None, page: int = EXPORT_PAGE
) -> AsyncIterator[Sequence[ExportRow]]:
    """Ledger entries joined with their bids, lots, owners and acting users, in id order (all
    when ``account_ids`` is ``None``), ``page`` entries at a time, so a big export never holds
    all its rows. Several accounts are read page by page each and merged in id order."""
    if account_ids is None or len(set(account_ids)) == 1:
        one = None if account_ids is None else next(iter(account_ids))
        async for rows in _pages(tx, one, page):
            yield rows
        return
    streams = [_pages(tx, account, page) for account in sorted(set(account_ids))]
    heads: list[deque[ExportRow]] = [deque() for _ in streams]
    live = set(range(len(streams)))  # streams that may hold more rows
    while True:
        for i in sorted(live):
            if not heads[i]:
                try:
                    heads[i].extend(await anext(streams[i]))
                except StopAsyncIteration:
                    live.discard(i)
        if not any(heads):
            return
        # a live stream's next rows come after its buffered ones: rows up to the smallest last
        # buffered id of the live streams are all here
        bound = min((heads[i][-1].entry for i in live), default=None)
        out: list[ExportRow] = []
        for head in heads:
            while head and (bound is None or head[0].entry <= bound):
                out.append(head.popleft())
        out.sort(key=lambda r: r.entry)
        yield out


async def export_rows(tx: Tx, account_ids: Sequence[int] | None) -> Sequence[ExportRow]:
    """Every export row of ``account_ids`` (all when ``None``) at once, in id order; exports
    themselves stream pages (:func:`export_pages`, :func:`core.reads.export.write_export`)."""
    rows: list[ExportRow] = []
    async for page in export_pages(tx, account_ids):
        rows.extend(page)
    return rows
