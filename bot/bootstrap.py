"""The composition root: configuration in, a ready :class:`App` out; the one place that
opens the configured store."""

from __future__ import annotations

import dataclasses

from core.app import App
from core.base.config import Config
from core.services import Clock
from core.store import Store, open_store


def one_shot(config: Config) -> Config:
    """``config`` for a command that runs once: a single database connection."""
    storage = dataclasses.replace(
        config.storage, pool_min=min(config.storage.pool_min, 1), pool_max=1
    )
    return dataclasses.replace(config, storage=storage)


async def open_configured_store(
    config: Config, *, migrate: bool = True, direct: bool = False
) -> Store:
    """The store ``[storage]`` names, with pending migrations applied unless ``migrate`` is
    false; ``direct``: SQLite on the calling thread, for a one-shot command run without an
    event loop (see :func:`core.store.open_store`)."""
    s = config.storage
    return await open_store(
        s.url,
        synchronous=s.synchronous,
        busy_timeout_ms=s.busy_timeout_ms,
        pool_min=s.pool_min,
        pool_max=s.pool_max,
        migrate=migrate,
        direct=direct,
    )


async def create_app(config: Config, clock: Clock | None = None, *, direct: bool = False) -> App:
    """Open the configured store (applying migrations) and build the application."""
    return App(await open_configured_store(config, direct=direct), config, clock)
