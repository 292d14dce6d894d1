"""The Slack app manifest, generated from the catalog and the commands the adapter registers."""

from __future__ import annotations

from typing import Any

from adapters.slack import forms, text
from adapters.slack.config import SlackConfig
from core.interface.catalog import GROUPS, find

# Every Web API method the adapter calls, and the bot scope it needs.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "apps.connections.open": None,  # app-level token with connections:write
    "chat.postEphemeral": "chat:write",
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "conversations.open": "im:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    # the paste form's file_input and a screenshot shared in the app's DM: files.info, and
    # downloading url_private with the bot token
    "files.info": "files:read",
    "users.info": "users:read",
    "views.open": None,  # a modal opened with a trigger id needs no scope of its own
    "views.publish": None,  # the Home tab
    "oauth.v2.access": None,  # installs and token refreshes (client id and secret)
}
BOT_EVENTS: dict[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",  # a screenshot shared in the app's DM
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
}
# Low-balance notices go to the channel a pool names, which the bot may not have joined.
EXTRA_SCOPES: tuple[str, ...] = ("chat:write.public",)


def bot_scopes() -> list[str]:
    """The bot scopes the app asks for: those its Web API calls and events need."""
    needed = [*METHOD_SCOPES.values(), *BOT_EVENTS.values()]
    return sorted({"commands", *(s for s in needed if s), *EXTRA_SCOPES})


def _description(slash: str) -> str:
    name = slash.lstrip("/")
    if name == text.CATCH_ALL:
        return "Every Connects bot command: quote, bid, refund, balance, buy, pool and more"
    command = find(name)
    return command.description if command else GROUPS.get(name, name)


def _hint(slash: str) -> str:
    name = slash.lstrip("/")
    if name == text.CATCH_ALL:
        return text.catch_all_hint()
    command = find(name)
    return text.usage_hint(command) if command else ""


def build(
    config: SlackConfig,
    request_url: str | None = None,
    commands: tuple[str, ...] = text.SLASH_COMMANDS,
) -> dict[str, Any]:
    """The manifest for ``commands``: HTTP when ``request_url`` is given (whatever
    ``config.mode`` says: the URL is what HTTP mode needs) or the configured mode is HTTP (then
    without a URL, a placeholder host with the configured path, to be edited before pasting);
    else Socket Mode."""
    http = config.mode == "http" or bool(request_url)
    url = request_url or f"https://bot.example.com{config.path}"
    slash_commands = []
    for slash in commands:
        entry: dict[str, Any] = {
            "command": slash,
            "description": _description(slash)[:2000],
            "should_escape": True,  # mentions arrive as <@U123|name>, channels as <#C1|name>
        }
        hint = _hint(slash)
        if hint:
            entry["usage_hint"] = hint[:1000]
        if http:
            entry["url"] = url
        slash_commands.append(entry)
    scopes = bot_scopes()
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": sorted(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": not http,
        "token_rotation_enabled": config.oauth,
    }
    if http:
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": "Connects bot",
            "description": "Prices, spends, refunds and accounts for Upwork Connects",
            "long_description": (
                "Connects bot quotes how many Upwork Connects a job will cost, records your "
                "bids, refunds and purchases, and keeps an agency's shared Connects pool: "
                "allowances, top-ups, low-balance warnings and a warning before two members "
                "bid on the same job. Replies are private unless you ask otherwise. A quote says "
                "what it rests on: the cost a pasted job post states, a model learned from your "
                "community's bids, or a rough range."
            ),
            "background_color": "#14a800",
        },
        "features": {
            # answers to a global shortcut arrive in the app's DM: users read it there, and
            # share screenshots of a job there to have them quoted
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "Connects", "always_online": True},
            # shortcuts need the commands scope and interactivity, both asked for above
            "shortcuts": forms.manifest_shortcuts(),
            "slash_commands": slash_commands,
        },
        "oauth_config": _oauth_config(config, scopes),
        "settings": settings,
    }


def _oauth_config(config: SlackConfig, scopes: list[str]) -> dict[str, Any]:
    """The scopes, and with many workspaces the OAuth redirect URL."""
    oauth: dict[str, Any] = {"scopes": {"bot": scopes}}
    if config.oauth:
        base = config.public_url.rstrip("/") or "https://bot.example.com"
        oauth["redirect_urls"] = [base + config.redirect_path]
    return oauth
