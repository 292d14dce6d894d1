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
    # many workspaces (OAuth, HTTP mode only): set client_id to switch it on
    client_id: str = ""
    client_secret: str = ""
    token_key: str = ""  # seals workspace tokens at rest (SLACK_TOKEN_KEY)
    install_path: str = "/slack/install"
    redirect_path: str = "/slack/oauth_redirect"
    public_url: str = ""  # where Slack reaches the bot, for the OAuth redirect URL
    retention_days: int = 30  # a removed workspace's data is deleted after this many days

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError("slack.mode must be 'socket' or 'http'")
        if not 0 <= self.retention_days <= 3650:
            raise ValueError("slack.retention_days must be between 0 and 3650")

    @property
    def oauth(self) -> bool:
        """Whether the bot serves many workspaces installed through OAuth."""
        return bool(self.client_id)

    def __repr__(self) -> str:
        return (
            f"SlackConfig(mode={self.mode!r}, bot_token={'***' if self.bot_token else ''!r}, "
            f"client_id={self.client_id!r})"
        )


SECTION = Section(
    "slack",
    SlackConfig,
    env={
        "bot_token": "SLACK_BOT_TOKEN",
        "app_token": "SLACK_APP_TOKEN",
        "signing_secret": "SLACK_SIGNING_SECRET",
        "client_id": "SLACK_CLIENT_ID",
        "client_secret": "SLACK_CLIENT_SECRET",
        "token_key": "SLACK_TOKEN_KEY",
    },
    secrets=("bot_token", "app_token", "signing_secret", "client_secret", "token_key"),
)
