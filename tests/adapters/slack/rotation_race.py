"""Worker processes for test_slack_rotation_processes.py: replicas asking for one workspace's
token at once, each with its own database connections, against the test's Slack stand-in."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

TEAM = "TRACE"


def worker(
    url: str, api_base: str, client_id: str, secret: str, key: str, journal: str, start: Any
) -> None:
    """Ask for the token a few times as soon as every worker is ready; log what came back."""
    asyncio.run(_ask(url, api_base, client_id, secret, key, Path(journal), start))


async def _ask(
    url: str, api_base: str, client_id: str, secret: str, key: str, journal: Path, start: Any
) -> None:
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.installs import Workspaces
    from adapters.slack.sealing import Sealer, parse_key
    from core.store import open_store

    store = await open_store(url, migrate=False)
    try:
        ws = Workspaces(
            store,
            Sealer(parse_key(key)),
            client_id,
            secret,
            lambda token: AsyncWebClient(token=token, base_url=api_base),
        )
        start.wait()
        tokens = await asyncio.gather(*(ws.token(TEAM) for _ in range(3)))
        with journal.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"tokens": tokens, "refreshes": ws.refreshes}) + "\n")
    finally:
        await store.close()
