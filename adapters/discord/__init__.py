"""The Discord adapter: discord.py application commands generated from the core catalog.

``runner`` starts it (``run``, ``invite_url``); ``commands`` builds the command tree, ``bot``
answers interactions, ``render`` turns replies into messages, ``notify`` delivers notices.
Nothing here is imported by ``core`` or at start-up of the one-shot console paths.
"""
