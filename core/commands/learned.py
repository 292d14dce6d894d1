"""/model: how good the learned quotes of this community are, and what they learned."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.estimates import where
from core.learning import CostModel, current, model_scope, needed
from core.learning.models import connects_text
from core.options import Values
from core.reply import Reply, Rich, plural, when
from core.store.base import Tx


@dataclass(frozen=True, slots=True)
class ModelOptions:
    @staticmethod
    def of(v: Values) -> ModelOptions:
        return ModelOptions()


def model_fields(m: CostModel) -> list[tuple[str, str]]:
    """A fitted model's figures, as (name, value) rows."""
    rows = [("Bids", f"{m.sample_size} with a stated cost")]
    if m.mae_hundredths is not None:
        rows.append(("Typical error", f"±{connects_text(m.mae_hundredths)} Connects"))
    if m.within1_permille is not None and m.within2_permille is not None:
        rows.append(
            (
                "Within ±1 / ±2",
                f"{m.within1_permille / 10:.0f}% / {m.within2_permille / 10:.0f}%",
            )
        )
    if m.heuristic_mae_hundredths is not None:
        rows.append(("Heuristic's error", f"±{connects_text(m.heuristic_mae_hundredths)} Connects"))
    rows.append(("Weighting", f"half-life {m.half_life_days} days, up to {m.max_age_days} days"))
    return rows


async def model_read(ctx: Context, o: ModelOptions) -> Reply:
    services = ctx.services
    scope = model_scope(services.config, ctx.actor.scope)
    now = ctx.now()

    async def read(tx: Tx) -> tuple[CostModel | None, int]:
        return await current(tx, scope), await needed(tx, services.config, scope, now)

    model, need = await services.store.read(read, quick=True)
    bids = where(scope)
    if model is None:
        more = f"{plural(need, 'more bid')} with a stated cost" if need else "its first fit"
        return Reply(
            "No learned quotes yet",
            [
                f"Quotes {bids} come from the heuristic; a learned model needs {more}.",
                "Bids placed from a pasted job post, or with connects: typed, have a stated cost.",
            ],
        )
    title = "Learned quotes: in use" if model.in_use else "Learned quotes: not in use"
    lines: list[str] = [Rich(f"Learned from the bids {bids}, fitted ", when(model.fitted_at))]
    lines.append(("In use: " if model.in_use else "Not in use: ") + model.reason)
    lines.extend(model.effects)
    return Reply(title, lines, model_fields(model))


register("model", Read(ModelOptions, ModelOptions.of, model_read))
