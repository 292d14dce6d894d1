"""Starting and stopping: bad credentials are logged, not fatal; missing ones are named."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from adapters.slack.config import SlackConfig
from adapters.slack.runner import ConfigurationError, SlackPlatform, check
from bot.bootstrap import create_app
from bot.platforms import serve
from bot.settings import parse
from tests.slack_standin import SlackStandIn


@pytest.mark.parametrize(("config", "missing"), [
    (SlackConfig(mode="socket"), "bot_token"),
    (SlackConfig(mode="socket", bot_token="xoxb-1"), "app_token"),
    (SlackConfig(mode="http", bot_token="xoxb-1"), "signing_secret"),
])
def test_missing_credentials_are_named(config: SlackConfig, missing: str) -> None:
    """A mode without its credential is refused with the setting's name."""
    with pytest.raises(ConfigurationError, match=missing):
        check(config)


async def test_bad_tokens_are_logged_and_retried_not_fatal(
        slack: SlackStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A refused bot token and app token are logged (never printed), the Socket Mode
    connection is retried, and stop still ends run() cleanly."""
    config = parse({"storage": {"url": f"sqlite:///{tmp_path}/x.db"}, "slack": {
        "mode": "socket", "bot_token": "xoxb-revoked", "app_token": "xapp-revoked",
        "api_base": slack.api_base}}, env={})
    app = await create_app(config)
    stop = asyncio.Event()
    with caplog.at_level(logging.INFO):
        task = asyncio.create_task(
            serve(app, [SlackPlatform(app, config.section(SlackConfig))], stop))
        for _ in range(500):
            if slack.calls_of("apps.connections.open"):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert not task.done()
        stop.set()
        await asyncio.wait_for(task, 10)
    await app.close()
    text = caplog.text
    assert "invalid_auth" in text
    assert "xoxb-revoked" not in text and "xapp-revoked" not in text
