"""Spending caps through the application, on every backend: /limits on a wallet, /pool limits
by a pool's admins and by a member, what /balance shows, and the attacks on them (a member
raising their pool cap, splitting a bid, a retry, a refund)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.app import App
from core.base.keys import Actor
from core.interface.reply import Reply
from tests.conftest import Clock, actor

ANA = actor("ana")
OLGA = actor("olga")  # owns the pool
SAM = actor("sam")  # a member
TOM = actor("tom")  # another member
MIDNIGHT = int(datetime(2026, 9, 22, tzinfo=UTC).timestamp())  # after the clock's start
NEXT_MONDAY = int(datetime(2026, 9, 28, tzinfo=UTC).timestamp())


class Session:
    """Dispatch with fresh request ids (or a given one, for retries)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.n = 0

    async def __call__(
        self, who: Actor, command: str, rid: str | None = None, **args: Any
    ) -> Reply:
        self.n += 1
        return await self.app.dispatch(who, command, args, rid or f"r{self.n}")

    async def ok(self, who: Actor, command: str, **args: Any) -> Reply:
        reply = await self(who, command, **args)
        assert not reply.error, (command, args, str(reply.title))
        return reply

    async def balance(self, who: Actor, pool: str | None = None) -> int:
        reply = await self.ok(who, "balance", **({"pool": pool} if pool else {}))
        return int(str(reply.title).split()[0].replace(",", ""))


@pytest.fixture
def run(app: App) -> Session:
    return Session(app)


async def pool(run: Session) -> None:
    await run.ok(OLGA, "pool create", name="agency")
    await run.ok(OLGA, "pool topup", name="agency", connects=200)
    for who in (SAM, TOM):
        await run.ok(OLGA, "pool add", name="agency", member=who.user)


def lines(reply: Reply) -> list[str]:
    return [str(line) for line in reply.lines]


# ------------------------------------------------------------------ a wallet


async def test_no_caps_at_first_and_setting_them_shows_them(run: Session) -> None:
    """/limits with nothing shows none; with caps it sets them and shows what is left."""
    assert lines(await run.ok(ANA, "limits")) == [
        "No caps. e.g. /limits daily:20 weekly:80 boost:10"
    ]
    reply = await run.ok(ANA, "limits", daily="10", weekly="25", boost="off")
    assert str(reply.title) == "Your limits updated"
    assert lines(reply)[:2] == [
        "Daily cap: 10 of 10 left today",
        "Weekly cap: 25 of 25 left this week",
    ]
    assert (await run.app.run_text(ANA, "/limits details:true", "d1")).lines[2:] == [
        "Daily cap resets 2026-09-22 00:00 UTC",  # when each resets: a detail
        "Weekly cap resets 2026-09-28 00:00 UTC",
        "Refunded Connects free the room they took.",
    ]


async def test_a_bid_over_the_daily_cap_is_refused_and_changes_nothing(run: Session) -> None:
    """The refusal names the cap and its reset; the balance stays."""
    await run.ok(ANA, "limits", daily="5")
    await run.ok(ANA, "bid", job="one", connects=4)
    before = await run.balance(ANA)
    reply = await run(ANA, "bid", job="two", connects=2)
    assert reply.error
    assert str(reply.title) == (
        "Your daily cap has 1 of 5 Connects left today; this needs 2. It resets "
        "2026-09-22 00:00 UTC. Change yours with /limits."
    )
    assert await run.balance(ANA) == before


async def test_splitting_a_bid_into_small_ones_stops_at_the_cap(run: Session) -> None:
    """Attack: many one-Connect bids to get round the cap. They pass until the cap is spent,
    exactly, and not one more."""
    await run.ok(ANA, "limits", daily="7")
    placed = [not (await run(ANA, "bid", job=f"job {i}", connects=1)).error for i in range(12)]
    assert placed == [True] * 7 + [False] * 5


async def test_a_retry_of_a_placed_bid_is_charged_once_and_counted_once(run: Session) -> None:
    """Attack: a retry after a timeout (the same request id delivered again). It replays the
    first reply; the cap counts the bid once, so the room left is as after one bid."""
    await run.ok(ANA, "limits", daily="6")
    first = await run(ANA, "bid", rid="slow-1", job="one", connects=4)
    again = await run(ANA, "bid", rid="slow-1", job="one", connects=4)
    assert not first.error and repr(first) == repr(again)
    assert "Daily cap: 2 of 6 left today" in lines(await run.ok(ANA, "balance"))[1]
    assert not (await run(ANA, "bid", job="two", connects=2)).error


async def test_the_day_and_the_week_reset_at_their_utc_boundaries(
    run: Session, clock: Clock
) -> None:
    """At 00:00 UTC the daily cap has room again; the weekly cap waits for Monday."""
    await run.ok(ANA, "limits", daily="5", weekly="8")
    await run.ok(ANA, "bid", job="one", connects=5)
    assert (await run(ANA, "bid", job="two", connects=1)).error
    clock.now = MIDNIGHT
    await run.ok(ANA, "bid", job="three", connects=3)
    refused = await run(ANA, "bid", job="four", connects=1)
    assert "Your weekly cap has 0 of 8" in str(refused.title)
    assert "It resets 2026-09-28 00:00 UTC" in str(refused.title)
    clock.now = NEXT_MONDAY
    await run.ok(ANA, "bid", job="five", connects=5)


async def test_refunded_and_undone_connects_free_their_room(run: Session) -> None:
    """Refunded Connects were not spent: a full refund frees the bid's room, an undo too, and
    an outbid refund (the boost only) frees the boost's room."""
    await run.ok(ANA, "limits", daily="6", boost="2")
    await run.ok(ANA, "bid", job="one", connects=4, boost=2)
    assert (await run(ANA, "bid", job="two", connects=1, boost=1)).error  # boost cap full
    await run.ok(ANA, "refund", bid="#1", reason="outbid")
    await run.ok(ANA, "bid", job="three", connects=1, boost=1)  # boost room came back
    assert (await run(ANA, "bid", job="four", connects=1)).error  # 4 + 2 spent
    await run.ok(ANA, "undo", bid="#2")
    await run.ok(ANA, "bid", job="five", connects=2)


async def test_a_reconcile_is_no_spending(run: Session) -> None:
    """Setting the wallet to Upwork's balance draws Connects but spends none: no cap refuses
    it and it takes no room."""
    await run.ok(ANA, "limits", daily="3")
    await run.ok(ANA, "reconcile", connects=10)
    await run.ok(ANA, "bid", job="one", connects=3)


async def test_clearing_a_cap_with_0_or_off(run: Session) -> None:
    """0 and off clear a cap; the others stay."""
    await run.ok(ANA, "limits", daily="1", weekly="9")
    reply = await run.ok(ANA, "limits", daily="0")
    assert [line.split(":")[0] for line in lines(reply)[:1]] == ["Weekly cap"]
    await run.ok(ANA, "bid", job="one", connects=5)
    reply = await run.ok(ANA, "limits", weekly="off")
    assert lines(reply) == ["No caps. e.g. /limits daily:20 weekly:80 boost:10"]


async def test_a_bad_cap_is_refused_and_changes_nothing(run: Session) -> None:
    """One line naming the option; the caps set before stay."""
    await run.ok(ANA, "limits", daily="4")
    reply = await run(ANA, "limits", daily="lots", weekly="5")
    assert reply.error and str(reply.title).startswith("daily: give Connects from 0 to")
    assert lines(await run.ok(ANA, "limits"))[0].startswith("Daily cap: 4 of 4")


# ------------------------------------------------------------------ a pool


async def test_the_admins_cap_a_member_beside_the_allowance(run: Session) -> None:
    """The owner caps sam's day in the pool; sam's bids from the pool stop there, his wallet
    is not touched by it, and tom is not capped."""
    await pool(run)
    reply = await run.ok(OLGA, "pool limits", name="agency", member=SAM.user, daily="5")
    assert "Daily cap: 5 of 5 left today" in lines(reply)[0]
    await run.ok(SAM, "bid", job="one", connects=4, pool="agency")
    refused = await run(SAM, "bid", job="two", connects=2, pool="agency")
    assert str(refused.title) == (
        "Your daily cap in pool agency (set by the pool's admins) has 1 of 5 Connects left "
        "today; this needs 2. It resets 2026-09-22 00:00 UTC."
    )
    await run.ok(SAM, "bid", job="two", connects=2)  # his own wallet
    await run.ok(TOM, "bid", job="two", connects=9, pool="agency")


async def test_a_member_cannot_raise_their_pool_cap(run: Session) -> None:
    """Attack: a member lifting the cap the admins set. Their own cap is kept apart and only
    adds to it (the tighter applies); 0 clears only their own; another member's caps are the
    admins' to set."""
    await pool(run)
    await run.ok(OLGA, "pool limits", name="agency", member=SAM.user, daily="5")
    reply = await run.ok(SAM, "pool limits", name="agency", daily="50")
    assert "Daily cap: 5 of 5 left today" in lines(reply)[0]
    assert "Your own daily cap (50) is looser" in lines(reply)
    assert "Your own daily cap is looser than the admins' 5: theirs applies." in reply.details
    await run.ok(SAM, "pool limits", name="agency", daily="0")
    raised = await run(SAM, "pool limits", name="agency", member=SAM.user, daily="off")
    assert not raised.error  # naming himself is the same: his own row
    await run.ok(SAM, "bid", job="one", connects=5, pool="agency")
    assert (await run(SAM, "bid", job="two", connects=1, pool="agency")).error
    other = await run(SAM, "pool limits", name="agency", member=TOM.user, daily="1")
    assert other.error
    assert (
        str(other.title)
        == "Only the owner or an admin of pool agency sets another member's limits."
    )
    await run.ok(TOM, "bid", job="three", connects=3, pool="agency")


async def test_a_member_may_be_stricter_with_themselves(run: Session) -> None:
    """A member's own cap below the admins' is the one in force, and says it is theirs."""
    await pool(run)
    await run.ok(OLGA, "pool limits", name="agency", member=SAM.user, weekly="20")
    await run.ok(SAM, "pool limits", name="agency", weekly="3")
    await run.ok(SAM, "bid", job="one", connects=3, pool="agency")
    refused = await run(SAM, "bid", job="two", connects=1, pool="agency")
    assert "Your weekly cap in pool agency (set by you) has 0 of 3" in str(refused.title)
    assert str(refused.title).endswith("Change yours with /pool limits.")


async def test_an_outsider_cannot_set_or_see_pool_caps(run: Session) -> None:
    """Someone not in the pool is refused, and nothing is stored for them."""
    await pool(run)
    reply = await run(ANA, "pool limits", name="agency", daily="5")
    assert reply.error
    assert "not a member" in str(reply.title)
    missing = await run(OLGA, "pool limits", name="agency", member=ANA.user, daily="5")
    assert missing.error and "is not in pool agency" in str(missing.title)


async def test_balance_shows_what_is_left_of_each_cap(run: Session) -> None:
    """/balance lists the wallet's caps, and under each pool the member's caps there."""
    await pool(run)
    await run.ok(SAM, "limits", weekly="30")
    await run.ok(OLGA, "pool limits", name="agency", member=SAM.user, daily="6", boost="2")
    await run.ok(SAM, "bid", job="one", connects=2, boost=1, pool="agency")
    await run.ok(SAM, "bid", job="two", connects=4)
    balance = await run.ok(SAM, "balance")
    shown = lines(balance)
    assert "Weekly cap: 26 of 30 left this week" in shown
    assert (
        "  Daily cap: 3 of 6 left today" in shown  # on a phone, its clauses a line each
        and "  set by the pool's admins" in shown
    )
    assert "  Boost cap: 1 of 2 left today" in shown and len(shown) <= 8
    assert balance.details == [  # when each resets, on request
        "Weekly cap resets 2026-09-28 00:00 UTC",
        "Daily and boost caps reset in pool agency 2026-09-22 00:00 UTC",
    ]


async def test_a_refund_frees_room_in_the_period_of_its_bid(run: Session, clock: Clock) -> None:
    """A bid of yesterday refunded today frees yesterday's room (and the week's), not today's:
    refunded Connects were not spent, when they were spent."""
    await run.ok(ANA, "limits", daily="5", weekly="9")
    await run.ok(ANA, "bid", job="one", connects=5)
    clock.now = MIDNIGHT + 3600
    await run.ok(ANA, "bid", job="two", connects=4)
    assert (await run(ANA, "bid", job="three", connects=1)).error  # the week's 9 spent
    await run.ok(ANA, "refund", bid="#1", reason="completed")
    await run.ok(ANA, "bid", job="four", connects=1)  # the week has room again: 4 + 1
    refused = await run(ANA, "bid", job="five", connects=1)
    assert str(refused.title).startswith("Your daily cap has 0 of 5")  # today's is full


async def test_profile_spend_counts_and_a_profile_boost_is_a_boost(run: Session) -> None:
    """/spend draws Connects of spending kinds: a badge fills the daily cap, a profile boost the
    boost cap too; a bid is refused after them, and so is a profile boost over the boost cap."""
    await run.ok(ANA, "limits", daily="10", boost="3")
    await run.ok(ANA, "spend", on="badge", connects=4)
    await run.ok(ANA, "spend", on="profile_boost", connects=3)
    refused = await run(ANA, "spend", on="profile_boost", connects=1)
    assert str(refused.title).startswith("Your boost cap has 0 of 3")
    await run.ok(ANA, "bid", job="one", connects=3)
    assert str((await run(ANA, "bid", job="two", connects=1)).title).startswith(
        "Your daily cap has 0 of 10"
    )
