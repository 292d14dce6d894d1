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
from tests.adapters.slack.helpers import until
from tests.slack_standin import SlackStandIn


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        (SlackConfig(mode="socket"), "bot_token"),
        (SlackConfig(mode="socket", bot_token="xoxb-1"), "app_token"),
        (SlackConfig(mode="http", bot_token="xoxb-1"), "signing_secret"),
    ],
)
def test_missing_credentials_are_named(config: SlackConfig, missing: str) -> None:
    """A mode without its credential is refused with the setting's name."""
    with pytest.raises(ConfigurationError, match=missing):
        check(config)


async def test_bad_tokens_are_logged_and_retried_not_fatal(
    slack: SlackStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A refused bot token and app token are logged (never printed), the Socket Mode
    connection is retried, and stop still ends run() cleanly."""
    config = parse(
        {
            "storage": {"url": f"sqlite:///{tmp_path}/x.db"},
            "slack": {
                "mode": "socket",
                "bot_token": "xoxb-revoked",
                "app_token": "xapp-revoked",
                "api_base": slack.api_base,
            },
        },
        env={},
    )
    app = await create_app(config)
    stop = asyncio.Event()
    with caplog.at_level(logging.INFO):
        task = asyncio.create_task(
            serve(app, [SlackPlatform(app, config.section(SlackConfig))], stop)
        )
        await until(lambda: bool(slack.calls_of("apps.connections.open")))
        await until(lambda: "invalid_auth" in caplog.text)  # logged once the answer is read
        assert not task.done()
        stop.set()
        await asyncio.wait_for(task, 10)
    await app.close()
    text = caplog.text
    assert "invalid_auth" in text
    assert "xoxb-revoked" not in text and "xapp-revoked" not in text


@pytest.mark.parametrize("failure", ["refused app token", "Slack unreachable"])
async def test_connection_retries_log_one_line_each_without_traceback(
    failure: str,
    slack: SlackStandIn,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    refused_port: int,
) -> None:
    """Each failed Socket Mode connection attempt is one short line (the error, no
    traceback), and the connection is still retried until stop."""
    from adapters.slack import server

    monkeypatch.setattr(server, "SOCKET_PING_INTERVAL", 0.05)  # the wait between attempts
    unreachable = f"http://127.0.0.1:{refused_port}/api/"
    api_base = slack.api_base if failure == "refused app token" else unreachable
    config = parse(
        {
            "storage": {"url": f"sqlite:///{tmp_path}/x.db"},
            "slack": {
                "mode": "socket",
                "bot_token": slack.bot_token,
                "app_token": "xapp-revoked",
                "api_base": api_base,
            },
        },
        env={},
    )
    app = await create_app(config)
    stop = asyncio.Event()

    def attempts() -> list[logging.LogRecord]:
        return [
            r
            for r in caplog.records
            if r.name == "adapters.slack.socket" and r.levelno >= logging.WARNING
        ]

    with caplog.at_level(logging.INFO):
        task = asyncio.create_task(
            serve(app, [SlackPlatform(app, config.section(SlackConfig))], stop)
        )
        await until(lambda: len(attempts()) >= 2)
        assert not task.done()
        stop.set()
        await asyncio.wait_for(task, 10)
    await app.close()
    lines = attempts()
    assert len(lines) >= 2, caplog.text  # retried, not given up
    assert "Traceback" not in caplog.text
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in lines), caplog.text
    assert all(
        "Failed to connect" in r.getMessage() and "Retrying" in r.getMessage() for r in lines
    ), caplog.text
    if failure == "refused app token":
        assert all("invalid_auth" in r.getMessage() for r in lines)
        # one line per attempt: the attempt stop interrupted may not have logged yet
        calls = len(slack.calls_of("apps.connections.open"))
        assert calls - 1 <= len(lines) <= calls
    else:
        assert all("Cannot connect" in r.getMessage() for r in lines), caplog.text
    assert "xapp-revoked" not in caplog.text


def test_other_socket_mode_errors_keep_their_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Only expected connection failures lose their traceback: a bug keeps it."""
    from adapters.slack.server import SOCKET_LOG, RetryNoiseFilter

    SOCKET_LOG.addFilter(noise := RetryNoiseFilter())
    try:
        with caplog.at_level(logging.INFO, logger=SOCKET_LOG.name):
            try:
                raise KeyError("listener bug")
            except KeyError as e:
                SOCKET_LOG.exception(f"Failed to run a request listener: {e}")
    finally:
        SOCKET_LOG.removeFilter(noise)
    [record] = caplog.records
    assert record.exc_info is not None and "Traceback" in caplog.text
