"""What the community's "What wins" costs /stats: reading a community's outcomes from the daily
snapshot and banding them by factor (boost among them), on SQLite, by snapshot size.

Each row: the snapshot rows of the community, the bands shown, and the median wall time of
the read and the banding over ``--runs`` runs (the rest of /stats is not counted).

    .venv/bin/python bench/stats_bands.py [--sizes 10000,50000,100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("CONNECTS_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from core.quotes.winrates import by_band, snapshot_rows  # noqa: E402
from core.store import Store, open_store  # noqa: E402
from core.store.base import Tx  # noqa: E402

SCOPE = "discord:1"


async def _fill(store: Store, size: int, seed: int = 7) -> None:
    """``size`` snapshot rows of the community, 40 members, facts drawn at random."""
    rng = random.Random(seed)
    rows = [
        {
            "b": f"discord:{rng.randrange(40)}",
            "h": int(rng.random() < 0.12),
            "t": rng.choice(("hourly", "fixed")),
            "p": rng.choice((1_500, 3_000, 6_000, 20_000, 80_000, 300_000, 900_000)),
            "v": rng.choice((0, 1, None)),
            "n": rng.choice((0, 5, 10, 15, 20, 50, None)),
            "s": rng.choice((0, 50_000, 500_000, 5_000_000, 50_000_000, None)),
            "e": rng.choice(("entry", "intermediate", "expert", None)),
            "x": rng.choice((0, 0, 0, 4, 8, 15, 25, 40)),
        }
        for _ in range(size)
    ]

    async def write(tx: Tx) -> None:
        for row in rows:
            await tx.execute(
                "INSERT INTO outcome_snapshot (scope, pool_id, bidder, hired, created_at, "
                "budget_type, price_cents, verified, proposals_min, client_spent_cents, "
                "experience, boost) VALUES (:scope, NULL, :b, :h, 1, :t, :p, :v, :n, :s, :e, :x)",
                {"scope": SCOPE, **row},
            )

    await store.write(write)


async def _measure(size: int, runs: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(f"sqlite:///{tmp}/bench.db")
        try:
            await _fill(store, size)
            times: list[float] = []
            shown = 0
            for _ in range(runs):
                start = time.perf_counter()

                async def read(tx: Tx) -> int:
                    rows = await snapshot_rows(tx, asker="discord:0", since=0, scope=SCOPE)
                    return len(by_band(rows, 20, 5))

                shown = await store.read(read)
                times.append(time.perf_counter() - start)
            return shown, statistics.median(times)
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("snapshot rows | bands shown | read and band (median)")
    for size in (int(s) for s in args.sizes.split(",")):
        shown, seconds = asyncio.run(_measure(size, args.runs))
        print(f"{size:>13,} | {shown:>11} | {seconds * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
