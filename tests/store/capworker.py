"""A bot process for the cap race (tests/store/test_cap_race.py): waits at a barrier, then
fires its bids at once, re-delivering the shared request ids too, and writes each reply."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from core.base.keys import Actor, UserRef

NOW = 1_790_000_000  # a fixed clock: the race never straddles a UTC midnight
POOL = "agency"
WALLET_CAP = 20  # ana's own daily cap on her wallet
POOL_ADMIN_CAP = 15  # the admins' daily cap on sam in the pool
POOL_OWN_CAP = 12  # sam's own, stricter, weekly cap in the pool
BIDS = 12  # per process and per spender, 1 Connect each
SHARED = 4  # request ids every process delivers


def person(name: str) -> Actor:
    return Actor(UserRef(f"console:{name}", name), "console")


async def setup(url: str) -> None:
    """Ana's wallet cap; a pool of 500 with sam under the admins' cap and his own."""
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}), lambda: NOW)
    steps: list[tuple[Actor, str, dict[str, Any]]] = [
        (person("ana"), "limits", {"daily": str(WALLET_CAP)}),
        (person("olga"), "pool create", {"name": POOL}),
        (person("olga"), "pool topup", {"name": POOL, "connects": 500}),
        (person("olga"), "pool add", {"name": POOL, "member": person("sam").user}),
        (
            person("olga"),
            "pool limits",
            {"name": POOL, "member": person("sam").user, "daily": str(POOL_ADMIN_CAP)},
        ),
        (person("sam"), "pool limits", {"name": POOL, "weekly": str(POOL_OWN_CAP)}),
    ]
    try:
        for i, (who, command, args) in enumerate(steps):
            reply = await app.dispatch(who, command, args, f"setup-{i}")
            assert not reply.error, (command, reply.title)
    finally:
        await app.close()


def worker(url: str, index: int, out: str, start: Any) -> None:
    asyncio.run(_work(url, index, Path(out), start))


async def _work(url: str, index: int, out: Path, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}), lambda: NOW)
    sends: list[tuple[Actor, dict[str, Any], str]] = []
    for i in range(BIDS):
        sends.append((person("ana"), {"job": f"ana {index}-{i}", "connects": 1}, f"a{index}-{i}"))
        sends.append(
            (
                person("sam"),
                {"job": f"sam {index}-{i}", "connects": 1, "pool": POOL},
                f"s{index}-{i}",
            )
        )
    for i in range(SHARED):  # the same request delivered by every process (a retry)
        sends.append((person("ana"), {"job": f"shared {i}", "connects": 1}, f"shared-{i}"))
    try:
        await asyncio.get_running_loop().run_in_executor(None, start.wait)
        replies = await asyncio.gather(*(app.dispatch(w, "bid", a, rid) for w, a, rid in sends))
    finally:
        await app.close()
    with out.open("w", encoding="utf-8") as f:
        for (who, _, rid), reply in zip(sends, replies, strict=True):
            f.write(
                json.dumps(
                    {
                        "rid": rid,
                        "who": who.user.display,
                        "title": str(reply.title),
                        "error": reply.error,
                    }
                )
                + "\n"
            )
