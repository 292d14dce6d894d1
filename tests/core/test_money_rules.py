"""The money rules as pure functions, without a database: when the monthly grant is due and how
much of it fits under the maximum balance, what a purchase costs, which lots a debit draws and a
refund refills, and what Connects cost at a member's average price."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.base.dates import add_months, months_elapsed
from core.commands.quotes import average_cost
from core.ledger.postings import draw, restore
from core.ledger.wallets import (
    exceeds_maximum,
    grant_amount,
    grant_anniversary,
    grant_due_at,
    purchase_cents,
)
from core.quotes.pricing import share_cents
from core.store.tables.postings import Holding, Usage


def _ts(y: int, m: int, d: int, h: int = 0) -> int:
    return int(datetime(y, m, d, h, tzinfo=UTC).timestamp())


# 2000-01-01 .. 2100-01-01
moments = st.integers(min_value=946_684_800, max_value=4_102_444_800)
DAY = 86_400

# ------------------------------------------------------------------------ the monthly grant


@pytest.mark.parametrize(
    ("created", "last", "now", "due"),
    [
        (_ts(2026, 1, 15), None, _ts(2026, 2, 14, 23), False),  # a day short of a month
        (_ts(2026, 1, 15), None, _ts(2026, 2, 15), True),  # the anniversary, to the second
        (_ts(2026, 1, 15), _ts(2026, 2, 15), _ts(2026, 3, 14), False),  # February's given
        (_ts(2026, 1, 15), _ts(2026, 2, 15), _ts(2026, 3, 15), True),
        (_ts(2026, 1, 15), _ts(2026, 2, 15), _ts(2026, 6, 1), True),  # months missed: one due
        (_ts(2026, 1, 31), None, _ts(2026, 2, 28), True),  # clamped to February's end
        (_ts(2024, 1, 31), None, _ts(2024, 2, 28), False),  # a leap year's February has 29
        (_ts(2024, 1, 31), None, _ts(2024, 2, 29), True),
    ],
)
def test_grant_due_table(created: int, last: int | None, now: int, due: bool) -> None:
    """A grant is due on each monthly anniversary of the wallet's day not yet granted, the day
    clamped to the month's end."""
    assert grant_due_at(created, last, now) is due


@given(moments, st.integers(min_value=0, max_value=40 * 366 * DAY))
def test_a_claimed_grant_is_not_due_again_until_the_next_anniversary(
    created: int, age: int
) -> None:
    """The anniversary a grant is claimed for is the latest at or before now; once claimed, no
    grant is due until the next anniversary, and one is due exactly then."""
    now = created + age
    anniversary = grant_anniversary(created, now)
    months = months_elapsed(created, now)
    assert created <= anniversary <= now < add_months(created, months + 1)
    assert grant_due_at(created, None, now) is (months >= 1)
    if months >= 1:
        assert not grant_due_at(created, anniversary, now)
        following = add_months(created, months + 1)
        assert not grant_due_at(created, anniversary, following - 1)
        assert grant_due_at(created, anniversary, following)


@pytest.mark.parametrize(
    ("monthly", "held", "maximum", "granted"),
    [
        (50, 60, None, 50),  # no maximum: all of it
        (50, 40, 100, 50),  # fits
        (50, 70, 100, 30),  # cut to what fits
        (50, 100, 100, 0),  # full
        (50, 130, 100, 0),  # over already (the maximum lowered since): nothing, never less
    ],
)
def test_grant_amount_table(monthly: int, held: int, maximum: int | None, granted: int) -> None:
    """The grant is cut to what fits under the maximum balance, and never below nothing."""
    assert grant_amount(monthly, held, maximum) == granted


@given(st.integers(1, 10**6), st.integers(0, 10**7), st.integers(1, 10**7))
def test_a_grant_never_takes_a_wallet_over_its_maximum(
    monthly: int, held: int, maximum: int
) -> None:
    """Whatever the wallet holds, the grant is between nothing and the monthly amount, leaves a
    wallet at or under the maximum over it, and is cut only as much as the maximum needs."""
    granted = grant_amount(monthly, held, maximum)
    assert 0 <= granted <= monthly
    if held <= maximum:
        assert held + granted <= maximum
        assert granted == monthly or held + granted == maximum
        assert not exceeds_maximum(held, granted, maximum)
    else:
        assert granted == 0


@pytest.mark.parametrize(
    ("held", "change", "maximum", "over"),
    [
        (60, 40, 100, False),  # exactly the maximum is allowed
        (60, 41, 100, True),
        (100, -5, 100, False),
        (150, -10, 100, True),  # still over after going down
        (10**9, 10**9, None, False),  # no maximum
    ],
)
def test_exceeds_maximum_table(held: int, change: int, maximum: int | None, over: bool) -> None:
    """A change is refused only when it leaves the wallet above the maximum."""
    assert exceeds_maximum(held, change, maximum) is over


# ------------------------------------------------------------------------------ purchases


@given(st.integers(1, 10**6), st.integers(1, 100), st.none() | st.integers(0, 10**9))
def test_purchase_cents(connects: int, tier: int, paid: int | None) -> None:
    """A purchase costs what the buyer said they paid (even nothing), else the tier's price per
    Connect times the Connects."""
    cost = purchase_cents(connects, tier, paid)
    assert cost == (connects * tier if paid is None else paid)


@given(st.integers(0, 10**6), st.integers(0, 10**9), st.integers(1, 10**6))
def test_average_cost_rounds_half_up(connects: int, spent: int, bought: int) -> None:
    """Connects at the average purchase price cost the exact share of what was spent, rounded
    to the nearest cent, half a cent up."""
    exact = Fraction(connects * spent, bought)
    cost = average_cost(connects, spent, bought)
    assert exact - Fraction(1, 2) < cost <= exact + Fraction(1, 2)


def test_average_cost_table() -> None:
    """Three Connects at 15 cents each for 10 bought cost 45 cents; half a cent rounds up."""
    assert average_cost(3, 150, 10) == 45
    assert average_cost(1, 1, 2) == 1  # 0.5 cent
    assert average_cost(1, 1, 3) == 0  # 0.33 cent


# ------------------------------------------------------------------ drawing and refilling lots

lots = st.lists(
    st.tuples(st.integers(1, 500), st.integers(0, 50_000)).flatmap(
        lambda t: st.tuples(st.integers(1, t[0]), st.just(t[0]), st.just(t[1]))
    ),
    max_size=8,
).map(lambda xs: [Holding(i + 1, rem, n, cents) for i, (rem, n, cents) in enumerate(xs)])


def test_draw_table() -> None:
    """A debit empties the oldest lot before touching the next and prices each part at its
    lot's cost."""
    held = [Holding(1, 3, 10, 150), Holding(2, 10, 10, 200), Holding(3, 5, 5, 0)]
    assert draw(held, 8) == ([(1, 3), (2, 5)], 45 + 100, 0)
    assert draw(held, 20) == ([(1, 3), (2, 10), (3, 5)], 45 + 200, 2)  # 2 short
    assert draw(held, 0) == ([], 0, 0)


@given(lots, st.integers(1, 5_000))
def test_draw_takes_oldest_first_and_never_more_than_a_lot_holds(
    held: list[Holding], total: int
) -> None:
    """What a debit draws: oldest lots first, each emptied before the next is touched, no lot
    below nothing, the total or all there is, priced lot by lot; the shortfall is what is
    missing."""
    taken, cents, short = draw(held, total)
    there = sum(h.remaining for h in held)
    assert sum(n for _, n in taken) == min(total, there)
    assert short == total - min(total, there)
    by_id = {h.id: h for h in held}
    assert [lot for lot, _ in taken] == [h.id for h in held][: len(taken)]
    assert all(0 < n <= by_id[lot].remaining for lot, n in taken)
    assert all(n == by_id[lot].remaining for lot, n in taken[:-1])  # only the last is partial
    assert cents == sum(
        share_cents(n, by_id[lot].connects, by_id[lot].cost_cents) for lot, n in taken
    )


@given(lots, st.integers(1, 5_000), st.data())
def test_restore_gives_back_what_was_drawn_newest_first(
    held: list[Holding], total: int, data: st.DataObject
) -> None:
    """A refund of part of a bid refills the newest lots it drew first, never more than the
    bid took from a lot; a refund of all of it refills every lot by what was taken, at the
    same cost."""
    taken, cents, _ = draw(held, total)
    by_id = {h.id: h for h in held}
    usage = [Usage(lot, n, by_id[lot].connects, by_id[lot].cost_cents) for lot, n in taken][::-1]
    drawn = sum(n for _, n in taken)
    back, back_cents, short = restore(usage, drawn)
    assert (back, back_cents, short) == ([(u.lot_id, u.amount) for u in usage], cents, 0)
    part = data.draw(st.integers(0, drawn))
    some, _, short = restore(usage, part)
    assert short == 0 and sum(n for _, n in some) == part
    assert all(n == u.amount for (_, n), u in zip(some[:-1], usage, strict=False))
    over, _, short = restore(usage, drawn + 1)
    assert short == 1 and over == back
