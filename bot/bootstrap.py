"""The composition root: configuration in, a ready :class:`App` out."""

from __future__ import annotations

from core.app import App
from core.config import Config
from core.services import Clock
from core.store import open_store


async def create_app(config: Config, clock: Clock | None = None) -> App:
    """Open the configured store (applying migrations) and build the application."""
    s = config.storage
    store = await open_store(s.url, synchronous=s.synchronous, busy_timeout_ms=s.busy_timeout_ms,
                             pool_min=s.pool_min, pool_max=s.pool_max)
    return App(store, config, clock)
