"""What the outcome-ask job costs each notice pass (every ``[notices] interval_seconds``) on a
large ledger: USERS members with BIDS bids each, all without news for a month; half of them
already asked twice (never asked again), the rest never asked.

Each row: one pass of the job with every bid still to ask (the first pass: one message per
member, three bids each), then a pass when every member was asked today (it finds the members
and stops at each one's message of the day), on SQLite.

    .venv/bin/python bench/outcome_asks.py [--users 200] [--bids 250]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.base.config import parse
from core.notices import JobReport, Jobs
from core.services import Services
from core.store import Store, open_store
from core.store.base import Tx

NOW = 1_790_000_000
DAY = 86_400


async def fill(store: Store, users: int, bids: int) -> None:
    async def run(tx: Tx) -> None:
        for u in range(users):
            key = f"console:m{u}"
            account = await tx.fetchone(
                "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 0, 0) "
                "RETURNING id"
            )
            assert account is not None
            await tx.execute(
                "INSERT INTO users (key, display, account_id, created_at) VALUES (:k, :k, :a, 0)",
                {"k": key, "a": account["id"]},
            )
            for b in range(bids):
                row = await tx.fetchone(
                    "INSERT INTO bids (account_id, bidder, job, job_key, connects, status, "
                    "created_at, updated_at, request_id, scope) VALUES (:a, :k, 'job', 'job', 4, "
                    "'ghosted', :t, :t, :r, 'console') RETURNING id",
                    {"a": account["id"], "k": key, "t": NOW - 30 * DAY, "r": f"b{u}:{b}"},
                )
                assert row is not None
                if b % 2:
                    continue
                for n in range(2):
                    await tx.execute(
                        "INSERT INTO outcome_asks (token, bid_id, bidder, message, status, "
                        "asked_at) VALUES (:t, :b, :k, 'm', 'ghosted', :at)",
                        {"t": f"{u}-{b}-{n}", "b": row["id"], "k": key, "at": NOW - 60 * DAY},
                    )

    await store.write(run)


async def main(users: int, bids: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/asks.db"
        store = await open_store(url, synchronous="NORMAL")
        try:
            await fill(store, users, bids)
            jobs = Jobs(Services(store, parse({"storage": {"url": url}}, env={})))
            for label in ("first pass (asks everyone)", "later pass (asked today)"):
                report = JobReport()
                started = time.perf_counter()
                await jobs.ask_outcomes(NOW, report)
                seconds = time.perf_counter() - started
                print(
                    f"{users} members x {bids} bids, {label}: {report.asks} messages, "
                    f"{seconds * 1000:.0f} ms"
                )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--bids", type=int, default=250)
    args = parser.parse_args()
    asyncio.run(main(args.users, args.bids))
