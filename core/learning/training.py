"""Fitting the learned cost model: scikit-learn's gradient-boosted trees on a scope's stated
bids, its cross-validated error, the heuristic's error on the same bids, the export to the
pure-Python predictor and the factors' effects. The only module of the product that imports
numpy and scikit-learn; :mod:`core.learning.fitting` imports it inside a worker thread's job,
so nothing that answers a quote loads them.

- **Estimator**: ``HistGradientBoostingRegressor`` (squared error) with ``monotonic_cst``: the
  prediction never falls as the budget, the project's length or the client's establishment
  (spend, hires, reviews, years a member) grows; unknown factors are ``nan``, which the trees
  route by a learned side at each split.
- **Weights**: a bid of age ``a`` days weighs ``0.5 ** (a / half_life_days)``, so recent bids
  count more where old and new ones meet (and the time column lets the trees tell a change
  of Upwork's prices apart, see :mod:`core.learning.features`). The weights are scaled to a
  mean of 1, so the leaves' regularization means the same for a community of old bids as for
  one of fresh bids.
- **Errors**: ``folds``-fold cross-validation (shuffled, seeded): each bid is predicted by a
  model fitted without it, the prediction rounded to whole Connects as a quote shows it, and
  the error figures are averaged with the same weights as the fit, so they describe today's
  bids more than old ones. The heuristic is scored the same way on the same bids.
- **One thread**: scikit-learn's OpenMP loops run on one thread (the calling worker's own
  limit): on a small machine shared with the bot's event loop, several spinning OpenMP
  threads made a fit of 300 bids take 8 s instead of 0.4 s, and the bot keeps a core.
- **Export**: reads the fitted ensemble's internals (``_baseline_prediction`` and the
  ``nodes`` of each ``TreePredictor`` in ``_predictors``); ``pyproject.toml`` bounds
  scikit-learn for that, and a test holds the export to ``predict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from core.config import LearningConfig, PricingConfig
from core.learning.effects import COMPARISONS, SMALLEST
from core.learning.features import FEATURES, INDEX, MONOTONIC, heuristic_factors, vector
from core.learning.predictor import Predictor, Tree
from core.learning.rows import Sample
from core.pricing import quote

DAY = 86400.0
#: Rows the partial dependence of an effect averages over, at most.
EFFECT_ROWS = 400

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Trained:
    """What a fit found: the error figures (Connects, and shares from 0 to 1), the predictor
    and the effects as ``(key, delta)``, largest first."""

    mae: float
    within1: float
    within2: float
    heuristic_mae: float
    predictor: Predictor
    effects: tuple[tuple[str, float], ...]


def estimator(n: int, monotonic: Sequence[int], seed: int = 0) -> HistGradientBoostingRegressor:
    """The regressor for ``n`` training bids: smaller leaves for a small community."""
    return HistGradientBoostingRegressor(
        loss="squared_error",
        learning_rate=0.15,
        max_iter=80,
        max_leaf_nodes=15,
        min_samples_leaf=max(3, min(20, n // 40)),
        l2_regularization=1.0,
        monotonic_cst=list(monotonic),
        random_state=seed,
    )


@dataclass(frozen=True, slots=True)
class Fitted:
    """A regressor fitted on the columns ``used`` of the feature rows: a factor no training
    bid knows carries nothing to learn (and scikit-learn cannot bin a column of only
    ``nan``), so it is left out of that fit."""

    model: HistGradientBoostingRegressor
    used: tuple[int, ...]

    def predict(self, x: Matrix) -> Matrix:
        predicted: Matrix = self.model.predict(x[:, self.used])
        return predicted


def fit_model(x: Matrix, y: Matrix, w: Matrix, seed: int = 0) -> Fitted:
    """Fit the regressor on rows ``x`` (every column of :data:`FEATURES`), targets ``y`` and
    sample weights ``w``."""
    used = tuple(j for j in range(x.shape[1]) if not bool(np.isnan(x[:, j]).all()))
    if not used:
        raise ValueError("no factor of any bid is known")
    monotonic = [MONOTONIC[j] for j in used]
    model = estimator(len(y), monotonic, seed).fit(x[:, used], y, sample_weight=w)
    return Fitted(model, used)


def weights(created_at: Sequence[int], now: int, half_life_days: int) -> Matrix:
    """Each bid's weight, 0.5 ** (age in days / half-life) (a bid from the future counts as
    placed now), scaled to a mean of 1."""
    age = np.maximum(0.0, (now - np.asarray(created_at, dtype=np.float64)) / DAY)
    w = np.power(0.5, age / float(half_life_days))
    return w / w.mean() if len(w) else w


def matrix(samples: Sequence[Sample]) -> Matrix:
    """The feature rows of ``samples``, each as of the moment its bid was placed."""
    return np.array([vector(s.factors, s.created_at) for s in samples], dtype=np.float64)


def _tree(nodes: NDArray[np.void], used: Sequence[int]) -> Tree:
    """One ``TreePredictor.nodes`` array as a :class:`Tree` (split fields zero on leaves, the
    value zero on splits), its feature indices mapped from the fit's columns ``used``."""
    feature, threshold, missing, left, right, value = [], [], [], [], [], []
    for node in nodes:
        leaf = bool(node["is_leaf"])
        feature.append(0 if leaf else used[int(node["feature_idx"])])
        threshold.append(0.0 if leaf else float(node["num_threshold"]))
        missing.append(False if leaf else bool(node["missing_go_to_left"]))
        left.append(0 if leaf else int(node["left"]))
        right.append(0 if leaf else int(node["right"]))
        value.append(float(node["value"]) if leaf else 0.0)
    return Tree(
        tuple(feature), tuple(threshold), tuple(missing), tuple(left), tuple(right), tuple(value)
    )


def export(fitted: Fitted) -> Predictor:
    """The fitted ensemble as a :class:`Predictor` over every column of :data:`FEATURES`.

    scikit-learn internals: ``model._baseline_prediction`` (shape (1, 1) for one output) and
    ``model._predictors`` (per iteration, one ``TreePredictor`` whose ``nodes`` is a structured
    array with ``is_leaf``, ``value``, ``feature_idx``, ``num_threshold``,
    ``missing_go_to_left``, ``left``, ``right`` and ``is_categorical``)."""
    model = fitted.model
    baseline = float(np.asarray(model._baseline_prediction).ravel()[0])
    trees = []
    for per_iteration in model._predictors:
        if len(per_iteration) != 1:
            raise ValueError("expected one tree per iteration (a single-output regressor)")
        nodes = per_iteration[0].nodes
        if bool(np.any(nodes["is_categorical"])):
            raise ValueError("categorical splits are not exported")
        trees.append(_tree(nodes, fitted.used))
    return Predictor(FEATURES, baseline, tuple(trees))


def _average(values: Matrix, w: Matrix) -> float:
    return float(np.average(values, weights=w))


def effects(model: Fitted, x: Matrix, w: Matrix, min_count: int) -> tuple[tuple[str, float], ...]:
    """Each comparison of :data:`~core.learning.effects.COMPARISONS` the bids support (at
    least ``min_count`` at or below its low value and as many at or above its high one) as its
    weighted partial dependence, largest first; those under half a Connect are left out."""
    rows = np.linspace(0, len(x) - 1, num=min(len(x), EFFECT_ROWS)).astype(int)
    base, base_w = x[rows], w[rows]
    found = []
    for c in COMPARISONS:
        column = x[:, INDEX[c.feature]]
        known = column[~np.isnan(column)]
        if (known <= c.low).sum() < min_count or (known >= c.high).sum() < min_count:
            continue
        low, high = base.copy(), base.copy()
        low[:, INDEX[c.feature]] = c.low
        high[:, INDEX[c.feature]] = c.high
        delta = _average(model.predict(high) - model.predict(low), base_w)
        if abs(delta) >= SMALLEST:
            found.append((c.key, round(delta, 2)))
    return tuple(sorted(found, key=lambda e: -abs(e[1])))


def cross_validate(
    x: Matrix, y: Matrix, w: Matrix, folds: int, seed: int = 0
) -> tuple[float, float, float]:
    """The weighted MAE of the rounded out-of-fold predictions and their shares within 1 and
    2 Connects."""
    predicted = np.empty(len(y))
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(x):
        predicted[test] = fit_model(x[train], y[train], w[train], seed).predict(x[test])
    off = np.abs(np.floor(predicted + 0.5) - y)
    within1, within2 = (off <= 1).astype(np.float64), (off <= 2).astype(np.float64)
    return _average(off, w), _average(within1, w), _average(within2, w)


def train(
    samples: Sequence[Sample],
    learning: LearningConfig,
    pricing: PricingConfig,
    now: int,
    seed: int = 0,
) -> Trained:
    """Fit a scope's model on ``samples`` (at least ``learning.folds`` of them) as of ``now``."""
    if len(samples) < max(2, learning.folds):
        raise ValueError(f"{len(samples)} bids cannot be split into {learning.folds} folds")
    x = matrix(samples)
    y = np.array([s.connects for s in samples], dtype=np.float64)
    w = weights([s.created_at for s in samples], now, learning.half_life_days)
    heuristic = np.array(
        [quote(pricing, heuristic_factors(s.factors)).connects for s in samples],
        dtype=np.float64,
    )
    with threadpool_limits(limits=1, user_api="openmp"):
        mae, within1, within2 = cross_validate(x, y, w, learning.folds, seed)
        final = fit_model(x, y, w, seed)
        found = effects(final, x, w, learning.min_count)
    return Trained(
        mae=mae,
        within1=within1,
        within2=within2,
        heuristic_mae=_average(np.abs(heuristic - y), w),
        predictor=export(final),
        effects=found,
    )
