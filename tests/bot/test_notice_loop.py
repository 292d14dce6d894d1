"""The notice loop of ``connects-bot run`` keeps the learned cost models fresh: it starts the
scheduled refit in a task of its own, and stops cleanly."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from bot import notices
from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.quotes import learning
from core.quotes.learning import CostModel
from core.store.base import Tx
from tests.conftest import Clock
from tests.core.learning.synthetic import community, insert


async def test_the_loop_refits_due_models(make_config: Callable[..., Config], clock: Clock) -> None:
    config = make_config(learning={"min_bids": 20, "folds": 2}, notices={"interval_seconds": 1})
    app = await create_app(config, clock)
    try:
        await insert(app.store, community(40, clock.now, seed=1), "console")

        async def read(tx: Tx) -> CostModel | None:
            return await learning.current(tx, "console")

        stop = asyncio.Event()
        loop = asyncio.create_task(notices.run(app, config, stop))
        deadline = time.monotonic() + 60
        model = None
        while model is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            model = await app.store.read(read, quick=True)
        stop.set()
        await asyncio.wait_for(loop, timeout=30)
        assert model is not None and model.in_use and model.sample_size == 40

        async def scopes(tx: Tx) -> list[str]:
            return [str(r["scope"]) for r in await tx.fetchall("SELECT scope FROM cost_models")]

        assert sorted(await app.store.read(scopes)) == ["console"]
    finally:
        await app.close()


async def test_no_refit_when_the_schedule_is_off(
    make_config: Callable[..., Config], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(learning={"fit_every_hours": 0}, notices={"interval_seconds": 1})
    app = await create_app(config, clock)
    passes: list[int] = []
    refits: list[int] = []
    tick, refit = notices.tick, notices.refit

    async def counted_tick(app: App) -> int:
        passes.append(1)
        return await tick(app)

    async def counted_refit(app: App, config: Config) -> int:
        refits.append(1)
        return await refit(app, config)

    monkeypatch.setattr(notices, "tick", counted_tick)
    monkeypatch.setattr(notices, "refit", counted_refit)
    try:
        await insert(app.store, community(40, clock.now, seed=1), "console")
        stop = asyncio.Event()
        loop = asyncio.create_task(notices.run(app, config, stop))
        # the second pass starts after the first decided whether to refit (however busy the
        # machine is: no fixed pause that a slow pass could outlast)
        deadline = time.monotonic() + 60
        while len(passes) < 2:
            assert time.monotonic() < deadline and not loop.done()
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(loop, timeout=30)

        async def count(tx: Tx) -> int:
            row = await tx.fetchone("SELECT COUNT(*) AS n FROM cost_models")
            assert row is not None
            return int(row["n"])

        assert await app.store.read(count) == 0
        assert refits == []
    finally:
        await app.close()
