"""Processes racing on one database (both backends): the interview reward's 50-in-7-days cap
and its once-per-bid rule hold whoever commits first, and a plan's cycle is granted once.

Attack: a member fires /interview for all their bids from two bot processes (Discord shards,
Slack replicas) at once, hoping both check the cap before either writes. The cap is counted
after the member's wallet is locked, in the credit's own transaction, so it cannot."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import create_app
from core.base.config import parse
from core.store.base import Tx
from tests.store import kinds_race

pytestmark = pytest.mark.slow

PROCESSES = 2
_keep: list[object] = []  # the barrier must outlive the children's start-up


def _spawn(target: Any, args: list[tuple[Any, ...]]) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(args))
    _keep[:] = [barrier]
    procs = [ctx.Process(target=target, args=(*a, barrier)) for a in args]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 90
    for p in procs:
        p.join(max(deadline - time.monotonic(), 1))
    hung = [p for p in procs if p.is_alive()]
    for p in hung:
        p.kill()
    assert not hung, "a worker process hung"
    assert [p.exitcode for p in procs] == [0] * len(procs)


async def _read(url: str, sql: str) -> list[Any]:
    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:

        async def read(tx: Tx) -> list[Any]:
            return [tuple(r) for r in await tx.fetchall(sql)]

        return await app.store.read(read)
    finally:
        await app.close()


async def _consistent(url: str) -> None:
    rows = await _read(
        url,
        "SELECT a.id, a.balance, (SELECT COALESCE(SUM(delta), 0) FROM entries e "
        "WHERE e.account_id = a.id), (SELECT COALESCE(SUM(remaining), 0) FROM lots l "
        "WHERE l.account_id = a.id) FROM accounts a",
    )
    for _, held, entries, lots in rows:
        assert held == entries == lots and held >= 0


async def test_two_processes_claiming_rewards_stop_at_fifty(db_url: str, tmp_path: Path) -> None:
    """Two processes claim all eight of a member's bids at once, in opposite orders: exactly
    five rewards (50 Connects) are written, no bid twice, and every other claim is refused for
    the cap or as already credited."""
    app = await create_app(parse({"storage": {"url": db_url}}, env={}))
    try:
        await app.run_text(kinds_race.ana(), "/buy connects:100", "setup-buy")
        for n in range(1, kinds_race.BIDS + 1):
            reply = await app.run_text(kinds_race.ana(), f"/bid job:race-{n} connects:2", f"s{n}")
            assert not reply.error, reply.text()
    finally:
        await app.close()
    journals = [tmp_path / f"interview{i}.jsonl" for i in range(PROCESSES)]
    _spawn(kinds_race.interview_worker, [(db_url, i, str(journals[i])) for i in range(PROCESSES)])
    journal = kinds_race.read_journal(journals)
    assert len(journal) == PROCESSES * kinds_race.BIDS
    credited = [j for j in journal if not j["error"]]
    assert len(credited) == 5
    assert len({j["bid"] for j in credited}) == 5
    refusals = [str(j["title"]) for j in journal if j["error"]]
    assert all("at most 50" in t or "was credited" in t for t in refusals), refusals
    rewards = await _read(db_url, "SELECT bid_id, connects FROM interview_rewards")
    assert sorted(b for b, _ in rewards) == sorted(j["bid"] for j in credited)
    entries = await _read(db_url, "SELECT delta FROM entries WHERE kind = 'interview'")
    assert sum(d for (d,) in entries) == 50
    await _consistent(db_url)


async def test_two_workers_grant_a_plans_cycle_once(db_url: str) -> None:
    """Two notice workers run the grant job at the same billing day, three times each: the
    plan's Connects arrive once."""
    start = 1_800_000_000  # 2027-01-15
    app = await create_app(parse({"storage": {"url": db_url}}, env={}), lambda: start)
    try:
        reply = await app.run_text(kinds_race.ana(), "/plan name:plus day:1", "setup-plan")
        assert not reply.error, reply.text()
    finally:
        await app.close()
    due = start + 20 * 86400  # past 2027-02-01
    _spawn(kinds_race.grant_worker, [(db_url, due, 3) for _ in range(PROCESSES)])
    grants = await _read(db_url, "SELECT delta FROM entries WHERE kind = 'plan'")
    assert grants == [(100,)]
    await _consistent(db_url)
