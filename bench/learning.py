"""The learned cost model's figures on SQLite, on the synthetic community of
``tests/core/learning/synthetic.py`` (a rate card by job value, +1 verified, +2 for a client
who spent $10,000, +1 for a project over 6 months, clipped to 7-26, 20 % of costs one Connect
off, 10 % of factors unknown):

(a) the time of ``core.quotes.learning.fit`` (read the stated bids, train in the worker thread the
    groups of members' models, both rounds, store the row; 8 synthetic members) for 1,000,
    10,000 and 100,000 stated bids, and the training alone;
(b) ``predict`` p50 and p99 in microseconds (the pure-Python walk of the exported trees,
    the feature row included), and ``current()`` with the model already parsed: inside one
    read transaction, and as a whole quick read (``store.read(..., quick=True)``);
(c) held-out MAE and the share within 2 Connects of the learned model against the seed
    heuristic (both ``[pricing]`` profiles) on 5,000 fresh bids of the same community.

    .venv/bin/python bench/learning.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from core.base.config import Config, parse  # noqa: E402
from core.base.pricingconfig import PRICING_PROFILES  # noqa: E402
from core.quotes import learning  # noqa: E402
from core.quotes.learning.features import heuristic_factors  # noqa: E402
from core.quotes.learning.rows import Sample  # noqa: E402
from core.quotes.pricing import quote  # noqa: E402
from core.store import Store, open_store  # noqa: E402
from core.store.base import Tx  # noqa: E402
from tests.core.learning.synthetic import community, insert  # noqa: E402

NOW = 1_790_000_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def held_out(model: learning.CostModel, samples: list[Sample]) -> tuple[float, float]:
    off = [
        abs(math.floor(learning.predict(model, s.factors, NOW) + 0.5) - s.connects) for s in samples
    ]
    return sum(off) / len(off), sum(o <= 2 for o in off) / len(off)


def heuristic(profile: str, samples: list[Sample]) -> tuple[float, float]:
    cfg = PRICING_PROFILES[profile]
    off = [abs(quote(cfg, heuristic_factors(s.factors)).connects - s.connects) for s in samples]
    return sum(off) / len(off), sum(o <= 2 for o in off) / len(off)


async def one_size(n: int, folder: Path, fresh: list[Sample]) -> dict[str, float]:
    url = f"sqlite:///{folder / f'learning-{n}.db'}"
    config: Config = parse({"storage": {"url": url, "synchronous": "NORMAL"}}, env={})
    store: Store = await open_store(url, synchronous="NORMAL")
    try:
        await insert(store, community(n, NOW, seed=1), "console")
        started = time.perf_counter()
        model = await learning.fit(store, config, "console", NOW)
        total = time.perf_counter() - started

        async def size(tx: Tx) -> int:
            row = await tx.fetchone(
                "SELECT LENGTH(model) AS n FROM cost_models WHERE scope = :s", {"s": "console"}
            )
            assert row is not None
            return int(row["n"])

        stored = await store.read(size)

        async def read(tx: Tx) -> learning.CostModel | None:
            return await learning.current(tx, "console")

        assert await store.read(read, quick=True) is not None  # parsed once, then cached

        async def inside(tx: Tx) -> list[float]:
            times = []
            for _ in range(2000):
                t0 = time.perf_counter()
                await learning.current(tx, "console")
                times.append((time.perf_counter() - t0) * 1e6)
            return times

        in_tx = await store.read(inside, quick=True)
        whole = []
        for _ in range(2000):
            t0 = time.perf_counter()
            await store.read(read, quick=True)
            whole.append((time.perf_counter() - t0) * 1e6)
        predict_us = []
        for s in fresh[:5000]:
            t0 = time.perf_counter()
            learning.predict(model, s.factors, NOW)
            predict_us.append((time.perf_counter() - t0) * 1e6)
        mae, within2 = held_out(model, fresh)
    finally:
        await store.close()
    assert model.predictor is not None
    return {
        "n": n,
        "fit_s": total,
        "train_s": model.fit_ms / 1000,
        "cv_mae": (model.mae_hundredths or 0) / 100,
        "cv_within2": (model.within2_permille or 0) / 1000,
        "cv_heuristic": (model.heuristic_mae_hundredths or 0) / 100,
        "trees": len(model.predictor.trees),
        "json_kb": stored / 1024,
        "predict_p50": percentile(predict_us, 0.5),
        "predict_p99": percentile(predict_us, 0.99),
        "current_tx_p50": percentile(in_tx, 0.5),
        "current_tx_p99": percentile(in_tx, 0.99),
        "current_read_p50": percentile(whole, 0.5),
        "current_read_p99": percentile(whole, 0.99),
        "held_mae": mae,
        "held_within2": within2,
    }


async def main(quick: bool) -> None:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    fresh = community(5000, NOW, seed=99, days=60)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="connects-learning-") as tmp:
        for n in sizes:
            row = await one_size(n, Path(tmp), fresh)
            rows.append(row)
            print(json.dumps({k: round(v, 3) for k, v in row.items()}), flush=True)
    seed_mae, seed_within2 = heuristic("seed", fresh)
    upwork_mae, upwork_within2 = heuristic("upwork", fresh)
    print()
    print("| stated bids | fit (read + train + store) | training | trees | model JSON |")
    print("|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {int(r['n']):,} | {r['fit_s']:.1f} s | {r['train_s']:.1f} s | {int(r['trees'])} "
            f"| {r['json_kb']:.0f} KB |"
        )
    print()
    print(
        "| stated bids | predict p50 / p99 | current() in a read p50 / p99 | "
        "quick read with current() p50 / p99 |"
    )
    print("|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {int(r['n']):,} | {r['predict_p50']:.0f} / {r['predict_p99']:.0f} µs "
            f"| {r['current_tx_p50']:.0f} / {r['current_tx_p99']:.0f} µs "
            f"| {r['current_read_p50']:.0f} / {r['current_read_p99']:.0f} µs |"
        )
    print()
    print("| on 5,000 held-out bids | MAE | within ±2 | cross-validated MAE |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| learned, {int(r['n']):,} bids | {r['held_mae']:.2f} | {r['held_within2']:.1%} "
            f"| {r['cv_mae']:.2f} (heuristic {r['cv_heuristic']:.2f}) |"
        )
    print(f"| seed heuristic, profile seed | {seed_mae:.2f} | {seed_within2:.1%} | |")
    print(f"| seed heuristic, profile upwork | {upwork_mae:.2f} | {upwork_within2:.1%} | |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 bids only")
    asyncio.run(main(parser.parse_args().quick))
