"""The Slack app manifest matches what the adapter registers and what it calls."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.config import SlackConfig
from adapters.slack.handlers import SlackAdapter
from adapters.slack.manifest import METHOD_SCOPES
from adapters.slack.runner import manifest
from core.interface.catalog import COMMANDS, MESSAGE_ACTIONS
from tests.adapters.slack.helpers import ROOT, Bot

SOCKET = SlackConfig(mode="socket", bot_token="xoxb-1", app_token="xapp-1")
HTTP = SlackConfig(mode="http", bot_token="xoxb-1", signing_secret="s", path="/slack/events")


def slash_names(m: dict[str, Any]) -> list[str]:
    return [c["command"] for c in m["features"]["slash_commands"]]


def test_manifest_commands_are_the_registered_ones() -> None:
    """Every slash command in the manifest is registered by the adapter, and vice versa."""
    adapter = SlackAdapter(object(), SOCKET)  # type: ignore[arg-type]
    assert sorted(slash_names(manifest(SOCKET))) == sorted(adapter.registered)
    assert set(adapter.registered) == {"/quote", "/bid", "/refund", "/balance", "/connects"}


def test_manifest_declares_both_shortcuts_the_adapter_listens_for() -> None:
    """A global shortcut for the /paste form and a message shortcut per message action, each
    within Slack's limits, exactly the ones the adapter registers; interactivity is on and
    the app's DM, where a global shortcut's answer goes, is readable."""
    for config in (SOCKET, HTTP):
        m = manifest(config)
        shortcuts = m["features"]["shortcuts"]
        assert shortcuts == [
            {
                "name": "Paste a job post",
                "type": "global",
                "callback_id": "paste",
                "description": "Paste a job post: its real cost and every factor",
            },
            *(
                {
                    "name": a.name,
                    "type": "message",
                    "callback_id": a.callback,
                    "description": a.description,
                }
                for a in MESSAGE_ACTIONS
            ),
        ]
        assert {"name": "Quote this job", "callback_id": "quote_message"}.items() <= shortcuts[
            1
        ].items()
        for shortcut in shortcuts:
            assert set(shortcut) == {"name", "type", "callback_id", "description"}
            assert 0 < len(shortcut["name"]) <= 24
            assert 0 < len(shortcut["description"]) <= 150
            assert 0 < len(shortcut["callback_id"]) <= 255
        assert m["settings"]["interactivity"]["is_enabled"] is True
        assert "commands" in m["oauth_config"]["scopes"]["bot"]
        assert m["features"]["app_home"]["messages_tab_enabled"] is True
        adapter = SlackAdapter(object(), config)  # type: ignore[arg-type]
        assert adapter.interactions.registered == [(s["type"], s["callback_id"]) for s in shortcuts]


def test_socket_manifest_has_no_urls_and_http_manifest_points_at_the_bot() -> None:
    """Socket Mode needs no URLs; HTTP mode sends commands, clicks and events to one URL."""
    sock = manifest(SOCKET)
    assert sock["settings"]["socket_mode_enabled"] is True
    assert "url" not in json.dumps(sock["features"])
    http = manifest(HTTP, "https://bot.example.org/slack/events")
    assert http["settings"]["socket_mode_enabled"] is False
    urls = {c["url"] for c in http["features"]["slash_commands"]}
    urls |= {
        http["settings"]["interactivity"]["request_url"],
        http["settings"]["event_subscriptions"]["request_url"],
    }
    assert urls == {"https://bot.example.org/slack/events"}


def test_manifest_within_slacks_limits_and_mentions_escaped() -> None:
    """Descriptions and hints fit Slack's limits; mentions arrive escaped for the parser."""
    m = manifest(SOCKET)
    assert len(m["display_information"]["description"]) <= 140
    assert 175 <= len(m["display_information"]["long_description"]) <= 4000
    for c in m["features"]["slash_commands"]:
        assert c["should_escape"] is True
        assert 0 < len(c["description"]) <= 100
        assert len(c.get("usage_hint", "")) <= 1000
        assert c["command"].islower() and len(c["command"]) <= 32
    hint = next(c for c in m["features"]["slash_commands"] if c["command"] == "/connects")
    for command in COMMANDS:
        if not command.text_only:
            assert (command.group or command.name) in hint["usage_hint"]


async def test_scopes_cover_every_web_api_method_used(bot: Bot) -> None:
    """Every Web API method the bot called during a busy session needs only scopes the
    manifest asks for."""
    d = bot.driver
    await d.run("USAM", "/bid", "job:Scopes connects:1")
    ex = await d.command("USAM", "/connects", "export")
    await bot.slack.wait_posts(ex.response_url, 1, 30)
    # a global shortcut opens its modal (views.open), whose submission is answered
    await d.shortcut("USAM", "paste")
    [opened] = await bot.slack.wait_views()
    assert (await d.submit_view(opened, {"post": "A job"})).status == 200
    scopes = set(manifest(SOCKET)["oauth_config"]["scopes"]["bot"])
    used = {c.method for c in bot.slack.calls}
    assert used <= set(METHOD_SCOPES), used - set(METHOD_SCOPES)
    assert {METHOD_SCOPES[m] for m in used if METHOD_SCOPES[m]} <= scopes
    assert {"files.completeUploadExternal", "views.open"} <= used


@pytest.mark.slow
def test_cli_prints_the_manifest(tmp_path: Any) -> None:
    """``connects-bot slack-manifest`` prints the same manifest as JSON."""
    config = tmp_path / "c.toml"
    config.write_text('[slack]\nmode = "http"\nbot_token = "xoxb-x"\nsigning_secret = "s"\n')
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "slack-manifest",
            "--config",
            str(config),
            "--request-url",
            "https://bot.example.org/slack/events",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    printed = json.loads(out.stdout)
    assert printed == manifest(HTTP, "https://bot.example.org/slack/events")


@pytest.fixture
def restore_logging() -> Any:
    """``bot.cli.main`` sets up logging for the process; put the test's logging back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("discord", "slack_bolt", "slack_sdk", "aiohttp.access", "asyncio")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.parametrize("mode", ["socket", "http"])
def test_request_url_gives_an_http_manifest_in_any_mode(
    mode: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    """``slack-manifest --request-url URL`` prints an HTTP-mode manifest pointing every
    command, click and event at URL, also when ``[slack] mode`` is not "http" (saying so
    on stderr, in one line, so the config can be changed to match)."""
    from bot.cli import main

    config = tmp_path / "c.toml"
    config.write_text(
        f'[slack]\nmode = "{mode}"\nbot_token = "xoxb-x"\n'
        'app_token = "xapp-x"\nsigning_secret = "s"\n'
    )
    url = "https://bot.example.org/slack/events"
    assert main(["slack-manifest", "--config", str(config), "--request-url", url]) == 0
    out, err = capsys.readouterr()
    printed = json.loads(out)
    assert printed == manifest(HTTP, url)
    assert printed["settings"]["socket_mode_enabled"] is False
    urls = {c["url"] for c in printed["features"]["slash_commands"]}
    urls |= {
        printed["settings"]["interactivity"]["request_url"],
        printed["settings"]["event_subscriptions"]["request_url"],
    }
    assert urls == {url}
    if mode == "http":
        assert err == ""
    else:
        [line] = err.splitlines()
        assert "HTTP-mode manifest" in line and "'socket'" in line


def test_without_request_url_the_manifest_follows_the_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    """Without ``--request-url`` a Socket Mode config gets a Socket Mode manifest."""
    from bot.cli import main

    config = tmp_path / "c.toml"
    config.write_text('[slack]\nmode = "socket"\nbot_token = "xoxb-x"\napp_token = "xapp-x"\n')
    assert main(["slack-manifest", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == manifest(SOCKET)
    assert json.loads(out)["settings"]["socket_mode_enabled"] is True and err == ""


def test_help_says_request_url_means_http(capsys: pytest.CaptureFixture[str]) -> None:
    """``slack-manifest --help`` says a request URL gives an HTTP-mode manifest."""
    from bot.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["slack-manifest", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--request-url URL" in text
    assert 'manifest is for HTTP mode even when [slack] mode is not "http"' in text
