"""The tables of Upwork's other movements (core/store/tables/kinds.py), statement by statement,
on every backend: interview rewards once per bid and counted in their window, plans set,
replaced, claimed once per cycle and dropped, invited bids marked, profile spend summed by
kind; and the schema's own checks refuse what the rules never write."""

from __future__ import annotations

import pytest

from core.app import App
from core.base.vocabulary import EntryKind
from core.store.base import Tx
from core.store.tables import kinds
from tests.conftest import actor

ANA = actor("ana")
_ids = iter(range(1, 10**9))


async def _run(app: App, text: str) -> None:
    reply = await app.run_text(ANA, text, f"kt-{next(_ids)}")
    assert not reply.error, reply.text()


async def _wallet(app: App) -> int:
    async def read(tx: Tx) -> int:
        row = await tx.fetchone("SELECT account_id FROM users WHERE key = :k", {"k": ANA.user.key})
        assert row is not None
        return int(row["account_id"])

    return await app.store.read(read)


async def test_rewards_once_per_bid_and_counted_in_their_window(app: App) -> None:
    await _run(app, "/bid job:one connects:2")
    await _run(app, "/bid job:two connects:2")
    account = await _wallet(app)

    async def write(tx: Tx) -> list[bool]:
        return [
            await kinds.add_reward(
                tx, bid_id=1, bidder=ANA.user.key, account_id=account, connects=10, now=100
            ),
            await kinds.add_reward(
                tx, bid_id=1, bidder=ANA.user.key, account_id=account, connects=10, now=200
            ),
            await kinds.add_reward(
                tx, bid_id=2, bidder=ANA.user.key, account_id=account, connects=10, now=300
            ),
        ]

    assert await app.store.write(write) == [True, False, True]

    async def read(tx: Tx) -> tuple[object, ...]:
        return (
            await kinds.reward_of(tx, 1),
            await kinds.reward_of(tx, 3),
            await kinds.rewards_since(tx, ANA.user.key, 99),
            await kinds.rewards_since(tx, ANA.user.key, 100),
            await kinds.rewards_since(tx, "console:ben", 0),
        )

    first, none, both, later, other = await app.store.read(read)
    assert first == kinds.Reward(100, 10) and none is None
    assert both == [kinds.Reward(100, 10), kinds.Reward(300, 10)]
    assert later == [kinds.Reward(300, 10)]  # a reward at the window's start has left it
    assert other == []


async def test_plans_set_replace_claim_and_drop(app: App) -> None:
    await _run(app, "/balance")
    account = await _wallet(app)

    async def write(tx: Tx) -> tuple[object, ...]:
        await kinds.set_plan(tx, ANA.user.key, "basic", 30, 1000, 5)
        first = await kinds.plan_of(tx, ANA.user.key)
        await kinds.set_plan(tx, ANA.user.key, "plus", 15, 2000, 6)
        claims = (
            await kinds.claim_cycle(tx, ANA.user.key, 2000),  # the cycle it holds: no
            await kinds.claim_cycle(tx, ANA.user.key, 3000),
            await kinds.claim_cycle(tx, ANA.user.key, 3000),  # a second process: no
            await kinds.claim_cycle(tx, ANA.user.key, 2500),  # backwards: no
        )
        every = await kinds.all_plans(tx)
        dropped = (await kinds.drop_plan(tx, ANA.user.key), await kinds.drop_plan(tx, ANA.user.key))
        return first, claims, every, dropped, await kinds.plan_of(tx, ANA.user.key)

    first, claims, every, dropped, gone = await app.store.write(write)
    assert first == kinds.Plan(ANA.user.key, "basic", 30, 1000, account, True)
    assert claims == (False, True, False, False)
    assert every == [kinds.Plan(ANA.user.key, "plus", 15, 3000, account, True)]
    assert dropped == (True, False) and gone is None


async def test_invited_and_profile_spend(app: App) -> None:
    await _run(app, "/bid job:one connects:2")
    await _run(app, "/bid job:two invited:true")
    await _run(app, "/spend on:badge connects:3")
    await _run(app, "/spend on:badge connects:4")
    await _run(app, "/spend on:profile_boost connects:1")
    account = await _wallet(app)

    async def read(tx: Tx) -> tuple[object, ...]:
        return (
            await kinds.invited(tx, 1),
            await kinds.invited(tx, 2),
            await kinds.invited(tx, 99),
            await kinds.profile_spend(tx, account, 0),
            await kinds.profile_spend(tx, account, 2**40),
        )

    one, two, missing, spent, none = await app.store.read(read)
    assert (one, two, missing) == (False, True, False)
    assert spent == {EntryKind.BADGE: 7, EntryKind.PROFILE_BOOST: 1}
    assert none == {}


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO plans (user_key, plan, day, cycle, set_at) "
        "VALUES ('console:ana', 'gold', 1, 0, 0)",
        "INSERT INTO plans (user_key, plan, day, cycle, set_at) "
        "VALUES ('console:ana', 'plus', 32, 0, 0)",
        "INSERT INTO interview_rewards (bid_id, bidder, account_id, connects, created_at) "
        "VALUES (1, 'console:ana', 1, 0, 0)",
        "UPDATE bids SET invited = 2 WHERE id = 1",
    ],
)
async def test_the_schema_refuses_what_the_rules_never_write(app: App, statement: str) -> None:
    """A plan that is none of Upwork's, a billing day past 31, a reward of nothing, an invited
    flag that is not 0 or 1: the database itself refuses them."""
    await _run(app, "/bid job:one connects:2")

    async def write(tx: Tx) -> None:
        await tx.execute(statement)

    with pytest.raises(Exception, match=r"(?i)check"):
        await app.store.write(write)
