"""Bids per second on SQLite and PostgreSQL with 1, 2 and 4 processes, and the time to copy a
ledger of 1,000,000 entries between them.

Each process builds the real application (``bot.bootstrap.create_app``) and places bids through
``App.dispatch`` for a fixed time, all processes starting together. Two workloads:

* ``shared pool``: every process bids from one pool, as different members with monthly
  allowances, so every bid takes the pool's row lock (the worst case for contention);
* ``own wallets``: each process bids from its own user's wallet (no shared row).

Run: ``.venv/bin/python -m bench.backends [--seconds 5] [--copy-entries 1000000]``
(PostgreSQL from ``CONNECTS_BENCH_PG``, default ``postgresql://postgres@127.0.0.1:5432/test``;
each run uses a fresh schema, dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PG = os.environ.get("CONNECTS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
SCOPE = "bench"


def _actor(name: str, admin: bool = False) -> Any:
    from core.base.keys import Actor, UserRef

    return Actor(UserRef(f"console:{name}", name), SCOPE, admin)


def _config(url: str) -> Any:
    from core.base.config import parse

    # the defaults: SQLite synchronous=FULL and PostgreSQL synchronous_commit=on, so every
    # committed bid is on disk on both
    return parse({"storage": {"url": url}}, env={})


async def _setup(url: str, processes: int) -> None:
    from bot.bootstrap import create_app

    app = await create_app(_config(url))
    owner = _actor("owner", admin=True)
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (owner, "pool create", {"name": "agency"}),
        *[(owner, "pool topup", {"name": "agency", "connects": 10_000}) for _ in range(30)],
    ]
    for i in range(processes):
        member = _actor(f"m{i}")
        steps += [
            (owner, "pool add", {"name": "agency", "member": member.user}),
            (
                owner,
                "pool allowance",
                {"name": "agency", "member": member.user, "connects": 10_000},
            ),
            *[(member, "buy", {"connects": 10_000}) for _ in range(10)],
        ]
    try:
        for k, (who, command, args) in enumerate(steps):
            reply = await app.dispatch(who, command, args, f"setup-{k}")
            if reply.error:
                raise RuntimeError(f"{command}: {reply.title}")
    finally:
        await app.close()


def _worker(url: str, index: int, pool: bool, seconds: float, start: Any, out: Any) -> None:
    asyncio.run(_work(url, index, pool, seconds, start, out))


async def _work(url: str, index: int, pool: bool, seconds: float, start: Any, out: Any) -> None:
    from bot.bootstrap import create_app

    app = await create_app(_config(url))
    member = _actor(f"m{index}")
    await app.dispatch(member, "balance", {}, f"warm-{index}")
    start.wait()
    done = refused = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            args: dict[str, Any] = {"job": f"job {index}-{done + refused}", "connects": 1}
            if pool:
                args["pool"] = "agency"
            reply = await app.dispatch(member, "bid", args, f"b-{index}-{done + refused}")
            if reply.error:
                refused += 1
            else:
                done += 1
    finally:
        await app.close()
    out.put((done, refused))


async def _fresh_pg() -> tuple[str, str]:
    import asyncpg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    sep = "&" if "?" in PG else "?"
    return f"{PG}{sep}search_path={schema}", schema


async def _drop_pg(schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG)
    try:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()


def bids_per_second(
    backend: str, processes: int, pool: bool, seconds: float, tmp: Path
) -> tuple[float, int]:
    """(bids per second, refusals) for ``processes`` processes bidding for ``seconds``."""
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    else:
        url, schema = asyncio.run(_fresh_pg())
    try:
        asyncio.run(_setup(url, processes))
        ctx = multiprocessing.get_context("spawn")
        start, out = ctx.Barrier(processes + 1), ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(url, i, pool, seconds, start, out))
            for i in range(processes)
        ]
        for p in procs:
            p.start()
        start.wait()
        began = time.monotonic()
        results = [out.get(timeout=seconds + 120) for _ in procs]
        elapsed = time.monotonic() - began
        for p in procs:
            p.join()
        return sum(d for d, _ in results) / max(elapsed, seconds), sum(r for _, r in results)
    finally:
        if schema:
            asyncio.run(_drop_pg(schema))


async def copy_times(entries: int, tmp: Path) -> tuple[float, float, int, int]:
    """Seconds to copy a generated ledger SQLite -> PostgreSQL and back; the entries and the
    rows of every table copied."""
    from core.store.copy import copy_ledger
    from tests.store.generate import create_schema, generate

    first, back = tmp / "copy-first.db", tmp / "copy-back.db"
    await create_schema(f"sqlite:///{first}")
    written = await asyncio.to_thread(generate, str(first), entries)
    url, schema = await _fresh_pg()
    try:
        there = await copy_ledger(f"sqlite:///{first}", url)
        again = await copy_ledger(url, f"sqlite:///{back}")
    finally:
        await _drop_pg(schema)
    return there.seconds, again.seconds, written["entries"], sum(there.counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--copy-entries", type=int, default=1_000_000)
    parser.add_argument("--skip-copy", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    print(
        f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{args.seconds:g} s per run"
    )
    with tempfile.TemporaryDirectory() as tmp:
        print("| workload | backend | " + " | ".join(f"{n} proc" for n in counts) + " |")
        print("|---|---|" + "---:|" * len(counts))
        for pool in (True, False):
            for backend in ("sqlite", "postgres"):
                cells = []
                for n in counts:
                    rate, refused = bids_per_second(backend, n, pool, args.seconds, Path(tmp))
                    cells.append(f"{rate:,.0f}" + (f" ({refused} refused)" if refused else ""))
                name = "shared pool" if pool else "own wallets"
                print(f"| {name} | {backend} | " + " | ".join(cells) + " |", flush=True)
        if not args.skip_copy:
            there, back, n, rows = asyncio.run(copy_times(args.copy_entries, Path(tmp)))
            print(
                f"\ndb copy of {n:,} entries ({rows:,} rows in all tables): "
                f"SQLite -> PostgreSQL {there:.1f} s, PostgreSQL -> SQLite {back:.1f} s"
            )


if __name__ == "__main__":
    main()
