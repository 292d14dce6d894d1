"""Many processes, one ledger: no overspend and no double charge, whatever the timing.

Each test starts two real bot processes (``tests/core/_bidder.py``) on the same database; both
open the application, wait at a starting line, then fire all their bids at once.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import create_app
from core.base.config import parse
from core.base.keys import Actor, UserRef
from core.store.base import Tx

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ANA = Actor(UserRef("console:ana", "ana"), "console")
SHORT = "Not enough Connects in your wallet: this needs 3, you have 1. Record a purchase with /buy."


async def wallet_of_100(url: str) -> None:
    """Create ana's wallet with exactly 100 Connects (the welcome grant)."""
    config = parse({"storage": {"url": url}, "wallet": {"welcome_grant": 100}}, env={})
    app = await create_app(config)
    try:
        reply = await app.dispatch(ANA, "balance", {}, "setup")
        assert reply.title == "100 Connects"
    finally:
        await app.close()


async def run_processes(
    url: str,
    bid_lists: list[list[dict[str, Any]]],
) -> tuple[list[list[dict[str, Any]]], str]:
    """Run one bidder process per list of bids, released together; (replies per process,
    everything the processes printed)."""
    procs = []
    for bids in bid_lists:
        spec = {"url": url, "user": "ana", "welcome": 100, "bids": bids}
        procs.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.core._bidder",
                json.dumps(spec),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
    try:
        for proc in procs:  # every process has its app open before anyone bids
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            if line.strip() != b"ready":
                _, err = await proc.communicate()
                pytest.fail(f"bidder did not start: {line!r} {err.decode()}")
        start = time.time() + 0.3
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"{start}\n".encode())
            await proc.stdin.drain()
        outputs = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 120)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    printed = "".join(out.decode() + err.decode() for out, err in outputs)
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
    return [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs], printed


async def ledger_state(url: str) -> dict[str, Any]:
    """Ana's balance, its sums of entries and lots, and counts of bids, entries and requests."""
    config = parse({"storage": {"url": url}, "wallet": {"welcome_grant": 100}}, env={})
    app = await create_app(config)

    async def read(tx: Tx) -> dict[str, Any]:
        row = await tx.fetchone(
            "SELECT a.balance, "
            "(SELECT COALESCE(SUM(delta), 0) FROM entries e WHERE e.account_id = a.id) AS se, "
            "(SELECT COALESCE(SUM(remaining), 0) FROM lots l WHERE l.account_id = a.id) AS sl, "
            "(SELECT COUNT(*) FROM bids b WHERE b.account_id = a.id) AS bids, "
            "(SELECT COUNT(*) FROM entries e WHERE e.account_id = a.id AND e.kind = 'bid') "
            " AS charges, "
            "(SELECT COUNT(*) FROM requests) AS requests "
            "FROM accounts a JOIN users u ON u.account_id = a.id WHERE u.key = 'console:ana'"
        )
        assert row is not None
        return {k: int(row[k]) for k in ("balance", "se", "sl", "bids", "charges", "requests")}

    try:
        return await app.store.read(read)
    finally:
        await app.close()


async def test_200_concurrent_bids_from_two_processes_never_overspend(db_url: str) -> None:
    """200 bids of 3 Connects against a wallet of 100, from two processes at once: exactly 33
    succeed, the rest are refused as short, the balance ends at 1, nothing is locked out."""
    await wallet_of_100(db_url)
    bid_lists = [
        [{"rid": f"p{p}-{i}", "job": f"job {p}-{i}", "connects": 3} for i in range(100)]
        for p in range(2)
    ]
    results, printed = await run_processes(db_url, bid_lists)
    replies = [r for per_process in results for r in per_process]
    placed = [r for r in replies if not r["error"]]
    refused = [r for r in replies if r["error"]]
    assert len(placed) == 33
    assert all(r["title"] == SHORT for r in refused), {r["title"] for r in refused}
    assert len({r["title"] for r in placed}) == 33  # 33 distinct bid numbers
    # each success saw its own balance afterwards: 97, 94, ... 1, every one exactly once
    # (a phone shows "3 Connects from your wallet" and "97 Connects left" a line each)
    left = sorted(int(" · ".join(r["lines"][1:]).rsplit("· ", 1)[1].split()[0]) for r in placed)
    assert left == list(range(1, 100, 3))
    assert "database is locked" not in printed
    assert "Traceback" not in printed
    state = await ledger_state(db_url)
    assert state == {"balance": 1, "se": 1, "sl": 1, "bids": 33, "charges": 33, "requests": 33}


async def test_same_request_ids_from_two_processes_at_once_charge_once(db_url: str) -> None:
    """Two processes delivering the same request ids at the same moment place each bid once,
    charge once, and both answer with the same reply."""
    await wallet_of_100(db_url)
    same = [{"rid": f"dup-{i}", "job": f"job {i}", "connects": 3} for i in range(20)]
    (first, second), printed = await run_processes(db_url, [same, list(reversed(same))])
    by_rid = {r["rid"]: r for r in second}
    for reply in first:
        assert not reply["error"], reply
        assert reply["repr"] == by_rid[reply["rid"]]["repr"]
    assert len({r["title"] for r in first}) == 20
    assert "database is locked" not in printed
    state = await ledger_state(db_url)
    assert state == {"balance": 40, "se": 40, "sl": 40, "bids": 20, "charges": 20, "requests": 20}
