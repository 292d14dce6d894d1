"""The rules of spending caps, without a database (core/ledger/caps.py): the periods, the
caps people type, the cap in force over several setters, and when a draw is refused. What a
period spent, net of refunds, is the store's sum (tests/core/test_caps.py, test_cap_machine.py).
The database suites (test_caps, tests/store/test_cap_race) prove the store applies them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.dates import DAY
from core.base.vocabulary import BOOSTING, SPENDING, EntryKind
from core.interface.errors import BadInput, CapReached
from core.ledger.caps import (
    MAX_CAP,
    WEEK,
    CapRoom,
    changed,
    check,
    day_start,
    read_cap,
    rooms,
    tightest,
    week_start,
)
from core.store.tables.caps import CapRow, Spending

MOMENTS = st.integers(min_value=-(10**10), max_value=10**10)
CAP = st.one_of(st.none(), st.integers(min_value=1, max_value=MAX_CAP))
ROWS = st.builds(CapRow, st.sampled_from(["self", "admin"]), CAP, CAP, CAP)


# ------------------------------------------------------------------ periods


@given(MOMENTS)
def test_a_day_starts_at_utc_midnight_before_now(now: int) -> None:
    """The daily period is the UTC calendar day holding ``now``."""
    start = day_start(now)
    assert start <= now < start + DAY
    assert datetime.fromtimestamp(start, UTC).strftime("%H:%M:%S") == "00:00:00"


@given(MOMENTS)
def test_a_week_starts_on_monday_at_utc_midnight(now: int) -> None:
    """The weekly period is the ISO week holding ``now``: from Monday 00:00 UTC, 7 days."""
    start = week_start(now)
    assert start <= now < start + WEEK
    moment = datetime.fromtimestamp(start, UTC)
    assert moment.isoweekday() == 1
    assert (moment.hour, moment.minute, moment.second) == (0, 0, 0)
    assert start <= day_start(now)


def test_known_week() -> None:
    """Sunday 2026-12-06 23:59 UTC is in the week of Monday 2026-11-30; a minute later, not."""
    sunday = int(datetime(2026, 12, 6, 23, 59, tzinfo=UTC).timestamp())
    assert week_start(sunday) == int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())
    assert week_start(sunday + 60) == sunday + 60


# ------------------------------------------------------------------ what people type


@pytest.mark.parametrize(
    ("text", "value"),
    [("20", 20), (" 7 ", 7), ("0", 0), ("off", 0), ("OFF", 0), ("none", 0), ("1,000", 1000)],
)
def test_a_cap_is_read_exactly(text: str, value: int) -> None:
    """A whole number of Connects, or 0/off to clear it."""
    assert read_cap("daily", text) == value


@pytest.mark.parametrize("text", ["-1", "1.5", "abc", "10001", "5%", "$5", "1,50", ""])
def test_anything_else_is_refused_in_one_line(text: str) -> None:
    """Negative, fractional, out of range or not a number: one line naming the option."""
    with pytest.raises(BadInput) as caught:
        read_cap("weekly", text)
    assert str(caught.value).startswith("weekly: ")
    assert "\n" not in str(caught.value)


def test_changing_caps_leaves_the_others() -> None:
    """A number sets a cap, 0 clears it, a cap not given stays as it was."""
    old = CapRow("self", 10, 50, 3)
    assert changed(old, "self", {"daily": 12, "weekly": None, "boost": 0}) == CapRow(
        "self", 12, 50, None
    )
    assert changed(None, "admin", {"weekly": 40}) == CapRow("admin", None, 40, None)


# ------------------------------------------------------------------ the cap in force


@given(st.lists(ROWS, max_size=2, unique_by=lambda r: r.setter))
def test_the_tightest_cap_applies_and_a_member_never_loosens_the_admins(
    rows: list[CapRow],
) -> None:
    """Attack: a pool member setting their own cap above the admins' to spend more. The cap in
    force is the lowest any setter gave, so the member's row can only make it stricter."""
    found = tightest(rows)
    for name in ("daily", "weekly", "boost"):
        given_caps = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        if not given_caps:
            assert name not in found
            continue
        assert found[name][0] == min(given_caps)
        admin = [getattr(r, name) for r in rows if r.setter == "admin"]
        if admin and admin[0] is not None:
            assert found[name][0] <= admin[0]


def test_equal_caps_are_shown_as_the_admins() -> None:
    """When both set the same cap, the refusal says the admins' (the member cannot lift it)."""
    assert tightest([CapRow("self", 5, None, None), CapRow("admin", 5, None, None)]) == {
        "daily": (5, "admin")
    }


# ------------------------------------------------------------------ refusing a draw


NOW = int(datetime(2026, 12, 9, 15, 0, tzinfo=UTC).timestamp())  # a Wednesday


def test_rooms_name_their_resets() -> None:
    """The daily and boost caps reset at the next UTC midnight, the weekly on Monday."""
    got = rooms([CapRow("self", 10, 30, 2)], Spending(4, 1, 4), NOW)
    midnight = int(datetime(2026, 12, 10, tzinfo=UTC).timestamp())
    monday = int(datetime(2026, 12, 14, tzinfo=UTC).timestamp())
    assert got == [
        CapRoom("daily", 10, 4, midnight, "self"),
        CapRoom("weekly", 30, 4, monday, "self"),
        CapRoom("boost", 2, 1, midnight, "self"),
    ]


def test_each_cap_reads_its_own_period() -> None:
    """The daily cap reads the day's spend, the weekly the week's, the boost cap the day's
    boosts."""
    got = rooms([CapRow("admin", 10, 30, 3)], Spending(2, 1, 8), NOW)
    assert [(r.name, r.used, r.left) for r in got] == [
        ("daily", 2, 8),
        ("weekly", 8, 22),
        ("boost", 1, 2),
    ]


@given(st.integers(1, 50), st.integers(0, 60), st.integers(1, 20))
def test_a_draw_passes_exactly_when_it_fits(limit: int, used: int, total: int) -> None:
    """Attack: splitting one bid into many small ones. Each draw is checked against what the
    period already spent, so small draws pass only while their sum fits the cap."""
    room = CapRoom("daily", limit, used, NOW, "self")
    if used + total <= limit:
        check([room], total, 0, "your wallet")
    else:
        with pytest.raises(CapReached) as caught:
            check([room], total, 0, "your wallet")
        assert caught.value.left == max(limit - used, 0)
        assert caught.value.needed == total


def test_the_boost_cap_counts_the_boost_only() -> None:
    """A bid without a boost passes a full boost cap; one with a boost over it is refused."""
    full = [CapRoom("boost", 2, 2, NOW, "admin")]
    check(full, 5, 0, "pool agency")
    with pytest.raises(CapReached) as caught:
        check(full, 5, 1, "pool agency")
    assert caught.value.cap == "boost"


def test_the_spending_kinds_hold_the_boost_kinds() -> None:
    """Bids and boosts spend; every kind the boost cap counts is a spending kind."""
    assert EntryKind.BID in SPENDING and EntryKind.BOOST in SPENDING
    assert set(BOOSTING) <= set(SPENDING)


def test_the_refusal_names_the_cap_its_setter_and_its_reset() -> None:
    """One line: which cap, where, who set it, what is left, what the bid needs, when it
    resets; only a cap the user set themselves says how to change it."""
    midnight = int(datetime(2026, 12, 10, tzinfo=UTC).timestamp())
    admin = CapReached("daily", 10, 2, 3, midnight, "pool agency", "admin")
    assert str(admin) == (
        "Your daily cap in pool agency (set by the pool's admins) has 2 of 10 Connects left "
        "today; this needs 3. It resets 2026-12-10 00:00 UTC."
    )
    own = CapReached("weekly", 30, 0, 1, midnight, "your wallet", "self")
    assert str(own) == (
        "Your weekly cap has 0 of 30 Connects left this week; this needs 1. It resets "
        "2026-12-10 00:00 UTC. Change yours with /limits."
    )
