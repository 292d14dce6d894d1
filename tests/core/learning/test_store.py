"""The learned model through the database, on SQLite and PostgreSQL: which bids a scope learns
from, fitting and storing, the current model every process answers from, the schedule and
its claims."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from core.app import App
from core.base.config import Config
from core.quotes import learning
from core.quotes.bidrecords import BidFactors
from core.quotes.learning import CostModel
from core.quotes.learning.rows import stated_bids
from core.store import Store, open_store
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.learning.synthetic import DAY, community, insert, rule

NOW = 1_790_000_000
JOB = BidFactors(
    budget_type="fixed",
    price_cents=100_000,  # $1,000, verified: 17 Connects by the synthetic rule
    verified=True,
    client_spent_cents=0,
    length="1_to_3_months",
)


@pytest.fixture
def config(make_config: Callable[..., Config]) -> Config:
    """Small folds and a small minimum, so a fit of a few dozen bids is quick."""
    return make_config(
        learning={"min_bids": 20, "folds": 2, "min_count": 3},
        # the rate card as the heuristic these small fits are measured against (the
        # default range's middle is a closer one: it takes more bids to beat)
        pricing={"profile": "upwork", "model": "rate_card"},
    )


@pytest.fixture
async def store(config: Config) -> AsyncIterator[Store]:
    opened = await open_store(config.storage.url, synchronous="NORMAL")
    try:
        yield opened
    finally:
        await opened.close()


async def read_current(store: Store, scope: str) -> CostModel | None:
    async def read(tx: Tx) -> CostModel | None:
        return await learning.current(tx, scope)

    return await store.read(read, quick=True)


async def count(store: Store, scope: str, since: int = 0) -> int:
    async def read(tx: Tx) -> int:
        return len(await stated_bids(tx, scope, since))

    return await store.read(read)


async def test_a_fitted_model_is_stored_and_answers(store: Store, config: Config) -> None:
    await insert(store, community(80, NOW, seed=1), "console")
    model = await learning.fit(store, config, "console", NOW)
    assert model.in_use and model.sample_size == 80 and model.fitted_at == NOW
    assert model.mae_hundredths is not None and model.heuristic_mae_hundredths is not None
    assert model.mae_hundredths * 3 < model.heuristic_mae_hundredths
    assert model.within1_permille is not None and model.within2_permille is not None
    assert 0 < model.within1_permille <= model.within2_permille <= 1000
    assert (model.half_life_days, model.max_age_days) == (180, 730)
    assert model.reason.startswith("closer than the heuristic") and model.effects
    assert abs(learning.predict(model, JOB, NOW) - rule(JOB)) < 1.5
    assert learning.predict_connects(model, JOB, NOW) == int(
        learning.predict(model, JOB, NOW) + 0.5
    )

    got = await read_current(store, "console")
    assert got is not None and dataclasses.replace(got, predictor=None) == dataclasses.replace(
        model, predictor=None
    )
    assert got.predictor is not None and learning.predict(got, JOB, NOW) == learning.predict(
        model, JOB, NOW
    )
    assert await read_current(store, "console") is got  # parsed once per fit
    assert await read_current(store, "discord:1") is None


async def test_below_min_bids_the_heuristic_answers(store: Store, config: Config) -> None:
    """12 stated bids of the 20 needed: stored without a predictor, saying 8 more are needed
    and that the heuristic answers until then."""
    await insert(store, community(12, NOW, seed=2), "console")
    model = await learning.fit(store, config, "console", NOW)
    assert not model.in_use and model.predictor is None and model.needed == 8
    assert model.mae_hundredths is None and model.effects == ()
    assert "8 more" in model.reason and "heuristic answers" in model.reason
    with pytest.raises(ValueError, match="no predictor"):
        learning.predict(model, JOB, NOW)
    stored = await read_current(store, "console")
    assert stored is not None and stored.sample_size == 12 and not stored.in_use

    async def needed(tx: Tx) -> tuple[int, int]:
        return (
            await learning.needed(tx, config, "console", NOW),
            await learning.needed(tx, config, "slack:T1", NOW),
        )

    assert await store.read(needed, quick=True) == (8, 20)


async def test_community_keeps_scopes_apart_and_global_pools_them(
    store: Store, config: Config
) -> None:
    """Server A's bids follow the rule, server B's cost half as much again (some placed
    before bids kept their scope, drawn on a pool of B); a direct message has no community.
    Each community learns its own; ``*`` pools all of them, and is fitted only where the
    operator sets ``scope = "global"``; a direct message has no community model."""
    a, b = "discord:1", "discord:2"
    people = [f"discord:a{i}" for i in range(6)]
    await insert(store, community(70, NOW, seed=3), a, bidders=people)
    dearer = {"scale": lambda at: 1.5}
    others = [f"discord:b{i}" for i in range(6)]
    await insert(store, community(40, NOW, seed=4, **dearer), b, bidders=others)  # type: ignore[arg-type]
    await insert(store, community(30, NOW, seed=5, **dearer), None, pool_scope=b, bidders=others)  # type: ignore[arg-type]
    await insert(store, community(10, NOW, seed=6), None, bidders=["discord:dm"])

    async def scopes(tx: Tx) -> tuple[list[str], list[str]]:
        pooled = dataclasses.replace(
            config, learning=dataclasses.replace(config.learning, scope="global")
        )
        return (
            await learning.model_scopes(tx, config, NOW),
            await learning.model_scopes(tx, pooled, NOW),
        )

    assert await store.read(scopes) == ([a, b], ["*"])
    assert [await count(store, s) for s in (a, b, "*")] == [70, 70, 150]
    models = {s: await learning.fit(store, config, s, NOW) for s in (a, b, "*")}
    assert [models[s].sample_size for s in (a, b, "*")] == [70, 70, 150]
    at_a, at_b, pooled = (learning.predict(models[s], JOB, NOW) for s in (a, b, "*"))
    assert abs(at_a - rule(JOB)) < 1.5 and abs(at_b - rule(JOB, 1.5)) < 2.0, (at_a, at_b)
    assert at_a - 1 < pooled < at_b - 1, (at_a, pooled, at_b)

    global_config = dataclasses.replace(
        config, learning=dataclasses.replace(config.learning, scope="global")
    )
    assert learning.model_scope(global_config, a) == "*"
    assert learning.model_scope(config, a) == a
    assert learning.model_scope(config, None) is None
    assert learning.model_scope(global_config, None) == "*"


async def test_old_bids_and_unstated_ones_are_left_out(store: Store, config: Config) -> None:
    """Bids over max_age_days old, bids whose Connects the heuristic estimated, undone bids
    and free (invited) proposals are not learned from."""
    recent = community(30, NOW, seed=7, days=200)
    await insert(store, recent, "console")
    old = community(50, NOW, seed=8, start=NOW - 900 * DAY, days=100)
    await insert(store, [dataclasses.replace(s, connects=26) for s in old], "console")
    await insert(store, community(20, NOW, seed=9), "console", stated=False)
    await insert(store, [dataclasses.replace(s, connects=0) for s in community(5, NOW)], "console")

    async def undo_one(tx: Tx) -> None:
        await tx.execute("UPDATE bids SET status = 'undone' WHERE id = (SELECT MIN(id) FROM bids)")

    await store.write(undo_one)
    model = await learning.fit(store, config, "console", NOW)
    assert model.sample_size == 29
    # 29 bids of 8 members in up to 5 groups of members: a rough model, closer than the
    # heuristic all the same
    assert model.in_use and abs(learning.predict(model, JOB, NOW) - rule(JOB)) < 3.0
    longer = dataclasses.replace(config.learning, max_age_days=1000)
    again = await learning.fit(
        store, dataclasses.replace(config, learning=longer), "console", NOW + 1
    )
    assert again.sample_size == 79 and again.max_age_days == 1000


async def test_a_placed_bid_is_learned_from_in_its_scope(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """Bids placed through the app keep their scope and factors: stated ones are read back
    for the fit, estimated ones are not."""
    from bot.bootstrap import create_app

    app: App = await create_app(make_config(), clock)
    try:
        ana = actor("ana")
        await app.run_text(ana, "/bid job:a connects:14 price:900 verified:yes", "r1")
        await app.run_text(ana, "/bid job:b price:900", "r2")  # estimated: not learned from
        await app.run_text(actor("ana", scope="discord:9"), "/bid job:c connects:9", "r3")

        async def read(tx: Tx) -> list[tuple[int, int | None, bool | None]]:
            return [
                (s.connects, s.factors.price_cents, s.factors.verified)
                for s in await stated_bids(tx, "console", 0)
            ]

        assert await app.store.read(read) == [(14, 90_000, True)]
        assert await count(app.store, "discord:9") == 1
        assert await count(app.store, "*") == 2
    finally:
        await app.close()


async def test_the_schedule_refits_when_due_and_claims_first(store: Store, config: Config) -> None:
    await insert(store, community(30, NOW, seed=10), "console")
    first = await learning.fit_due(store, config, NOW)
    assert sorted(m.scope for m in first) == ["console"]
    assert await learning.fit_due(store, config, NOW + 3600) == []  # fresh
    assert await learning.fit_due(store, config, NOW + 25 * 3600) == []  # old, nothing new
    await insert(store, community(3, NOW + 3600, seed=11, days=0), "console")
    again = await learning.fit_due(store, config, NOW + 25 * 3600)
    assert sorted(m.scope for m in again) == ["console"]
    assert all(m.sample_size == 33 for m in again)

    # a scope short of min_bids is counted again as soon as it has new bids
    await insert(store, community(5, NOW, seed=12), "slack:T1")
    short = await learning.fit_due(store, config, NOW + 26 * 3600)
    assert [(m.scope, m.sample_size, m.in_use) for m in short] == [("slack:T1", 5, False)]
    await insert(store, community(15, NOW + 26 * 3600, seed=13, days=0), "slack:T1")

    async def held(tx: Tx) -> None:  # another process claimed it an hour ago
        await tx.execute(
            "UPDATE cost_models SET claimed_until = :t WHERE scope = 'slack:T1'",
            {"t": NOW + 27 * 3600},
        )

    await store.write(held)
    assert await learning.fit_due(store, config, NOW + 26 * 3600 + 60) == []
    late = await learning.fit_due(store, config, NOW + 28 * 3600)  # the claim ran out
    assert [(m.scope, m.sample_size, m.in_use) for m in late] == [("slack:T1", 20, True)]

    async def claims(tx: Tx) -> list[object]:
        return [r["claimed_until"] for r in await tx.fetchall("SELECT * FROM cost_models")]

    assert await store.read(claims) == [None, None]  # every claim given back
    never = dataclasses.replace(config.learning, fit_every_hours=0)
    await insert(store, community(3, NOW, seed=14), "console")
    off = dataclasses.replace(config, learning=never)
    assert await learning.fit_due(store, off, NOW + 100 * 3600) == []


async def test_two_stores_answer_from_the_same_model(store: Store, config: Config) -> None:
    """Two processes on one database (two stores opened apart): the second answers from the
    model the first fitted, and from a refit on its next read."""
    await insert(store, community(40, NOW, seed=15), "console")
    fitted = await learning.fit(store, config, "console", NOW)
    other = await open_store(config.storage.url, synchronous="NORMAL")
    try:
        seen = await read_current(other, "console")
        assert seen is not None and seen.digest == fitted.digest
        assert learning.predict(seen, JOB, NOW) == learning.predict(fitted, JOB, NOW)
        await insert(store, community(40, NOW, seed=16, scale=lambda at: 1.5), "console")
        refit = await learning.fit(store, config, "console", NOW + 60)
        assert refit.digest != fitted.digest and refit.sample_size == 80
        seen = await read_current(other, "console")
        assert seen is not None and seen.digest == refit.digest and seen.sample_size == 80
        assert learning.predict(seen, JOB, NOW) == learning.predict(refit, JOB, NOW)
    finally:
        await other.close()


async def test_processes_racing_the_schedule_fit_each_scope_once(
    store: Store, config: Config
) -> None:
    await insert(store, community(30, NOW, seed=17), "console")
    await insert(store, community(25, NOW, seed=18), "discord:3")
    other = await open_store(config.storage.url, synchronous="NORMAL")
    try:
        mine, theirs = await asyncio.gather(
            learning.fit_due(store, config, NOW), learning.fit_due(other, config, NOW)
        )
    finally:
        await other.close()
    scopes = [m.scope for m in mine] + [m.scope for m in theirs]
    assert sorted(scopes) == ["console", "discord:3"], scopes


async def test_a_fit_leaves_the_event_loop_free(
    store: Store, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    """While scikit-learn trains in its worker thread the loop keeps serving; the fit logs one
    INFO line with its figures."""
    await insert(store, community(150, NOW, seed=19), "console")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    with caplog.at_level(logging.INFO, logger="connects.learning"):
        model = await learning.fit(store, config, "console", NOW)
    task.cancel()
    assert model.fit_ms > 0 and ticks >= max(3, model.fit_ms // 50), (ticks, model.fit_ms)
    lines = [r.getMessage() for r in caplog.records if r.name == "connects.learning"]
    assert len(lines) == 1, lines
    assert lines[0].startswith("cost model console: 150 stated bids of 8 members (largest share 1")
    assert "%), MAE " in lines[0]
    for part in ("within ±1", "within ±2", "heuristic MAE", "fitted in"):
        assert part in lines[0]


async def test_a_model_that_cannot_be_read_is_not_in_use(
    store: Store, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    """A row whose model another version wrote (or that was damaged) answers nothing, with a
    warning, instead of failing the quote; it is listed as not in use, saying why, and the
    next fit replaces it."""
    await insert(store, community(25, NOW, seed=20), "console")
    await learning.fit(store, config, "console", NOW)

    async def damage(tx: Tx) -> None:
        await tx.execute(
            "UPDATE cost_models SET model = :m, digest = 'other' WHERE scope = 'console'",
            {"m": '{"predictor": {"version": 99}}'},
        )

    await store.write(damage)
    with caplog.at_level(logging.WARNING, logger="connects.learning"):
        damaged = await read_current(store, "console")
        assert damaged is not None and not damaged.in_use and not damaged.readable
        assert damaged.predictor is None and damaged.mae_hundredths is None
        assert damaged.reason.startswith("the stored model cannot be read (version 99, ")

        async def every(tx: Tx) -> list[CostModel]:
            return await learning.every_model(tx)

        assert await store.read(every) == [damaged]
    assert any("cannot be read" in r.getMessage() for r in caplog.records)
    await learning.fit(store, config, "console", NOW + 1)
    model = await read_current(store, "console")
    assert model is not None and model.in_use
