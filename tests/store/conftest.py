"""Store fixtures: a fresh PostgreSQL schema for tests that need PostgreSQL itself."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from tests import conftest as root


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A URL on an empty schema of its own (skipped, saying why, without a server)."""
    async for url in _schema_url():
        yield url


@pytest.fixture
async def pg_url_2() -> AsyncIterator[str]:
    """A second URL on an empty schema of its own, beside :func:`pg_url`."""
    async for url in _schema_url():
        yield url


async def _schema_url() -> AsyncIterator[str]:
    if "postgres" not in root.BACKENDS:
        pytest.skip("CONNECTS_TEST_BACKENDS does not include postgres")
    reason = await root._postgres_unavailable()
    if reason:
        pytest.skip(reason)
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(root.PG_URL)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    sep = "&" if "?" in root.PG_URL else "?"
    try:
        yield f"{root.PG_URL}{sep}search_path={schema}"
    finally:
        conn = await asyncpg.connect(root.PG_URL)
        try:
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await conn.close()
