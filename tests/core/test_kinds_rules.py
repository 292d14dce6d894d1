"""The pure rules of Upwork's other movements: the rolling 7-day cap's "when does room free",
the billing cycle of a day (29th-31st renew on the 1st), and the words the catalog offers."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.vocabulary import PLAN_CONNECTS, EntryKind, PlanName, said
from core.interface.commonoptions import PLANS, SPEND_ON
from core.ledger import kinds
from core.ledger.kinds import cycle_start, next_cycle, renewal_day, room_frees_at
from core.store.tables.kinds import Reward

WEEK = 7 * 86400
# any moment from 2020 to 2040
moments = st.integers(min_value=1_577_836_800, max_value=2_208_988_800)


def _day(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


@st.composite
def windows(draw: st.DrawFn) -> tuple[list[Reward], int]:
    """Rewards of 10 (oldest first) inside the week before ``now``, and ``now``."""
    now = draw(moments)
    times = sorted(draw(st.lists(st.integers(now - WEEK + 1, now), max_size=8)))
    return [Reward(t, 10) for t in times], now


@given(windows())
def test_room_frees_when_the_window_holds_room(case: tuple[list[Reward], int]) -> None:
    """The reward fits now exactly when the window holds at most 40; otherwise room frees at
    the first moment the rewards still in the window (``t > moment - week``) leave room."""
    recent, now = case
    frees = room_frees_at(recent, 10, 50, WEEK)
    held = sum(r.connects for r in recent)
    if held <= 40:
        assert frees is None
        return
    assert frees is not None and frees > now

    def held_at(moment: int) -> int:
        return sum(r.connects for r in recent if r.created_at > moment - WEEK)

    assert held_at(frees) + 10 <= 50
    assert held_at(frees - 1) + 10 > 50


def test_room_frees_a_week_after_the_oldest_of_five() -> None:
    recent = [Reward(100 + i, 10) for i in range(5)]
    assert room_frees_at(recent, 10, 50, WEEK) == 100 + WEEK
    assert room_frees_at(recent[1:], 10, 50, WEEK) is None


@pytest.mark.parametrize(
    ("day", "renews"), [(1, 1), (15, 15), (27, 27), (28, 28), (29, 1), (30, 1), (31, 1)]
)
def test_renewal_day(day: int, renews: int) -> None:
    """Cycles starting on the 29th, 30th or 31st renew on the 1st; others on their own day."""
    assert renewal_day(day) == renews


@pytest.mark.parametrize("day", [0, 32, -1])
def test_a_day_outside_the_month_is_refused(day: int) -> None:
    with pytest.raises(ValueError, match="1 to 31"):
        renewal_day(day)


@given(st.integers(1, 31), moments)
def test_the_cycle_under_way(day: int, now: int) -> None:
    """The cycle under way started at a UTC midnight on the renewal day, at or before now, and
    the next one starts a calendar month later, after now: no day of the month is skipped or
    granted twice, February and the 29th-31st included."""
    start, following = cycle_start(day, now), next_cycle(day, now)
    assert start <= now < following
    s, f = _day(start), _day(following)
    assert s.day == f.day == renewal_day(day)
    assert (s.hour, s.minute, s.second) == (0, 0, 0)
    assert (f.year * 12 + f.month) - (s.year * 12 + s.month) == 1
    days_in = calendar.monthrange(s.year, s.month)[1]
    assert f - s == timedelta(days=days_in)
    assert cycle_start(day, following) == following
    assert cycle_start(day, following - 1) == start


def test_plans_and_spend_words_agree_with_the_catalog() -> None:
    """The catalog offers exactly the stored plans (and ``none``) and what /spend records."""
    assert (*(p.value for p in PlanName), "none") == PLANS
    assert set(SPEND_ON) == set(kinds.SPEND_ON)
    assert {PLAN_CONNECTS[p] for p in PlanName} == {10, 100}
    assert PLAN_CONNECTS[PlanName.BASIC] == 10 and PLAN_CONNECTS[PlanName.PLUS_ANNUAL] == 100


def test_history_says_every_kind_in_words() -> None:
    """/history never shows an underscore: every kind reads as words."""
    for kind in EntryKind:
        assert "_" not in said(kind), kind
    assert said(EntryKind.INTERVIEW) == "interview reward"
