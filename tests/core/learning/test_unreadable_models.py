"""A stored model that is not finite, or predicts outside a bid's bounds, is unreadable: a
warning, and the heuristic answers, as for a model another version wrote. Crafted
``cost_models`` rows on both databases, through ``exec`` (``/quote``, an estimated ``/bid``,
``/model``) and ``model show``, which say the same thing about it.

The attack: whoever can write the database (or a damaged fit) stores NaN, Infinity or 1e308;
before, every quote failed with a traceback or quoted "100 Connects, learned"."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import pytest

from core.quotes import learning
from core.quotes.learning.features import FEATURES
from core.store import open_store
from core.store.base import Tx
from tests.bot.test_cli import cli

NAN, INF = math.nan, math.inf


def predictor(baseline: float = 10.0, leaves: tuple[float, float] = (0.0, 1.5)) -> dict[str, Any]:
    """A one-tree predictor: ``baseline`` plus one of two ``leaves`` (by feature 2)."""
    return {
        "version": 1,
        "features": list(FEATURES),
        "baseline": baseline,
        "trees": [[[2, 0, 0], [0.5, 0.0, 0.0], [1, 0, 0], [1, 0, 0], [2, 0, 0], [0.0, *leaves]]],
    }


async def store_model(url: str, stored: dict[str, Any], digest: str) -> None:
    """A fitted, in-use model of the console's scope holding ``stored`` (JSON, NaN and
    Infinity written as Python's json writes them)."""
    store = await open_store(url)
    try:

        async def write(tx: Tx) -> None:
            await tx.execute("DELETE FROM cost_models WHERE scope = 'console'")
            await tx.execute(
                "INSERT INTO cost_models (scope, fitted_at, sample_size, min_bids, "
                "mae_hundredths, within1_permille, within2_permille, heuristic_mae_hundredths, "
                "half_life_days, max_age_days, fit_ms, in_use, model, digest) VALUES "
                "('console', :t, 40, 30, 50, 800, 950, 200, 180, 730, 12, 1, :m, :d)",
                {"t": int(time.time()) - 60, "m": json.dumps(stored), "d": digest},
            )

        await store.write(write)
    finally:
        await store.close()


def run(tmp_path: Path, url: str, *args: str) -> Any:
    result = cli(tmp_path, *args, env={"CONNECTS_DATABASE_URL": url})
    assert "Traceback" not in result.stderr, result.stderr
    return result


CRAFTED = {
    "a NaN baseline": (predictor(NAN), "the baseline is nan, not a finite number"),
    "an infinite leaf": (predictor(leaves=(0.0, INF)), "values must be a list of finite"),
    "a baseline of 1e308": (predictor(1e308), "it predicts 1e+308 to 1e+308 Connects, outside"),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_an_unreadable_model_falls_back_to_the_heuristic_through_exec(
    case: str, db_url: str, tmp_path: Path
) -> None:
    model, why = CRAFTED[case]
    import asyncio

    asyncio.run(store_model(db_url, {"predictor": predictor(), "effects": []}, "sane"))
    sane = run(tmp_path, db_url, "exec", "/quote price:500 size:small")
    assert sane.returncode == 0 and ", learned" in sane.stdout.splitlines()[0]

    asyncio.run(store_model(db_url, {"predictor": model, "effects": []}, case))
    quote = run(tmp_path, db_url, "exec", "/quote price:500 size:small details:true")
    assert quote.returncode == 0, quote.stdout
    assert quote.stdout.splitlines()[0].endswith(" Connects, heuristic")
    reason = f"the stored model cannot be read ({why}"
    assert f"The heuristic answers here: {reason}" in quote.stdout
    assert "cannot be read" in quote.stderr  # the warning, in the log

    guessed = run(tmp_path, db_url, "exec", "/bid job:Logo price:500 size:small")
    assert guessed.returncode != 0 and "connects: is needed" in guessed.stdout + guessed.stderr
    bid = run(tmp_path, db_url, "exec", "/bid job:Logo price:500 size:small connects:9")
    assert bid.returncode == 0 and bid.stdout.startswith("Bid #1 placed"), bid.stdout

    shown = run(tmp_path, db_url, "exec", "/model")
    assert shown.stdout.startswith("Learned quotes: not in use")
    assert f"Not in use: {reason}" in shown.stdout
    operator = run(tmp_path, db_url, "model", "show", "--scope", "console")
    assert operator.returncode == 0
    assert f"  in use: no: {reason}" in operator.stdout
    line = next(x for x in shown.stdout.splitlines() if x.startswith("Not in use: "))
    assert line.removeprefix("Not in use: ") in operator.stdout


@pytest.mark.parametrize(
    ("stored", "why"),
    [
        ({"predictor": predictor(INF)}, "the baseline is inf, not a finite number"),
        ({"predictor": predictor(-INF)}, "the baseline is -inf"),
        ({"predictor": predictor(leaves=(NAN, 1.0))}, "values must be a list of finite"),
        ({"predictor": predictor(leaves=(0.0, 1e308))}, "predicts 10 to 1e+308 Connects"),
        ({"predictor": predictor(leaves=(0.0, 1e308)) | {"baseline": 1e308}}, "not finite"),
        ({"predictor": predictor(leaves=(0.0, 91.0))}, "predicts 10 to 101 Connects, outside"),
        ({"predictor": predictor(-11.0)}, "predicts -11 to -9.5 Connects, outside"),
        ({"predictor": predictor(), "effects": [["fixed", INF]]}, "an effect of inf Connects"),
        ({"predictor": predictor(), "effects": [["fixed", NAN]]}, "an effect of nan Connects"),
        ({"predictor": predictor(), "effects": [["fixed", 1e308]]}, "an effect of 1e+308"),
    ],
)
async def test_every_unreadable_number_is_named(
    stored: dict[str, Any], why: str, db_url: str
) -> None:
    await store_model(db_url, stored, f"d{hash(why)}")
    store = await open_store(db_url)
    try:

        async def read(tx: Tx) -> Any:
            return await learning.current(tx, "console")

        model = await store.read(read)
    finally:
        await store.close()
    assert model is not None and not model.in_use and not model.readable
    assert model.reason.startswith("the stored model cannot be read (")
    assert why in model.reason


async def test_a_model_at_the_bounds_is_read(db_url: str) -> None:
    """The edges: a model whose answers reach 0 and 100 Connects is in use."""
    await store_model(db_url, {"predictor": predictor(0.0, (0.0, 100.0))}, "edges")
    store = await open_store(db_url)
    try:

        async def read(tx: Tx) -> Any:
            return await learning.current(tx, "console")

        model = await store.read(read)
    finally:
        await store.close()
    assert model is not None and model.readable and model.in_use


async def _read_model(db_url: str, stored: dict[str, Any], digest: str) -> Any:
    await store_model(db_url, stored, digest)
    store = await open_store(db_url)
    try:

        async def read(tx: Tx) -> Any:
            return await learning.current(tx, "console")

        return await store.read(read)
    finally:
        await store.close()


async def test_one_group_past_a_bids_bounds_leaves_the_model_in_use(db_url: str) -> None:
    """The attack: one member logs 200 paid bids at 100 Connects; their group's trees add up
    to 101 at most, and that part alone used to make the whole model unreadable (every
    member's quotes fell back to the heuristic). The median of the parts answers, and it
    stays within a bid's bounds: such a model is read and in use; a part reaching further
    than a bid's bounds' width past them is still damage, and a majority past them still
    makes the median reach past them."""
    honest = [predictor(10.0 + i) for i in range(4)]
    one = await _read_model(db_url, {"predictors": [*honest, predictor(10.0, (0.0, 91.0))]}, "one")
    assert one is not None and one.readable and one.in_use, one.reason
    assert one.predictor is not None and one.predictor.span()[1] < 100.5
    far = await _read_model(db_url, {"predictors": [*honest, predictor(10.0, (0.0, 191.0))]}, "far")
    assert far is not None and not far.readable and "predicts 10 to 201 Connects" in far.reason
    most = [predictor(10.0, (0.0, 91.0))] * 3
    past = await _read_model(db_url, {"predictors": [*honest[:2], *most]}, "most")
    assert past is not None and not past.readable and "predicts 10 to 101 Connects" in past.reason


async def test_a_column_that_is_not_a_whole_number_is_named(tmp_path: Path) -> None:
    """SQLite keeps text in an INTEGER column: such a row (another version's, or damaged) is
    an unreadable model naming the column, never a failed quote."""
    url = f"sqlite:///{tmp_path / 'damaged.db'}"
    await store_model(url, {"predictor": predictor(), "effects": []}, "damaged")
    store = await open_store(url)
    try:

        async def damage(tx: Tx) -> None:
            await tx.execute("UPDATE cost_models SET sample_size = 'many', digest = 'd2'")

        await store.write(damage)

        async def read(tx: Tx) -> Any:
            return await learning.current(tx, "console"), await learning.every_model(tx)

        model, every = await store.read(read)
    finally:
        await store.close()
    assert model is not None and not model.in_use and not model.readable
    assert model.reason.startswith("the stored model cannot be read (its sample_size is not")
    assert model.sample_size == 0 and model.fitted_at > 0 and every == [model]
