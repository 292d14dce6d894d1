"""Start-up warnings discord.py gives that do not apply to this bot, silenced one by one.

The bot never joins a voice channel, so neither voice library is installed. Without them
discord.py (2.7) logs ``PyNaCl is not installed, voice will NOT be supported`` and ``davey is
not installed, voice will NOT be supported`` on ``discord.client`` when its first client is
built, and on Python 3.11 and 3.12 importing ``discord.player`` (its voice audio) triggers
``DeprecationWarning: 'audioop' is deprecated``. Only these are silenced: the filter matches
that one message from that one module, and the voice warnings are turned off through
discord.py's own flags for them (``VoiceClient.warn_nacl``, ``VoiceClient.warn_dave``), so every
other warning and log line of discord.py still shows.

No discord import at module level: the package imports this before anything loads discord.
"""

from __future__ import annotations

import warnings

AUDIOOP_MESSAGE = r"'audioop' is deprecated"
VOICE_FLAGS = ("warn_nacl", "warn_dave")


def ignore_audioop_deprecation() -> None:
    """Ignore the ``audioop`` deprecation that importing ``discord.player`` triggers (once,
    at its first import, so this must run before discord is imported)."""
    warnings.filterwarnings(
        "ignore", message=AUDIOOP_MESSAGE, category=DeprecationWarning, module=r"discord\.player"
    )


def skip_voice_warnings() -> None:
    """Tell discord.py not to warn that voice is unsupported; call before building a
    client (it warns when the first one is built)."""
    from discord.voice_client import VoiceClient

    for flag in VOICE_FLAGS:
        if hasattr(VoiceClient, flag):  # warn_dave is newer than discord.py 2.4
            setattr(VoiceClient, flag, False)
