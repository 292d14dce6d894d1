"""The ``[slack]`` section of the configuration, owned by this adapter (no slack_bolt import
here: the composition root reads it on every start)."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.config import Section

MODES = ("socket", "http")


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """``[slack]``: Socket Mode or HTTP, the app's tokens and where HTTP mode listens."""

    mode: str = "socket"  # "socket" or "http"
    bot_token: str = ""
    app_token: str = ""
    signing_secret: str = ""
    host: str = "0.0.0.0"
    port: int = 3000
    path: str = "/slack/events"
    api_base: str = "https://slack.com/api/"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError("slack.mode must be 'socket' or 'http'")

    def __repr__(self) -> str:
        return f"SlackConfig(mode={self.mode!r}, bot_token={'***' if self.bot_token else ''!r})"


SECTION = Section(
    "slack",
    SlackConfig,
    env={
        "bot_token": "SLACK_BOT_TOKEN",
        "app_token": "SLACK_APP_TOKEN",
        "signing_secret": "SLACK_SIGNING_SECRET",
    },
    secrets=("bot_token", "app_token", "signing_secret"),
)
