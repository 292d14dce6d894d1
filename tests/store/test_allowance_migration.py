"""Migration 0004: an allowance of 0 used to mean "no limit"; after it, no limit is NULL and 0
means nothing, and every existing member keeps what their limit meant."""

from __future__ import annotations

import pytest

from core.store import open_store
from core.store.base import Tx
from core.store.schema import available


async def test_existing_limits_keep_their_meaning(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.store import schema

    monkeypatch.setattr(schema, "available", lambda: [m for m in available() if m[0] <= 3])
    store = await open_store(db_url)

    async def seed(tx: Tx) -> None:
        await tx.execute(
            "INSERT INTO accounts (id, kind, balance, created_at) VALUES (1, 'pool', 0, 0)"
        )
        await tx.execute(
            "INSERT INTO pools (id, scope, name, account_id, owner, threshold, "
            "created_at) VALUES (1, 'console', 'crew', 1, 'console:olive', 0, 0)"
        )
        for member, allowance in (("console:olive", 0), ("console:sam", 25)):
            await tx.execute(
                "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
                "VALUES (1, :m, :a, 0)",
                {"m": member, "a": allowance},
            )

    await store.write(seed)
    await store.close()
    monkeypatch.undo()
    store = await open_store(db_url)
    try:

        async def read(tx: Tx) -> dict[str, int | None]:
            rows = await tx.fetchall("SELECT member, allowance FROM pool_members ORDER BY member")
            return {str(r["member"]): r["allowance"] for r in rows}

        assert await store.read(read) == {"console:olive": None, "console:sam": 25}

        async def zero(tx: Tx) -> None:
            await tx.execute("UPDATE pool_members SET allowance = 0 WHERE member = 'console:sam'")

        await store.write(zero)  # 0 is a value of its own now
        assert (await store.read(read))["console:sam"] == 0
    finally:
        await store.close()
