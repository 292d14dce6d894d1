"""How fast /readyz and /metrics answer, idle and while the process serves commands.

The bot's process: the real app on SQLite (``synchronous=NORMAL``) or PostgreSQL, the ops
endpoints on a free port, and a command load in its own event loop (``--workers`` concurrent
members, each placing bids and reading ``/balance`` one after another through
``App.dispatch``, as the core benchmark does). A probe client in another process (so it does
not share the bot's event loop) sends ``--probes`` GETs to each endpoint one after another and
reports p50, p99 and max; this runs once idle and once under the load, and the load's
commands per second are printed beside.

    .venv/bin/python bench/ops.py [--backend sqlite|postgres] [--workers 8] [--probes 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

PG_URL = os.environ.get("CONNECTS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")

PROBE = r"""
import json, sys, time, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
out = {}
for path in ("/readyz", "/metrics"):
    urllib.request.urlopen(base + path).read()  # warm up the connection path
    times = []
    for _ in range(n):
        t = time.perf_counter()
        with urllib.request.urlopen(base + path) as r:
            r.read()
            assert r.status == 200, r.status
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    out[path] = [times[len(times) // 2], times[int(len(times) * 0.99) - 1], times[-1]]
print(json.dumps(out))
"""


def _actor(name: str) -> Any:
    from core.base.keys import Actor, UserRef

    return Actor(UserRef(f"console:{name}", name), "console")


async def _load(app: Any, worker: int, stop: asyncio.Event, done: list[int]) -> None:
    who = _actor(f"w{worker}")
    i = 0
    while not stop.is_set():
        await app.dispatch(who, "bid", {"job": f"Job {i}", "connects": 1}, f"w{worker}-{i}")
        await app.dispatch(who, "balance", {}, f"w{worker}-b{i}")
        i += 1
        done[0] += 2


async def _probe(port: int, n: int) -> dict[str, list[float]]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PROBE,
        f"http://127.0.0.1:{port}",
        str(n),
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode:
        raise SystemExit("the probe client failed")
    result: dict[str, list[float]] = json.loads(out)
    return result


async def _url(backend: str, folder: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder}/ops.db"
    import asyncpg

    schema = f"bench_ops_{os.getpid()}"
    conn = await asyncpg.connect(PG_URL)
    await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    await conn.close()
    return f"{PG_URL}?search_path={schema}"


async def main(backend: str, workers: int, probes: int) -> None:
    from bot.bootstrap import create_app
    from bot.ops import Ops
    from bot.opsconfig import OpsConfig
    from core.base.config import parse

    with tempfile.TemporaryDirectory() as folder:
        url = await _url(backend, folder)
        config = parse(
            {
                "storage": {"url": url, "synchronous": "NORMAL"},
                "wallet": {"welcome_grant": 1_000_000},
            },
            env={},
        )
        app = await create_app(config)
        ops = Ops(app, OpsConfig(port=0, host="127.0.0.1"), [])
        await ops.start()
        try:
            idle = await _probe(ops.port, probes)
            stop, done = asyncio.Event(), [0]
            tasks = [asyncio.create_task(_load(app, w, stop, done)) for w in range(workers)]
            await asyncio.sleep(1)  # the load is under way before the probes start
            start, before = time.perf_counter(), done[0]
            loaded = await _probe(ops.port, probes)
            rate = (done[0] - before) / (time.perf_counter() - start)
            stop.set()
            await asyncio.gather(*tasks)
        finally:
            await ops.stop()
            await app.close()
    print(
        f"backend {backend}, {workers} members placing bids and reading /balance, "
        f"{probes} GETs each"
    )
    print(f"{'endpoint':<10} {'idle p50/p99/max ms':>24} {'under load p50/p99/max ms':>30}")
    for path in ("/readyz", "/metrics"):
        a, b = idle[path], loaded[path]
        print(
            f"{path:<10} {a[0]:>8.2f} {a[1]:>7.2f} {a[2]:>7.2f} "
            f"{b[0]:>12.2f} {b[1]:>8.2f} {b[2]:>8.2f}"
        )
    print(f"commands/s while probed: {rate:,.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--probes", type=int, default=400)
    args = parser.parse_args()
    asyncio.run(main(args.backend, args.workers, args.probes))
