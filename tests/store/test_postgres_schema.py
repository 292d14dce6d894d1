"""A PostgreSQL URL naming a schema that does not exist yet: created before the migrations, so
the ledger lands where the URL says; one line when it cannot be."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from core.store import open_store
from core.store.base import Tx
from core.store.postgres import search_path_entries
from tests import conftest as root


@pytest.mark.parametrize(
    ("setting", "entries"),
    [
        ('"$user", public', ['"$user"', "public"]),
        ("connects", ["connects"]),
        ('a,"b, c" , "d""e"', ["a", '"b, c"', '"d""e"']),
        ("", []),
    ],
)
def test_search_path_entries(setting: str, entries: list[str]) -> None:
    assert search_path_entries(setting) == entries


@pytest.fixture
async def missing() -> AsyncIterator[list[str]]:
    """Names of schemas a test may create; every one is dropped afterwards."""
    if "postgres" not in root.BACKENDS:
        pytest.skip("CONNECTS_TEST_BACKENDS does not include postgres")
    reason = await root._postgres_unavailable()
    if reason:
        pytest.skip(reason)
    names: list[str] = []
    try:
        yield names
    finally:
        conn = await asyncpg.connect(root.PG_URL)
        try:
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                await conn.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
        finally:
            await conn.close()


def _url(query: str) -> str:
    sep = "&" if "?" in root.PG_URL else "?"
    return f"{root.PG_URL}{sep}{query}"


async def _tables(schema: str) -> set[str]:
    conn = await asyncpg.connect(root.PG_URL)
    try:
        rows = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema
        )
        return {str(r["table_name"]) for r in rows}
    finally:
        await conn.close()


async def _migrations(url: str) -> int:
    """Open ``url`` (migrating it) and count the migrations recorded there."""
    store = await open_store(url)
    try:

        async def read(tx: Tx) -> int:
            row = await tx.fetchone("SELECT COUNT(*) AS n FROM schema_version")
            assert row is not None
            return int(row["n"])

        return await store.read(read)
    finally:
        await store.close()


@pytest.mark.parametrize("form", ["search_path", "options"])
async def test_a_missing_schema_is_created_and_migrated(missing: list[str], form: str) -> None:
    """``?search_path=NAME`` and ``?options=-csearch_path=NAME`` create NAME when it does not
    exist, and the ledger's tables go there."""
    name = f"missing_{uuid.uuid4().hex[:12]}"
    missing.append(name)
    query = (
        f"search_path={name}"
        if form == "search_path"
        else "options=" + urllib.parse.quote(f"-csearch_path={name}")
    )
    url = _url(query)
    assert await _migrations(url) >= 1
    assert {"accounts", "entries", "bids", "requests", "schema_version"} <= await _tables(name)
    # the second start finds it and changes nothing
    assert await _migrations(url) >= 1


async def test_the_first_named_schema_is_the_one_created(missing: list[str]) -> None:
    """A quoted, mixed-case name with a quote inside, listed before public, is created exactly
    as written (not folded) and the tables do not land in public."""
    name = f'Odd "{uuid.uuid4().hex[:8]}" Name'
    missing.append(name)
    entry = '"' + name.replace('"', '""') + '"'
    url = _url("search_path=" + urllib.parse.quote(f"{entry}, public"))
    assert await _migrations(url) >= 1
    assert "accounts" in await _tables(name)


async def test_unquoted_names_fold_to_lower_case(missing: list[str]) -> None:
    """Unquoted, the server reads ``Missing_X`` as ``missing_x``: that is the schema made."""
    name = f"Missing_{uuid.uuid4().hex[:8]}"
    missing.append(name.lower())
    await _migrations(_url(f"search_path={name}"))
    assert "accounts" in await _tables(name.lower())


async def test_processes_starting_together_create_it_once(missing: list[str]) -> None:
    name = f"missing_{uuid.uuid4().hex[:12]}"
    missing.append(name)
    url = _url(f"search_path={name}")
    stores = await asyncio.gather(*(open_store(url) for _ in range(6)))
    for store in stores:
        await store.close()
    assert "accounts" in await _tables(name)


@pytest.fixture
async def weak_role() -> AsyncIterator[str]:
    """A login role with no CREATE privilege on the database (dropped afterwards)."""
    if "postgres" not in root.BACKENDS:
        pytest.skip("CONNECTS_TEST_BACKENDS does not include postgres")
    reason = await root._postgres_unavailable()
    if reason:
        pytest.skip(reason)
    role = f"connects_weak_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(root.PG_URL)
    try:
        await conn.execute(f'CREATE ROLE "{role}" LOGIN')
    finally:
        await conn.close()
    try:
        yield role
    finally:
        conn = await asyncpg.connect(root.PG_URL)
        try:
            await conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await conn.close()


def _as_role(role: str, query: str) -> str:
    parts = urllib.parse.urlsplit(root.PG_URL)
    host = parts.netloc.rsplit("@", 1)[-1]
    url = urllib.parse.urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, ""))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}{query}"


async def test_a_schema_that_cannot_be_created_is_one_line(
    weak_role: str, missing: list[str], tmp_path: Path
) -> None:
    """Without the privilege to create it, the command says so in one line, naming the schema,
    and exits 1 without a traceback."""
    name = f"missing_{uuid.uuid4().hex[:12]}"
    missing.append(name)
    url = _as_role(weak_role, f"search_path={name}")
    with pytest.raises(ConnectionError) as caught:
        await open_store(url)
    message = str(caught.value)
    assert f'"{name}"' in message and "could not be created" in message
    assert "permission denied" in message
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "exec", "--user", "ana", "/balance"],
        cwd=tmp_path,
        env={**os.environ, "CONNECTS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not be created" in lines[0], result.stderr
    assert result.stdout == ""
