"""Workspace tokens sealed at rest: AES-256-GCM under a key from the environment.

The key is 32 random bytes in URL-safe base64 (:data:`MAKE_KEY` makes one), given as
``SLACK_TOKEN_KEY``. Each sealed value carries its own random nonce and is bound to
its workspace id (the GCM associated data), so a database row copied onto another workspace's
row does not open there: whoever can write the database but not read the environment cannot
move one workspace's tokens to another. Sealed text says nothing about the tokens but their
length.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1:"
#: A shell command that prints a new key.
MAKE_KEY = "openssl rand -base64 32 | tr '+/' '-_'"
NONCE = 12


class BadKey(ValueError):
    """The token key is missing or not a key; the message is one line saying what to fix."""


class Unsealable(ValueError):
    """A sealed value that does not open with this key for this workspace."""


def new_key() -> str:
    """A fresh key, as ``SLACK_TOKEN_KEY`` takes it."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> bytes:
    """The 32 bytes of a key written as :func:`new_key` writes it; raises :class:`BadKey`."""
    if not text:
        raise BadKey(
            "slack.token_key (or SLACK_TOKEN_KEY) is not set: OAuth installs keep workspace "
            f"tokens encrypted with it; make one with: {MAKE_KEY}"
        )
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise BadKey(
            "slack.token_key (or SLACK_TOKEN_KEY) is not a key: it must be 32 bytes in URL-safe "
            f"base64; make one with: {MAKE_KEY}"
        )
    return raw


@dataclass(frozen=True, slots=True)
class Tokens:
    """A workspace's secrets: the bot token and, when Slack rotates tokens, its refresh
    token."""

    bot_token: str
    refresh_token: str | None = None

    def __repr__(self) -> str:
        return "Tokens(***)"


class Sealer:
    """Seals and opens :class:`Tokens` for one workspace at a time."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "Sealer(***)"

    def seal(self, team_id: str, tokens: Tokens) -> str:
        plain = json.dumps({"bot": tokens.bot_token, "refresh": tokens.refresh_token}).encode()
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, plain, team_id.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, team_id: str, sealed: str) -> Tokens:
        """The tokens sealed for ``team_id``; raises :class:`Unsealable` for anything else
        (another key, another workspace's row, altered text)."""
        if not sealed.startswith(PREFIX):
            raise Unsealable("not a sealed value")
        try:
            raw = base64.urlsafe_b64decode(sealed[len(PREFIX) :].encode("ascii"))
            plain = self._aead.decrypt(raw[:NONCE], raw[NONCE:], team_id.encode())
            data = json.loads(plain)
        except (InvalidTag, binascii.Error, ValueError, UnicodeEncodeError):
            raise Unsealable(f"sealed tokens of {team_id} do not open with this key") from None
        refresh = data.get("refresh")
        return Tokens(str(data["bot"]), str(refresh) if refresh else None)
