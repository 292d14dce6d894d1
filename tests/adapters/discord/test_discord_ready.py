"""/readyz and /metrics with the real discord.py client on the stand-in gateway: not ready
until the gateway session is up, ready while it is, the heartbeat latency exported per shard,
not ready once stopped."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from adapters.discord import runner
from bot.ops import Ops
from bot.opsconfig import OpsConfig
from bot.platforms import serve
from core.app import App
from tests.adapters.discord.helpers import discord_config
from tests.discord_standin import DiscordStandin


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def until_status(url: str, status: int) -> str:
    """The body once ``url`` answers ``status`` (polled; the test's timeout bounds it)."""
    while True:
        got, body = await get(url)
        if got == status:
            return body
        await asyncio.sleep(0.05)


async def test_ready_follows_the_gateway(standin: DiscordStandin, discord_app: App) -> None:
    """503 before the gateway, 200 with a latency per shard while connected, 503 after."""
    platform = runner.DiscordPlatform(discord_app, discord_config(standin), sync=False)
    ops = Ops(discord_app, OpsConfig(port=0, host="127.0.0.1"), [platform])
    await ops.start()
    base = f"http://127.0.0.1:{ops.port}"
    stop = asyncio.Event()
    try:
        status, body = await get(base + "/readyz")
        assert status == 503 and json.loads(body)["checks"]["discord"] == "gateway closed"
        task = asyncio.create_task(serve(discord_app, [platform], stop))
        await standin.wait_ready()
        body = await asyncio.wait_for(until_status(base + "/readyz", 200), 20)
        assert json.loads(body)["checks"]["discord"] == "gateway connected"
        _, metrics = await get(base + "/metrics")
        assert 'connects_discord_gateway_latency_seconds{shard="0"}' in metrics
        stop.set()
        await asyncio.wait_for(task, 10)
        assert (await get(base + "/readyz"))[0] == 503
    finally:
        stop.set()
        await ops.stop()
