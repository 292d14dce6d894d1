"""/model: how good the learned quotes answering this member are, whose bids they learned
from, and what they learned. The operator's figures (how many members trained a model, the
largest share one of them carried) are for ``connects-bot model show`` only."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands.registry import Context, Read, register
from core.interface.options import Values
from core.interface.reply import Reply, Rich, plural, when
from core.quotes.estimates import answering, where
from core.quotes.learning import CostModel, is_personal, needed
from core.quotes.learning.models import connects_text
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
    now = ctx.now()

    async def read(tx: Tx) -> tuple[CostModel | None, str, int]:
        model, scope = await answering(tx, services.config, ctx.actor.scope, ctx.actor.user.key)
        if model is not None and model.in_use:
            return model, scope, 0
        return model, scope, await needed(tx, services.config, scope, now)

    model, scope, need = await services.store.read(read, quick=True)
    bids = where(scope)
    if model is None:
        kind = "of your own, " if is_personal(scope) else ""
        more = f"{plural(need, 'more bid')} · {kind}with a stated cost" if need else "its first fit"
        bids = "from your own bids" if is_personal(scope) else bids
        return Reply(
            "No learned quotes yet",
            ["The heuristic answers quotes", f"A learned model needs {more}"],
            details=[
                f"Quotes {bids} come from the heuristic until then.",
                "Bids placed from a pasted job post, or with connects: typed, have a stated cost.",
            ],
        )
    title = "Learned quotes: in use" if model.in_use else "Learned quotes: not in use"
    whose = "your own bids" if is_personal(model.scope) else f"bids {bids}"
    # a model with no error measured was only counted, never fitted: say so, not "fitted"
    lines: list[str] = [
        Rich(f"Learned from {whose} · fitted ", when(model.fitted_at))
        if model.mae_hundredths is not None
        else Rich(f"Nothing learned yet from {whose} · last counted ", when(model.fitted_at))
    ]
    lines.append(("In use: " if model.in_use else "Not in use: ") + model.reason)
    fields = model_fields(model)
    # the figures first; what moves the number (its effects) and how it was fitted on request
    return Reply(title, lines, fields[:2], details=list(model.effects), detail_fields=fields[2:])


register("model", Read(ModelOptions, ModelOptions.of, model_read))
