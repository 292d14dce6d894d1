"""A local stand-in for Slack (Web API, response URLs, Socket Mode) and a driver that plays
Slack's side: signed HTTP requests and Socket Mode envelopes."""

from tests.slack_standin.driver import (
    Exchange,
    SlackDriver,
    action_payload,
    buttons_of,
    command_payload,
    message_text,
    new_trigger_id,
    sign,
)
from tests.slack_standin.server import BlockError, SlackStandIn, validate_blocks, validate_message

__all__ = [
    "BlockError",
    "Exchange",
    "SlackDriver",
    "SlackStandIn",
    "action_payload",
    "buttons_of",
    "command_payload",
    "message_text",
    "new_trigger_id",
    "sign",
    "validate_blocks",
    "validate_message",
]
