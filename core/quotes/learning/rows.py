"""The learned model's SQL: the stated bids a scope learns from, and its ``cost_models`` row.

A bid belongs to the scope it was placed in (``bids.scope``); a bid placed before that was
recorded falls back to its pool's scope when it drew on a pool, and to no community
otherwise. A scope's bids are read in two index ranges of ``bids_scope_stated`` (its own
bids, then the older bids without a scope, joined to their pools), never a whole-table scan;
the model of every scope (``*``) reads every stated bid, and a member's personal model
(``@`` and their user key) reads that member's own stated bids, wherever placed (an index
range of ``bids_bidder``). A bid is learned from when its Connects were stated (typed, or
read from the post), it was not undone (an undo is often a typo taken back), it cost
Connects (an invited proposal costs none, whatever the job) and they did not all come back
(a bid refunded in full cost its bidder nothing: were it learned from, anyone could move
the model for free). Each bid comes with its bidder, whose share of the fit is capped.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from core.base.vocabulary import BidStatus
from core.quotes.bidrecords import BidFactors
from core.quotes.learning.models import EVERY_SCOPE
from core.store.base import Row, Tx

_FACTORS = tuple(f.name for f in dataclasses.fields(BidFactors))
_COLUMNS = ", ".join(
    ["b.connects", "b.created_at", "b.bidder", *(f"b.{name}" for name in _FACTORS)]
)
_STATED = (
    "b.connects_stated = 1 AND b.created_at >= :since "
    f"AND b.status <> '{BidStatus.UNDONE.value}' AND b.connects > 0"
    " AND b.refunded < b.connects + b.boost"
)
#: A personal model's scope starts with this, followed by the member's user key.
PERSONAL = "@"


def personal_scope(member: str) -> str:
    """The model scope of ``member``'s own bids."""
    return PERSONAL + member


def is_personal(scope: str) -> bool:
    """Whether ``scope`` is a member's personal model scope."""
    return scope.startswith(PERSONAL)


@dataclass(frozen=True, slots=True)
class Sample:
    """One stated bid: what it was priced on, what it cost, when it was placed."""

    factors: BidFactors
    connects: int
    created_at: int
    member: str = ""


def _selects(scope: str, what: str) -> list[str]:
    """The SELECTs whose rows together are the scope's stated bids since ``:since``."""
    if scope == EVERY_SCOPE:
        return [f"SELECT {what} FROM bids b WHERE {_STATED}"]
    if is_personal(scope):
        return [f"SELECT {what} FROM bids b WHERE b.bidder = :m AND {_STATED}"]
    return [
        f"SELECT {what} FROM bids b WHERE b.scope = :s AND {_STATED}",
        f"SELECT {what} FROM bids b JOIN pools p ON p.id = b.pool_id "
        f"WHERE b.scope IS NULL AND {_STATED} AND p.scope = :s",
    ]


def _params(scope: str, since: int) -> dict[str, object]:
    return {"s": scope, "since": since, "m": scope[len(PERSONAL) :]}


def _sample(row: Row) -> Sample:
    return Sample(
        BidFactors.of_columns(row),
        int(row["connects"]),
        int(row["created_at"]),
        str(row["bidder"]),
    )


async def stated_bids(tx: Tx, scope: str, since: int) -> list[Sample]:
    """The scope's stated bids placed at or after ``since``, oldest first."""
    rows: list[Row] = []
    for sql in _selects(scope, _COLUMNS):
        rows.extend(await tx.fetchall(sql, _params(scope, since)))
    rows.sort(key=lambda r: int(r["created_at"]))
    return [_sample(r) for r in rows]


async def count_stated(tx: Tx, scope: str, since: int, limit: int) -> int:
    """How many stated bids the scope has since ``since``, counting no further than
    ``limit`` (an index range of at most ``limit`` rows per part)."""
    found = 0
    for sql in _selects(scope, "1 AS one"):
        rows = await tx.fetchall(
            f"SELECT COUNT(*) AS n FROM ({sql} LIMIT :limit) c",
            {**_params(scope, since), "limit": limit - found},
        )
        found += int(rows[0]["n"])
        if found >= limit:
            break
    return found


async def has_new(tx: Tx, scope: str, since: int) -> bool:
    """Whether the scope has a stated bid placed at or after ``since`` (a fit at ``since``
    may have read the bids of that second before the last of them was placed: counted as new,
    it costs one more fit rather than a bid left out)."""
    return await count_stated(tx, scope, since, 1) > 0


async def community_scopes(tx: Tx) -> list[str]:
    """Every community scope with a stated bid, by name."""
    rows = await tx.fetchall(
        "SELECT DISTINCT b.scope AS scope FROM bids b WHERE b.scope IS NOT NULL "
        "AND b.connects_stated = 1 UNION SELECT DISTINCT p.scope AS scope FROM bids b "
        "JOIN pools p ON p.id = b.pool_id WHERE b.scope IS NULL AND b.connects_stated = 1"
    )
    return sorted({str(r["scope"]) for r in rows})


async def personal_scopes(tx: Tx, since: int, min_bids: int) -> list[str]:
    """The personal model scope of every member with at least ``min_bids`` stated bids
    placed at or after ``since``."""
    rows = await tx.fetchall(
        f"SELECT b.bidder AS bidder FROM bids b WHERE {_STATED} GROUP BY b.bidder "
        "HAVING COUNT(*) >= :n",
        {"since": since, "n": min_bids},
    )
    return sorted(personal_scope(str(r["bidder"])) for r in rows)


@dataclass(frozen=True, slots=True)
class Head:
    """What the scheduler reads of a scope's row: when it was fitted, whether a predictor came
    of it, and who holds it."""

    fitted_at: int
    fitted: bool
    claimed_until: int | None


async def heads(tx: Tx) -> dict[str, Head]:
    """Every ``cost_models`` row's head, by scope."""
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


_STORED = (
    "fitted_at",
    "sample_size",
    "min_bids",
    "mae_hundredths",
    "within1_permille",
    "within2_permille",
    "heuristic_mae_hundredths",
    "half_life_days",
    "max_age_days",
    "fit_ms",
    "in_use",
    "model",
    "members",
    "min_members",
    "top_share_permille",
)


def digest(scope: str, values: Mapping[str, int | str | None]) -> str:
    """A hash of a row's content (its scope and every stored value)."""
    text = "\x1f".join([scope, *(repr(values[k]) for k in _STORED)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


async def save(
    tx: Tx, scope: str, values: Mapping[str, int | str | None], *, release: bool
) -> bool:
    """Replace the scope's row with ``values`` (every column of :data:`_STORED`) unless a fit
    of later data is already stored; ``release``: give up this process's claim too. Whether
    the row was written."""
    names = ", ".join(_STORED)
    marks = ", ".join(f":{k}" for k in _STORED)
    sets = ", ".join(f"{k} = excluded.{k}" for k in _STORED)
    claim = ", claimed_until = NULL" if release else ""
    params: dict[str, int | str | None] = {k: values[k] for k in _STORED}
    params.update(scope=scope, digest=digest(scope, values))
    written = await tx.execute(
        f"INSERT INTO cost_models (scope, {names}, digest) VALUES (:scope, {marks}, :digest) "
        f"ON CONFLICT (scope) DO UPDATE SET {sets}, digest = excluded.digest{claim} "
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
