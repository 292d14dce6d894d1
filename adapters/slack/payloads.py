"""The parts of Slack's payloads the adapter reads: requests as bolt hands them to listeners,
and the user object of a ``users.info`` answer.

Slack sends more fields than these; only the ones read are declared, and none is required
(the adapter falls back when a field is missing).
"""

from __future__ import annotations

from typing import Any, TypedDict


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
    view: dict[str, Any]  # where the button was pressed when not a message (the Home tab)


class ShortcutBody(TypedDict, total=False):
    """A global shortcut (``type: shortcut``): who used it; no channel, no response_url."""

    type: str
    callback_id: str
    trigger_id: str
    action_ts: str
    user: ActionUser
    team: ActionTeam | None


class AttachmentField(TypedDict, total=False):
    title: str
    value: str


class MessageAttachment(TypedDict, total=False):
    """A message attachment, such as the unfurl of a link: its title, link and text."""

    fallback: str
    pretext: str
    title: str
    title_link: str
    from_url: str
    original_url: str
    text: str
    fields: list[AttachmentField]


class ShortcutMessage(TypedDict, total=False):
    """The message a message shortcut was used on (``text`` in Slack's mrkdwn)."""

    type: str
    user: str
    ts: str
    text: str
    attachments: list[MessageAttachment]
    blocks: list[dict[str, Any]]


class ShortcutChannel(TypedDict, total=False):
    id: str
    name: str


class MessageActionBody(TypedDict, total=False):
    """A message shortcut (``type: message_action``) on ``message`` in ``channel``."""

    type: str
    callback_id: str
    trigger_id: str
    action_ts: str
    message_ts: str
    response_url: str
    user: ActionUser
    team: ActionTeam | None
    channel: ShortcutChannel
    message: ShortcutMessage


class SlackFile(TypedDict, total=False):
    """A file object (a ``file_input``'s upload, a message's file, ``files.info``'s answer):
    what the bot reads to fetch an image. Slack leaves the links out (``file_access:
    check_file_info``) where the bot must ask ``files.info``, as for a Slack Connect user's."""

    id: str
    name: str
    title: str
    mimetype: str
    filetype: str
    size: int
    user: str  # who uploaded it
    user_team: str  # the uploader's home workspace
    mode: str
    file_access: str
    url_private: str
    url_private_download: str


class InputValue(TypedDict, total=False):
    """The value of one input element of a submitted view: typed text, or a ``file_input``'s
    uploaded files."""

    type: str
    value: str | None
    files: list[SlackFile]


class ViewState(TypedDict, total=False):
    """``values``: block id -> action id -> the element's value."""

    values: dict[str, dict[str, InputValue]]


class ViewBody(TypedDict, total=False):
    """A view as Slack sends it back: its ids, what the bot stored in it, what was typed."""

    id: str
    hash: str
    callback_id: str
    private_metadata: str
    state: ViewState


class ViewSubmissionBody(TypedDict, total=False):
    """A ``view_submission``: the user submitted a modal the bot opened."""

    type: str
    trigger_id: str
    user: ActionUser
    team: ActionTeam | None
    view: ViewBody


class MentionEvent(TypedDict, total=False):
    """An ``app_mention`` event: who mentioned the bot, and where."""

    type: str
    user: str
    channel: str
    text: str


class MessageEvent(TypedDict, total=False):
    """A ``message`` event (``message.im``: a message in the app's DM): a ``file_share``
    carries the files shared; an edit (``message_changed``) or a bot's post does not count."""

    type: str
    subtype: str
    channel: str
    channel_type: str  # "im" in the app's DM
    user: str
    user_team: str
    bot_id: str
    text: str
    ts: str
    thread_ts: str
    files: list[SlackFile]


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
