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
from collections.abc import Callable, Iterable, Sequence

from core.base.vocabulary import EntryKind
from core.quotes.pricing import share_cents
from core.reads.insight import iso
from core.store.base import Tx
from core.store.tables.export import EXPORT_PAGE, ExportRow, export_pages

# The export's columns, in order (docs/csv.md). New columns go next to the ones they
# explain; existing ones are never renamed or removed.
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


#: Rows formatted between two yields to the event loop: a slice takes about a millisecond, so
#: other requests (a ``/balance`` between its round trips) wait for no more than that.
EXPORT_SLICE = 50


def entry_cents(r: ExportRow) -> int | None:
    """The dollar value in cents of the Connects an export row's entry moved, signed like its
    delta; ``None`` when unknown (a correction that took Connects).

    A credit is worth what its lot cost (grants cost nothing); an expiry, its share of the
    lot's cost; a bid's cost is split between its bid and boost entries by Connects; a refund
    or undo is worth what it gave back.
    """
    if r.bid_id is not None:
        if r.delta > 0:
            return r.refunded_cents
        cost, connects, boost = r.bid_cents or 0, r.bid_connects or 0, r.boost or 0
        bid_part = share_cents(connects, connects + boost, cost)
        return -(cost - bid_part if r.kind == EntryKind.BOOST else bid_part)
    if r.lot_id is not None:
        if r.delta > 0:
            return r.lot_cents
        return -share_cents(-r.delta, r.lot_connects or 0, r.lot_cents or 0)
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


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _factor_cells(r: ExportRow) -> dict[str, object]:
    """The bid factor cells computed from the row: amounts in dollars, the rating in stars,
    booleans as true/false, where the cost came from; empty without a bid or when unknown."""
    stated = r.connects_stated
    return {
        "connects_source": "" if stated is None else ("stated" if stated else "estimated"),
        "price_dollars": plain_dollars(r.price_cents),
        "client_spent_dollars": plain_dollars(r.client_spent_cents),
        "funded": _flag(r.funded),
        "verified": _flag(r.verified),
        "client_rating": plain_dollars(r.rating_hundredths),
    }


def export_line(r: ExportRow) -> list[object]:
    """One export row's cells, in ``ENTRY_COLUMNS`` order."""
    value = entry_cents(r)
    cells: dict[str, object] = {
        "entry": r.entry,
        "time": iso(r.created_at),
        "account": r.account_id,
        "account_kind": r.account_kind,
        "owner": text_cell(r.owner),
        "kind": r.kind,
        "delta": r.delta,
        "balance_after": r.balance_after,
        "value_cents": _cell(value),
        "value_dollars": plain_dollars(value),
        "actor": text_cell(r.actor),
        "member": _cell(r.member),
        "request": text_cell(r.request_id),
        "memo": text_cell(r.memo),
        "bid": _cell(r.bid_id),
        "job": _cell(r.job),
        "bid_connects": _cell(r.bid_connects),
        "boost": _cell(r.boost),
        "bid_status": _cell(r.bid_status),
        "rate_type": _cell(r.rate_type),
        "rate_cents": _cell(r.rate_cents),
        "rate_dollars": plain_dollars(r.rate_cents),
        "note": _cell(r.note),
        "refunded": _cell(r.refunded),
        "refund_reason": _cell(r.refund_reason),
        "budget_type": _cell(r.budget_type),
        "price_cents": _cell(r.price_cents),
        "size": _cell(r.size),
        "experience": _cell(r.experience),
        "length": _cell(r.length),
        "hours": _cell(r.hours),
        "client_spent_cents": _cell(r.client_spent_cents),
        "hire_rate": _cell(r.hire_rate),
        "reviews": _cell(r.reviews),
        "hires": _cell(r.hires),
        "proposals_min": _cell(r.proposals_min),
        "proposals_max": _cell(r.proposals_max),
        "interviewing": _cell(r.interviewing),
        "invites": _cell(r.invites),
        "country": _cell(r.country),
        "member_since": _cell(r.member_since),
    }
    cells.update(_factor_cells(r))
    return [cells[c] for c in ENTRY_COLUMNS]


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

    def rows(self, rows: Iterable[ExportRow]) -> bytes:
        self._writer.writerows(export_line(r) for r in rows)
        return self._take()

    def _take(self) -> bytes:
        data = self._text.getvalue().encode("utf-8")
        self._text.seek(0)
        self._text.truncate()
        return data


def to_csv(rows: Iterable[ExportRow]) -> bytes:
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
