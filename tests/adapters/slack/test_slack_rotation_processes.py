"""Two processes (as two replicas) racing to rotate one workspace's expiring token, on both
databases, against the stand-in, which refuses a refresh token presented twice."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installs import REFRESH_BEFORE, InstallationStore
from adapters.slack.sealing import Sealer, new_key, parse_key
from core.store import open_store
from tests.adapters.slack import rotation_race
from tests.slack_standin import SlackStandIn

pytestmark = pytest.mark.slow

_keep: list[object] = []  # the barrier must outlive the children's start-up


async def test_two_processes_spend_one_refresh_token(
    slack: SlackStandIn, migrated_db_url: str, tmp_path: Path
) -> None:
    """Both processes get a working token; the stand-in saw the refresh token spent once
    and never presented again, and only one process spent it."""
    key = new_key()
    api = AsyncWebClient(base_url=slack.api_base)
    granted = await api.oauth_v2_access(
        client_id=slack.client_id,
        client_secret=slack.client_secret,
        code=slack.approve(rotation_race.TEAM),
    )
    store = await open_store(migrated_db_url)
    try:
        await InstallationStore(store, Sealer(parse_key(key))).async_save(
            Installation(
                team_id=rotation_race.TEAM,
                user_id="UINST",
                bot_token=granted["access_token"],
                bot_refresh_token=granted["refresh_token"],
                # due for a refresh now, still valid for a minute
                bot_token_expires_at=int(time.time()) + REFRESH_BEFORE - 60,
                bot_id="B1",
                bot_user_id="UBOT",
            )
        )
    finally:
        await store.close()
    slack.refresh_delay = 0.3  # both are surely asking while the first refresh is under way
    journal = tmp_path / "journal.jsonl"
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    _keep[:] = [barrier]
    args = (
        migrated_db_url,
        slack.api_base,
        slack.client_id,
        slack.client_secret,
        key,
        str(journal),
        barrier,
    )
    procs = [ctx.Process(target=rotation_race.worker, args=args) for _ in range(2)]
    for p in procs:
        p.start()

    def join() -> list[int | None]:
        for p in procs:
            p.join(90)
        for p in procs:
            if p.is_alive():
                p.kill()
        return [p.exitcode for p in procs]

    # joined on a thread: the stand-in answers the workers from this event loop meanwhile
    assert await asyncio.to_thread(join) == [0, 0]
    team = slack.teams[rotation_race.TEAM]
    assert team.refreshes == 1 and team.reused == 0
    lines: list[dict[str, Any]] = [json.loads(x) for x in journal.read_text().splitlines()]
    assert sum(x["refreshes"] for x in lines) == 1
    assert all(t in team.tokens for x in lines for t in x["tokens"])
