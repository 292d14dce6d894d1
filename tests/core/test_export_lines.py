"""An export line is computed from one record, without a database: the dollar value of each
entry, the factor cells, and the columns in the order docs/csv.md lists them."""

from __future__ import annotations

import re
from pathlib import Path

from core.reads.export import ENTRY_COLUMNS, entry_cents, export_line
from core.store.tables.export import ExportRow

ROOT = Path(__file__).resolve().parents[2]


def entry(**given: object) -> ExportRow:
    """An export record: an entry of a user's wallet with nothing attached, and ``given``."""
    fields = dict.fromkeys(ExportRow._fields)
    fields |= {"entry": 7, "created_at": 0, "account_id": 1, "account_kind": "user"}
    fields |= {"owner": "console:ana", "kind": "adjustment", "delta": 0, "balance_after": 0}
    fields |= {"actor": "console:ana", "request_id": "r1"}
    return ExportRow(**(fields | given))  # type: ignore[arg-type]


def cells(row: ExportRow) -> dict[str, object]:
    return dict(zip(ENTRY_COLUMNS, export_line(row), strict=True))


def test_a_bids_cost_is_split_between_its_bid_and_boost_entries() -> None:
    """A bid of 10 Connects with a boost of 3 that cost 195 cents: the bid entry is worth
    150 cents, the boost entry the other 45, both negative; its refund what came back."""
    bid = {"bid_id": 4, "bid_connects": 10, "boost": 3, "bid_cents": 195, "refunded_cents": 60}
    assert entry_cents(entry(kind="bid", delta=-10, **bid)) == -150
    assert entry_cents(entry(kind="boost", delta=-3, **bid)) == -45
    assert entry_cents(entry(kind="refund", delta=4, **bid)) == 60


def test_a_credit_is_worth_its_lot_and_an_expiry_its_share() -> None:
    lot = {"lot_id": 2, "lot_connects": 80, "lot_cents": 1200}
    assert entry_cents(entry(kind="purchase", delta=80, **lot)) == 1200
    assert entry_cents(entry(kind="expiry", delta=-20, **lot)) == -300
    assert entry_cents(entry(kind="adjustment", delta=-5)) is None


def test_factor_cells_are_words_and_dollars() -> None:
    row = cells(
        entry(
            bid_id=4,
            bid_connects=10,
            boost=0,
            bid_cents=150,
            refunded_cents=0,
            connects_stated=False,
            funded=True,
            verified=False,
            price_cents=250050,
            rating_hundredths=498,
            rate_cents=None,
            job="=cmd",
        )
    )
    assert row["connects_source"] == "estimated"
    assert (row["funded"], row["verified"]) == ("true", "false")
    assert (row["price_dollars"], row["client_rating"], row["rate_dollars"]) == (
        "2500.50",
        "4.98",
        "",
    )
    assert row["job"] == "'=cmd"
    assert (row["value_cents"], row["value_dollars"], row["bid_connects"]) == (-150, "-1.50", 10)


def test_the_csv_contract_lists_the_columns_in_order() -> None:
    """docs/csv.md's table names every column the export writes, in the export's order."""
    text = (ROOT / "docs" / "csv.md").read_text(encoding="utf-8")
    table = [line for line in text.splitlines() if line.startswith("| `")]
    listed = [name for line in table for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])]
    assert listed == list(ENTRY_COLUMNS)
