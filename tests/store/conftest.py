"""Store tests: the PostgreSQL probe runs once, before any event loop is running."""

from __future__ import annotations

import pytest

from tests import conftest as root


@pytest.fixture(scope="session", autouse=True)
def _probe_postgres_outside_the_loop() -> None:
    # the root probe uses asyncio.run(), which cannot run inside an async fixture's loop;
    # calling it here first caches the answer for db_url
    if "postgres" in root.BACKENDS:
        root._postgres_unavailable()
