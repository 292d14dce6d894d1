"""The ``cost_models`` table: one row per model scope, holding its last fit and who may refit it.

A row is written whole by :func:`save` (unless a fit of later bids is already stored), claimed
for a refit by :func:`claim` (a conditional update, so of several processes on one database
one wins) and read back as a :class:`StoredModel`. The fitted model itself stays the JSON text
it was stored as: reading it, and judging whether it answers quotes, is the learning code's
(:mod:`core.quotes.learning.models`).
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, fields

from core.store.base import Row, Tx


@dataclass(frozen=True, slots=True)
class Fit:
    """What a fit stores in its scope's row (the fields in the order :func:`digest` hashes
    them). Errors in hundredths of a Connect, shares in tenths of a percent; ``None`` where
    too few bids were there to fit, ``model`` included."""

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
    in_use: int
    model: str | None
    members: int
    min_members: int
    top_share_permille: int | None


_STORED = tuple(f.name for f in fields(Fit))


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A scope's row as stored. ``damaged`` names the first column holding something other
    than a whole number (a row another version or a damaged database wrote); that column
    then reads as 0 (``None`` where it may be empty)."""

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
    model: str | None
    digest: str | None
    members: int
    min_members: int
    top_share_permille: int | None
    damaged: str | None = None


@dataclass(frozen=True, slots=True)
class Head:
    """What the scheduler reads of a scope's row: when it was fitted, whether a predictor came
    of it, and who holds it."""

    fitted_at: int
    fitted: bool
    claimed_until: int | None


def digest(scope: str, fit: Fit) -> str:
    """A hash of a row's content (its scope and every stored value)."""
    text = "\x1f".join([scope, *(repr(value) for value in astuple(fit))])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _whole(row: Row, key: str, damaged: list[str]) -> int | None:
    """The column ``key`` as a whole number (``None`` when empty); a value that is none is
    noted in ``damaged`` and reads as ``None``."""
    value = row[key]
    if value is None or type(value) is int:
        return value
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        damaged.append(key)
        return None


def _stored(row: Row) -> StoredModel:
    damaged: list[str] = []

    def whole(key: str) -> int:
        return _whole(row, key, damaged) or 0

    def maybe(key: str) -> int | None:
        return _whole(row, key, damaged)

    model, stamp = row["model"], row["digest"]
    return StoredModel(
        scope=str(row["scope"]),
        fitted_at=whole("fitted_at"),
        sample_size=whole("sample_size"),
        min_bids=whole("min_bids"),
        mae_hundredths=maybe("mae_hundredths"),
        within1_permille=maybe("within1_permille"),
        within2_permille=maybe("within2_permille"),
        heuristic_mae_hundredths=maybe("heuristic_mae_hundredths"),
        half_life_days=whole("half_life_days"),
        max_age_days=whole("max_age_days"),
        fit_ms=whole("fit_ms"),
        model=None if model is None else str(model),
        digest=None if stamp is None else str(stamp),
        members=whole("members"),
        min_members=whole("min_members"),
        top_share_permille=maybe("top_share_permille"),
        damaged=damaged[0] if damaged else None,
    )


async def fitted_digest(tx: Tx, scope: str) -> str | None:
    """The content hash of the fit the scope's row holds (``None``: no row, or never
    fitted): a primary-key read of one small column."""
    row = await tx.fetchone(
        "SELECT digest FROM cost_models WHERE scope = :s AND fitted_at <> 0", {"s": scope}
    )
    return None if row is None or row["digest"] is None else str(row["digest"])


async def read(tx: Tx, scope: str) -> StoredModel | None:
    """The scope's row (``None``: none)."""
    row = await tx.fetchone("SELECT * FROM cost_models WHERE scope = :s", {"s": scope})
    return None if row is None else _stored(row)


async def fitted(tx: Tx) -> list[StoredModel]:
    """Every row holding a fit, by scope."""
    rows = await tx.fetchall(
        "SELECT * FROM cost_models WHERE fitted_at > 0 AND digest IS NOT NULL ORDER BY scope"
    )
    return [_stored(row) for row in rows]


async def heads(tx: Tx) -> dict[str, Head]:
    """Every row's head, by scope."""
    rows = await tx.fetchall(
        "SELECT scope, fitted_at, model IS NOT NULL AS fitted, claimed_until FROM cost_models"
    )
    return {
        str(r["scope"]): Head(
            int(r["fitted_at"]),
            bool(r["fitted"]),
            None if r["claimed_until"] is None else int(r["claimed_until"]),
        )
        for r in rows
    }


async def save(tx: Tx, scope: str, fit: Fit, *, release: bool) -> bool:
    """Replace the scope's row with ``fit`` unless a fit of later data is already stored;
    ``release``: give up this process's claim too. Whether the row was written."""
    names = ", ".join(_STORED)
    marks = ", ".join(f":{k}" for k in _STORED)
    sets = ", ".join(f"{k} = excluded.{k}" for k in _STORED)
    claimed = ", claimed_until = NULL" if release else ""
    params: dict[str, int | str | None] = dict(zip(_STORED, astuple(fit), strict=True))
    params.update(scope=scope, digest=digest(scope, fit))
    written = await tx.execute(
        f"INSERT INTO cost_models (scope, {names}, digest) VALUES (:scope, {marks}, :digest) "
        f"ON CONFLICT (scope) DO UPDATE SET {sets}, digest = excluded.digest{claimed} "
        "WHERE cost_models.fitted_at <= excluded.fitted_at",
        params,
    )
    if not written and release:
        await release_claim(tx, scope)
    return bool(written)


async def claim(tx: Tx, scope: str, seen: int, now: int, until: int) -> bool:
    """Claim the scope's refit until ``until``: granted when no other process holds it and
    the row is still the one fitted at ``seen`` (0: none yet). A conditional update, so two
    processes racing for it on PostgreSQL cannot both win."""
    await tx.execute(
        "INSERT INTO cost_models (scope) VALUES (:s) ON CONFLICT (scope) DO NOTHING",
        {"s": scope},
    )
    return bool(
        await tx.execute(
            "UPDATE cost_models SET claimed_until = :until WHERE scope = :s "
            "AND fitted_at = :seen AND (claimed_until IS NULL OR claimed_until <= :now)",
            {"s": scope, "seen": seen, "now": now, "until": until},
        )
    )


async def release_claim(tx: Tx, scope: str) -> None:
    """Give the scope's claim up (the fit failed, or a later one was stored meanwhile)."""
    await tx.execute("UPDATE cost_models SET claimed_until = NULL WHERE scope = :s", {"s": scope})
