"""Dozens of one-shot ``connects-bot exec`` processes on one PostgreSQL at once."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests import conftest as root

pytestmark = pytest.mark.slow

PROCESSES = 24
CLI = [sys.executable, "-m", "bot"]


async def _exec(url: str, app_name: str, *line: str) -> tuple[int, str]:
    env = {**os.environ, "CONNECTS_DATABASE_URL": f"{url}&application_name={app_name}"}
    proc = await asyncio.create_subprocess_exec(
        *CLI,
        "exec",
        "--user",
        "ana",
        *line,
        env=env,
        cwd=str(Path(__file__).parents[2]),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def test_two_dozen_one_shot_commands_at_once(pg_url: str, tmp_path: Path) -> None:
    """24 ``connects-bot exec`` bids started together all succeed, each process holding at most
    one server connection, and the wallet ends exactly where the bids say."""
    name = f"oneshot-{uuid.uuid4().hex[:8]}"
    code, out = await _exec(pg_url, name, "/buy connects:500")
    assert code == 0, out
    peak = 0
    stop = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        conn = await asyncpg.connect(root.PG_URL)
        try:
            while not stop.is_set():
                n = await conn.fetchval(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1", name
                )
                peak = max(peak, int(n))
                await asyncio.sleep(0.005)
        finally:
            await conn.close()

    watcher = asyncio.create_task(watch())
    try:
        results = await asyncio.gather(
            *(_exec(pg_url, name, f'/bid job:"job {i}" connects:3') for i in range(PROCESSES))
        )
    finally:
        stop.set()
        await watcher
    assert [code for code, _ in results] == [0] * PROCESSES, [o for c, o in results if c]
    assert 1 <= peak <= PROCESSES
    code, out = await _exec(pg_url, name, "/balance")
    assert code == 0 and out.startswith(f"{60 + 500 - 3 * PROCESSES} Connects"), out
