"""The export's read: ledger entries joined with their account's owner, their acting user, and
the bid or lot each belongs to, in id order, a page at a time.

Pages are keyset pages (entries after the last one read), each an index range with index
lookups for every join (migration 0005), so a page costs the same anywhere in a big ledger and
an export's memory does not grow with it. :mod:`core.reads.export` writes the CSV.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Sequence
from typing import NamedTuple, cast

from core.store.base import Row, Tx

#: Entries read per page of an export: the rows of one page take little memory.
EXPORT_PAGE = 1000


class ExportRow(NamedTuple):
    """One ledger entry with everything its export line shows, as stored: ``kind`` and
    ``bid_status`` are the stored words (the export writes them as they are); the bid's and
    the lot's columns are ``None`` for an entry of neither.

    A typed named tuple rather than a frozen dataclass: an export builds one per entry (about
    100,000 for a big pool), and a tuple is made in one step where a frozen dataclass's
    ``__init__`` sets its 47 fields one call at a time. The fields are the page query's
    columns in order (:func:`export_row` checks the names)."""

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


#: the positions of the 0/1 columns read as booleans
_FLAGS = tuple(ExportRow._fields.index(name) for name in ("connects_stated", "funded", "verified"))


def export_row(r: Row) -> ExportRow:
    """The record of one row of :func:`export_page_sql` (or of a query selecting the same
    columns, in the same order: checked by name). The drivers already give ints and text;
    the 0/1 flags become booleans."""
    if tuple(r.keys()) != ExportRow._fields:
        raise AssertionError(f"export columns {tuple(r.keys())} are not ExportRow's fields")
    return _record(r)


def _record(r: Row) -> ExportRow:
    values = list(cast(Sequence[object], r))  # both drivers' rows iterate their values
    for i in _FLAGS:
        if values[i] is not None:
            values[i] = bool(values[i])
    return ExportRow._make(values)


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
        fetched = await tx.fetchall(sql, params)
        if fetched:
            export_row(fetched[0])  # the columns are the record's fields, once a page
        rows = [_record(r) for r in fetched]
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
