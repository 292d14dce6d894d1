"""End to end: the real ``connects-bot run`` (a subprocess with a real config file) serving the
Slack stand-in, in both modes."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.adapters.slack.helpers import ROOT, SECRET, slack_section
from tests.slack_standin import (
    SlackDriver,
    SlackStandIn,
    buttons_of,
    command_payload,
    message_text,
    sign,
)

#: the line ``connects-bot run`` logs (at INFO) once the Slack HTTP endpoint is bound
LISTENING = re.compile(r"Slack HTTP endpoint listening on http://127\.0\.0\.1:(\d+)/")

pytestmark = pytest.mark.slow


def toml_value(value: Any) -> str:
    return (
        json.dumps(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def write_config(path: Path, sections: dict[str, dict[str, Any]]) -> None:
    lines = []
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {toml_value(v)}" for k, v in values.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class Process:
    """A running ``connects-bot run`` and a driver talking to it through the stand-in."""

    def __init__(self, proc: asyncio.subprocess.Process, driver: SlackDriver, stderr: Path) -> None:
        self.proc = proc
        self.driver = driver
        self.stderr = stderr

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


async def start_bot(
    slack: SlackStandIn,
    mode: str,
    tmp: Path,
    log_level: str = "INFO",
    extra: dict[str, dict[str, Any]] | None = None,
) -> Process:
    section = slack_section(slack, mode)
    config = tmp / f"{mode}.toml"
    write_config(
        config, {"storage": {"url": f"sqlite:///{tmp}/e2e.db"}, "slack": section, **(extra or {})}
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_", "CONNECTS_DATABASE_URL"))
    }
    env["PYTHONPATH"] = str(ROOT)
    stderr = tmp / f"{mode}.stderr"
    with stderr.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            "--log-level",
            log_level,
            cwd=str(tmp),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=err,
        )
    url = ""
    deadline = time.monotonic() + 30
    if mode == "http":
        # the bot binds port 0; its log names the port the OS gave it
        while not (bound := LISTENING.search(stderr.read_text())):
            assert proc.returncode is None and time.monotonic() < deadline, stderr.read_text()
            await asyncio.sleep(0.05)
        url = f"http://127.0.0.1:{bound[1]}{section['path']}"
        async with aiohttp.ClientSession() as s, s.get(f"http://127.0.0.1:{bound[1]}/healthz") as r:
            assert r.status == 200
    else:
        await slack.wait_socket(within=30)
    driver = SlackDriver(slack, mode, bot_url=url, signing_secret=SECRET)
    return Process(proc, driver, stderr)


@pytest.fixture(params=["http", "socket"])
async def process(
    request: pytest.FixtureRequest, slack: SlackStandIn, tmp_path: Path
) -> AsyncIterator[Process]:
    """``connects-bot run`` serving the stand-in in each mode."""
    proc = await start_bot(slack, request.param, tmp_path)
    try:
        yield proc
    finally:
        code = await proc.stop()
        await proc.driver.close()
        assert code == 0, proc.log()
        assert not slack.block_errors, slack.block_errors


async def test_wallet_and_pool_stories(process: Process, slack: SlackStandIn) -> None:
    """quote -> bid -> balance -> refund -> balance, then a pool story with a confirmed
    duplicate, a replayed trigger id and free text, through the real command line."""
    d = process.driver
    assert "about 7-26 Connects" in message_text(await d.run("USAM", "/quote", "price:500"))
    bid = await d.run(
        "USAM", "/bid", 'job:"Logo \\"Bäckerei\\" 🥐 & <co>" connects:4', trigger_id="42.42.e2e"
    )
    assert 'Logo "Bäckerei" 🥐 &amp; &lt;co&gt;' in message_text(bid)
    replay = await d.run(
        "USAM", "/bid", 'job:"Logo \\"Bäckerei\\" 🥐 & <co>" connects:4', trigger_id="42.42.e2e"
    )
    assert message_text(replay) == message_text(bid)
    assert "56 Connects" in message_text(await d.run("USAM", "/balance"))
    assert "Refunded 4" in message_text(await d.run("USAM", "/refund", "bid:#1 reason:completed"))
    assert "60 Connects" in message_text(await d.run("USAM", "/balance"))
    bad = await d.run("USAM", "/bid", "job:x connects:lots")
    assert bad["response_type"] == "ephemeral" and "connects" in bad["text"] and "blocks" not in bad

    await d.run("UKIM", "/connects", "pool create name:agency")
    assert "+80" in message_text(
        await d.run("UKIM", "/connects", "pool topup name:agency connects:80")
    )
    added = await d.run("UKIM", "/connects", "pool add name:agency member:<@USAM|sam>")
    assert "sam" in message_text(added) or "USAM" in message_text(added)
    await d.run("USAM", "/bid", "job:Shop pool:agency connects:5")
    dup = await d.run("UKIM", "/bid", "job:Shop pool:agency connects:5")
    [confirm] = buttons_of(dup)
    click = await d.click("UKIM", confirm)
    [done] = await slack.wait_posts(click.response_url)
    assert "placed" in message_text(done)
    info = await d.run("USAM", "/connects", "pool info name:agency")
    assert "70 Connects" in message_text(info)


async def test_stop_lets_a_slow_command_finish(slack: SlackStandIn, tmp_path: Path) -> None:
    """SIGTERM while an export is being prepared: the export still arrives, exit code 0."""
    proc = await start_bot(slack, "socket", tmp_path)
    try:
        await proc.driver.run("USAM", "/bid", "job:Before-stop connects:2")
        ex = await proc.driver.command("USAM", "/connects", "history")
        proc.proc.send_signal(signal.SIGTERM)
        [final] = await slack.wait_posts(ex.response_url, 1, 30)
        assert "balance.png" in message_text(final)
        assert await proc.stop() == 0
    finally:
        await proc.stop()
        await proc.driver.close()


async def test_bad_signatures_refused_by_the_running_bot(
    slack: SlackStandIn, tmp_path: Path
) -> None:
    """Forged, tampered and stale requests get 401 from ``connects-bot run``; no state changes
    and no secret reaches the log, even at DEBUG."""
    proc = await start_bot(slack, "http", tmp_path, log_level="DEBUG")
    d = proc.driver
    try:
        body = urllib.parse.urlencode(
            command_payload(slack, "USAM", "/bid", "job:Forged connects:9")
        ).encode()
        assert (await d.post_signed(body, secret="forged"))[0] == 401
        assert (await d.post_signed(body + b"x", headers=sign(SECRET, body)))[0] == 401
        assert (await d.post_signed(body, timestamp=int(time.time()) - 400))[0] == 401
        assert "60 Connects" in message_text(await d.run("USAM", "/balance"))
    finally:
        assert await proc.stop() == 0
        await d.close()
    log = proc.log()
    assert "/balance" in log or "balance" in log
    for secret in (SECRET, slack.bot_token):
        assert secret not in log


async def test_slack_and_discord_in_one_process(slack: SlackStandIn, tmp_path: Path) -> None:
    """With both tokens configured, one ``connects-bot run`` serves Slack and Discord from
    one ledger."""
    from tests.discord_standin import DiscordStandin

    async with DiscordStandin() as discord:
        owner = discord.add_user("dana")
        guild = discord.add_guild("Agency", owner)
        proc = await start_bot(
            slack,
            "socket",
            tmp_path,
            extra={
                "discord": {
                    "token": discord.token,
                    "api_base": discord.api_base,
                    "gateway_url": discord.gateway_url,
                }
            },
        )
        try:
            await discord.wait_ready()
            bid = await proc.driver.run("USAM", "/bid", "job:Both connects:4")
            assert "Bid #1 placed" in message_text(bid)
            on_discord = await (
                await discord.slash("bid", owner, guild, job="Both", connects=2)
            ).final()
            assert "Bid #2 placed" in on_discord.text()
            assert "56 Connects" in message_text(await proc.driver.run("USAM", "/balance"))
        finally:
            assert await proc.stop() == 0, proc.log()
            await proc.driver.close()


async def test_pasting_a_post_through_the_running_bot(
    process: Process, slack: SlackStandIn
) -> None:
    """The Paste a job post shortcut opens its modal and the submission is answered on the
    input; Quote this job answers through its response_url, from ``connects-bot run``."""
    d = process.driver
    assert (await d.shortcut("USAM", "paste")).status == 200
    [opened] = await slack.wait_views(within=15)
    assert opened.view["callback_id"] == "paste"
    ex = await d.submit_view(opened, {"post": "Logo for a bakery\nBudget: $500"})
    assert ex.ack["response_action"] in ("errors", "clear"), ex.ack
    if ex.ack["response_action"] == "errors":
        assert list(ex.ack["errors"]) == ["post"]
    used = await d.message_shortcut("USAM", "quote_message", {"text": "Logo for a bakery"})
    [answer] = await slack.wait_posts(used.response_url, 1, 15)
    assert answer["response_type"] == "ephemeral"
