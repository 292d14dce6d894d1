"""Spending caps under contention: four processes racing one daily cap spend exactly the cap.

Attack: two (or more) processes, or a retry after a timeout, each seeing room under a cap and
both spending it. The cap is read and the debit made under the account's lock in one
transaction, so the sum spent equals the cap exactly and a re-delivered request is charged once.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest

from core.store import open_store
from core.store.base import Tx
from tests.store import capworker

pytestmark = pytest.mark.slow

PROCESSES = 4
_keep: list[object] = []


def _run(url: str, tmp_path: Path) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    _keep[:] = [barrier]
    outs = [tmp_path / f"caps{i}.jsonl" for i in range(PROCESSES)]
    procs = [
        ctx.Process(target=capworker.worker, args=(url, i, str(outs[i]), barrier))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 120
    for p in procs:
        p.join(max(deadline - time.monotonic(), 1))
        if p.is_alive():
            for q in procs:
                q.kill()
            pytest.fail("a cap worker hung")
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    return [json.loads(line) for out in outs for line in out.read_text().splitlines()]


async def _spent(url: str) -> dict[str, int]:
    """Connects each bidder drew by bid and boost entries, and the bids per request id."""
    store = await open_store(url)

    async def read(tx: Tx) -> dict[str, int]:
        rows = await tx.fetchall(
            "SELECT actor, a.kind AS account, SUM(-delta) AS n FROM entries e "
            "JOIN accounts a ON a.id = e.account_id WHERE e.kind IN ('bid', 'boost') "
            "GROUP BY actor, a.kind"
        )
        out = {f"{r['actor']}/{r['account']}": int(r["n"]) for r in rows}
        dup = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM (SELECT request_id FROM bids GROUP BY request_id "
            "HAVING COUNT(*) > 1) d"
        )
        assert dup is not None
        out["duplicated requests"] = int(dup["n"])
        return out

    try:
        return await store.read(read)
    finally:
        await store.close()


async def test_four_processes_racing_one_cap_spend_it_exactly(db_url: str, tmp_path: Path) -> None:
    """48 one-Connect bids against ana's daily cap of 20 and 48 against sam's pool caps (the
    admins' 15 a day, his own 12 a week), from four processes at once, with four request ids
    delivered by every process: ana spends exactly 20, sam exactly 12, each request once, and
    every refusal names the cap."""
    await capworker.setup(db_url)
    replies = await asyncio.get_running_loop().run_in_executor(None, _run, db_url, tmp_path)
    spent = await _spent(db_url)
    assert spent == {
        "console:ana/user": capworker.WALLET_CAP,
        "console:sam/pool": capworker.POOL_OWN_CAP,
        "duplicated requests": 0,
    }
    refused = [r for r in replies if r["error"]]
    assert refused
    for r in refused:
        wanted = "daily cap" if r["who"] == "ana" else "weekly cap in pool agency (set by you)"
        assert f"Your {wanted} has 0 of" in r["title"], r
    placed_ana = {r["rid"] for r in replies if r["who"] == "ana" and not r["error"]}
    assert len(placed_ana) == capworker.WALLET_CAP
