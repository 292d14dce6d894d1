"""What spending caps cost a bid, on SQLite (``synchronous=NORMAL``).

Bids per second through the service (``App.dispatch(actor, "bid", ...)``, one after another)
on a wallet (a) without caps (one primary-key read finds none), (b) with daily, weekly and
boost caps set, counted from the week's earlier bids: after 20, 100, 500 and 2,000 bids placed
this week (the cap check sums the week's spending entries under the account's lock, so its
cost grows with them; the N timed bids add to them too). Best of 3 runs of N bids each,
alternated so the machine's load falls on every case alike.

    .venv/bin/python bench/caps.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

START = 1_790_000_000  # a Monday, 14:13 UTC: the whole run stays in one day and one week


async def bids_per_second(path: Path, caps: bool, earlier: int, n: int) -> float:
    from bot.bootstrap import create_app
    from core.base.config import parse
    from core.base.keys import Actor, UserRef

    clock = [START]
    config = parse(
        {
            "storage": {"url": f"sqlite:///{path}", "synchronous": "NORMAL"},
            "wallet": {"welcome_grant": 1_000_000},
        },
        env={},
    )
    app = await create_app(config, lambda: clock[0])
    ana = Actor(UserRef("console:ana", "ana"), "console")
    try:
        if caps:
            big = str(10_000)
            await app.dispatch(ana, "limits", {"daily": big, "weekly": big, "boost": big}, "c")
        for i in range(earlier + 20):  # the week's earlier bids, then a warm-up
            await app.dispatch(ana, "bid", {"job": "earlier", "connects": 1}, f"e{i}")
        start = time.perf_counter()
        for i in range(n):
            reply = await app.dispatch(
                ana, "bid", {"job": f"Job {i}", "connects": 1, "boost": 0}, f"b{i}"
            )
            if reply.error:
                raise RuntimeError(str(reply.title))
        return n / (time.perf_counter() - start)
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer bids (a smoke run)")
    args = parser.parse_args()
    n = 50 if args.quick else 200
    cases: list[tuple[str, bool, int]] = [
        ("no caps, 20 earlier bids this week", False, 0),
        ("caps, 20 earlier bids this week", True, 0),
        ("caps, 100 earlier bids this week", True, 80),
        ("caps, 500 earlier bids this week", True, 480),
        ("no caps, 2,000 earlier bids this week", False, 1_980),
        ("caps, 2,000 earlier bids this week", True, 1_980),
    ]
    best: dict[str, float] = {}
    for _ in range(3):
        for name, caps, earlier in cases:
            with tempfile.TemporaryDirectory() as tmp:
                rate = asyncio.run(bids_per_second(Path(tmp) / "c.db", caps, earlier, n))
            best[name] = max(best.get(name, 0.0), rate)
    print(f"bids/s through the service, SQLite NORMAL, best of 3 x {n:,}:")
    for name, _, _ in cases:
        ms = 1000 / best[name]
        print(f"  {name:<40} {best[name]:>7,.0f}  {ms:5.2f} ms a bid")


if __name__ == "__main__":
    main()
