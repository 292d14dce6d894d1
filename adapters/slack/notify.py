"""Notices on Slack: pool warnings in their channel, personal notices as direct messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TypedDict

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import button_blocks, notice_text
from core.interface.reply import Button

TEXT_MAX = 3000


class _Message(TypedDict):
    """The message parts of ``chat.postMessage``: fallback text, one mrkdwn section, and the
    notice's buttons if it has any."""

    text: str
    blocks: list[dict[str, object]]


def _message(text: str, buttons: Sequence[Button] = ()) -> _Message:
    """The notice as one mrkdwn section, with its buttons (a row of actions each) under it."""
    body = notice_text(text)
    body = body if len(body) <= TEXT_MAX else body[: TEXT_MAX - 1] + "…"
    blocks: list[dict[str, object]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": body}}
    ]
    blocks.extend(b.to_dict() for b in button_blocks(list(buttons)))
    return {"text": body, "blocks": blocks}


class SlackNotifier:
    """Implements :class:`core.notices.Notifier` with the bot's Web API client.

    A failed call raises (``SlackApiError``): the core keeps the notice and retries it later.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        team_id: str | None = None,
        *,
        clients: Callable[[str], Awaitable[AsyncWebClient]] | None = None,
    ) -> None:
        self.client = client
        self.team_id = team_id
        self._clients = clients  # many workspaces: each workspace's own client

    def _check_team(self, team_id: str, what: str) -> None:
        if self.team_id and team_id != self.team_id:
            raise ValueError(f"{what} belongs to workspace {team_id}, not {self.team_id}")

    async def _client(self, team_id: str) -> AsyncWebClient:
        if self._clients is None:
            return self.client
        return await self._clients(team_id)

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        """Post ``text`` in ``channel`` (an id like ``C123``) of workspace ``slack:<team>``."""
        kind, _, team_id = scope.partition(":")
        if kind != "slack" or not channel:
            raise ValueError(f"not a Slack channel: {scope} {channel}")
        self._check_team(team_id, "channel")
        client = await self._client(team_id)
        await client.chat_postMessage(channel=channel, unfurl_links=False, **_message(text))

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` privately to ``slack:<team>:<user>`` (the bot's DM with them), with
        ``buttons`` under it; a click reaches the bot like any button's (both modes)."""
        kind, team_id, user_id = [*user_key.split(":", 2), "", ""][:3]
        if kind != "slack" or not user_id:
            raise ValueError(f"not a Slack user: {user_key}")
        self._check_team(team_id, "user")
        client = await self._client(team_id)
        opened = await client.conversations_open(users=user_id)
        await client.chat_postMessage(
            channel=opened["channel"]["id"], unfurl_links=False, **_message(text, buttons)
        )

    def format_time(self, ts: int) -> str:
        """A Slack date token: each reader sees it in their own time zone."""
        fallback = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"<!date^{ts}^{{date_short_pretty}} at {{time}}|{fallback}>"
