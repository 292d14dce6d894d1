"""``/export`` of a big pool on a 1,000,000-entry ledger, and other users' ``/balance`` meanwhile.

On a ledger written by ``tests/store/generate.py`` (cached under ``--cache``, generated on the
first run: about a minute), each backend is measured in a fresh process of its own:

* ``/export pool:pool-0`` by the pool's owner (about 97,000 entries): wall time, the process's
  peak RSS during the export and how much that adds to the process before it, and the peak of
  Python allocations (``tracemalloc``, in a separate run: tracing slows the code);
* ``/balance`` of another user, one request every ``--interval`` seconds, alone (the baseline)
  and while an export runs in the same process: p50, p99 and the slowest.

PostgreSQL gets the same ledger through ``db copy`` into a fresh schema (dropped afterwards): the
generator writes SQLite only. Targets: export under 5 s and 100 MB; ``/balance`` p99 under 50 ms
while it runs.

    .venv/bin/python -m bench.export [--backends sqlite,postgres] [--entries 1000000]

(PostgreSQL from ``CONNECTS_BENCH_PG``, default ``postgresql://postgres@127.0.0.1:5432/test``.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

PG = os.environ.get("CONNECTS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
# the generated ledger's first pool and its owner; a user in no pool for /balance
POOL, OWNER, OWNER_SCOPE = "pool-0", "slack:T1/U00000", "guild:0"
OTHER, OTHER_SCOPE = "discord:104999", "discord"


def _actor(key: str, scope: str) -> Any:
    from core.base.keys import Actor, UserRef

    return Actor(UserRef(key, key.rsplit(":", 1)[-1]), scope)


def _config(url: str) -> Any:
    from core.base.config import parse

    return parse({"storage": {"url": url}}, env={})


def _status_kb(field: str) -> int:
    """A ``/proc/self/status`` figure (``VmRSS``, ``VmHWM``) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Start VmHWM (peak RSS) again from the current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def _summary(latencies: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in latencies]
    return {
        "n": len(ms),
        "p50": statistics.median(ms),
        "p99": _percentile(ms, 99),
        "max": max(ms),
    }


# ------------------------------------------------------------------------ the measured process


async def _measure(url: str, interval: float) -> dict[str, Any]:
    from bot.bootstrap import create_app

    app = await create_app(_config(url))
    owner, other = _actor(OWNER, OWNER_SCOPE), _actor(OTHER, OTHER_SCOPE)
    counter = iter(range(10**9))

    async def balance() -> float:
        began = time.perf_counter()
        reply = await app.dispatch(other, "balance", {}, f"bal-{next(counter)}")
        took = time.perf_counter() - began
        if reply.error:
            raise RuntimeError(f"/balance: {reply.title}")
        return took

    async def export() -> tuple[float, int, int]:
        began = time.perf_counter()
        reply = await app.dispatch(owner, "export", {"pool": POOL}, f"exp-{next(counter)}")
        took = time.perf_counter() - began
        if reply.error or reply.file is None:
            raise RuntimeError(f"/export: {reply.title}")
        found = re.search(r"([\d,]+) entr", reply.title)
        return took, len(reply.file.data), int(found.group(1).replace(",", "")) if found else -1

    try:
        for _ in range(20):  # the first one sweeps the user's expired lots
            await balance()
        alone = []
        for _ in range(300):
            alone.append(await balance())
            await asyncio.sleep(interval)

        # 1. the export alone: time and peak RSS
        rss_before = _status_kb("VmRSS")
        _reset_peak()
        seconds, size, rows = await export()
        peak = _status_kb("VmHWM")

        # 2. the export again, with /balance requests arriving meanwhile
        task = asyncio.create_task(export())
        during = []
        while not task.done():
            during.append(await balance())
            await asyncio.sleep(interval)
        concurrent_seconds = (await task)[0]

        # 3. Python's own allocations at their peak, traced (slower)
        tracemalloc.start()
        await export()
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        await app.close()
    return {
        "export_s": seconds,
        "export_concurrent_s": concurrent_seconds,
        "csv_bytes": size,
        "rows": rows,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": peak / 1024,
        "rss_added_mb": (peak - rss_before) / 1024,
        "traced_peak_mb": traced / 2**20,
        "balance_alone": _summary(alone),
        "balance_during": _summary(during),
    }


# ------------------------------------------------------------------------ the ledgers


def cached_ledger(cache: Path, entries: int) -> Path:
    """The generated ledger of ``entries`` entries, made once and kept under ``cache``."""
    from tests.store.generate import create_schema, generate

    path = cache / f"ledger-{entries}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    print(f"generating {path} ({entries:,} entries, about a minute)...", file=sys.stderr)
    asyncio.run(create_schema(f"sqlite:///{partial}"))
    generate(str(partial), entries)
    partial.rename(path)
    return path


async def _migrated(url: str) -> None:
    from core.store import open_store

    store = await open_store(url)
    await store.close()


async def _pg_schema(create: bool, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG)
    try:
        verb = f'CREATE SCHEMA "{schema}"' if create else f'DROP SCHEMA "{schema}" CASCADE'
        await conn.execute(verb)
    finally:
        await conn.close()


def _child(url: str, interval: float) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", "--child", url, "--interval", str(interval)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_backend(backend: str, ledger: Path, work: Path, interval: float) -> dict[str, Any]:
    """The figures of one backend, measured in a process of its own."""
    copy = work / "ledger.db"
    shutil.copyfile(ledger, copy)  # the cached ledger stays as generated
    sqlite_url = f"sqlite:///{copy}"
    began = time.monotonic()
    asyncio.run(_migrated(sqlite_url))  # pending migrations (indexes) are not timed below
    print(f"  migrated the copy in {time.monotonic() - began:.1f} s", file=sys.stderr)
    if backend == "sqlite":
        return _child(sqlite_url, interval)
    from core.store.copy import copy_ledger

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_schema(True, schema))
    url = f"{PG}{'&' if '?' in PG else '?'}search_path={schema}"
    try:
        summary = asyncio.run(copy_ledger(sqlite_url, url))
        print(f"  copied to PostgreSQL in {summary.seconds:.1f} s", file=sys.stderr)
        return _child(url, interval)
    finally:
        asyncio.run(_pg_schema(False, schema))


def report(backend: str, f: dict[str, Any]) -> None:
    alone, during = f["balance_alone"], f["balance_during"]
    print(
        f"| {backend} | {f['rows']:,} | {f['export_s']:.2f} s | {f['rss_added_mb']:.0f} MB "
        f"({f['rss_peak_mb']:.0f} MB peak) | {f['traced_peak_mb']:.0f} MB | "
        f"{alone['p50']:.2f} / {alone['p99']:.2f} ms | "
        f"{during['p50']:.2f} / {during['p99']:.2f} / {during['max']:.1f} ms "
        f"({during['n']} requests, export {f['export_concurrent_s']:.2f} s) |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/connects-bench"))
    parser.add_argument("--interval", type=float, default=0.005, help="between /balance calls")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_measure(args.child, args.interval))))
        return
    ledger = cached_ledger(args.cache, args.entries)
    print(
        f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{ledger} ({args.entries:,} entries); /export pool:{POOL}"
    )
    print(
        "| backend | rows | export | RSS added (peak) | traced peak | /balance alone p50 / p99 "
        "| /balance during export p50 / p99 / max |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    work = args.cache / f"work-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        for backend in args.backends.split(","):
            print(f"{backend}:", file=sys.stderr)
            report(backend, run_backend(backend.strip(), ledger, work, args.interval))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
