"""A one-shot command on the direct SQLite store, run without an event loop, answers with the
same bytes as on the aiosqlite store under asyncio, and leaves the same ledger.

The same story of commands (reads, changes, refusals, a replayed request, a file) runs twice
from an empty database with the same clock and request ids: once as ``connects-bot run``
would (aiosqlite, asyncio.run), once as ``exec`` does (:mod:`core.store.direct`, driven by
:func:`bot.inline.drive`, which fails if anything suspends).
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from adapters.console.once import console_actor, render
from bot.bootstrap import create_app
from bot.inline import drive
from bot.settings import parse
from core.base.config import Config
from core.interface.reply import Reply
from tests.conftest import Clock

STORY = [
    ("r1", "/balance"),
    ("r2", "/quote price:500 size:small"),
    ("r3", '/bid job:"Logo for a bakery" connects:4'),
    ("r3", '/bid job:"Logo for a bakery" connects:4'),  # a retry: replayed, not spent twice
    ("r4", "/bid job:x connects:99"),  # refused: not enough
    ("r5", "/buy connects:40 paid:6"),
    ("r6", "/pool create name:agency"),
    ("r7", "/pool topup name:agency connects:80"),
    ("r8", "/outcome bid:#1 status:viewed"),
    ("r9", "/refund bid:#1 reason:client_cancelled"),
    ("r10", "/reconcile connects:90"),
    ("r11", "/history"),
    ("r12", "/stats"),
    ("r13", "/export"),
    ("r14", "/pool info name:agency"),
    ("r15", "/teleport"),
    ("r16", "/balance"),
]


def _ledger(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT account_id, delta, balance_after, kind, actor, request_id, created_at "
            "FROM entries ORDER BY id"
        ).fetchall()


def test_direct_store_without_a_loop_answers_as_the_async_store(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()

    def config(name: str) -> Config:
        return parse({"storage": {"url": f"sqlite:///{tmp_path / name}"}}, env={})

    async def on_async_store() -> list[tuple[str, bytes | None, bool]]:
        app = await create_app(config("async.db"), Clock())
        try:
            out = []
            for request_id, line in STORY:
                reply = await app.run_text(console_actor("ana"), line, f"console:{request_id}")
                text, _ = render(reply, files)
                out.append((text, None if reply.file is None else reply.file.data, reply.error))
            return out
        finally:
            await app.close()

    def on_direct_store() -> list[tuple[str, bytes | None, bool]]:
        app = drive(create_app(config("direct.db"), Clock(), direct=True))
        assert app.store.__class__.__name__ == "DirectSQLiteStore"
        try:
            out = []
            for request_id, line in STORY:

                async def one(line: str = line, request_id: str = request_id) -> Reply:
                    return await app.run_text(console_actor("ana"), line, f"console:{request_id}")

                reply = drive(one())
                text, _ = render(reply, files)
                out.append((text, None if reply.file is None else reply.file.data, reply.error))
            return out
        finally:
            drive(app.close())

    expected = asyncio.run(on_async_store())
    got = on_direct_store()
    for (request_id, line), want, have in zip(STORY, expected, got, strict=True):
        assert have == want, f"{request_id} {line}"
    # the story did what it says: spent, refused, replayed, wrote a file
    assert sum(error for _, _, error in got) >= 2
    assert any(data for _, data, _ in got)
    assert _ledger(tmp_path / "direct.db") == _ledger(tmp_path / "async.db")
    assert _ledger(tmp_path / "direct.db")
