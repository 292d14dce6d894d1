"""What serving many Slack workspaces costs per request: a workspace's token looked up (one
quick read and one AES-GCM open) on SQLite and, when reachable, PostgreSQL; and a rotation
raced by several apps on one database against the stand-in (wall time, refreshes spent).

    .venv/bin/python bench/slack_tokens.py [--n 2000] [--apps 4]

Each figure is the median and 95th percentile of ``--n`` lookups in one process, on this
machine, shared with whatever else runs: read them as orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402
from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from adapters.slack.installs import REFRESH_BEFORE, Workspaces  # noqa: E402
from adapters.slack.sealing import Sealer, new_key, parse_key  # noqa: E402
from core.store import open_store  # noqa: E402
from core.store.base import Store  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402

PG = os.environ.get("CONNECTS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


async def _pg_url() -> tuple[str, str] | None:
    try:
        import asyncpg

        conn = await asyncpg.connect(PG, timeout=3)
    except Exception as exc:
        print(f"PostgreSQL at {PG} not reachable ({type(exc).__name__}); SQLite only")
        return None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    return f"{PG}{'&' if '?' in PG else '?'}search_path={schema}", schema


async def _drop(schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG)
    await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    await conn.close()


def _apps(stores: list[Store], slack: SlackStandIn, key: str) -> list[Workspaces]:
    return [
        Workspaces(
            s,
            Sealer(parse_key(key)),
            slack.client_id,
            slack.client_secret,
            lambda token: AsyncWebClient(token=token, base_url=slack.api_base),
        )
        for s in stores
    ]


async def _install(ws: Workspaces, slack: SlackStandIn, team: str, expires_at: int) -> None:
    granted = await AsyncWebClient(base_url=slack.api_base).oauth_v2_access(
        client_id=slack.client_id, client_secret=slack.client_secret, code=slack.approve(team)
    )
    await ws.installations.async_save(
        Installation(
            team_id=team,
            user_id="U",
            bot_token=granted["access_token"],
            bot_refresh_token=granted["refresh_token"],
            bot_token_expires_at=expires_at,
            bot_id="B",
            bot_user_id="UB",
        )
    )


async def run(url: str, label: str, n: int, apps: int) -> None:
    key = new_key()
    async with SlackStandIn() as slack:
        stores = [await open_store(url) for _ in range(apps)]
        try:
            workspaces = _apps(stores, slack, key)
            await _install(workspaces[0], slack, "TFAST", int(time.time()) + 12 * 3600)
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                await workspaces[0].token("TFAST")
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            print(
                f"{label}: token lookup median {statistics.median(times):.3f} ms, "
                f"p95 {times[int(len(times) * 0.95)]:.3f} ms ({n} lookups)"
            )
            slack.refresh_delay = 0.1
            await _install(workspaces[0], slack, "TRACE", int(time.time()) + REFRESH_BEFORE - 60)
            t0 = time.perf_counter()
            await asyncio.gather(*(w.token("TRACE") for w in workspaces for _ in range(5)))
            wall = (time.perf_counter() - t0) * 1000
            team = slack.teams["TRACE"]
            print(
                f"{label}: {apps} apps x 5 asking for a due token at once: {wall:.0f} ms "
                f"(refresh answered in 100 ms), refresh tokens spent {team.refreshes}, "
                f"presented twice {team.reused}"
            )
        finally:
            for s in stores:
                await s.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--apps", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite:///{tmp}/bench.db", "SQLite", args.n, args.apps)
    pg = await _pg_url()
    if pg is not None:
        try:
            await run(pg[0], "PostgreSQL", args.n, args.apps)
        finally:
            await _drop(pg[1])


if __name__ == "__main__":
    asyncio.run(main())
