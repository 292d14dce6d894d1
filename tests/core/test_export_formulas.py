"""No CSV cell opens as a formula.

The attack: a pool member names a job ``=HYPERLINK("http://x.example","click")`` (or takes a
display name, a note or a job post title that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return), hoping the pool owner opens ``/export`` in a spreadsheet and clicks. What
stops it: every text cell a spreadsheet would read as a formula is written after an
apostrophe, which spreadsheets show as text; numbers, negative ones included, stay numbers.
Runs on both databases.
"""

from __future__ import annotations

import csv
import io

from core.app import App
from core.base.keys import Actor, UserRef
from core.reads.export import text_cell
from tests.conftest import actor

ANA = actor("ana")
#: A member whose display name (given by the platform) is a formula.
BEN = Actor(UserRef("console:ben", "@SUM(1+1)*cmd|' /C calc'!A0"), "console", False)
HOSTILE = [
    '=HYPERLINK("http://x.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",  # stored trimmed, as every option value is
    "＝1+1",
]


async def test_no_cell_of_an_owners_export_is_a_formula(app: App) -> None:
    assert not (await app.run_text(ANA, "/pool create name:agency", "p1")).error
    assert not (await app.run_text(ANA, "/pool topup name:agency connects:80", "p2")).error
    assert not (await app.run_text(ANA, "/pool add name:agency member:ben", "p3")).error
    for i, text in enumerate(HOSTILE):
        args = {"job": text, "connects": 1, "pool": "agency", "note": text}
        bid = await app.dispatch(BEN, "bid", args, f"b{i}")
        assert not bid.error, bid.title
    reply = await app.run_text(ANA, "/export pool:agency", "x1")
    assert reply.file is not None
    rows = list(csv.DictReader(io.StringIO(reply.file.data.decode("utf-8-sig"), newline="")))
    bids = [r for r in rows if r["kind"] == "bid"]
    assert [(r["job"], r["note"]) for r in bids] == [("'" + t.strip(),) * 2 for t in HOSTILE]
    assert {r["member"] for r in bids} == {"'" + BEN.user.display}
    assert all(r["memo"] == "" or r["memo"][:1] not in "=+-@\t\r" for r in rows)
    for r in rows:  # what a spreadsheet reads: no cell starts a formula
        for column, cell in r.items():
            if column in ("delta", "value_cents", "value_dollars") and cell:
                continue
            assert cell.lstrip(" \u3000")[:1] not in ("=", "+", "-", "@", "＝"), (column, cell)
            assert cell[:1] not in ("\t", "\r", "\n"), (column, cell)
    # negative amounts stay numbers, read as such
    assert [int(r["delta"]) for r in bids] == [-1] * len(HOSTILE)
    assert all(float(r["value_dollars"]) < 0 for r in bids)


def test_the_rule_keeps_the_text() -> None:
    """Text that is no formula is written as it is; a formula is the same text after an
    apostrophe; unknown is empty."""
    assert text_cell("Logo for a bakery") == "Logo for a bakery"
    assert text_cell("a = b") == "a = b"
    assert text_cell("=1") == "'=1"
    assert text_cell("\rx") == "'\rx"
    assert text_cell("\tx") == "'\tx"
    assert text_cell("  =1") == "'  =1"
    assert text_cell(None) == ""
