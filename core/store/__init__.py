"""The ledger's database: the store interface (:mod:`.base`), its SQLite and PostgreSQL
backends, the migrations both run from one source (:mod:`.schema`), and :func:`open_store`,
which picks the backend a URL names.

May import ``core.base`` and ``core.interface`` (its errors); never the quotes, the ledger, the
reads or the command handlers."""

from __future__ import annotations

from core.store.base import Store, redact


async def open_store(
    url: str,
    *,
    synchronous: str = "FULL",
    busy_timeout_ms: int = 30000,
    pool_min: int = 1,
    pool_max: int = 10,
    migrate: bool = True,
    direct: bool = False,
) -> Store:
    """Open the store named by ``url`` (``sqlite:///file.db`` or ``postgresql://...``) and apply
    pending migrations. Raises ``ValueError`` for an unknown scheme. ``direct`` asks, for a
    process that runs one command, for SQLite on the calling thread (:mod:`.direct`): a store
    that never suspends, so its commands need no event loop; PostgreSQL ignores it."""
    store: Store
    if url.startswith("sqlite:") and direct:
        from core.store.direct import DirectSQLiteStore

        store = await DirectSQLiteStore.open(
            url, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms
        )
    elif url.startswith("sqlite:"):
        from core.store.sqlite import SQLiteStore

        store = await SQLiteStore.open(
            url, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms
        )
    elif url.startswith(("postgresql:", "postgres:")):
        from core.store.postgres import PostgresStore

        store = await PostgresStore.open(url, pool_min=pool_min, pool_max=pool_max)
    else:
        raise ValueError(
            f"storage url {redact(url)!r}: use sqlite:///path.db or postgresql://host/db"
        )
    if migrate:
        try:
            await store.migrate()
        except BaseException:
            await store.close()
            raise
    return store


__all__ = ["Store", "open_store", "redact"]
