"""The Discord adapter: discord.py application commands generated from the core catalog.

``runner`` starts it (``run``, ``invite_url``); ``commands`` builds the command tree, ``bot``
answers interactions, ``forms`` builds modals and reads submissions and messages, ``render``
turns replies into messages, ``notify`` delivers notices.
Nothing here is imported by ``core``; the one-shot console paths load only ``config`` and
``quiet``, neither of which imports discord.
"""

from adapters.discord.quiet import ignore_audioop_deprecation

# before any module of this package imports discord (the warning comes with its first import)
ignore_audioop_deprecation()
