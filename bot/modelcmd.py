"""``connects-bot model fit`` and ``connects-bot model show``: the learned cost models, for
operators.

``fit`` trains now, whatever the schedule: one scope (``--scope``), or every model scope
(``--all``, the default: ``*`` and, under ``[learning] scope = "community"``, every scope with a
stated bid). ``show`` prints what each stored model learned from, its cross-validated error
next to the heuristic's, when and how it was fitted, whether quotes use it and why, and the
factors' effects in words.
"""

from __future__ import annotations

from datetime import UTC, datetime

from core.base.config import Config
from core.quotes import learning
from core.quotes.learning import CostModel
from core.store.base import Store, Tx

EXIT_OK, EXIT_REFUSED = 0, 1


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _error(hundredths: int | None) -> str:
    return "?" if hundredths is None else f"±{hundredths / 100:.2f}"


def _share(permille: int | None) -> str:
    return "?" if permille is None else f"{permille / 10:.1f}%"


def describe(model: CostModel) -> list[str]:
    """A stored model as lines for a terminal."""
    if model.scope == learning.EVERY_SCOPE:
        shown = "every scope"
    elif learning.is_personal(model.scope):
        shown = f"the bids of {model.scope[1:]} alone"
    else:
        shown = model.scope
    needs = f"a model needs {model.min_bids}"
    if model.min_members:
        needs += f" from {model.min_members} members"
    top = model.top_share_permille
    lines = [
        f"Cost model of {shown} ({model.scope})",
        f"  in use: {'yes' if model.in_use else 'no'}: {model.reason}",
        f"  learned from {model.sample_size:,} stated bids of {model.members:,} members "
        f"({needs}), fitted {_when(model.fitted_at)} in {model.fit_ms / 1000:.1f} s",
        "  largest share of the fit one member carried: "
        + ("? (not fitted)" if top is None else f"{top / 10:.1f}%"),
    ]
    if model.mae_hundredths is not None:
        lines += [
            f"  cross-validated error: typical {_error(model.mae_hundredths)} Connects, "
            f"{_share(model.within1_permille)} within ±1, "
            f"{_share(model.within2_permille)} within ±2",
            f"  the heuristic on the same bids: typical "
            f"{_error(model.heuristic_mae_hundredths)} Connects",
        ]
    lines.append(
        f"  recent bids weigh more: a bid's weight halves every {model.half_life_days} days; "
        f"bids over {model.max_age_days} days old are left out"
    )
    if model.effects:
        lines.append("  effects:")
        lines += [f"    {effect}" for effect in model.effects]
    return lines


async def _open(config: Config) -> Store:
    from bot.bootstrap import one_shot, open_configured_store

    return await open_configured_store(one_shot(config))


async def model_fit(config: Config, scope: str | None, now: int) -> int:
    """Fit ``scope`` (``None``: every model scope) now and print each result."""
    store = await _open(config)
    try:
        if scope is None:
            models = await learning.fit_all(store, config, now)
        else:
            models = [await learning.fit(store, config, scope, now)]
    finally:
        await store.close()
    for i, model in enumerate(models):
        if i:
            print()
        print("\n".join(describe(model)))
    return EXIT_OK


async def model_show(config: Config, scope: str | None, now: int) -> int:
    """Print the stored model of ``scope`` (``None``: every stored model); a scope never
    fitted says how many more stated bids it needs."""
    store = await _open(config)
    try:

        async def read(tx: Tx) -> tuple[list[CostModel], int]:
            if scope is None:
                return await learning.every_model(tx), 0
            model = await learning.current(tx, scope)
            missing = await learning.needed(tx, config, scope, now) if model is None else 0
            return ([] if model is None else [model]), missing

        models, missing = await store.read(read)
    finally:
        await store.close()
    if not models:
        if scope is None:
            print("No cost model yet: `connects-bot model fit` fits one.")
        else:
            need = f"it needs {missing} more stated bids" if missing else "it has enough bids"
            print(
                f"No cost model of {scope} yet; {need}. "
                f"`connects-bot model fit --scope {scope}` fits one."
            )
        return EXIT_REFUSED
    print("\n\n".join("\n".join(describe(m)) for m in models))
    return EXIT_OK
