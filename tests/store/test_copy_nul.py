"""``db copy`` of a SQLite ledger written before text was checked: NUL characters, which
PostgreSQL cannot store, become U+FFFD on the way in and the summary counts the cells changed,
instead of the copy failing with an empty destination."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from core.store import open_store
from core.store.base import Tx
from core.store.copy import copy_ledger
from tests.store.test_copy import export, small_ledger


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """``main`` sends logs to the stderr of the moment: give the next tests theirs back."""
    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level
    yield
    root_logger.handlers[:] = handlers
    root_logger.setLevel(level)


async def nul_ledger(tmp_path: Path) -> str:
    """A SQLite ledger made by the application, then given NUL characters in a job, a note
    and a display name with raw SQL (as an older version let them in)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    await small_ledger(url)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("UPDATE bids SET job = ?, note = ? WHERE id = 1", ("Logo\0v2", "see\0me"))
        conn.execute("UPDATE users SET display = ? WHERE key = 'console:bob'", ("b\0ob",))
    return url


async def texts(url: str) -> tuple[str, str, str]:
    store = await open_store(url, migrate=False)
    try:

        async def read(tx: Tx) -> tuple[str, str, str]:
            bid = await tx.fetchone("SELECT job, note FROM bids WHERE id = 1")
            user = await tx.fetchone("SELECT display FROM users WHERE key = 'console:bob'")
            assert bid is not None and user is not None
            return str(bid["job"]), str(bid["note"]), str(user["display"])

        return await store.read(read)
    finally:
        await store.close()


async def test_nul_becomes_the_replacement_character_in_postgres(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = await nul_ledger(tmp_path)
    before = await export(src)
    code = await _cli(["db", "copy", src, pg_url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err
    assert "Changed: 3 text cells held NUL characters" in out
    assert "each NUL became U+FFFD" in out
    assert await texts(pg_url) == ("Logo\ufffdv2", "see\ufffdme", "b\ufffdob")
    assert await export(src) == before  # the source is only read
    # the rest of the ledger is as it was: the export differs only where NUL was
    assert await export(pg_url) == before.replace(b"\0", "\ufffd".encode())


async def test_the_summary_counts_the_changed_cells(pg_url: str, tmp_path: Path) -> None:
    summary = await copy_ledger(await nul_ledger(tmp_path), pg_url)
    assert summary.cleaned == 3
    assert summary.counts["bids"] == 2 and not summary.warnings


async def test_sqlite_to_sqlite_keeps_every_character(tmp_path: Path) -> None:
    """SQLite stores NUL: a copy between two SQLite files changes nothing and says nothing."""
    src = await nul_ledger(tmp_path)
    dst = f"sqlite:///{tmp_path / 'copy.db'}"
    summary = await copy_ledger(src, dst)
    assert summary.cleaned == 0
    assert not any(line.startswith("Changed") for line in summary.lines())
    assert await texts(dst) == ("Logo\0v2", "see\0me", "b\0ob")


async def _cli(argv: list[str]) -> int:
    """``connects-bot ARGV`` in this process, off the event loop (it runs its own)."""
    import asyncio

    return await asyncio.to_thread(main, argv)
