"""Limits people set on their own spending: a daily cap, a weekly cap and a boost cap.

Who sets them, on what:

- a user on their own wallet (``/limits``);
- a pool's admins on a member's spending from the pool (``/pool limits member:@m``), beside
  the monthly allowance; the member may add stricter caps of their own (``/pool limits``
  without ``member:``, or naming themselves). The two are kept apart (one row per setter) and
  the tighter applies, so nothing a member sets loosens what the admins set.

What they count: the Connects drawn by debits of the spending kinds
(:data:`~core.base.vocabulary.SPENDING`: a bid and its boost, and any kind listed there later),
by that spender, from that account, net of what came back to the bid (a refund, an undo):
refunded Connects were not spent, so they free the room they took, in the period of the bid
they came back to. The boost cap counts :data:`~core.base.vocabulary.BOOSTING` kinds only; a
refund of a bid is counted against its boost first (an ``outbid`` refund returns just that).

The periods are UTC, as every date the ledger stores: the daily and boost caps count the UTC
calendar day (they reset at 00:00 UTC), the weekly cap the ISO week (it resets on Monday at
00:00 UTC). A fixed period says one reset time the user can plan around; the daily cap bounds
what the two sides of a week's boundary can spend together.

Where they hold: :func:`enforce` runs inside :func:`core.ledger.postings.debit`, in the debit's
transaction after the account's lock, so every spending debit is checked (whichever command
makes it) and two processes, or a retry, cannot both pass a cap.

The rules are the pure functions below; :mod:`core.store.tables.caps` holds the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from core.base.dates import DAY
from core.base.numbers import read_whole
from core.base.vocabulary import BOOSTING, SPENDING
from core.interface.errors import BadInput, CapReached
from core.store.base import Tx
from core.store.tables import caps as table
from core.store.tables.caps import CapRow, Setter, Spending

#: the largest cap that can be set (a year of daily bids of the dearest kind is far below)
MAX_CAP = 10_000
NAMES = ("daily", "weekly", "boost")
WEEK = 7 * DAY
#: words that clear a cap, beside 0
OFF = ("off", "none", "no")


# ------------------------------------------------------------------------ the rules, pure


def day_start(now: int) -> int:
    """00:00 UTC of ``now``'s day."""
    return now - now % DAY


def week_start(now: int) -> int:
    """Monday 00:00 UTC of ``now``'s ISO week (1970-01-01 was a Thursday)."""
    days = now // DAY
    return (days - (days + 3) % 7) * DAY


def read_cap(name: str, text: str) -> int:
    """A cap as typed: a whole number of Connects, or ``0``/``off`` (returned as 0: clear).
    Raises :class:`BadInput` for anything else or a number over :data:`MAX_CAP`."""
    raw = text.strip().lower()
    if raw in OFF:
        return 0
    try:
        value = read_whole(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_CAP:
        raise BadInput(
            f"{name}: give Connects from 0 to {MAX_CAP}, or off to clear it, e.g. {name}:20"
        )
    return value


def changed(old: CapRow | None, setter: Setter, updates: dict[str, int | None]) -> CapRow:
    """``old`` (``None``: no row yet) with ``updates``: per cap name, a number of Connects, 0
    to clear it, or ``None`` to leave it as it was."""
    was = old or CapRow(setter, None, None, None)

    def pick(name: str, current: int | None) -> int | None:
        new = updates.get(name)
        if new is None:
            return current
        return None if new == 0 else new

    return CapRow(
        setter,
        pick("daily", was.daily),
        pick("weekly", was.weekly),
        pick("boost", was.boost),
    )


@dataclass(frozen=True, slots=True)
class CapRoom:
    """One cap in force: its limit, what the period spent, when the period ends, who set it."""

    name: str  # daily, weekly or boost
    limit: int
    used: int
    resets_at: int
    setter: Setter

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


def tightest(rows: Iterable[CapRow]) -> dict[str, tuple[int, Setter]]:
    """The cap in force of each name over every setter's row: the lowest, with its setter
    (the admins' when equal)."""
    found: dict[str, tuple[int, Setter]] = {}
    for row in sorted(rows, key=lambda r: r.setter != "admin"):
        for name in NAMES:
            value = getattr(row, name)
            if value is not None and (name not in found or value < found[name][0]):
                found[name] = (value, row.setter)
    return found


def rooms(rows: Iterable[CapRow], spent: Spending, now: int) -> list[CapRoom]:
    """The caps in force at ``now`` with what their periods ``spent``, in :data:`NAMES`
    order."""
    limits = tightest(rows)
    today = day_start(now)
    used = {
        "daily": (spent.day, today + DAY),
        "weekly": (spent.week, week_start(now) + WEEK),
        "boost": (spent.day_boost, today + DAY),
    }
    return [
        CapRoom(name, limits[name][0], used[name][0], used[name][1], limits[name][1])
        for name in NAMES
        if name in limits
    ]


def check(rooms_now: Iterable[CapRoom], total: int, boost: int, where: str) -> None:
    """Raise :class:`CapReached` for the first cap a draw of ``total`` spending Connects (of
    which ``boost`` boost) would pass; ``where`` names the account (``your wallet``, ``pool
    agency``)."""
    for room in rooms_now:
        needed = boost if room.name == "boost" else total
        if needed and needed > room.left:
            raise CapReached(
                room.name, room.limit, room.left, needed, room.resets_at, where, room.setter
            )


# ------------------------------------------------------------------------ the store


async def room(tx: Tx, account_id: int, member: str, now: int) -> list[CapRoom]:
    """The caps in force on ``member``'s draws from ``account_id``, with what is left."""
    rows = await table.caps_of(tx, account_id, member)
    if not rows:
        return []
    return rooms(rows, await _spending(tx, account_id, member, now), now)


async def _spending(tx: Tx, account_id: int, member: str, now: int) -> Spending:
    return await table.spending(
        tx, account_id, member, day_start(now), week_start(now), SPENDING, BOOSTING
    )


async def enforce(
    tx: Tx, account_id: int, member: str, legs: Iterable[tuple[str, int]], now: int, where: str
) -> None:
    """Refuse (:class:`CapReached`) a debit of ``legs`` (kind, Connects) by ``member`` that
    would pass a cap of theirs on ``account_id``. Takes the account's lock first, so the
    check and the debit after it see no other draw in between."""
    total = sum(n for kind, n in legs if kind in SPENDING)
    if total == 0:
        return
    boost = sum(n for kind, n in legs if kind in BOOSTING)
    await tx.lock_account(account_id)
    check(await room(tx, account_id, member, now), total, boost, where)


@dataclass(frozen=True, slots=True)
class LimitsSet:
    """The caps on a spender after ``/limits`` or ``/pool limits`` (or as they are, when
    nothing was given): per cap its limit in force (``None``: none), who set it, what its
    period spent, and what the setter's own row now holds."""

    KIND: ClassVar[str] = "limits_set"
    pool: str | None
    member: str
    setter: str
    changed: bool
    daily: int | None
    daily_by: str
    daily_used: int
    weekly: int | None
    weekly_by: str
    weekly_used: int
    boost: int | None
    boost_by: str
    boost_used: int
    day_resets: int
    week_resets: int
    own_daily: int | None
    own_weekly: int | None
    own_boost: int | None

    def in_force(self) -> list[CapRoom]:
        """The caps in force, as :class:`CapRoom` records."""
        out = []
        for name in NAMES:
            limit = getattr(self, name)
            if limit is not None:
                resets = self.week_resets if name == "weekly" else self.day_resets
                by: Setter = "admin" if getattr(self, f"{name}_by") == "admin" else "self"
                out.append(CapRoom(name, limit, getattr(self, f"{name}_used"), resets, by))
        return out


async def set_caps(
    tx: Tx,
    account_id: int,
    member: str,
    setter: Setter,
    updates: dict[str, int | None],
    set_by: str,
    pool: str | None,
    now: int,
) -> LimitsSet:
    """Change the ``setter``'s caps on ``member`` by ``updates`` (see :func:`changed`;
    nothing given: nothing changes) and return the caps then in force."""
    await tx.lock_account(account_id)
    rows = await table.caps_of(tx, account_id, member)
    old = next((r for r in rows if r.setter == setter), None)
    any_change = any(v is not None for v in updates.values())
    if any_change:
        new = changed(old, setter, updates)
        await table.put(tx, account_id, member, new, set_by, now)
        rows = [r for r in rows if r.setter != setter] + [new]
        old = new
    spent = await _spending(tx, account_id, member, now)
    in_force = {r.name: r for r in rooms(rows, spent, now)}

    def field(name: str) -> tuple[int | None, str, int]:
        r = in_force.get(name)
        return (None, "", 0) if r is None else (r.limit, r.setter, r.used)

    d, w, b = field("daily"), field("weekly"), field("boost")
    return LimitsSet(
        pool,
        member,
        setter,
        any_change,
        *d,
        *w,
        *b,
        day_start(now) + DAY,
        week_start(now) + WEEK,
        None if old is None else old.daily,
        None if old is None else old.weekly,
        None if old is None else old.boost,
    )
