"""CSV exports: a ledger's entries with their bids, owners and members, for spreadsheets.

Deterministic: rows in id order, times as ISO 8601 UTC, integers as written, dollars computed
from integer cents, so the same ledger always gives the same bytes on every backend.

No text cell is a formula: a text a spreadsheet would read as one (it starts with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or a line feed, or their full-width forms, after any
spaces: OWASP's CSV injection rule) is written after an apostrophe, which spreadsheets show
as text and hide; job titles, notes, names and memos are users' and job posts' words, and a
pool member's land in the owner's export. Numbers (Connects, cents, the computed dollars)
are written as numbers, negative ones included. Read in
keyset pages and written as they come, so memory stays bounded and other reads go on.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from core.base.vocabulary import EntryKind
from core.quotes.pricing import share_cents
from core.reads.insight import iso
from core.store.base import Row, Tx

ENTRY_COLUMNS = (
    "entry",
    "time",
    "account",
    "account_kind",
    "owner",
    "kind",
    "delta",
    "balance_after",
    "value_cents",
    "value_dollars",
    "actor",
    "member",
    "request",
    "memo",
    "bid",
    "job",
    "bid_connects",
    "boost",
    "bid_status",
    "rate_type",
    "rate_cents",
    "rate_dollars",
    "note",
    "refunded",
    "refund_reason",
    *(
        "connects_source",  # stated (typed, or read from a job post) or estimated by the model
        "budget_type",
        "price_cents",
        "price_dollars",
        "size",
        "experience",
        "length",
        "hours",
        "funded",
        "verified",
        "client_spent_cents",
        "client_spent_dollars",
        "hire_rate",
        "client_rating",
        "reviews",
        "hires",
        "proposals_min",
        "proposals_max",
        "interviewing",
        "invites",
        "country",
        "member_since",
    ),
)
CSV_BOM = "\ufeff"  # UTF-8 byte order mark: Excel then reads the file as UTF-8


EXPORT_PAGE = 1000
#: Rows formatted between two yields to the event loop: a slice takes about a millisecond, so
#: other requests (a ``/balance`` between its round trips) wait for no more than that.
EXPORT_SLICE = 50

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


async def _pages(tx: Tx, account_id: int | None, page: int) -> AsyncIterator[Sequence[Row]]:
    """The export rows of one account (of all when ``None``) in id order, ``page`` entries at a
    time, each page starting after the last entry of the one before (keyset paging). An
    account's entries each have one owner row (one user or pool per account), so a page holds
    whole entries."""
    params: dict[str, int] = {"n": page}
    if account_id is not None:
        params["a"] = account_id
    sql = export_page_sql(account_id is not None, first=True)
    while True:
        rows = await tx.fetchall(sql, params)
        if rows:
            yield rows
        if len(rows) < page:
            return
        params["after"] = int(rows[-1]["entry"])
        sql = export_page_sql(account_id is not None, first=False)


async def export_pages(
    tx: Tx, account_ids: Sequence[int] | None, page: int = EXPORT_PAGE
) -> AsyncIterator[Sequence[Row]]:
    """Ledger entries joined with their bids, lots, owners and acting users, in id order (all
    when ``account_ids`` is ``None``), ``page`` entries at a time, so a big export never holds
    all its rows. Several accounts are read page by page each and merged in id order."""
    if account_ids is None or len(set(account_ids)) == 1:
        one = None if account_ids is None else next(iter(account_ids))
        async for rows in _pages(tx, one, page):
            yield rows
        return
    streams = [_pages(tx, account, page) for account in sorted(set(account_ids))]
    heads: list[deque[Row]] = [deque() for _ in streams]
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
        bound = min((int(heads[i][-1]["entry"]) for i in live), default=None)
        out: list[Row] = []
        for head in heads:
            while head and (bound is None or int(head[0]["entry"]) <= bound):
                out.append(head.popleft())
        out.sort(key=lambda r: int(r["entry"]))
        yield out


async def export_rows(tx: Tx, account_ids: Sequence[int] | None) -> Sequence[Row]:
    """Every export row of ``account_ids`` (all when ``None``) at once, in id order; exports
    themselves stream pages (:func:`export_pages`, :func:`write_export`)."""
    rows: list[Row] = []
    async for page in export_pages(tx, account_ids):
        rows.extend(page)
    return rows


def entry_cents(r: Row) -> int | None:
    """The dollar value in cents of the Connects an export row's entry moved, signed like its
    delta; ``None`` when unknown (a correction that took Connects).

    A credit is worth what its lot cost (grants cost nothing); an expiry, its share of the
    lot's cost; a bid's cost is split between its bid and boost entries by Connects; a refund
    or undo is worth what it gave back.
    """
    delta = int(r["delta"])
    if r["bid_id"] is not None:
        if delta > 0:
            return int(r["refunded_cents"])
        cost, connects = int(r["bid_cents"]), int(r["bid_connects"])
        bid_part = share_cents(connects, connects + int(r["boost"]), cost)
        return -(cost - bid_part if r["kind"] == EntryKind.BOOST else bid_part)
    if r["lot_id"] is not None:
        if delta > 0:
            return int(r["lot_cents"])
        return -share_cents(-delta, int(r["lot_connects"]), int(r["lot_cents"]))
    return None


def plain_dollars(cents: int | None) -> str:
    """Integer cents as a spreadsheet number, ``1234.50`` (no sign of currency, no thousands
    separator); empty when unknown."""
    if cents is None:
        return ""
    whole, frac = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{frac:02d}"


#: What makes a spreadsheet read a text cell as a formula (or a DDE call): its first character
#: after any spaces, or a leading tab, carriage return or line feed.
_FORMULA = re.compile("^(?:[ \u3000]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n])")


def text_cell(value: object) -> str:
    """A text cell that no spreadsheet reads as a formula: the text itself, after an
    apostrophe when it would be one (``'=HYPERLINK(…)``); empty when unknown."""
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA.match(text) else text


def _cell(value: object) -> object:
    """A cell of the row as it is: a number as a number, text as :func:`text_cell`."""
    if value is None:
        return ""
    return value if isinstance(value, int) else text_cell(value)


def _flag(value: object) -> str:
    return "" if value is None else ("true" if int(str(value)) else "false")


def _factor_cells(r: Row) -> dict[str, object]:
    """The bid factor cells computed from the row: amounts in dollars, the rating in stars,
    booleans as true/false, where the cost came from; empty without a bid or when unknown."""
    stated = r["connects_stated"]
    rating = r["rating_hundredths"]
    price, spent = r["price_cents"], r["client_spent_cents"]
    return {
        "connects_source": "" if stated is None else ("stated" if int(stated) else "estimated"),
        "price_dollars": plain_dollars(None if price is None else int(price)),
        "client_spent_dollars": plain_dollars(None if spent is None else int(spent)),
        "funded": _flag(r["funded"]),
        "verified": _flag(r["verified"]),
        "client_rating": plain_dollars(None if rating is None else int(rating)),
    }


def export_line(r: Row) -> list[object]:
    """One export row's cells, in ``ENTRY_COLUMNS`` order."""
    value, rate = entry_cents(r), r["rate_cents"]
    cells: dict[str, object] = {
        "entry": r["entry"],
        "time": iso(r["created_at"]),
        "account": r["account_id"],
        "account_kind": r["account_kind"],
        "owner": text_cell(r["owner"]),
        "kind": r["kind"],
        "delta": r["delta"],
        "balance_after": r["balance_after"],
        "value_cents": _cell(value),
        "value_dollars": plain_dollars(value),
        "actor": text_cell(r["actor"]),
        "member": _cell(r["member"]),
        "request": text_cell(r["request_id"]),
        "memo": text_cell(r["memo"]),
        "bid": _cell(r["bid_id"]),
        "rate_dollars": plain_dollars(None if rate is None else int(rate)),
    }
    cells.update(_factor_cells(r))
    # every other column is the row's value of the same name, as it is (unknown: empty)
    return [cells[c] if c in cells else _cell(r[c]) for c in ENTRY_COLUMNS]


class _CsvChunks:
    """Export lines as CSV bytes, a chunk at a time: UTF-8, ``\\n`` line ends. Chunks joined
    in order are the bytes of the whole file written at once."""

    def __init__(self) -> None:
        self._text = io.StringIO()
        self._writer = csv.writer(self._text, lineterminator="\n")

    def head(self) -> bytes:
        """The byte order mark (so Excel reads accents and symbols right) and the header."""
        self._text.write(CSV_BOM)
        self._writer.writerow(ENTRY_COLUMNS)
        return self._take()

    def rows(self, rows: Iterable[Row]) -> bytes:
        self._writer.writerows(export_line(r) for r in rows)
        return self._take()

    def _take(self) -> bytes:
        data = self._text.getvalue().encode("utf-8")
        self._text.seek(0)
        self._text.truncate()
        return data


def to_csv(rows: Iterable[Row]) -> bytes:
    """The export rows as CSV bytes: UTF-8 with a byte order mark (so Excel reads accents and
    symbols right), ``\\n`` line ends."""
    chunks = _CsvChunks()
    return chunks.head() + chunks.rows(rows)


async def write_export(
    tx: Tx,
    account_ids: Sequence[int] | None,
    write: Callable[[bytes], object],
    page: int = EXPORT_PAGE,
) -> int:
    """Write the export of ``account_ids`` (all when ``None``) to ``write`` as CSV, the head
    first and then one chunk per page of entries, so only the output grows; the row count.
    The chunks together are exactly :func:`to_csv` of :func:`export_rows`. Other tasks run
    between pages and between slices of ``EXPORT_SLICE`` rows."""
    chunks = _CsvChunks()
    write(chunks.head())
    count = 0
    async for rows in export_pages(tx, account_ids, page):
        for start in range(0, len(rows), EXPORT_SLICE):
            write(chunks.rows(rows[start : start + EXPORT_SLICE]))
            await asyncio.sleep(0)
        count += len(rows)
    return count


async def export_csv(tx: Tx, account_ids: Sequence[int] | None) -> tuple[bytes, int]:
    """The export of ``account_ids`` (all when ``None``) as CSV bytes, and its row count."""
    out = io.BytesIO()
    count = await write_export(tx, account_ids, out.write)
    return out.getvalue(), count
