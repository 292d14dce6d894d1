"""Four processes on one ledger at once: nothing overspent, lost, duplicated or half-written."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from core.store import open_store
from tests.store import hammer

pytestmark = pytest.mark.slow

PROCESSES = 4
OPS = 120


_keep: list[object] = []  # the barrier must outlive the children's start-up


def _start(url: str, tmp_path: Path, ops: int) -> tuple[list[Any], list[Path]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    _keep[:] = [barrier]
    journals = [tmp_path / f"worker{i}.jsonl" for i in range(PROCESSES)]
    procs = [
        ctx.Process(target=hammer.worker, args=(url, i, ops, str(journals[i]), barrier))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    return procs, journals


def _join(procs: list[Any], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for p in procs:
        p.join(max(deadline - time.monotonic(), 1))
        if p.is_alive():
            for q in procs:
                if q.is_alive():
                    q.kill()
            pytest.fail("a worker process hung")


async def _verify(url: str, journals: list[Path]) -> list[dict[str, object]]:
    store = await open_store(url)
    try:
        journal = hammer.read_journal(journals)
        problems = await hammer.check_invariants(store, journal)
    finally:
        await store.close()
    assert not problems, "\n".join(problems)
    return journal


async def test_four_processes_share_one_pool(db_url: str, tmp_path: Path) -> None:
    """Four processes bidding, undoing, refunding and topping up one pool at once keep every
    invariant: no overspend, no allowance exceeded, each request applied once, balance = sum."""
    await hammer.setup(db_url)
    procs, journals = _start(db_url, tmp_path, OPS)
    _join(procs)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    journal = await _verify(db_url, journals)
    placed = [j for j in journal if str(j["title"]).startswith("Bid #") and not j["error"]]
    refused = [
        j
        for j in journal
        if "allowance" in str(j["title"]).lower() or "Not enough" in str(j["title"])
    ]
    # the run really contended: bids went through and limits were hit
    assert len(placed) > 50
    assert refused
    shared = [j for j in journal if str(j["rid"]).startswith("shared-") and not j["error"]]
    titles: dict[str, set[str]] = {}
    for j in shared:
        title = str(j["title"])
        # a bid's replay after it was undone or refunded says so: the same bid, its news
        if title.startswith("Bid #") and (", then " in title or " earlier · " in title):
            title = title.split(" ", 2)[0] + " " + title.split(" ", 2)[1] + " placed"
        titles.setdefault(str(j["rid"]), set()).add(title)
    # a request delivered to four processes gets one answer, the same in each
    assert all(len(t) == 1 for t in titles.values()), titles


async def test_a_process_killed_mid_run_leaves_no_half_transaction(
    db_url: str, tmp_path: Path
) -> None:
    """SIGKILL one of four processes mid-run: every transaction is fully present or absent and
    what the survivors (and the victim, before it died) were told holds."""
    await hammer.setup(db_url)
    procs, journals = _start(db_url, tmp_path, OPS)
    victim = procs[-1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and victim.is_alive():
        lines = journals[-1].read_text().count("\n") if journals[-1].exists() else 0
        if lines >= 40:
            break
        await asyncio.sleep(0.01)
    assert victim.is_alive(), "the victim finished before it could be killed"
    os.kill(victim.pid or 0, signal.SIGKILL)
    _join(procs)
    assert victim.exitcode == -signal.SIGKILL
    assert [p.exitcode for p in procs[:-1]] == [0] * (PROCESSES - 1)
    await _verify(db_url, journals)


async def test_expired_lots_are_swept_once_when_processes_race(db_url: str, tmp_path: Path) -> None:
    """Four processes serving the first request of users whose lots have expired: each lot
    leaves the wallet once, and the wallet's lots still hold exactly its balance."""
    await hammer.setup_expired_lots(db_url, int(time.time()))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    journals = [tmp_path / f"expiry{i}.jsonl" for i in range(PROCESSES)]
    procs = [
        ctx.Process(target=hammer.expiry_worker, args=(db_url, i, str(journals[i]), barrier))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    _join(procs)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    journal = await _verify(db_url, journals)
    assert len(journal) == PROCESSES * len(hammer.EXPIRY_USERS)
    assert not [j for j in journal if j["error"]]


def _run_exact(url: str, tmp_path: Path, bids: int) -> list[Path]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    _keep[:] = [barrier]
    journals = [tmp_path / f"exact{i}.jsonl" for i in range(PROCESSES)]
    procs = [
        ctx.Process(target=hammer.exact_worker, args=(url, i, bids, str(journals[i]), barrier))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    _join(procs)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    return journals


@pytest.mark.parametrize(
    ("pool", "allowance", "placed", "refusal"),
    [
        (1000, 30, 30, "monthly allowance"),  # the allowance is the limit
        (25, None, 25, "Not enough Connects"),  # no allowance: the pool's balance is the limit
    ],
)
async def test_four_processes_stop_exactly_at_the_limit(
    db_url: str, tmp_path: Path, pool: int, allowance: int | None, placed: int, refusal: str
) -> None:
    """Four processes each placing 20 one-Connect bids for one member: exactly as many bids go
    through as the limit allows, and every other one is refused for that limit."""
    await hammer.setup_exact(db_url, pool, allowance)
    journal = await _verify(db_url, _run_exact(db_url, tmp_path, 20))
    assert len(journal) == PROCESSES * 20
    ok = [j for j in journal if not j["error"]]
    assert len(ok) == placed
    assert all(refusal in str(j["title"]) for j in journal if j["error"])
