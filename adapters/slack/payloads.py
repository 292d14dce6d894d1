"""The parts of Slack's payloads the adapter reads: requests as bolt hands them to listeners,
and the user object of a ``users.info`` answer.

Slack sends more fields than these; only the ones read are declared, and none is required
(the adapter falls back when a field is missing).
"""

from __future__ import annotations

from typing import TypedDict


class CommandBody(TypedDict, total=False):
    """A slash command (the form fields Slack posts)."""

    command: str
    text: str
    team_id: str
    user_id: str
    user_name: str
    channel_id: str
    trigger_id: str
    response_url: str


class ActionUser(TypedDict, total=False):
    """Who clicked a button."""

    id: str
    name: str
    team_id: str


class ActionTeam(TypedDict, total=False):
    """The workspace a button was clicked in."""

    id: str


class Action(TypedDict, total=False):
    """One clicked block element: a button carries the value the adapter gave it."""

    action_id: str
    value: str


class ActionBody(TypedDict, total=False):
    """A ``block_actions`` interaction (a button click)."""

    type: str
    trigger_id: str
    user: ActionUser
    team: ActionTeam | None
    actions: list[Action]


class MentionEvent(TypedDict, total=False):
    """An ``app_mention`` event: who mentioned the bot, and where."""

    type: str
    user: str
    channel: str
    text: str


class EventBody(TypedDict, total=False):
    """An Events API callback wrapping one event."""

    type: str
    team_id: str
    event_id: str
    event: MentionEvent


class UserProfile(TypedDict, total=False):
    """The ``profile`` of a user object."""

    display_name: str


class User(TypedDict, total=False):
    """The ``user`` of a ``users.info`` answer."""

    id: str
    team_id: str  # the user's home workspace (another one for a Slack Connect user)
    name: str
    real_name: str
    is_admin: bool
    is_owner: bool
    locale: str
    profile: UserProfile
