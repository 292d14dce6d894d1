"""``connects-bot exec`` with a job post whose values no store column should take: on both
databases the value is not read, the reply says so, and the bid stores the rest (no
traceback, no value the other backend would refuse)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.bot.test_learned_processes import _exec

pytestmark = pytest.mark.slow

POST = """Data pipeline for daily sales reports
Posted 3 hours ago
Fixed price: $30,000,000
Expert
Required Connects to submit a proposal: 16
Invites sent: 3,000,000,000
Payment method verified
$900M total spent
https://www.upwork.com/jobs/~01abcdef1234567890
"""


async def test_values_out_of_range_are_not_read_on_either_database(
    tmp_path: Path, db_url: str
) -> None:
    quoted = _exec(tmp_path, db_url, f"/quote post:{POST}")
    assert "The post's budget (fixed $30,000,000) is outside what a job post states" in quoted
    assert "invites sent (3,000,000,000)" in quoted and "client spend ($900,000,000)" in quoted
    assert quoted.startswith("16 Connects, stated by the post")
    placed = _exec(tmp_path, db_url, f"/bid post:{POST}")
    assert "Bid #1 placed" in placed
    assert "16 Connects from your wallet" in placed
    _exec(tmp_path, db_url, "/export")
    rows = csv.DictReader(io.StringIO((tmp_path / "wallet.csv").read_text(encoding="utf-8-sig")))
    [bid] = [row for row in rows if row["bid"]]
    assert (bid["bid_connects"], bid["invites"], bid["client_spent_cents"]) == ("16", "", "")
    assert (bid["price_cents"], bid["experience"], bid["verified"]) == ("", "expert", "true")
