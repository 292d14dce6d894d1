"""Upwork's other movements, on every backend: the interview reward (+10, once per bid, at most
50 in 7 days, to the pool for a pool's bid), profile spend (badge, profile boost), plan grants on
the billing day, and invited proposals that cost nothing. Each attack sits beside its test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.base.keys import Actor
from core.interface.reply import Reply
from core.notices import JobReport, Jobs
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.test_ledger import assert_ledger_consistent, balance, ok, pool_balance, run

ANA = actor("ana")
BEN = actor("ben")
DAY = 86400

_ids = iter(range(1, 10**9))


def rid() -> str:
    return f"kinds-{next(_ids)}"


async def state(app: App) -> tuple[Any, ...]:
    """Every table a movement could touch, as rows."""

    async def read(tx: Tx) -> tuple[Any, ...]:
        out = []
        for table in ("accounts", "entries", "lots", "bids", "interview_rewards", "plans"):
            rows = await tx.fetchall(f"SELECT * FROM {table} ORDER BY 1")
            out.append(tuple(tuple(r) for r in rows))
        return tuple(out)

    return await app.store.read(read)


async def refused(app: App, who: Actor, text: str, fragment: str) -> Reply:
    """One line naming ``fragment``; nothing changed."""
    before = await state(app)
    reply = await app.run_text(who, text, rid())
    assert reply.error, reply.text()
    assert fragment in " ".join([reply.title, *reply.lines]), reply.title
    assert len(reply.lines) <= 1  # one line, or a headline and a short line
    assert not any("\n" in x for x in (reply.title, *reply.lines))
    assert await state(app) == before, "a refusal changed state"
    return reply


async def kinds_of(app: App, account_of: str) -> list[tuple[str, int]]:
    """(kind, delta) of the entries of ``account_of``'s wallet, in order."""

    async def read(tx: Tx) -> list[tuple[str, int]]:
        rows = await tx.fetchall(
            "SELECT e.kind, e.delta FROM entries e JOIN users u ON u.account_id = e.account_id "
            "WHERE u.key = :k ORDER BY e.id",
            {"k": account_of},
        )
        return [(str(r["kind"]), int(r["delta"])) for r in rows]

    return await app.store.read(read)


async def status(app: App, bid: int) -> str:
    async def read(tx: Tx) -> str:
        row = await tx.fetchone("SELECT status FROM bids WHERE id = :id", {"id": bid})
        assert row is not None
        return str(row["status"])

    return await app.store.read(read)


@pytest.fixture(autouse=True)
async def _consistent_after(app: App) -> Any:
    yield
    await assert_ledger_consistent(app)


# ---------------------------------------------------------------------------- interview


async def test_interview_credits_ten_and_marks_interviewing(app: App) -> None:
    """/interview on a submitted bid adds 10 Connects to the wallet as an ``interview`` entry
    and moves the bid to interviewing."""
    await ok(app, ANA, "/bid job:logo connects:4")
    before = await balance(app, ANA)
    reply = await ok(app, ANA, "/interview bid:#1")
    assert reply.title == "Interview reward: +10"
    assert await balance(app, ANA) == before + 10
    assert (await kinds_of(app, ANA.user.key))[-1] == ("interview", 10)
    assert await status(app, 1) == "interviewing"
    history = await ok(app, ANA, "/history chart:false")
    assert "+10 interview reward" in history.text()


async def test_a_hired_bid_keeps_its_status(app: App) -> None:
    """A bid already hired still earns its reward (the interview happened) and stays hired."""
    await ok(app, ANA, "/bid job:logo connects:4")
    await ok(app, ANA, "/outcome bid:#1 status:hired")
    await ok(app, ANA, "/interview bid:#1")
    assert await status(app, 1) == "hired"


async def test_a_bid_is_rewarded_once(app: App) -> None:
    """Attack: press Interview twice, retry, or send a new request for the same bid. The same
    request replays its reply; a new one credits nothing and says so."""
    await ok(app, ANA, "/bid job:logo connects:4")
    first = await ok(app, ANA, "/interview bid:#1", "same-request")
    after = await balance(app, ANA)
    again = await ok(app, ANA, "/interview bid:#1", "same-request")
    assert again.text() == first.text()
    await refused(app, ANA, "/interview bid:#1", "was credited on")
    assert await balance(app, ANA) == after


async def test_only_the_bids_author_earns_its_reward(app: App) -> None:
    """Attack: a member claims the reward of another member's bid, in a pool they both bid
    from, as a member and as the pool's admin: refused (the reward is the author's to earn)."""
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool add name:agency member:ben")
    await ok(app, ANA, "/pool topup name:agency connects:50")
    await ok(app, ANA, "/bid job:mine connects:4")  # 1: Ana's wallet
    await ok(app, BEN, "/bid job:his connects:4 pool:agency")  # 2: Ben's, from the pool
    await refused(app, BEN, "/interview bid:#1", "No bid #1 of yours")
    await refused(app, ANA, "/interview bid:#2", "No bid #2 of yours")  # the pool's admin
    await refused(app, actor("olga"), "/interview bid:#2", "No bid #2 of yours")


async def test_a_pools_bid_rewards_the_pool(app: App) -> None:
    """A bid submitted under a pool earns its reward for the pool, as Upwork gives an agency's
    proposal's reward to the agency; the member's wallet is untouched."""
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool add name:agency member:ben")
    await ok(app, ANA, "/pool topup name:agency connects:50")
    await ok(app, BEN, "/bid job:his connects:4 pool:agency")
    pool_before, wallet_before = await pool_balance(app, "agency"), await balance(app, BEN)
    reply = await ok(app, BEN, "/interview bid:#1")
    assert "to pool agency" in reply.text()
    assert await pool_balance(app, "agency") == pool_before + 10
    assert await balance(app, BEN) == wallet_before


async def test_a_refunded_undone_or_invited_bid_earns_nothing(app: App) -> None:
    """Attack: claim a reward for a bid whose Connects came back (refunded, undone), or for an
    invited proposal (Upwork rewards none): refused, nothing changes."""
    await ok(app, ANA, "/bid job:one connects:4")
    await ok(app, ANA, "/refund bid:#1 reason:client_cancelled")
    await refused(app, ANA, "/interview bid:#1", "was refunded")
    await ok(app, ANA, "/bid job:two connects:4")
    await ok(app, ANA, "/undo bid:#2")
    await refused(app, ANA, "/interview bid:#2", "was undone")
    await ok(app, ANA, "/bid job:three invited:true")
    await refused(app, ANA, "/interview bid:#3", "invited proposal")
    await refused(app, ANA, "/interview bid:#99", "No bid #99")


async def test_a_rewarded_bid_cannot_be_undone(app: App) -> None:
    """Attack: bid, claim the reward, undo the bid to get its Connects back, repeat: a bid a
    client interviewed on stands (refunds still follow their reasons)."""
    await ok(app, ANA, "/bid job:one connects:4")
    await ok(app, ANA, "/interview bid:#1")
    await refused(app, ANA, "/undo bid:#1", "interview reward")


async def test_at_most_fifty_in_seven_days(app: App, clock: Clock) -> None:
    """Attack: claim a sixth reward within a week. Refused naming the cap and when room frees
    (the first reward's time plus 7 days); on that second the sixth fits."""
    await ok(app, ANA, "/buy connects:100")
    for n in range(1, 8):
        await ok(app, ANA, f"/bid job:job-{n} connects:2")
    first_at = clock.now
    await ok(app, ANA, "/interview bid:#1")
    for n in range(2, 6):
        clock.advance(3600)
        await ok(app, ANA, f"/interview bid:#{n}")
    reply = await refused(app, ANA, "/interview bid:#6", "at most 50 Connects")
    frees = datetime.fromtimestamp(first_at + 7 * DAY, UTC).strftime("%Y-%m-%d")
    assert f"Room frees {frees}" in reply.title
    clock.now = first_at + 7 * DAY - 1
    await refused(app, ANA, "/interview bid:#6", "at most 50")
    clock.now = first_at + 7 * DAY
    reply = await ok(app, ANA, "/interview bid:#6")
    assert "50 of Upwork's 50" in reply.text()
    await refused(app, ANA, "/interview bid:#7", "at most 50")


async def test_the_cap_counts_the_member_across_pool_and_wallet(app: App) -> None:
    """A member's rewards count toward one cap wherever they went: five for pool bids leave no
    room for a wallet bid's (no way around the cap by switching accounts)."""
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool topup name:agency connects:50")
    for n in range(1, 6):
        await ok(app, ANA, f"/bid job:pool-{n} connects:2 pool:agency")
        await ok(app, ANA, f"/interview bid:#{n}")
    await ok(app, ANA, "/bid job:own connects:2")
    await refused(app, ANA, "/interview bid:#6", "at most 50")


# ------------------------------------------------------------------------ profile spend


async def test_spend_on_badge_and_profile_boost(app: App) -> None:
    """/spend writes one debit of its kind, no bid; /stats counts it beside the bids."""
    await ok(app, ANA, "/bid job:one connects:4")
    before = await balance(app, ANA)
    reply = await ok(app, ANA, "/spend on:badge connects:5")
    assert reply.title == "Spent 5 Connects on availability badge"
    await ok(app, ANA, "/spend on:profile_boost connects:3")
    assert await balance(app, ANA) == before - 8
    assert (await kinds_of(app, ANA.user.key))[-2:] == [("badge", -5), ("profile_boost", -3)]
    stats = (await ok(app, ANA, "/stats")).full()
    assert "3 profile boost + 5 availability badge" in stats.text() or (
        "5 availability badge + 3 profile boost" in stats.text()
    )
    assert dict(stats.fields)["Bids and profile"] == "12 Connects"


async def test_spend_cannot_overspend(app: App) -> None:
    """More than the wallet holds: refused like a bid, nothing written."""
    held = await balance(app, ANA) or int((await ok(app, ANA, "/balance")).title.split()[0])
    await refused(app, ANA, f"/spend on:badge connects:{held + 1}", "Not enough Connects")


async def test_spend_from_a_pool_is_its_admins(app: App) -> None:
    """Attack: a member spends the pool's Connects on their own profile: refused."""
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool add name:agency member:ben")
    await ok(app, ANA, "/pool topup name:agency connects:50")
    await refused(app, BEN, "/spend on:badge connects:5 pool:agency", "Only the owner or an admin")
    await ok(app, ANA, "/spend on:badge connects:5 pool:agency")
    assert await pool_balance(app, "agency") == 45


# --------------------------------------------------------------------------------- plans


def _at(year: int, month: int, day: int, hour: int = 12) -> int:
    return int(datetime(year, month, day, hour, tzinfo=UTC).timestamp())


async def _grants(app: App, now: int) -> JobReport:
    report = JobReport()
    await Jobs(app.services).grants(now, report)
    assert not report.errors, report.errors
    return report


async def test_plan_grants_on_the_billing_day_once(app: App, clock: Clock) -> None:
    """Plus on day 15: nothing for the cycle under way, 100 on the next 15th, once however
    often the job runs, and 100 again a month later."""
    clock.now = _at(2027, 1, 20)
    reply = await ok(app, ANA, "/plan name:plus day:15")
    assert "Next grant: 2027-02-15" in reply.text()
    held = await balance(app, ANA)
    assert (await _grants(app, _at(2027, 2, 14, 23))).grants == 0
    for _ in range(3):
        await _grants(app, _at(2027, 2, 15, 0))
    assert await balance(app, ANA) == held + 100
    await _grants(app, _at(2027, 3, 15, 1))
    assert await balance(app, ANA) == held + 200
    assert [k for k, _ in await kinds_of(app, ANA.user.key)].count("plan") == 2

    async def notes(tx: Tx) -> list[str]:
        rows = await tx.fetchall("SELECT key FROM notices WHERE key LIKE 'plan:%' ORDER BY id")
        return [str(r["key"]) for r in rows]

    # one private note per granted cycle, named by the cycle's day
    assert await app.store.read(notes) == [
        f"plan:{ANA.user.key}:2027-02-15",
        f"plan:{ANA.user.key}:2027-03-15",
    ]


async def test_a_cycle_on_the_30th_renews_on_the_1st(app: App, clock: Clock) -> None:
    """Basic with a billing day of 30: its 10 arrive on the 1st of each month, February
    included."""
    clock.now = _at(2027, 1, 30)
    await ok(app, ANA, "/plan name:basic day:30")
    held = await balance(app, ANA)
    await _grants(app, _at(2027, 1, 31))
    assert await balance(app, ANA) == held
    await _grants(app, _at(2027, 2, 1, 0))
    assert await balance(app, ANA) == held + 10
    await _grants(app, _at(2027, 2, 28))
    await _grants(app, _at(2027, 3, 1, 0))
    assert await balance(app, ANA) == held + 20


async def test_changing_the_day_grants_no_cycle_twice(app: App, clock: Clock) -> None:
    """Attack: move the billing day back and forth to collect a cycle twice: the last granted
    cycle only moves forward."""
    clock.now = _at(2027, 1, 20)
    await ok(app, ANA, "/plan name:plus day:15")
    held = await balance(app, ANA)
    await _grants(app, _at(2027, 2, 15))
    clock.now = _at(2027, 2, 16)
    await ok(app, ANA, "/plan name:plus day:10")
    await ok(app, ANA, "/plan name:plus day:16")
    await _grants(app, _at(2027, 2, 16, 13))
    assert await balance(app, ANA) == held + 100


async def test_plan_grants_respect_max_balance(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """With ``[wallet] max_balance``, a plan grant fills the wallet up to it, no further."""
    application = await create_app(make_config(wallet={"max_balance": 100}), clock)
    try:
        clock.now = _at(2027, 1, 20)
        await ok(application, ANA, "/plan name:plus day:1")
        await _grants(application, _at(2027, 2, 1))
        assert await balance(application, ANA) == 100
        await _grants(application, _at(2027, 3, 1))
        assert await balance(application, ANA) == 100
        await assert_ledger_consistent(application)
    finally:
        await application.close()


async def test_no_plan_no_grants(app: App, clock: Clock) -> None:
    """``name:none`` ends the grants; a plan needs its day the first time."""
    clock.now = _at(2027, 1, 20)
    await refused(app, ANA, "/plan name:plus", "day is required")
    await ok(app, ANA, "/plan name:plus day:1")
    await ok(app, ANA, "/plan name:none")
    held = await balance(app, ANA)
    await _grants(app, _at(2027, 2, 1))
    assert await balance(app, ANA) == held


# ------------------------------------------------------------------------------ invited


async def test_an_invited_proposal_costs_nothing_and_counts(app: App) -> None:
    """``invited:true`` (or ``connects:0 invited:true``) records a bid of 0 Connects that
    /stats counts, with its outcome, in the win rate; its refund has nothing to return."""
    held = int((await ok(app, ANA, "/balance")).title.split()[0])
    reply = await ok(app, ANA, "/bid job:invited-one invited:true")
    assert "Invited: 0 Connects" in reply.text()
    await ok(app, ANA, "/bid job:invited-two connects:0 invited:true")
    assert await balance(app, ANA) == held
    await ok(app, ANA, "/outcome bid:#1 status:hired")
    await ok(app, ANA, "/outcome bid:#2 status:lost")
    stats = await ok(app, ANA, "/stats")
    assert "2 · won 1 (50%)" in stats.text()
    await refused(app, ANA, "/refund bid:#2 reason:client_cancelled", "nothing to refund")
    assert [k for k, _ in await kinds_of(app, ANA.user.key)] == ["welcome"]


async def test_a_zero_connect_bid_needs_an_invitation(app: App) -> None:
    """``connects:0`` without ``invited:true``, or Connects typed on an invited proposal: one
    line saying what to fix, nothing recorded."""
    await ok(app, ANA, "/balance")
    await refused(app, ANA, "/bid job:x connects:0", "only for an invited proposal")
    await refused(app, ANA, "/bid job:x connects:3 invited:true", "costs 0 Connects")


async def test_an_invited_bid_is_undone_without_an_entry(app: App) -> None:
    """Undoing an invited proposal marks it undone and writes no 0-Connect entry."""
    await ok(app, ANA, "/bid job:x invited:true")
    await ok(app, ANA, "/undo bid:#1")
    assert await status(app, 1) == "undone"
    assert [k for k, _ in await kinds_of(app, ANA.user.key)] == ["welcome"]


async def test_run_returns_one_line_for_a_bad_plan(app: App) -> None:
    """A plan that is no choice is refused by the catalog in one line."""
    reply = await run(app, ANA, "/plan name:gold day:3")
    assert reply.error and len(reply.lines) <= 1 and "\n" not in reply.title
