"""The current cost model of a scope as quotes see it, and prediction from it.

:func:`current` answers "the model this scope's quotes use now" from the one ``cost_models``
row of the scope: a primary-key read of one small column (``digest``, the fit's content
hash), and the whole row only when this process has not parsed that fit yet. Every process
therefore answers from the model the database holds, and picks up a new fit on its next
quote. Nothing here imports numpy or scikit-learn.

A model answers quotes (``in_use``) only when it learned from at least ``[learning]
min_bids`` stated bids, a model pooling members from more than ``[learning] min_members``
distinct members (so at least that many besides whoever asks), and its cross-validated
error is below the heuristic's on the same bids; otherwise :attr:`CostModel.reason` says
why, and how many more stated bids the scope needs.

Scopes are tenants: a community's quotes use its own model (``[learning] scope =
"community"``) or the model pooling every scope (``"global"``, set by the operator); a direct
message uses the pooled model only under ``"global"``. Wherever no such model is in use, the
asker's personal model (their own stated bids, ``@`` and their user key) answers them.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.base.config import Config
from core.interface.commonoptions import MAX_CONNECTS_PER_BID
from core.interface.reply import plural
from core.quotes.bidrecords import BidFactors
from core.quotes.learning.effects import in_words
from core.quotes.learning.features import vector
from core.quotes.learning.predictor import Ensemble, ensemble_from_json
from core.store.base import Tx
from core.store.tables import models as cost_models
from core.store.tables.models import StoredModel

log = logging.getLogger("connects.learning")

#: The model scope that pools every scope of the database.
EVERY_SCOPE = "*"


def model_scope(config: Config, actor_scope: str | None) -> str | None:
    """The community model scope a quote asked in ``actor_scope`` is answered from: the
    actor's own community under ``[learning] scope = "community"``, :data:`EVERY_SCOPE` under
    ``"global"``; ``None`` in a direct message (no community) under ``"community"``: no
    community's bids answer a stranger there."""
    if config.learning.scope == "global":
        return EVERY_SCOPE
    return actor_scope


def connects_text(hundredths: int) -> str:
    """Hundredths of a Connect as ``1.6``: the one precision every error is shown in (a
    quote's ``±1.8`` and ``/model``'s agree)."""
    return f"{hundredths / 100:.1f}"


def judge(
    sample_size: int,
    min_bids: int,
    mae: int | None,
    heuristic_mae: int | None,
    *,
    members: int = 0,
    min_members: int = 0,
) -> tuple[bool, str]:
    """Whether a model of these figures answers quotes, and why (or why not), in words: short
    clauses joined by `` · `` (a phone shows one a line)."""
    if min_members and members <= min_members:
        return False, (
            f"bids of {plural(members, 'member')} · a shared model needs {min_members} "
            "besides the one asking · until then the heuristic answers"
        )
    if sample_size < min_bids:
        more = min_bids - sample_size
        return False, (
            f"{plural(sample_size, 'stated bid')} of the {min_bids} it needs · "
            f"{more} more and it can answer · until then the heuristic answers"
        )
    if mae is None or heuristic_mae is None:
        return False, "not fitted yet · the heuristic answers"
    if mae >= heuristic_mae:
        return False, (
            f"the heuristic is closer · its error ±{connects_text(heuristic_mae)}, "
            f"learned ±{connects_text(mae)} · the heuristic answers"
        )
    return True, (
        f"closer than the heuristic · typical error ±{connects_text(mae)}, "
        f"heuristic ±{connects_text(heuristic_mae)}"
    )


@dataclass(frozen=True, slots=True)
class CostModel:
    """A scope's fitted model and its figures. Errors are cross-validated on the scope's own
    stated bids, weighted toward recent ones like the fit: ``mae_hundredths`` is the mean
    absolute error of the rounded prediction in hundredths of a Connect, ``within1_permille``
    and ``within2_permille`` the shares within 1 and 2 Connects in tenths of a percent,
    ``heuristic_mae_hundredths`` the heuristic's error on the same bids; all ``None`` when
    too few bids were there to fit (``predictor`` is then ``None`` too)."""

    scope: str
    fitted_at: int
    sample_size: int
    min_bids: int
    mae_hundredths: int | None
    within1_permille: int | None
    within2_permille: int | None
    heuristic_mae_hundredths: int | None
    half_life_days: int
    max_age_days: int
    fit_ms: int
    effects: tuple[str, ...]
    in_use: bool
    reason: str
    predictor: Ensemble | None = field(repr=False)
    digest: str = ""
    #: ``False``: the stored model could not be read (see :func:`parse_stored`); its reason says
    #: why, and it holds no predictor and no error figures.
    readable: bool = True
    members: int = 0
    min_members: int = 0
    top_share_permille: int | None = None

    @property
    def needed(self) -> int:
        """How many more stated bids the scope needed at the fit (0: enough)."""
        return max(0, self.min_bids - self.sample_size)


#: Every answer a readable model can give, rounded to whole Connects, lies within these: what
#: a bid takes at most (``MAX_CONNECTS_PER_BID``), and no fewer than none.
LOWEST, HIGHEST = 0, MAX_CONNECTS_PER_BID


def _outside(low: float, high: float) -> ValueError:
    return ValueError(
        f"cost model: it predicts {low:.3g} to {high:.3g} Connects, outside a bid's "
        f"{LOWEST} to {HIGHEST}"
    )


def _checked(predictor: Ensemble) -> Ensemble:
    """``predictor`` when every prediction it can make is finite and, rounded, within
    :data:`LOWEST` to :data:`HIGHEST` Connects; else ``ValueError`` saying which. A part may
    reach a little past a bid's bounds (fitted on one member's bids all at a bid's most, its
    trees can add up to 101), since the median of the parts is what answers; a part reaching
    further than a bid's bounds' width past them is damaged."""
    for part in predictor.parts:
        low, high = part.span()
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ValueError("cost model: its predictions are not finite numbers")
        if low < LOWEST - HIGHEST or high > 2 * HIGHEST:
            raise _outside(low, high)
    low, high = predictor.span()
    if low < LOWEST - 0.5 or high >= HIGHEST + 0.5:
        raise _outside(low, high)
    return predictor


def _effects(raw: object) -> tuple[str, ...]:
    """The stored effects in words; ``ValueError`` for one that is not a finite number of
    Connects within a bid's bounds."""
    pairs = []
    for e in raw if isinstance(raw, list) else []:
        if isinstance(e, list) and len(e) == 2 and type(e[1]) in (int, float):
            delta = float(e[1])
            if not (math.isfinite(delta) and abs(delta) <= HIGHEST):
                raise ValueError(f"cost model: an effect of {delta:.3g} Connects")
            pairs.append((str(e[0]), delta))
    return in_words(pairs)


def parse_stored(stored: StoredModel) -> CostModel:
    """A scope's stored row as a :class:`CostModel`. A model this code cannot read (written
    by another version, damaged, not finite, or predicting outside a bid's bounds) is kept as
    one not in use, whose reason says so, with a warning in the log: quotes fall back to the
    heuristic, and ``/model`` and ``model show`` both say why."""
    try:
        return _parse(stored)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        why = str(exc).removeprefix("cost model: ")
        log.warning("cost model %s cannot be read (%s); refit it", stored.scope, why)
        return _unreadable(stored, why)


def _unreadable(stored: StoredModel, why: str) -> CostModel:
    return CostModel(
        scope=stored.scope,
        fitted_at=stored.fitted_at,
        sample_size=stored.sample_size,
        min_bids=stored.min_bids,
        mae_hundredths=None,
        within1_permille=None,
        within2_permille=None,
        heuristic_mae_hundredths=None,
        half_life_days=stored.half_life_days,
        max_age_days=stored.max_age_days,
        fit_ms=stored.fit_ms,
        effects=(),
        in_use=False,
        reason=(
            f"the stored model cannot be read ({why}); the heuristic answers until the "
            "next fit replaces it."
        ),
        predictor=None,
        digest=stored.digest or "",
        readable=False,
    )


def _parse(stored: StoredModel) -> CostModel:
    if stored.damaged is not None:
        raise ValueError(f"cost model: its {stored.damaged} is not a whole number")
    predictor = None
    effects: tuple[str, ...] = ()
    if stored.model is not None:
        data = json.loads(stored.model)
        if not isinstance(data, Mapping):
            raise ValueError("cost model: not a JSON object")
        predictor = _checked(ensemble_from_json(data))
        effects = _effects(data.get("effects", []))
    sample, min_bids = stored.sample_size, stored.min_bids
    mae, heuristic = stored.mae_hundredths, stored.heuristic_mae_hundredths
    members, min_members = stored.members, stored.min_members
    in_use, reason = judge(
        sample, min_bids, mae, heuristic, members=members, min_members=min_members
    )
    return CostModel(
        scope=stored.scope,
        fitted_at=stored.fitted_at,
        sample_size=sample,
        min_bids=min_bids,
        mae_hundredths=mae,
        within1_permille=stored.within1_permille,
        within2_permille=stored.within2_permille,
        heuristic_mae_hundredths=heuristic,
        half_life_days=stored.half_life_days,
        max_age_days=stored.max_age_days,
        fit_ms=stored.fit_ms,
        effects=effects,
        in_use=in_use and predictor is not None,
        reason=reason,
        predictor=predictor,
        digest=stored.digest or "",
        members=members,
        min_members=min_members,
        top_share_permille=stored.top_share_permille,
    )


#: Parsed models by scope: this process's cache, keyed by the row's digest (its content).
_PARSED: dict[str, CostModel] = {}
#: Scopes kept parsed at most; past it the cache starts afresh.
CACHE_SCOPES = 256


async def current(tx: Tx, scope: str) -> CostModel | None:
    """The scope's current model (``None``: never fitted), from the database, parsed once per
    fit in this process. One primary-key read of one column when the fit is already parsed."""
    stamp = await cost_models.fitted_digest(tx, scope)
    if stamp is None:
        return None
    cached = _PARSED.get(scope)
    if cached is not None and cached.digest == stamp:
        return cached
    stored = await cost_models.read(tx, scope)
    if stored is None or stored.digest is None:  # pragma: no cover - the same snapshot
        return None
    model = parse_stored(stored)
    if len(_PARSED) >= CACHE_SCOPES:
        _PARSED.clear()
    _PARSED[scope] = model
    return model


async def every_model(tx: Tx) -> list[CostModel]:
    """Every fitted model, by scope (one that cannot be read says so in its reason)."""
    return [parse_stored(stored) for stored in await cost_models.fitted(tx)]


def predict(model: CostModel, factors: BidFactors, now: int) -> float:
    """The learned cost of a job with ``factors``, asked at the epoch second ``now``, in
    Connects (not rounded). ``ValueError`` when the model holds no predictor (too few bids)."""
    if model.predictor is None:
        raise ValueError(f"the cost model of {model.scope} has no predictor: {model.reason}")
    return model.predictor.raw(vector(factors, now))


def predict_connects(model: CostModel, factors: BidFactors, now: int) -> int:
    """:func:`predict` rounded to whole Connects (half up), never below 0."""
    return max(0, math.floor(predict(model, factors, now) + 0.5))
