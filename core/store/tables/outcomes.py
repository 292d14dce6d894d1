"""What bids teach: the stated bids a cost model learns from, and the outcomes hire rates are
counted from (live, and in the daily ``outcome_snapshot``).

**Stated bids.** A bid is learned from when its Connects were stated (typed, or read from the
post), it was not undone (an undo is often a typo taken back), it cost Connects (an invited
proposal costs none, whatever the job) and they did not all come back (a bid refunded in full
cost its bidder nothing: were it learned from, anyone could move the model for free). A bid
belongs to the scope it was placed in (``bids.scope``); a bid placed before that was recorded
falls back to its pool's scope when it drew on a pool, and to no community otherwise. A
community's bids are read in two index ranges of ``bids_scope_stated`` (its own bids, then
the older bids without a scope, joined to their pools), never a whole-table scan; a member's
own bids are an index range of ``bids_bidder``.

**Outcomes.** A bid has one once it is hired, lost or ghosted (:func:`core.base.vocabulary.
outcome_sql`). Live outcomes are read without who placed them; the snapshot, which rates about
other members are counted from, always leaves the asker's own bids out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.base.vocabulary import BidStatus
from core.store.base import Row, Tx
from core.store.tables.words import outcome_sql

_STATED = (
    "b.connects_stated = 1 AND b.created_at >= :since "
    f"AND b.status <> '{BidStatus.UNDONE.value}' AND b.connects > 0"
    " AND b.refunded < b.connects + b.boost"
)


@dataclass(frozen=True, slots=True)
class StatedBid:
    """One stated bid: what it cost, when it was placed, who placed it, and the factor
    columns asked for, by name (booleans as 0/1, ``None``: not known)."""

    connects: int
    created_at: int
    bidder: str
    factors: Mapping[str, int | str | None]


def _selects(what: str, scope: str | None, bidder: str | None) -> list[str]:
    """The SELECTs whose rows together are the stated bids since ``:since`` of ``bidder``
    (wherever placed), else of the community ``scope``, else of every scope."""
    if bidder is not None:
        return [f"SELECT {what} FROM bids b WHERE b.bidder = :m AND {_STATED}"]
    if scope is None:
        return [f"SELECT {what} FROM bids b WHERE {_STATED}"]
    return [
        f"SELECT {what} FROM bids b WHERE b.scope = :s AND {_STATED}",
        f"SELECT {what} FROM bids b JOIN pools p ON p.id = b.pool_id "
        f"WHERE b.scope IS NULL AND {_STATED} AND p.scope = :s",
    ]


def _names(columns: Iterable[str]) -> tuple[str, ...]:
    names = tuple(columns)
    assert all(name.isidentifier() for name in names), names  # column names, never input
    return names


async def stated_bids(
    tx: Tx,
    since: int,
    factors: Iterable[str],
    *,
    scope: str | None = None,
    bidder: str | None = None,
) -> list[StatedBid]:
    """The stated bids placed at or after ``since`` of ``bidder`` (wherever placed), else of
    the community ``scope``, else (both ``None``) of every scope, oldest first, each with the
    bid columns ``factors`` names."""
    names = _names(factors)
    what = ", ".join(["b.connects", "b.created_at", "b.bidder", *(f"b.{n}" for n in names)])
    params = {"s": scope, "m": bidder, "since": since}
    bids: list[StatedBid] = []
    for sql in _selects(what, scope, bidder):
        for row in await tx.fetchall(sql, params):
            # by position, the SELECT's order: a column looked up by name costs a scan of
            # the row's names, and a fit reads up to a hundred thousand rows
            values = tuple(row)
            bids.append(
                StatedBid(
                    int(values[0]),
                    int(values[1]),
                    str(values[2]),
                    dict(zip(names, values[3:], strict=True)),
                )
            )
    bids.sort(key=lambda bid: bid.created_at)
    return bids


async def count_stated(
    tx: Tx, since: int, limit: int, *, scope: str | None = None, bidder: str | None = None
) -> int:
    """How many stated bids :func:`stated_bids` would read, counting no further than
    ``limit`` (an index range of at most ``limit`` rows per part)."""
    found = 0
    for sql in _selects("1 AS one", scope, bidder):
        rows = await tx.fetchall(
            f"SELECT COUNT(*) AS n FROM ({sql} LIMIT :limit) c",
            {"s": scope, "m": bidder, "since": since, "limit": limit - found},
        )
        found += int(rows[0]["n"])
        if found >= limit:
            break
    return found


async def stated_scopes(tx: Tx) -> list[str]:
    """Every community scope with a stated bid (its own, or its pool's), by name."""
    rows = await tx.fetchall(
        "SELECT DISTINCT b.scope AS scope FROM bids b WHERE b.scope IS NOT NULL "
        "AND b.connects_stated = 1 UNION SELECT DISTINCT p.scope AS scope FROM bids b "
        "JOIN pools p ON p.id = b.pool_id WHERE b.scope IS NULL AND b.connects_stated = 1"
    )
    return sorted({str(r["scope"]) for r in rows})


async def stating_bidders(tx: Tx, since: int, min_bids: int) -> list[str]:
    """Every bidder with at least ``min_bids`` stated bids placed at or after ``since``."""
    rows = await tx.fetchall(
        f"SELECT b.bidder AS bidder FROM bids b WHERE {_STATED} GROUP BY b.bidder "
        "HAVING COUNT(*) >= :n",
        {"since": since, "n": min_bids},
    )
    return sorted(str(r["bidder"]) for r in rows)


# ------------------------------------------------------------------------------ outcomes


@dataclass(frozen=True, slots=True)
class Outcome:
    """A bid with an outcome: whether it was hired, and the facts hire rates are banded by
    (``None``: not known). ``bidder`` is empty where who placed it was not read."""

    hired: bool
    budget_type: str | None = None
    price_cents: int | None = None
    verified: bool | None = None
    proposals_min: int | None = None
    client_spent_cents: int | None = None
    experience: str | None = None
    bidder: str = ""
    boost: int | None = None  # the boost placed (refunded or not)


_FACTS = ("budget_type", "price_cents", "verified", "proposals_min", "client_spent_cents")
_FACT_COLUMNS = ", ".join([*_FACTS, "experience", "boost"])


def _opt(row: Row, key: str) -> int | None:
    value = row[key]
    return None if value is None else int(value)


def _outcome(row: Row, hired: bool, bidder: str = "") -> Outcome:
    kind, verified, experience = row["budget_type"], row["verified"], row["experience"]
    return Outcome(
        hired=hired,
        budget_type=None if kind is None else str(kind),
        price_cents=_opt(row, "price_cents"),
        verified=None if verified is None else bool(int(verified)),
        proposals_min=_opt(row, "proposals_min"),
        client_spent_cents=_opt(row, "client_spent_cents"),
        experience=None if experience is None else str(experience),
        bidder=bidder,
        boost=_opt(row, "boost"),
    )


async def outcomes(
    tx: Tx,
    *,
    ghost_before: int,
    bidder: str | None = None,
    pool_id: int | None = None,
    scope: str | None = None,
    since: int = 0,
) -> list[Outcome]:
    """The live bids with an outcome (a bid with no news since ``ghost_before`` counts as
    ghosted) of a pool, else of a user's wallet (``bidder``), else of a scope (every bid of
    the database when all three are ``None``), placed from ``since``; who placed them is not
    read."""
    where = [outcome_sql(), "created_at >= :since"]
    params: dict[str, object] = {"ghost": ghost_before, "since": since}
    if pool_id is not None:
        where.append("pool_id = :p")
        params["p"] = pool_id
    elif bidder is not None:
        where.append("bidder = :b AND pool_id IS NULL")
        params["b"] = bidder
    elif scope is not None:
        where.append("scope = :s")
        params["s"] = scope
    rows = await tx.fetchall(
        f"SELECT status, {_FACT_COLUMNS} FROM bids WHERE {' AND '.join(where)}", params
    )
    return [_outcome(r, str(r["status"]) == BidStatus.HIRED) for r in rows]


async def snapshot_outcomes(
    tx: Tx, *, asker: str, since: int, pool_id: int | None = None, scope: str | None = None
) -> list[Outcome]:
    """The bids with an outcome placed from ``since``, as of the daily snapshot, other than
    ``asker``'s, each with its bidder: of the pool ``pool_id``, else of the community
    ``scope``, else (both ``None``) of every scope."""
    where = ["created_at >= :since", "bidder <> :me"]
    params: dict[str, object] = {"since": since, "me": asker}
    if pool_id is not None:
        where.append("pool_id = :p")
        params["p"] = pool_id
    elif scope is not None:
        where.append("scope = :s")
        params["s"] = scope
    rows = await tx.fetchall(
        f"SELECT bidder, hired, {_FACT_COLUMNS} FROM outcome_snapshot WHERE {' AND '.join(where)}",
        params,
    )
    return [_outcome(r, bool(int(r["hired"])), str(r["bidder"])) for r in rows]


@dataclass(frozen=True, slots=True)
class Tally:
    """Bids with an outcome counted by the database: how many, how many hired, and how many
    distinct members placed them."""

    bids: int
    hired: int
    members: int


async def snapshot_tally(
    tx: Tx,
    *,
    asker: str,
    scope: str | None = None,
    budget_type: str | None = None,
    price_from: int | None = None,
    price_below: int | None = None,
    verified: bool | None = None,
    boost_from: int | None = None,
    boost_below: int | None = None,
) -> Tally:
    """The snapshot's bids with an outcome other than ``asker``'s, in ``scope`` (every scope
    when ``None``), of the budget type, price range, payment verification and boost range
    given (each left open when ``None``)."""
    where = ["bidder <> :me"]
    params: dict[str, object] = {"me": asker}
    for column, mark, value in (
        ("scope = :s", "s", scope),
        ("budget_type = :t", "t", budget_type),
        ("price_cents >= :lo", "lo", price_from),
        ("price_cents < :hi", "hi", price_below),
        ("verified = :v", "v", None if verified is None else int(verified)),
        ("boost >= :blo", "blo", boost_from),
        ("boost < :bhi", "bhi", boost_below),
    ):
        if value is not None:
            where.append(column)
            params[mark] = value
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(hired), 0) AS h, COUNT(DISTINCT bidder) AS m "
        f"FROM outcome_snapshot WHERE {' AND '.join(where)}",
        params,
    )
    assert row is not None
    return Tally(int(row["n"]), int(row["h"]), int(row["m"]))


#: The snapshot's row in ``snapshots``.
SNAPSHOT = "outcomes"


async def take_snapshot(tx: Tx, now: int, due: int, ghost_before: int) -> bool:
    """Replace the snapshot with every bid with an outcome (as of ``ghost_before`` for bids
    without news) when the last one was taken at or before ``due``: a conditional update
    claims it, so processes sharing a database take it once. Whether it was taken."""
    await tx.execute(
        "INSERT INTO snapshots (name, taken_at) VALUES (:n, 0) ON CONFLICT (name) DO NOTHING",
        {"n": SNAPSHOT},
    )
    claimed = await tx.execute(
        "UPDATE snapshots SET taken_at = :now WHERE name = :n AND taken_at <= :due",
        {"n": SNAPSHOT, "now": now, "due": due},
    )
    if not claimed:
        return False
    await tx.execute("DELETE FROM outcome_snapshot")
    facts = ", ".join(f"b.{c}" for c in _FACT_COLUMNS.split(", "))
    await tx.execute(
        f"INSERT INTO outcome_snapshot (scope, pool_id, bidder, hired, created_at, "
        f"{_FACT_COLUMNS}) SELECT COALESCE(b.scope, p.scope), b.pool_id, b.bidder, "
        f"CASE WHEN b.status = :hired THEN 1 ELSE 0 END, b.created_at, {facts} "
        f"FROM bids b LEFT JOIN pools p ON p.id = b.pool_id WHERE {outcome_sql('b')}",
        {"ghost": ghost_before, "hired": BidStatus.HIRED.value},
    )
    return True


__all__ = [
    "SNAPSHOT",
    "Outcome",
    "StatedBid",
    "Tally",
    "count_stated",
    "outcomes",
    "snapshot_outcomes",
    "snapshot_tally",
    "stated_bids",
    "stated_scopes",
    "stating_bidders",
    "take_snapshot",
]
