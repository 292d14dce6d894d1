"""Fixtures for the Slack adapter tests: the stand-in, the real core, the adapter running
in either mode against the stand-in."""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:  # the stand-in lives in tests/, which is not installed
    sys.path.insert(0, str(ROOT))

from tests.slack_standin import SlackStandIn  # noqa: E402

SECRET = "standin-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    """A Slack stand-in with three workspace users: an admin, and two members."""
    async with SlackStandIn() as standin:
        standin.add_user("UADMIN", "ada", is_admin=True)
        standin.add_user("USAM", "sam")
        standin.add_user("UKIM", "kim")
        yield standin


def slack_section(slack: SlackStandIn, mode: str, port: int = 0) -> dict[str, Any]:
    """The ``[slack]`` config section pointing the bot at the stand-in."""
    section: dict[str, Any] = {
        "mode": mode,
        "bot_token": slack.bot_token,
        "api_base": slack.api_base,
    }
    if mode == "socket":
        section["app_token"] = slack.app_token
    else:
        section.update(signing_secret=SECRET, host="127.0.0.1", port=port or free_port(),
                       path="/slack/events")
    return section
