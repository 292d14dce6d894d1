"""A local stand-in for Slack (Web API, response URLs, Socket Mode) and a driver that plays
Slack's side: signed HTTP requests and Socket Mode envelopes."""

from tests.slack_standin.driver import (
    Exchange,
    SlackDriver,
    action_payload,
    buttons_of,
    command_payload,
    dm_channel,
    event_body,
    file_share_event,
    message_action_payload,
    message_text,
    new_trigger_id,
    shortcut_payload,
    sign,
    view_submission_payload,
)
from tests.slack_standin.server import (
    BlockError,
    OpenedView,
    SlackStandIn,
    validate_blocks,
    validate_message,
    validate_view,
    validate_view_response,
)

__all__ = [
    "BlockError",
    "Exchange",
    "OpenedView",
    "SlackDriver",
    "SlackStandIn",
    "action_payload",
    "buttons_of",
    "command_payload",
    "dm_channel",
    "event_body",
    "file_share_event",
    "message_action_payload",
    "message_text",
    "new_trigger_id",
    "shortcut_payload",
    "sign",
    "validate_blocks",
    "validate_message",
    "validate_view",
    "validate_view_response",
    "view_submission_payload",
]
