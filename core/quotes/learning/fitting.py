"""Fitting a scope's cost model off the event loop, on demand and on schedule.

:func:`fit` reads the scope's stated bids in one read transaction, trains in a worker thread
(``asyncio.to_thread``: scikit-learn releases the GIL in its loops, and the event loop keeps
serving while it runs), and replaces the scope's ``cost_models`` row in one write transaction.
A scope with fewer than ``[learning] min_bids`` stated bids, or a scope pooling members with
bids of no more than ``[learning] min_members`` distinct members (a model shown to a member
needs that many others besides them), is not trained: its row keeps
the counts, so ``model show`` and quotes can say how many more it needs. A fit records, for
the operator (``model show`` and the log, never a member's reply), how many members trained it
and the largest share of its weight any one of them carried.

Model scopes: every community with a stated bid under ``[learning] scope = "community"``, the
pooled ``*`` under ``"global"``, and under both the personal model of every member with
``min_bids`` stated bids of their own.

:func:`fit_due` is the schedule, called from the notice loop of ``connects-bot run``: a scope
is refitted when its model is at least ``fit_every_hours`` old and it has stated bids placed
since (a scope still short of ``min_bids`` as soon as it has new ones, which costs a count).
Before fitting, a process claims the scope with a conditional update of ``claimed_until``, so
of several processes on one database one fits it and the others skip it; a claim left by a
process that stopped runs out after :data:`LEASE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.base.config import Config, LearningConfig
from core.base.dates import DAY
from core.base.pricingconfig import PricingConfig
from core.base.vocabulary import ghost_cutoff
from core.quotes.learning.models import EVERY_SCOPE, CostModel, parse_stored
from core.quotes.learning.rows import (
    Sample,
    community_scopes,
    count_stated,
    has_new,
    is_personal,
    personal_scopes,
    stated_bids,
)
from core.quotes.winrates import refresh_snapshot
from core.store.base import Store, Tx
from core.store.tables import models as cost_models
from core.store.tables.models import Fit

if TYPE_CHECKING:
    from core.quotes.learning.training import Trained

log = logging.getLogger("connects.learning")

#: How long a claim holds a scope's refit for the process that took it.
LEASE_SECONDS = 3600


def _train(
    samples: Sequence[Sample], learning: LearningConfig, pricing: PricingConfig, now: int
) -> Trained:
    from core.quotes.learning.training import train  # numpy and scikit-learn: only here

    return train(samples, learning, pricing, now)


def _fit_record(
    learning: LearningConfig,
    now: int,
    samples: Sequence[Sample],
    trained: Trained | None,
    fit_ms: int,
    min_members: int,
) -> Fit:
    if trained is None:
        return Fit(
            fitted_at=now,
            sample_size=len(samples),
            min_bids=learning.min_bids,
            mae_hundredths=None,
            within1_permille=None,
            within2_permille=None,
            heuristic_mae_hundredths=None,
            half_life_days=learning.half_life_days,
            max_age_days=learning.max_age_days,
            fit_ms=fit_ms,
            in_use=0,
            model=None,
            members=len({s.member for s in samples}),
            min_members=min_members,
            top_share_permille=None,
        )
    mae, heuristic = round(trained.mae * 100), round(trained.heuristic_mae * 100)
    model = {
        "predictors": [part.to_json() for part in trained.predictors],
        "effects": [[key, delta] for key, delta in trained.effects],
    }
    return Fit(
        fitted_at=now,
        sample_size=len(samples),
        min_bids=learning.min_bids,
        mae_hundredths=mae,
        within1_permille=round(trained.within1 * 1000),
        within2_permille=round(trained.within2 * 1000),
        heuristic_mae_hundredths=heuristic,
        half_life_days=learning.half_life_days,
        max_age_days=learning.max_age_days,
        fit_ms=fit_ms,
        in_use=int(mae < heuristic),
        model=json.dumps(model, separators=(",", ":")),
        members=len({s.member for s in samples}),
        min_members=min_members,
        top_share_permille=round(trained.top_share * 1000),
    )


def _log(model: CostModel) -> None:
    seconds = model.fit_ms / 1000
    if model.mae_hundredths is None:
        log.info(
            "cost model %s: %d stated bids of %d needed, %d members of %d needed, "
            "not fitted (%.1f s)",
            model.scope,
            model.sample_size,
            model.min_bids,
            model.members,
            model.min_members,
            seconds,
        )
        return
    log.info(
        "cost model %s: %d stated bids of %d members (largest share %.1f%%), MAE %.2f, "
        "%.1f%% within ±1, %.1f%% within ±2, heuristic MAE %.2f, fitted in %.1f s%s",
        model.scope,
        model.sample_size,
        model.members,
        (model.top_share_permille or 0) / 10,
        model.mae_hundredths / 100,
        (model.within1_permille or 0) / 10,
        (model.within2_permille or 0) / 10,
        (model.heuristic_mae_hundredths or 0) / 100,
        seconds,
        "" if model.in_use else " (not in use: the heuristic is closer)",
    )


async def _fit(store: Store, config: Config, scope: str, now: int, release: bool) -> CostModel:
    learning = config.learning
    since = now - learning.max_age_days * DAY

    async def read(tx: Tx) -> list[Sample]:
        return await stated_bids(tx, scope, since)

    samples = await store.read(read)
    started = time.perf_counter()
    trained = None
    min_members = 0 if is_personal(scope) else learning.min_members
    members = len({s.member for s in samples})
    if len(samples) >= learning.min_bids and (not min_members or members > min_members):
        trained = await asyncio.to_thread(_train, samples, learning, config.pricing, now)
    fit_ms = round((time.perf_counter() - started) * 1000)
    record = _fit_record(learning, now, samples, trained, fit_ms, min_members)

    async def write(tx: Tx) -> CostModel:
        if not await cost_models.save(tx, scope, record, release=release):
            log.info("cost model %s: a fit of later bids was stored meanwhile; kept it", scope)
        stored = await cost_models.read(tx, scope)
        assert stored is not None
        return parse_stored(stored)

    model = await store.write(write)
    if model.fitted_at == now:
        _log(model)
    return model


async def fit(store: Store, config: Config, scope: str, now: int) -> CostModel:
    """Fit the model of ``scope`` (a community's scope, ``*`` for every scope, or a
    member's personal scope) on its stated bids as of the epoch second ``now`` and store it;
    the stored model."""
    return await _fit(store, config, scope, now, release=False)


async def model_scopes(tx: Tx, config: Config, now: int) -> list[str]:
    """The model scopes the configuration fits: ``*`` (every scope pooled) under
    ``"global"``, every scope with a stated bid under ``"community"``, and under both the
    personal scope of every member with ``min_bids`` stated bids since ``max_age_days``."""
    learning = config.learning
    shared = [EVERY_SCOPE] if learning.scope == "global" else list(await community_scopes(tx))
    since = now - learning.max_age_days * DAY
    return [*shared, *await personal_scopes(tx, since, learning.min_bids)]


async def snapshot(store: Store, config: Config, now: int) -> bool:
    """Take the daily snapshot of outcomes that hire rates shown to members are counted from,
    when the last one is a day old (:func:`core.quotes.winrates.refresh_snapshot`); whether it was
    taken."""
    every = config.learning.fit_every_hours * 3600
    ghost_before = ghost_cutoff(now, config.policy.ghost_days)

    async def write(tx: Tx) -> bool:
        return await refresh_snapshot(tx, now, ghost_before, every)

    taken = await store.write(write)
    if taken:
        log.info("outcome snapshot taken for the hire rates members see")
    return taken


async def fit_all(store: Store, config: Config, now: int) -> list[CostModel]:
    """Fit every model scope now, one after another (``connects-bot model fit --all``), and
    take the day's snapshot of outcomes if it is due."""
    await snapshot(store, config, now)

    async def read(tx: Tx) -> list[str]:
        return await model_scopes(tx, config, now)

    return [await fit(store, config, scope, now) for scope in await store.read(read)]


async def due(store: Store, config: Config, now: int) -> list[tuple[str, int]]:
    """The scopes the schedule refits at ``now``, each with the ``fitted_at`` it saw."""
    every = config.learning.fit_every_hours * 3600
    if every <= 0:
        return []

    async def read(tx: Tx) -> list[tuple[str, int]]:
        found = []
        held = await cost_models.heads(tx)
        for scope in await model_scopes(tx, config, now):
            head = held.get(scope)
            if head is not None and head.claimed_until is not None and head.claimed_until > now:
                continue  # another process is fitting it
            if head is None or head.fitted_at == 0:
                found.append((scope, 0))
            elif (not head.fitted or now - head.fitted_at >= every) and await has_new(
                tx, scope, head.fitted_at
            ):
                found.append((scope, head.fitted_at))
        return found

    return await store.read(read)


async def fit_due(store: Store, config: Config, now: int) -> list[CostModel]:
    """Refit every scope that is due (see the module text), each claimed first; the models
    this process fitted. A scope whose fit fails is logged, released and left for the next
    pass. The day's snapshot of outcomes is taken first when it is due."""
    if config.learning.fit_every_hours > 0:
        await snapshot(store, config, now)
    fitted = []
    for scope, seen in await due(store, config, now):

        async def take(tx: Tx, scope: str = scope, seen: int = seen) -> bool:
            return await cost_models.claim(tx, scope, seen, now, now + LEASE_SECONDS)

        if not await store.write(take):
            continue
        try:
            fitted.append(await _fit(store, config, scope, now, release=True))
        except BaseException as exc:  # failed, or cancelled (the bot stops): let go of it

            async def give_up(tx: Tx, scope: str = scope) -> None:
                await cost_models.release_claim(tx, scope)

            await asyncio.shield(store.write(give_up))
            if not isinstance(exc, Exception):
                raise
            log.exception("cost model %s: the fit failed", scope)
    return fitted


async def needed(tx: Tx, config: Config, scope: str, now: int) -> int:
    """How many more stated bids (within ``max_age_days`` of ``now``) the scope needs before
    a model may be fitted for it; 0 when it has enough. Counts at most ``min_bids`` index
    entries, so it is cheap enough for a quote."""
    learning = config.learning
    have = await count_stated(tx, scope, now - learning.max_age_days * DAY, learning.min_bids)
    return max(0, learning.min_bids - have)
