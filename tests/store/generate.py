"""A large, consistent ledger written straight into SQLite, for copy tests and benchmarks.

Going through the application would take minutes for 100,000 entries; bulk inserts take about a
second. The ledger keeps the invariants the real one keeps (every balance = the sum of its
entries = what its lots hold; a bid's entries, lot usage and refund agree), and its text holds
what a copy could mangle: commas, quotes, newlines, non-ASCII, empty strings and NULLs.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import defaultdict
from typing import Any

START = 1_700_000_000
JOBS = (
    "Logo design, v2",
    'Shopify "quick" fix',
    "Données — ETL\nsecond line",
    "",
    "https://www.upwork.com/jobs/~01abcdef123456?ref=x",
    "日本語のサイト",
)


async def create_schema(url: str) -> None:
    """An empty, migrated database at ``url``."""
    from core.store import open_store

    store = await open_store(url)
    await store.close()


def generate(path: str, entries: int, seed: int = 7) -> dict[str, int]:
    """Fill the migrated, empty SQLite database at ``path`` with about ``entries`` entries;
    the row count of each table written."""
    rng = random.Random(seed)
    rows: dict[str, list[Any]] = defaultdict(list)
    balance: dict[int, int] = {}
    lots: dict[int, list[list[int]]] = defaultdict(list)  # account -> [lot id, remaining]
    lot_rows: dict[int, list[Any]] = {}
    lot_index: dict[int, int] = {}  # lot -> its place in lots[account]
    first: dict[int, int] = defaultdict(int)  # account -> its oldest lot that is not empty
    usage: dict[int, list[tuple[int, int]]] = defaultdict(list)  # bid -> (lot, amount)
    now = START
    ids = {"account": 0, "lot": 0, "bid": 0, "entry": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    def entry(
        account: int,
        delta: int,
        kind: str,
        actor: str,
        rid: str,
        *,
        bid: int | None = None,
        lot: int | None = None,
        memo: str = "",
    ) -> None:
        balance[account] += delta
        rows["entries"].append(
            (
                next_id("entry"),
                account,
                delta,
                balance[account],
                kind,
                bid,
                lot,
                actor,
                rid,
                memo,
                now,
            )
        )

    def credit(
        account: int, amount: int, kind: str, cents: int, actor: str, rid: str, expires: int | None
    ) -> None:
        lot = next_id("lot")
        lot_rows[lot] = [lot, account, kind, amount, amount, cents, now, expires]
        lot_index[lot] = len(lots[account])
        lots[account].append([lot, amount])
        entry(account, amount, kind, actor, rid, lot=lot, memo=f"{amount} Connects")

    def request(rid: str, actor: str, result: dict[str, Any]) -> None:
        rows["requests"].append(
            (rid, f"{rng.getrandbits(64):016x}", actor, json.dumps(result, sort_keys=True), now)
        )

    users: list[tuple[str, int]] = []
    for i in range(max(entries // 200, 5)):
        key = f"discord:{100000 + i}" if i % 2 else f"slack:T1/U{i:05d}"
        account = next_id("account")
        balance[account] = 0
        rows["accounts"].append((account, "user", 0, now))
        rows["users"].append(
            (key, f'Member ‘{i}’, "the {i}th"', account, now, None if i % 3 else now, i % 2)
        )
        rid = f"req-welcome-{i}"
        credit(account, 60, "welcome", 0, key, rid, None)
        request(rid, key, {"welcome": True})
        users.append((key, account))
    pools: list[tuple[int, int, list[str]]] = []
    for p in range(4):
        account = next_id("account")
        balance[account] = 0
        rows["accounts"].append((account, "pool", 0, now))
        owner = users[p][0]
        rows["pools"].append(
            (
                p + 1,
                f"guild:{p}",
                f"pool-{p}",
                account,
                owner,
                20 * p,
                None if p % 2 else f"C{p}",
                now,
            )
        )
        members = [users[(p * 7 + k) % len(users)][0] for k in range(6)]
        for k, m in enumerate(dict.fromkeys([owner, *members])):
            rows["pool_members"].append((p + 1, m, 0 if k % 2 else 1_000_000, now))
        pools.append((p + 1, account, members))

    bids: list[tuple[int, int, int]] = []  # bid id, account, total
    refunded: set[int] = set()
    step = 0
    while ids["entry"] < entries:
        step += 1
        now += rng.randint(1, 90)
        rid = f"req-{step}"
        roll = rng.random()
        if roll < 0.15:  # a purchase or a pool top-up
            if rng.random() < 0.3:
                pool_id, account, _ = rng.choice(pools)
                actor, kind = users[pool_id - 1][0], "topup"
            else:
                actor, account = rng.choice(users)
                kind = "purchase"
            n = rng.choice((10, 20, 40, 80))
            credit(account, n, kind, n * 15, actor, rid, now + 365 * 86400)
            request(rid, actor, {"connects": n})
        elif roll < 0.8 or not bids:  # a bid, from a wallet or a pool
            if rng.random() < 0.4:
                pool_id, account, members = rng.choice(pools)
                bidder: str = rng.choice(members)
            else:
                pool_id = None
                bidder, account = rng.choice(users)
            connects, boost = rng.randint(1, 6), rng.choice((0, 0, 0, 1, 3))
            total = connects + boost
            if balance[account] < total:
                continue
            bid = next_id("bid")
            left, cents = total, 0
            held = lots[account]
            while left:
                lot = held[first[account]]
                take = min(left, lot[1])
                lot[1] -= take
                left -= take
                if take:
                    rows["lot_usage"].append((bid, lot[0], take))
                    usage[bid].append((lot[0], take))
                    cents += take * 15
                if lot[1] == 0:
                    first[account] += 1
            job = rng.choice(JOBS) + f" #{step}"
            rows["bids"].append(
                [
                    bid,
                    account,
                    pool_id,
                    bidder,
                    job,
                    job.lower(),
                    connects,
                    boost,
                    cents,
                    rng.choice((None, "hourly", "fixed")),
                    rng.choice((None, 2500, 100000)),
                    rng.choice((None, "", 'note, with "quotes"')),
                    "submitted",
                    0,
                    0,
                    None,
                    now,
                    now,
                    rid,
                ]
            )
            entry(account, -connects, "bid", bidder, rid, bid=bid, memo=job[:200])
            if boost:
                entry(account, -boost, "boost", bidder, rid, bid=bid, memo="boost")
            request(rid, bidder, {"bid": bid})
            bids.append((bid, account, total))
        else:  # a refund of an earlier bid
            bid, account, total = rng.choice(bids)
            if bid in refunded:
                continue
            refunded.add(bid)
            row = rows["bids"][bid - 1]
            back = total
            for lot_id, amount in usage[bid]:
                lots[account][lot_index[lot_id]][1] += amount
                first[account] = min(first[account], lot_index[lot_id])
            row[12], row[13], row[14], row[15], row[17] = (
                "refunded",
                back,
                back * 15,
                "completed",
                now,
            )
            entry(account, back, "refund", row[3], rid, bid=bid, memo="completed")
            request(rid, row[3], {"refund": bid})
    for lot_id, lot in lot_rows.items():
        lot[4] = lots[lot[1]][lot_index[lot_id]][1]
    rows["lots"] = [tuple(v) for v in lot_rows.values()]
    rows["bids"] = [tuple(b) for b in rows["bids"]]
    rows["accounts"] = [(a, kind, balance[a], t) for a, kind, _, t in rows["accounts"]]
    rows["confirmations"] = [
        (f"tok{i}", users[i][0], "guild:0", json.dumps({"job": "x"}), now) for i in range(3)
    ]
    columns = {
        "accounts": "id, kind, balance, created_at",
        "users": "key, display, account_id, created_at, last_grant_at, notices",
        "pools": "id, scope, name, account_id, owner, threshold, channel, created_at",
        "pool_members": "pool_id, member, allowance, added_at",
        "lots": "id, account_id, source, connects, remaining, cost_cents, acquired_at, expires_at",
        "bids": "id, account_id, pool_id, bidder, job, job_key, connects, boost, cost_cents, "
        "rate_type, rate_cents, note, status, refunded, refunded_cents, refund_reason, "
        "created_at, updated_at, request_id",
        "lot_usage": "bid_id, lot_id, amount",
        "entries": "id, account_id, delta, balance_after, kind, bid_id, lot_id, actor, "
        "request_id, memo, created_at",
        "requests": "id, fingerprint, actor, result, created_at",
        "confirmations": "token, actor, scope, args, created_at",
    }
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            for table, cols in columns.items():
                marks = ", ".join("?" for _ in cols.split(","))
                conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows[table])
    finally:
        conn.close()
    return {table: len(rows[table]) for table in columns}
