"""The tables of Upwork's other movements: interview rewards (one per bid, and the rolling cap
counted from them), members' plans (the billing cycle last granted), invited bids, and the
profile's spend as /stats counts it. The rules are :mod:`core.ledger.kinds`; here is only SQL."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.vocabulary import PROFILE_SPEND, EntryKind
from core.store.base import Row, Tx
from core.store.tables.words import sql_list


@dataclass(frozen=True, slots=True)
class Reward:
    """An interview reward: when, and how many Connects."""

    created_at: int
    connects: int


@dataclass(frozen=True, slots=True)
class Plan:
    """A member's plan: its name, billing day, the start of the last cycle granted (or under
    way when it was set), and the member's wallet and notice setting."""

    user_key: str
    plan: str
    day: int
    cycle: int
    account_id: int
    notices: bool


# ------------------------------------------------------------------------- invited bids


async def mark_invited(tx: Tx, bid_id: int) -> None:
    """Mark a bid, inserted in this transaction, as an invited proposal."""
    await tx.execute("UPDATE bids SET invited = 1 WHERE id = :id", {"id": bid_id})


async def invited(tx: Tx, bid_id: int) -> bool:
    """Whether the bid was an invited proposal."""
    row = await tx.fetchone("SELECT invited FROM bids WHERE id = :id", {"id": bid_id})
    return row is not None and bool(row["invited"])


# ---------------------------------------------------------------------- interview rewards


async def reward_of(tx: Tx, bid_id: int) -> Reward | None:
    """The bid's interview reward, or ``None`` when it had none."""
    row = await tx.fetchone(
        "SELECT created_at, connects FROM interview_rewards WHERE bid_id = :b", {"b": bid_id}
    )
    return None if row is None else Reward(int(row["created_at"]), int(row["connects"]))


async def rewards_since(tx: Tx, bidder: str, since: int) -> list[Reward]:
    """The member's interview rewards written after ``since``, oldest first."""
    rows = await tx.fetchall(
        "SELECT created_at, connects FROM interview_rewards WHERE bidder = :b "
        "AND created_at > :s ORDER BY created_at, bid_id",
        {"b": bidder, "s": since},
    )
    return [Reward(int(r["created_at"]), int(r["connects"])) for r in rows]


async def add_reward(
    tx: Tx, *, bid_id: int, bidder: str, account_id: int, connects: int, now: int
) -> bool:
    """Record the bid's interview reward; ``False`` when it had one already."""
    return bool(
        await tx.execute(
            "INSERT INTO interview_rewards (bid_id, bidder, account_id, connects, created_at) "
            "VALUES (:b, :who, :a, :c, :now) ON CONFLICT (bid_id) DO NOTHING",
            {"b": bid_id, "who": bidder, "a": account_id, "c": connects, "now": now},
        )
    )


# ---------------------------------------------------------------------------------- plans

_PLAN = (
    "SELECT p.user_key, p.plan, p.day, p.cycle, u.account_id, u.notices FROM plans p "
    "JOIN users u ON u.key = p.user_key "
)


def _plan(r: Row) -> Plan:
    return Plan(
        str(r["user_key"]),
        str(r["plan"]),
        int(r["day"]),
        int(r["cycle"]),
        int(r["account_id"]),
        bool(r["notices"]),
    )


async def plan_of(tx: Tx, user_key: str) -> Plan | None:
    """The member's plan, or ``None``."""
    row = await tx.fetchone(_PLAN + "WHERE p.user_key = :k", {"k": user_key})
    return None if row is None else _plan(row)


async def all_plans(tx: Tx) -> list[Plan]:
    """Every member's plan, in key order."""
    return [_plan(r) for r in await tx.fetchall(_PLAN + "ORDER BY p.user_key")]


async def set_plan(tx: Tx, user_key: str, plan: str, day: int, cycle: int, now: int) -> None:
    """Set (or replace) the member's plan and billing day; ``cycle`` counts as granted."""
    await tx.execute(
        "INSERT INTO plans (user_key, plan, day, cycle, set_at) VALUES (:k, :p, :d, :c, :now) "
        "ON CONFLICT (user_key) DO UPDATE SET plan = excluded.plan, day = excluded.day, "
        "cycle = excluded.cycle, set_at = excluded.set_at",
        {"k": user_key, "p": plan, "d": day, "c": cycle, "now": now},
    )


async def drop_plan(tx: Tx, user_key: str) -> bool:
    """Forget the member's plan; whether they had one."""
    return bool(await tx.execute("DELETE FROM plans WHERE user_key = :k", {"k": user_key}))


async def claim_cycle(tx: Tx, user_key: str, cycle: int) -> bool:
    """Move the member's last granted cycle forward to ``cycle``; ``False`` when it was there
    already (another process granted it): the once-per-cycle guard."""
    return bool(
        await tx.execute(
            "UPDATE plans SET cycle = :c WHERE user_key = :k AND cycle < :c",
            {"k": user_key, "c": cycle},
        )
    )


# ------------------------------------------------------------------------- profile spend


async def profile_spend(tx: Tx, account_id: int, start: int) -> dict[EntryKind, int]:
    """Connects the account spent on its profile (badge, profile boost) from ``start`` on,
    by kind (kinds with none left out)."""
    rows = await tx.fetchall(
        "SELECT kind, SUM(delta) AS n FROM entries WHERE account_id = :a AND created_at >= :s "
        f"AND kind IN {sql_list(PROFILE_SPEND)} GROUP BY kind",
        {"a": account_id, "s": start},
    )
    return {EntryKind(r["kind"]): -int(r["n"]) for r in rows if int(r["n"])}
