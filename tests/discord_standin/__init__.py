"""A local stand-in for Discord's REST API and gateway, for tests and bench scripts."""

from .openapi import SpecChecker
from .server import DiscordStandin, Guild, InteractionRecord, Sent, User, command_problems

__all__ = [
    "DiscordStandin",
    "Guild",
    "InteractionRecord",
    "Sent",
    "SpecChecker",
    "User",
    "command_problems",
]
