"""Fitting the learned cost model: scikit-learn's gradient-boosted trees on a scope's stated
bids, its cross-validated error, the heuristic's error on the same bids, the export to the
pure-Python predictor and the factors' effects. The only module of the product that imports
numpy and scikit-learn; :mod:`core.quotes.learning.fitting` imports it inside a worker thread's job,
so nothing that answers a quote loads them.

- **Estimator**: ``HistGradientBoostingRegressor`` (squared error) with ``monotonic_cst``:
  the prediction never falls as the budget, the project's length or the client's
  establishment (spend, hires, reviews, years a member) grows; unknown factors are ``nan``,
  which the trees route by a learned side at each split.
- **Weights**: a bid of age ``a`` days weighs ``0.5 ** (a / half_life_days)``, so recent bids
  count more where old and new ones meet (and the time column lets the trees tell a change
  of Upwork's prices apart, see :mod:`core.quotes.learning.features`). Then each member's total is
  capped at ``[learning] member_share_percent`` of the fit (:func:`capped`): a member with 200
  bids counts no more than the cap (in a community of ``k`` < 200 / cap members, no more
  than ``2 / k``); no member's weight is ever raised. A model of groups (below) caps each
  member within their group's fit, so no other group's weights depend on them. The weights
  are scaled to a mean of 1, so the leaves' regularization means the same for a community
  of old bids as for one of fresh bids.
- **Groups of members**: a model pooling three members or more is fitted as up to
  :data:`GROUPS` models, each on the bids of its own members only (a member's group is a
  hash of their key: it depends on no other member, so an attacker joining leaves every
  other member's group as it was), and predicts the median of them. A member's bids are all in
  one group: however many bids they log, at whatever cost, they move one part, and the
  median moves at most to a neighbouring part's prediction, which other members' bids alone
  decide. An attacker with ``m`` identities moves at most ``m``
  parts; while ``m`` is under half of the parts, the median stays between predictions made
  without them. A median of functions that never fall as a factor grows never falls either.
- **Errors**: each bid is predicted by the median of the other groups' models, which never
  saw a bid of its member (a personal model, one member: ``folds``-fold cross-validation of
  its bids, shuffled, seeded). Each prediction is rounded to whole Connects as a quote shows
  it, and the error figures are averaged with the fit's weights, so they describe today's
  bids more than old ones; an error counts at most :data:`ERROR_CLIP` times the median error
  (at least 2 Connects), so a few absurd bids cannot inflate the typical error. The
  heuristic is scored on the same bids, unclipped.
- **Bounded influence of a bid**: each group's final model learns from its own members'
  bids alone, with each member's weight capped within the group and each cost pulled to
  within ``c`` of what the group's other half of members predicts for it, ``c`` = the larger
  of 1 Connect and that half's typical error (a winsorized target: squared error on it is a
  Huber loss), so no bid, an honest typo or a troll's, pulls its own group's model more than
  ``c`` toward itself, and no bid changes another group's model at all (:func:`fit_apart`).
- **One thread**: scikit-learn's OpenMP loops run on one thread (the calling worker's own
  limit): on a small machine shared with the bot's event loop, several spinning OpenMP
  threads made a fit of 300 bids take 8 s instead of 0.4 s, and the bot keeps a core.
- **Export**: reads the fitted ensemble's internals (``_baseline_prediction`` and the
  ``nodes`` of each ``TreePredictor`` in ``_predictors``); ``pyproject.toml`` bounds
  scikit-learn for that, and a test holds the export to ``predict``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import GroupKFold, KFold
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from core.base.config import LearningConfig
from core.base.pricingconfig import PricingConfig
from core.quotes.learning.effects import COMPARISONS, SMALLEST
from core.quotes.learning.features import FEATURES, INDEX, MONOTONIC, heuristic_factors, vector
from core.quotes.learning.predictor import Ensemble, Predictor, Tree
from core.quotes.learning.rows import Sample
from core.quotes.pricing import quote

DAY = 86400.0
#: Rows the partial dependence of an effect averages over, at most.
EFFECT_ROWS = 400
#: An error counts at most this many times the median error (and at least 2 Connects).
ERROR_CLIP = 3.0
#: The disjoint groups of members a model pooling members is fitted on, at most.
GROUPS = 5

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Trained:
    """What a fit found: the error figures (Connects, and shares from 0 to 1), the predictor
    and the effects as ``(key, delta)``, largest first."""

    mae: float
    within1: float
    within2: float
    heuristic_mae: float
    predictors: tuple[Predictor, ...]
    effects: tuple[tuple[str, float], ...]
    members: int = 1
    top_share: float = 1.0

    @property
    def predictor(self) -> Ensemble:
        """The parts as one predictor: their median."""
        return Ensemble(self.predictors)


def estimator(
    n: int, monotonic: Sequence[int], seed: int = 0, loss: str = "squared_error"
) -> HistGradientBoostingRegressor:
    """The regressor for ``n`` training bids: smaller leaves for a small community."""
    return HistGradientBoostingRegressor(
        loss=loss,
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


def fit_model(
    x: Matrix, y: Matrix, w: Matrix, seed: int = 0, loss: str = "squared_error"
) -> Fitted:
    """Fit the regressor on rows ``x`` (every column of :data:`FEATURES`), targets ``y`` and
    sample weights ``w``."""
    used = tuple(j for j in range(x.shape[1]) if not bool(np.isnan(x[:, j]).all()))
    if not used:
        raise ValueError("no factor of any bid is known")
    monotonic = [MONOTONIC[j] for j in used]
    model = estimator(len(y), monotonic, seed, loss).fit(x[:, used], y, sample_weight=w)
    return Fitted(model, used)


def weights(created_at: Sequence[int], now: int, half_life_days: int) -> Matrix:
    """Each bid's weight, 0.5 ** (age in days / half-life) (a bid from the future counts as
    placed now), scaled to a mean of 1."""
    age = np.maximum(0.0, (now - np.asarray(created_at, dtype=np.float64)) / DAY)
    w = np.power(0.5, age / float(half_life_days))
    return w / w.mean() if len(w) else w


def capped(members: Sequence[str], w: Matrix, share: float) -> tuple[Matrix, float]:
    """``w`` with each member's total cut so that none carries more than ``share`` of the
    whole, or ``2 / k`` of it with ``k`` members where ``k`` is below ``2 / share`` (no member
    of a small community can be held to a tenth; cutting every member to an equal weight
    would raise a member of few bids to the level of one of many). Water-filling: the
    largest members are cut to a common level ``T``, ``T`` = the cap times the new total;
    no member's weight is raised. The weights scaled to a mean of 1, and the largest share
    any member has."""
    if not len(w):
        return w, 0.0
    _, index = np.unique(np.asarray(members, dtype=object), return_inverse=True)
    totals = np.bincount(index, weights=w)
    k = len(totals)
    cap = max(share, 2.0 / k) if k > 1 else 1.0
    order = np.argsort(-totals)
    ranked = totals[order]
    cut = ranked.copy()
    for j in range(k):
        level = cap * float(ranked[j:].sum()) / (1 - cap * j) if cap * j < 1 else math.inf
        if ranked[j] <= level:
            cut[:j] = level
            break
    target = np.empty(k)
    target[order] = cut
    scaled = w * (target / totals)[index]
    return scaled / scaled.mean(), float(target.max() / target.sum())


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


@dataclass(frozen=True, slots=True)
class Median:
    """Fitted models whose prediction is their pointwise median."""

    parts: tuple[Fitted, ...]

    def predict(self, x: Matrix) -> Matrix:
        predicted: Matrix = np.median(np.stack([p.predict(x) for p in self.parts]), axis=0)
        return predicted


def bucket_of(key: str, count: int) -> int:
    """``key``'s bucket of ``count``: a hash of the key alone, so it depends on no other key."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) % count


def groups_of(names: Sequence[str], index: NDArray[np.intp], count: int) -> NDArray[np.intp]:
    """Each bid's group: its member's (``names[index]``) hash modulo ``count``, so a member's
    group depends on no other member (adding an identity leaves every other member where it
    was), numbered from 0 without the empty ones. Where that leaves fewer than 3 groups
    (a small community whose hashes meet), members are dealt in turn instead."""
    bucket = np.array(
        [bucket_of(n, count) for n in names],
        dtype=np.intp,
    )
    used = np.unique(bucket)
    if len(used) < min(3, len(names)):
        bucket = np.arange(len(names), dtype=np.intp) % count
        used = np.unique(bucket)
    compact = np.searchsorted(used, bucket)
    grouped: NDArray[np.intp] = compact[index]
    return grouped


def fit_groups(x: Matrix, y: Matrix, w: Matrix, group: NDArray[np.intp], seed: int) -> Median:
    """One model per group, each on its group's bids only."""
    count = int(group.max()) + 1
    return Median(
        tuple(fit_model(x[group == g], y[group == g], w[group == g], seed) for g in range(count))
    )


def pulled(predicted: Matrix, y: Matrix, error: float) -> Matrix:
    """Each cost pulled to within ``c`` = max(1 Connect, ``error``) of its prediction by a
    model that never saw it (a winsorized target: squared error on it is a Huber loss)."""
    reach = max(1.0, error)
    target: Matrix = predicted + np.clip(y - predicted, -reach, reach)
    return target


def halves(members: Sequence[str]) -> NDArray[np.bool_]:
    """Which of a group's bids are in its first half: its members split in two by another
    hash of their keys, or, where that leaves a half empty (one member), its bids dealt in
    turn."""
    first = np.array(
        [bucket_of(f"half:{m}", 2) == 0 for m in members],
        dtype=np.bool_,
    )
    if first.all() or not first.any():
        first = np.arange(len(members)) % 2 == 0
    return first


def fit_apart(
    x: Matrix,
    y: Matrix,
    decayed: Matrix,
    members: Sequence[str],
    group: NDArray[np.intp],
    share: float,
    seed: int,
) -> Median:
    """The final model of each group from its own members' bids alone, so that a member's bids
    change no other group's model (and the median of the groups moves at most as far as the
    other groups' predictions are apart): each member's weight capped within the group; each
    cost pulled toward what the group's other half of members predicts for it, by at most
    max(1 Connect, that half's typical error), so no bid drags even its own group further."""
    parts = []
    for g in range(int(group.max()) + 1):
        rows = np.flatnonzero(group == g)
        xg, yg = x[rows], y[rows]
        names = [members[int(i)] for i in rows]
        wg, _ = capped(names, decayed[rows], share)
        first = halves(names)
        target = yg
        if min(int(first.sum()), int((~first).sum())) >= 2:
            predicted = np.empty(len(rows))
            for side in (first, ~first):
                model = fit_model(xg[~side], yg[~side], wg[~side], seed)
                predicted[side] = model.predict(xg[side])
            target = pulled(predicted, yg, figures(predicted, yg, wg)[0])
        parts.append(fit_model(xg, target, wg, seed))
    return Median(tuple(parts))


def out_of_group(model: Median, x: Matrix, group: NDArray[np.intp]) -> Matrix:
    """Each bid's prediction by the median of the models of the other groups: models that
    never saw a bid of its member."""
    every = np.stack([p.predict(x) for p in model.parts])
    predicted = np.empty(len(x))
    for g in range(len(model.parts)):
        mine = group == g
        others = [i for i in range(len(model.parts)) if i != g]
        predicted[mine] = np.median(every[others][:, mine], axis=0)
    return predicted


def _average(values: Matrix, w: Matrix) -> float:
    return float(np.average(values, weights=w))


def effects(
    model: Fitted | Median, x: Matrix, w: Matrix, min_count: int
) -> tuple[tuple[str, float], ...]:
    """Each comparison of :data:`~core.quotes.learning.effects.COMPARISONS` the bids support (at
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


def _median(values: Matrix, w: Matrix) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(w[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def out_of_fold(
    x: Matrix, y: Matrix, w: Matrix, groups: Matrix | None, folds: int, seed: int = 0
) -> Matrix:
    """Each bid's prediction by a model fitted without its fold: without any bid of its
    member when ``groups`` (a member index per bid) is given."""
    predicted = np.empty(len(y))
    if groups is None:
        splits = KFold(n_splits=folds, shuffle=True, random_state=seed).split(x)
    else:
        splits = GroupKFold(n_splits=folds).split(x, groups=groups)
    for train, test in splits:
        predicted[test] = fit_model(x[train], y[train], w[train], seed).predict(x[test])
    return predicted


def figures(predicted: Matrix, y: Matrix, w: Matrix) -> tuple[float, float, float]:
    """The weighted MAE of the rounded predictions (each error at most :data:`ERROR_CLIP`
    times the median error, and at least 2) and their shares within 1 and 2 Connects."""
    off = np.abs(np.floor(predicted + 0.5) - y)
    clip = max(2.0, ERROR_CLIP * _median(off, w))
    within1, within2 = (off <= 1).astype(np.float64), (off <= 2).astype(np.float64)
    return _average(np.minimum(off, clip), w), _average(within1, w), _average(within2, w)


def cross_validate(
    x: Matrix, y: Matrix, w: Matrix, folds: int, seed: int = 0
) -> tuple[float, float, float]:
    """The error figures (:func:`figures`) of shuffled ``folds``-fold cross-validation."""
    return figures(out_of_fold(x, y, w, None, folds, seed), y, w)


def train(
    samples: Sequence[Sample],
    learning: LearningConfig,
    pricing: PricingConfig,
    now: int,
    seed: int = 0,
) -> Trained:
    """Fit a model on ``samples`` (at least ``learning.folds`` of them) as of ``now``: by
    member with each member's weight capped (see the module text)."""
    if len(samples) < max(2, learning.folds):
        raise ValueError(f"{len(samples)} bids cannot be split into {learning.folds} folds")
    x = matrix(samples)
    y = np.array([s.connects for s in samples], dtype=np.float64)
    decayed = weights([s.created_at for s in samples], now, learning.half_life_days)
    members = [s.member for s in samples]
    w, top = capped(members, decayed, learning.member_share_percent / 100)
    names, index = np.unique(np.asarray(members, dtype=object), return_inverse=True)
    count = len(names)
    heuristic = np.array(
        [quote(pricing, heuristic_factors(s.factors)).connects for s in samples],
        dtype=np.float64,
    )
    with threadpool_limits(limits=1, user_api="openmp"):
        final: Fitted | Median
        if count >= 3:
            group = groups_of([str(n) for n in names], index, min(GROUPS, count))
            predicted = out_of_group(fit_groups(x, y, w, group, seed), x, group)
            mae, within1, within2 = figures(predicted, y, w)
            share = learning.member_share_percent / 100
            final = fit_apart(x, y, decayed, members, group, share, seed)
            parts = tuple(export(p) for p in final.parts)
        else:
            predicted = out_of_fold(x, y, w, None, learning.folds, seed)
            mae, within1, within2 = figures(predicted, y, w)
            final = fit_model(x, pulled(predicted, y, mae), w, seed)
            parts = (export(final),)
        found = effects(final, x, w, learning.min_count)
    return Trained(
        mae=mae,
        within1=within1,
        within2=within2,
        heuristic_mae=_average(np.abs(heuristic - y), w),
        predictors=parts,
        effects=found,
        members=count,
        top_share=top,
    )
