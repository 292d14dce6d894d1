"""A local stand-in for Discord's REST API and gateway, for tests and bench scripts."""

from .limits import (
    bulk_problems,
    command_problems,
    embed_problems,
    install_problems,
    modal_problems,
)
from .openapi import SpecChecker
from .server import DiscordStandin, Guild, InteractionRecord, Private, Sent, User

__all__ = [
    "DiscordStandin",
    "Guild",
    "InteractionRecord",
    "Private",
    "Sent",
    "SpecChecker",
    "User",
    "bulk_problems",
    "command_problems",
    "embed_problems",
    "install_problems",
    "modal_problems",
]
