"""The core's speed on SQLite, against its targets.

(a) bids per second through the service (``App.dispatch(actor, "bid", ...)``, one after another,
    ``synchronous=FULL``, the default, and ``NORMAL``), next to a raw aiosqlite baseline doing
    the same conditional ``UPDATE ... WHERE balance >= ?`` plus one ``INSERT`` in a ``BEGIN
    IMMEDIATE`` transaction, measured in the same run: the service should reach half of it;
(b) p50 and p99 latency of ``/balance`` with 1,000,000 ledger entries in the database: under
    2 ms;
(c) wall time and peak RSS of a one-shot ``connects-bot exec "/balance"`` (under 0.5 s and
    80 MB), and that it imports none of discord, slack_bolt and matplotlib.

    .venv/bin/python bench/core.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# run as a file, this script's folder comes first on sys.path and its name would hide the
# ``core`` package: look in the project instead
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

HEAVY = ("discord", "slack_bolt", "matplotlib")
DAY = 86400


def _config(url: str, synchronous: str = "FULL", welcome: int = 60) -> Any:
    from core.base.config import parse

    return parse(
        {"storage": {"url": url, "synchronous": synchronous}, "wallet": {"welcome_grant": welcome}},
        env={},
    )


def _actor(name: str) -> Any:
    from core.base.keys import Actor, UserRef

    return Actor(UserRef(f"console:{name}", name), "console")


# ------------------------------------------------------------------------------------ (a)


async def service_bids(path: Path, synchronous: str, n: int) -> float:
    """Bids per second placed one after another through ``App.dispatch``."""
    from bot.bootstrap import create_app

    app = await create_app(_config(f"sqlite:///{path}", synchronous, welcome=1_000_000))
    ana = _actor("ana")
    try:
        for i in range(20):  # warm up: the user exists, statements are cached
            await app.dispatch(ana, "bid", {"job": "warm-up", "connects": 1}, f"w{i}")
        start = time.perf_counter()
        for i in range(n):
            reply = await app.dispatch(ana, "bid", {"job": f"Job {i}", "connects": 1}, f"b{i}")
            if reply.error:
                raise RuntimeError(reply.title)
        return n / (time.perf_counter() - start)
    finally:
        await app.close()


async def raw_bids(path: Path, synchronous: str, n: int) -> float:
    """The floor: aiosqlite, one conditional update and one insert per transaction."""
    import aiosqlite

    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute(f"PRAGMA synchronous = {synchronous}")
        await conn.execute("PRAGMA busy_timeout = 30000")
        await conn.execute(
            "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER "
            "NOT NULL CHECK (balance >= 0))"
        )
        await conn.execute(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, account_id INTEGER "
            "NOT NULL, delta INTEGER NOT NULL, request_id TEXT NOT NULL, "
            "created_at INTEGER NOT NULL)"
        )
        await conn.execute("CREATE INDEX entries_account ON entries (account_id, id)")
        await conn.execute("INSERT INTO accounts (id, balance) VALUES (1, 1000000)")

        async def bid(rid: str) -> None:
            await conn.execute("BEGIN IMMEDIATE")
            cur = await conn.execute(
                "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?", (1, 1, 1)
            )
            if cur.rowcount != 1:
                raise RuntimeError("short")
            await conn.execute(
                "INSERT INTO entries (account_id, delta, request_id, created_at)"
                " VALUES (?, ?, ?, ?)",
                (1, -1, rid, int(time.time())),
            )
            await conn.execute("COMMIT")

        for i in range(20):
            await bid(f"w{i}")
        start = time.perf_counter()
        for i in range(n):
            await bid(f"b{i}")
        return n / (time.perf_counter() - start)
    finally:
        await conn.close()


async def bids_per_second(
    tmp: Path,
    synchronous: str,
    n: int,
    rounds: int,
) -> tuple[float, float]:
    """(service, raw) bids per second, the best of ``rounds`` alternating runs."""
    service, raw = 0.0, 0.0
    for r in range(rounds):
        raw = max(raw, await raw_bids(tmp / f"raw-{synchronous}-{r}.db", synchronous, n))
        service = max(
            service, await service_bids(tmp / f"svc-{synchronous}-{r}.db", synchronous, n)
        )
    return service, raw


# ------------------------------------------------------------------------------------ (b)


async def build_big_ledger(path: Path, entries: int) -> int:
    """A ledger of ``entries`` entries: ``ana`` (the measured user: a pool, 50 purchases, one
    bid per entry) holds a tenth of them, 999 other wallets the rest. Every account's balance
    equals the sum of its entries and of its lots' remaining. Returns the entry count."""
    from bot.bootstrap import create_app

    now = int(time.time())
    app = await create_app(_config(f"sqlite:///{path}", "OFF"))
    ana = _actor("ana")
    try:
        for i, line in enumerate(
            ("/balance", "/pool create name:agency", "/pool topup name:agency connects:500")
        ):
            reply = await app.run_text(ana, line, f"setup-{i}")
            if reply.error:
                raise RuntimeError(reply.title)
    finally:
        await app.close()

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        row = conn.execute("SELECT account_id FROM users WHERE key = 'console:ana'").fetchone()
        account = int(row[0])
        balance = int(
            conn.execute("SELECT balance FROM accounts WHERE id = ?", (account,)).fetchone()[0]
        )
        # ana: 50 purchases over the last 11.5 months (a few expire within 30 days) ...
        lots: list[list[int]] = []  # [lot id, remaining]
        bought = 50
        per_lot = max(entries // 10 // bought + 1, 10)
        for k in range(bought):
            acquired = now - int((345 - k * 7) * DAY)
            cur = conn.execute(
                "INSERT INTO lots (account_id, source, connects, remaining, cost_cents, "
                "acquired_at, expires_at) VALUES (?, 'purchase', ?, ?, ?, ?, ?)",
                (account, per_lot, per_lot, per_lot * 15, acquired, acquired + 365 * DAY),
            )
            assert cur.lastrowid is not None
            lots.append([cur.lastrowid, per_lot])
            balance += per_lot
            conn.execute(
                "INSERT INTO entries (account_id, delta, balance_after, kind, lot_id, actor, "
                "request_id, memo, created_at) VALUES (?, ?, ?, 'purchase', ?, 'console:ana', "
                "?, 'bench', ?)",
                (account, per_lot, balance, cur.lastrowid, f"buy-{k}", acquired),
            )
        # ... and one bid of 1 Connect per remaining entry, oldest purchases spent first
        ana_bids = entries // 10 - bought
        first_bid = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM bids").fetchone()[0]) + 1
        start = now - 340 * DAY
        bid_rows, usage_rows, entry_rows = [], [], []
        lot_index = 0
        for i in range(ana_bids):
            while lots[lot_index][1] == 0:
                lot_index += 1
            lots[lot_index][1] -= 1
            balance -= 1
            bid_id, at = first_bid + i, start + i * (330 * DAY // max(ana_bids, 1))
            bid_rows.append(
                (bid_id, account, "console:ana", f"Job {i}", f"job {i}", 1, at, at, f"bid-{i}")
            )
            usage_rows.append((bid_id, lots[lot_index][0], 1))
            entry_rows.append(
                (account, -1, balance, "bid", bid_id, "console:ana", f"bid-{i}", f"Job {i}", at)
            )
        conn.executemany(
            "INSERT INTO bids (id, account_id, bidder, job, job_key, connects, status, "
            "created_at, updated_at, request_id) VALUES (?, ?, ?, ?, ?, ?, 'lost', ?, ?, ?)",
            bid_rows,
        )
        conn.executemany(
            "INSERT INTO lot_usage (bid_id, lot_id, amount) VALUES (?, ?, ?)", usage_rows
        )
        conn.executemany(
            "INSERT INTO entries (account_id, delta, balance_after, kind, bid_id, actor, "
            "request_id, memo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry_rows,
        )
        for lot_id, remaining in lots:
            conn.execute("UPDATE lots SET remaining = ? WHERE id = ?", (remaining, lot_id))
        conn.execute("UPDATE accounts SET balance = ? WHERE id = ?", (balance, account))
        # 999 other wallets share the rest: +1 grants, one lot each
        done = int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        others = 999
        left = entries - done
        for u in range(others):
            count = left // (others - u)
            left -= count
            cur = conn.execute(
                "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', ?, ?)",
                (count, start),
            )
            other = cur.lastrowid
            conn.execute(
                "INSERT INTO users (key, display, account_id, created_at) VALUES (?, ?, ?, ?)",
                (f"console:u{u}", f"u{u}", other, start),
            )
            if count == 0:
                continue
            lot = conn.execute(
                "INSERT INTO lots (account_id, source, connects, remaining, cost_cents, "
                "acquired_at, expires_at) VALUES (?, 'grant', ?, ?, 0, ?, NULL)",
                (other, count, count, start),
            ).lastrowid
            conn.executemany(
                "INSERT INTO entries (account_id, delta, balance_after, kind, lot_id, actor, "
                "request_id, memo, created_at) VALUES (?, 1, ?, 'grant', ?, 'system', ?, '', ?)",
                ((other, j + 1, lot, f"g{u}-{j}", start + j) for j in range(count)),
            )
        conn.execute("COMMIT")
        bad = conn.execute(
            "SELECT COUNT(*) FROM accounts a WHERE a.balance <> "
            "(SELECT COALESCE(SUM(delta), 0) FROM entries e WHERE e.account_id = a.id) "
            "OR a.balance <> (SELECT COALESCE(SUM(remaining), 0) FROM lots l "
            "WHERE l.account_id = a.id)"
        ).fetchone()[0]
        if bad:
            raise RuntimeError(f"{bad} accounts whose balance is not the sum of their entries")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    finally:
        conn.close()


async def balance_latency(path: Path, n: int) -> tuple[float, float, str]:
    """(p50, p99) in milliseconds of ``/balance`` through ``App.dispatch``, and its reply."""
    from bot.bootstrap import create_app

    app = await create_app(_config(f"sqlite:///{path}"))
    ana = _actor("ana")
    try:
        reply = await app.dispatch(ana, "balance", {}, "warm")
        for i in range(50):
            await app.dispatch(ana, "balance", {}, f"w{i}")
        times = []
        for i in range(n):
            start = time.perf_counter()
            reply = await app.dispatch(ana, "balance", {}, f"q{i}")
            times.append((time.perf_counter() - start) * 1000)
        if reply.error:
            raise RuntimeError(reply.title)
        cuts = statistics.quantiles(times, n=100)
        return statistics.median(times), cuts[98], reply.text()
    finally:
        await app.close()


# ------------------------------------------------------------------------------------ (c)


def _exe() -> list[str]:
    script = Path(sys.executable).parent / "connects-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


# A child's ru_maxrss starts from its parent's RSS at fork time, and this process is large by
# now: the children are started by a small one instead, which reports their own peak.
TRAMPOLINE = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = os.waitstatus_to_exitcode(status)
sys.stdout.buffer.write(b"%d %d\\n" % (proc.returncode, usage.ru_maxrss) + out)
"""


def exec_balance(path: Path, runs: int) -> tuple[list[float], list[float], str]:
    """Wall seconds and peak RSS (MB) of each ``connects-bot exec "/balance"``, and what it
    printed. ``/usr/bin/time`` measures when present, else a small Python trampoline (whose
    own RSS then inflates the figure by a few MB, never the other way)."""
    env = {**os.environ, "CONNECTS_DATABASE_URL": f"sqlite:///{path}"}
    command = [*_exe(), "exec", "--user", "ana", "/balance"]
    timer = Path("/usr/bin/time")
    walls, rss = [], []
    out = ""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        for _ in range(runs):
            if timer.exists():
                argv = [str(timer), "-f", "%x %M", "-o", report.name, *command]
            else:
                argv = [sys.executable, "-c", TRAMPOLINE, *command]
            start = time.perf_counter()
            proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
            out = proc.stdout.decode()
            if timer.exists():
                report.seek(0)
                code, kb = report.read().split()[-2:]
            else:
                head, out = out.split("\n", 1)
                code, kb = head.split()
            if proc.returncode != 0 or int(code) != 0:
                raise RuntimeError(
                    f"connects-bot exec /balance failed: {out}{proc.stderr.decode()}"
                )
            rss.append(int(kb) / 1024)  # kilobytes on Linux
    return walls, rss, out


def heavy_imports(path: Path) -> tuple[list[str], int]:
    """Which of discord, slack_bolt, matplotlib ``exec /balance`` imports (``-X importtime``),
    and how many modules it imports in all."""
    env = {**os.environ, "CONNECTS_DATABASE_URL": f"sqlite:///{path}"}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "exec", "--user", "ana", "/balance"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = [
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:")
        and "|" in line
        and not line.rstrip().endswith("imported package")
    ]
    top = {m.split(".")[0] for m in modules}
    return sorted(h for h in HEAVY if h in top), len(modules)


# ------------------------------------------------------------------------------------ main


def row(name: str, value: str, target: str = "", ok: bool | None = None) -> str:
    mark = "" if ok is None else ("yes" if ok else "NO")
    return f"{name:<44} {value:>14}  {target:<10} {mark}"


async def run(quick: bool) -> None:
    bids = 300 if quick else 2000
    rounds = 1 if quick else 3
    entries = 200_000 if quick else 1_000_000
    queries = 300 if quick else 2000
    execs = 3 if quick else 7
    print(
        f"# {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        f"{' (--quick)' if quick else ''}"
    )
    lines = [row("figure", "value", "target", None) + "ok"]
    with tempfile.TemporaryDirectory(prefix="connects-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for sync in ("FULL", "NORMAL"):
            service, raw = await bids_per_second(tmp, sync, bids, rounds)
            lines.append(row(f"bids/s, service, synchronous={sync}", f"{service:,.0f}"))
            lines.append(row(f"bids/s, raw aiosqlite, synchronous={sync}", f"{raw:,.0f}"))
            ratio = service / raw
            lines.append(
                row(f"service / raw, synchronous={sync}", f"{ratio:.2f}", ">= 0.50", ratio >= 0.5)
            )
        big = tmp / "big.db"
        t0 = time.perf_counter()
        count = await build_big_ledger(big, entries)
        built = time.perf_counter() - t0
        p50, p99, text = await balance_latency(big, queries)
        lines.append(row(f"/balance p50, {count:,} entries", f"{p50:.2f} ms", "< 2 ms", p50 < 2))
        lines.append(row(f"/balance p99, {count:,} entries", f"{p99:.2f} ms", "< 2 ms", p99 < 2))
        walls, rss, printed = exec_balance(big, execs)
        if printed.splitlines()[0] != text.splitlines()[0]:
            raise RuntimeError(f"exec printed {printed!r}, the service said {text!r}")
        wall = statistics.median(walls)
        lines.append(
            row(f'exec "/balance" wall, median of {execs}', f"{wall:.3f} s", "< 0.5 s", wall < 0.5)
        )
        lines.append(row(f'exec "/balance" wall, worst of {execs}', f"{max(walls):.3f} s"))
        lines.append(
            row(
                f'exec "/balance" peak RSS, max of {execs}',
                f"{max(rss):.1f} MB",
                "< 80 MB",
                max(rss) < 80,
            )
        )
        heavy, modules = heavy_imports(big)
        lines.append(
            row(
                "exec imports discord/slack_bolt/matplotlib",
                ", ".join(heavy) or "none",
                "none",
                not heavy,
            )
        )
        lines.append(row("exec imports, modules in all", f"{modules}"))
    print("\n".join(lines))
    print(
        f"\n(bids: best of {rounds} x {bids}, sequential; the raw baseline awaits one aiosqlite "
        f"call per statement: BEGIN IMMEDIATE, UPDATE, INSERT, COMMIT. Ledger of {count:,} "
        f"entries built in {built:.1f} s; /balance timed over {queries} calls after 50 "
        "warm-up)"
    )
    print("/balance reply:\n  " + text.replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer bids, a 200,000-entry ledger, fewer runs"
    )
    args = parser.parse_args()
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
