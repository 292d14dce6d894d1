"""Every bid keeps the factors it was priced on, whether its Connects were stated and the scope
it was placed in, on both backends; unknown factors stay NULL; db copy keeps them, and the
learned cost models."""

from __future__ import annotations

from pathlib import Path

from core.app import App
from core.base.facts import COLUMNS as FACT_COLUMNS
from core.base.facts import JobFacts
from core.quotes.jobpost import bid_factors, read_post
from core.store import open_store
from core.store.base import Tx
from core.store.copy import copy_ledger
from tests.conftest import actor

ANA = actor("ana")
POSTS = Path(__file__).parents[1] / "core" / "jobposts"
COLUMNS = (
    "connects_stated",
    "budget_type",
    "price_cents",
    "size",
    "funded",
    "verified",
    "client_spent_cents",
    "hire_rate",
    "rating_hundredths",
    "reviews",
    "country",
)


async def _rows(app_or_url: App | str) -> list[tuple[object, ...]]:
    async def read(tx: Tx) -> list[tuple[object, ...]]:
        rows = await tx.fetchall(f"SELECT {', '.join(COLUMNS)} FROM bids ORDER BY id")
        return [tuple(r[c] for c in COLUMNS) for r in rows]

    if isinstance(app_or_url, App):
        return await app_or_url.store.read(read)
    store = await open_store(app_or_url)
    try:
        return await store.read(read)
    finally:
        await store.close()


async def test_bids_keep_their_factors(seed_app: App) -> None:
    """A bid keeps the factors typed, and whether its cost was stated (seed profile: a bid
    without connects: is placed at the points model's number, kept as estimated)."""
    app = seed_app
    await app.run_text(
        ANA,
        "/bid job:a price:$1,500 size:large verified:yes "
        "client_spent:12k hire_rate:81% rating:4.98 rate_type:fixed",
        "r1",
    )
    await app.run_text(ANA, "/bid job:b connects:7", "r2")
    assert await _rows(app) == [
        (0, "fixed", 150_000, "large", None, 1, 1_200_000, 81, 498, None, None),
        (1, None, None, None, None, None, None, None, None, None, None),
    ]


async def test_every_fact_has_its_column_and_comes_back_the_same(app: App) -> None:
    """Each column the facts shape names is in ``bids`` (both backends); a bid on a whole
    post with the facts it lacks typed keeps every fact, and reads back as the same facts."""
    post = (POSTS / "desktop_current.txt").read_text()
    await app.run_text(ANA, f"/bid size:medium funded:yes rating:4.85 post:{post}", "r1")
    typed = JobFacts(size="medium", funded=True, rating_hundredths=485)
    want = typed.over(bid_factors(read_post(post)))
    assert None not in want.columns().values()

    async def read(tx: Tx) -> list[JobFacts]:
        rows = await tx.fetchall(f"SELECT {', '.join(FACT_COLUMNS)} FROM bids ORDER BY id")
        return [JobFacts.of_columns(r) for r in rows]

    assert await app.store.read(read) == [want]


async def test_bids_keep_the_scope_they_were_placed_in(app: App) -> None:
    """The actor's scope (the console, a server), NULL in a direct message."""
    await app.run_text(ANA, "/bid job:a connects:3", "r1")
    await app.run_text(actor("ana", scope=None), "/bid job:b connects:4", "r2")
    await app.run_text(actor("bo", scope="discord:42"), "/bid job:c connects:5", "r3")

    async def read(tx: Tx) -> list[object]:
        return [r["scope"] for r in await tx.fetchall("SELECT scope FROM bids ORDER BY id")]

    assert await app.store.read(read) == ["console", None, "discord:42"]


async def _scopes_and_models(url: str) -> tuple[list[object], list[tuple[object, ...]]]:
    store = await open_store(url)
    try:

        async def read(tx: Tx) -> tuple[list[object], list[tuple[object, ...]]]:
            scopes = [r["scope"] for r in await tx.fetchall("SELECT scope FROM bids ORDER BY id")]
            models = await tx.fetchall("SELECT * FROM cost_models ORDER BY scope")
            return scopes, [tuple(r[k] for k in sorted(r.keys())) for r in models]

        return await store.read(read)
    finally:
        await store.close()


async def test_db_copy_keeps_them(tmp_path: Path, db_url: str) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    source = f"sqlite:///{tmp_path / 'src.db'}"
    app = await create_app(parse({"storage": {"url": source}}, env={}))
    try:
        await app.run_text(ANA, "/bid job:a price:500 funded:no connects:3", "r1")

        async def model(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO cost_models (scope, fitted_at, sample_size, min_bids, "
                "mae_hundredths, within1_permille, within2_permille, heuristic_mae_hundredths, "
                "half_life_days, max_age_days, fit_ms, in_use, model, digest) VALUES "
                "('console', 1790000000, 212, 30, 162, 600, 810, 310, 180, 730, 1200, 1, "
                "'{\"predictor\": {}}', 'abc')"
            )

        await app.store.write(model)
        want = await _rows(app)
    finally:
        await app.close()
    if db_url.startswith("sqlite"):
        db_url = f"sqlite:///{tmp_path / 'dst.db'}"
    await copy_ledger(source, db_url)
    assert (
        await _rows(db_url)
        == want
        == [(1, None, 50_000, None, 0, None, None, None, None, None, None)]
    )
    scopes, models = await _scopes_and_models(db_url)
    assert (scopes, models) == await _scopes_and_models(source)
    assert scopes == ["console"] and len(models) == 1 and "console" in models[0]
