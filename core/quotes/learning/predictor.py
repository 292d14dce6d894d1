"""The fitted ensemble as plain data, and the walk that predicts from it, in pure Python.

A fit (:mod:`core.quotes.learning.training`) exports scikit-learn's gradient-boosted trees to JSON:
a baseline and, per tree, parallel lists of its nodes. A node ``i`` is a leaf when
``left[i] == 0`` (the root is never a child) and holds ``value[i]``; otherwise a row goes to
``left[i]`` when its feature ``feature[i]`` is unknown (``nan``) and ``missing_left[i]`` is
set, or when the value is at most ``threshold[i]``, else to ``right[i]``. The prediction is the
baseline plus one leaf value per tree, added in tree order, which is how scikit-learn adds
them: the two agree to the last bits (a test holds them to 1e-9).

Children always come after their parent, so a walk ends; :func:`from_json` refuses anything
else, so a damaged model fails to load instead of looping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.quotes.learning.features import FEATURES

#: The stored form's version; a model of another version is not loaded.
VERSION = 1

#: What an infinite threshold is stored as (JSON has no infinity); every finite value compares
#: to it as it would to infinity.
BIG = 1.7976931348623157e308


@dataclass(frozen=True, slots=True)
class Tree:
    """One tree's nodes as parallel tuples."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    missing_left: tuple[bool, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def leaf(self, row: Sequence[float]) -> float:
        """The value of the leaf ``row`` ends in."""
        left, right = self.left, self.right
        i = 0
        while left[i]:
            x = row[self.feature[i]]
            if x != x:  # noqa: PLR0124 - nan, unknown: the fastest test of it
                i = left[i] if self.missing_left[i] else right[i]
            elif x <= self.threshold[i]:
                i = left[i]
            else:
                i = right[i]
        return self.value[i]


@dataclass(frozen=True, slots=True)
class Predictor:
    """A baseline plus trees over the columns ``features``."""

    features: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]

    def raw(self, row: Sequence[float]) -> float:
        """The prediction for one row of :data:`~core.quotes.learning.features.FEATURES`."""
        total = self.baseline
        for tree in self.trees:
            total += tree.leaf(row)
        return total

    def span(self) -> tuple[float, float]:
        """The lowest and the highest prediction the trees can add up to: the baseline plus
        each tree's smallest (largest) leaf. Every row's prediction lies within it."""
        low = high = self.baseline
        for tree in self.trees:
            leaves = [v for v, child in zip(tree.value, tree.left, strict=True) if not child]
            low += min(leaves)
            high += max(leaves)
        return low, high

    def to_json(self) -> dict[str, object]:
        """The stored form (see the module text)."""
        return {
            "version": VERSION,
            "features": list(self.features),
            "baseline": self.baseline,
            "trees": [
                [
                    list(t.feature),
                    [_finite(v) for v in t.threshold],
                    [int(m) for m in t.missing_left],
                    list(t.left),
                    list(t.right),
                    list(t.value),
                ]
                for t in self.trees
            ],
        }


@dataclass(frozen=True, slots=True)
class Ensemble:
    """Models fitted on disjoint groups of members; the prediction is their median, so a
    member, whose bids are in one group only, moves it at most to a neighbouring group's
    prediction. One part: that part's prediction."""

    parts: tuple[Predictor, ...]

    def raw(self, row: Sequence[float]) -> float:
        """The median of the parts' predictions for one row."""
        return _median([part.raw(row) for part in self.parts])

    def span(self) -> tuple[float, float]:
        """The lowest and the highest prediction the median can make: the median of the parts'
        lowest and of their highest (a median never falls below the median of lower bounds, nor
        rises above that of upper ones). One part reaching past it (a group whose bids are all
        at a bid's most, say) leaves the median inside it."""
        spans = [part.span() for part in self.parts]
        return _median([low for low, _ in spans]), _median([high for _, high in spans])

    @property
    def trees(self) -> tuple[Tree, ...]:
        """Every part's trees."""
        return tuple(tree for part in self.parts for tree in part.trees)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def ensemble_from_json(data: Mapping[str, object]) -> Ensemble:
    """A stored model's predictor: ``predictors`` (a list of parts) or, as stored before
    models were fitted by group, one ``predictor``."""
    parts = data.get("predictors")
    if parts is None:
        single = data.get("predictor")
        if not isinstance(single, Mapping):
            raise ValueError("cost model: no predictor")
        return Ensemble((from_json(single),))
    if not isinstance(parts, list) or not parts or not all(isinstance(p, Mapping) for p in parts):
        raise ValueError("cost model: predictors must be a non-empty list")
    return Ensemble(tuple(from_json(p) for p in parts))


def _finite(value: float) -> float:
    if math.isinf(value):
        return BIG if value > 0 else -BIG
    return value


def _ints(raw: object, what: str) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(type(v) is int for v in raw):
        raise ValueError(f"cost model: {what} must be a list of whole numbers")
    return tuple(raw)


def _floats(raw: object, what: str) -> tuple[float, ...]:
    if not isinstance(raw, list) or not all(
        type(v) in (int, float) and math.isfinite(v) for v in raw
    ):
        raise ValueError(f"cost model: {what} must be a list of finite numbers")
    return tuple(float(v) for v in raw)


def _tree(raw: object, width: int) -> Tree:
    if not isinstance(raw, list) or len(raw) != 6:
        raise ValueError("cost model: a tree is six lists")
    feature = _ints(raw[0], "features")
    threshold = _floats(raw[1], "thresholds")
    missing = _ints(raw[2], "missing sides")
    left, right = _ints(raw[3], "left children"), _ints(raw[4], "right children")
    value = _floats(raw[5], "values")
    n = len(feature)
    if n == 0 or any(len(part) != n for part in (threshold, missing, left, right, value)):
        raise ValueError("cost model: a tree's lists must be non-empty and of one length")
    for i in range(n):
        if left[i] and not (i < left[i] < n and i < right[i] < n and 0 <= feature[i] < width):
            raise ValueError(f"cost model: node {i} points outside its tree")
    return Tree(feature, threshold, tuple(bool(m) for m in missing), left, right, value)


def from_json(data: Mapping[str, object]) -> Predictor:
    """A predictor from its stored form; ``ValueError`` when it is not one this code reads."""
    if data.get("version") != VERSION:
        raise ValueError(f"cost model: version {data.get('version')!r}, this code reads 1")
    features = data.get("features")
    if features != list(FEATURES):
        raise ValueError("cost model: fitted on other features than this code computes")
    baseline = data.get("baseline")
    if type(baseline) not in (int, float):
        raise ValueError("cost model: the baseline must be a number")
    assert isinstance(baseline, (int, float))
    if not math.isfinite(baseline):
        raise ValueError(f"cost model: the baseline is {baseline}, not a finite number")
    trees = data.get("trees")
    if not isinstance(trees, list):
        raise ValueError("cost model: trees must be a list")
    return Predictor(
        tuple(FEATURES), float(baseline), tuple(_tree(t, len(FEATURES)) for t in trees)
    )
