"""The exported predictor is the fitted ensemble: the pure-Python walk of the JSON equals
scikit-learn's ``predict`` to 1e-9 on random rows with unknown values. This is the test that
fails when a scikit-learn release changes the internals the export reads (pyproject.toml
bounds the version for it)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core.quotes.learning.features import FEATURES, MONOTONIC
from core.quotes.learning.predictor import Predictor, from_json
from core.quotes.learning.training import export, fit_model


def _random_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.normal(size=(n, len(FEATURES))) * 10
    x[rng.random(x.shape) < 0.25] = np.nan
    return x


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_json_predictor_equals_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = _random_rows(rng, 400)
    x[:, FEATURES.index("proposals_max")] = np.nan  # a factor no bid knows: left out of the fit
    y = np.nan_to_num(x[:, 1]) * 0.3 + np.nan_to_num(x[:, 8]) * 0.1 + rng.normal(size=400)
    w = rng.uniform(0.1, 1.0, size=400)
    fitted = fit_model(x, y, w, seed=seed)
    stored = json.loads(json.dumps(export(fitted).to_json()))  # through its text form
    predictor = from_json(stored)
    rows = _random_rows(rng, 500)
    rows[:50] = np.nan  # every factor unknown
    want = fitted.predict(rows)
    got = [predictor.raw([float(v) for v in row]) for row in rows]
    worst = max(abs(a - b) for a, b in zip(got, want, strict=True))
    assert worst <= 1e-9, worst
    assert len(predictor.trees) == fitted.model.n_iter_
    # the constraints reached the estimator, in the fit's own column order
    used = fitted.used
    assert list(fitted.model.monotonic_cst) == [MONOTONIC[j] for j in used]


def test_a_split_on_unknown_values_only_survives_json() -> None:
    """A threshold of infinity (every known value goes left) is stored as the largest float
    and compares the same way."""
    rng = np.random.default_rng(5)
    x = np.full((300, len(FEATURES)), np.nan)
    x[:, 0] = rng.integers(0, 2, size=300)
    x[::2, 6] = 1.0  # known for half the bids, unknown for the others
    y = np.where(np.isnan(x[:, 6]), 5.0, 9.0) + x[:, 0]
    fitted = fit_model(x, y, np.ones(300))
    predictor = from_json(json.loads(json.dumps(export(fitted).to_json())))
    row = [math.nan] * len(FEATURES)
    row[0] = 1.0
    assert predictor.raw(row) == pytest.approx(fitted.predict(np.array([row]))[0], abs=1e-9)
    row[6] = 1.0
    assert predictor.raw(row) == pytest.approx(fitted.predict(np.array([row]))[0], abs=1e-9)


def _one_leaf(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": 1,
        "features": list(FEATURES),
        "baseline": 10.0,
        "trees": [[[2, 0], [0.5, 0.0], [1, 0], [1, 0], [1, 0], [0.0, 1.5]]],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 2}, "version"),
        ({"features": ["price"]}, "other features"),
        ({"baseline": "ten"}, "baseline"),
        ({"trees": [[[0], [0.0], [0], [0], [0]]]}, "six lists"),
        ({"trees": [[[0, 0], [0.0], [0, 0], [0, 0], [0, 0], [0.0, 0.0]]]}, "one length"),
        ({"trees": [[[0], [0.0], [0], [0], [0], ["x"]]]}, "finite numbers"),
        # a child pointing back at its parent would never end the walk
        ({"trees": [[[0, 0, 0], [0.0] * 3, [0] * 3, [1, 1, 0], [2, 2, 0], [0.0] * 3]]}, "outside"),
        ({"trees": [[[0, 0, 0], [0.0] * 3, [0] * 3, [2, 0, 1], [1, 0, 0], [0.0] * 3]]}, "outside"),
        ({"trees": [[[0, 0], [0.0] * 2, [0] * 2, [1, 0], [5, 0], [0.0] * 2]]}, "outside"),
        ({"trees": [[[99, 0, 0], [0.0] * 3, [0] * 3, [1, 0, 0], [2, 0, 0], [0.0] * 3]]}, "outside"),
    ],
)
def test_a_damaged_model_is_refused(changes: dict[str, object], message: str) -> None:
    assert from_json(_one_leaf()).raw([1.0] * len(FEATURES)) == 11.5
    with pytest.raises(ValueError, match=message):
        from_json(_one_leaf(**changes))


def test_the_stored_form_round_trips() -> None:
    predictor = from_json(_one_leaf())
    assert isinstance(predictor, Predictor)
    assert from_json(predictor.to_json()) == predictor
