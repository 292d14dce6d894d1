"""Boosts that pay: the hire rate of a community's bids by boost band, in /stats' "What wins"
and in a quote with boost:N, from the daily snapshot, under the minimums every rate about
other members keeps (min_outcomes bids by min_members other members)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable

import pytest

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.interface.reply import Reply
from core.quotes import learning
from core.quotes.estimates import _RATES
from core.quotes.winrates import Rate
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.learning.test_community import _shown

ANA, MAL, BEN = actor("ana"), actor("mal"), actor("ben")
#: min_outcomes 6 bids by min_members 3 other members (min_count 2 below it)
LEARNING = {"min_outcomes": 6, "min_count": 2, "min_members": 3}
_ids = itertools.count()


@pytest.fixture
async def boosted(make_config: Callable[..., Config], clock: Clock) -> AsyncIterator[App]:
    config = make_config(learning=LEARNING, wallet={"welcome_grant": 5_000})
    app = await create_app(config, clock)
    _RATES.clear()
    try:
        yield app
    finally:
        await app.close()


async def _bid(app: App, who: str, boost: int, status: str) -> int:
    """One bid of ``who`` with ``boost``, its outcome set; its number."""
    person = actor(who)
    placed = await app.run_text(person, f"/bid job:j{next(_ids)} connects:1 boost:{boost}", _rid())
    assert not placed.error, placed.title
    number = int(placed.title.split("#")[1].split()[0])
    told = await app.run_text(person, f"/outcome bid:#{number} status:{status}", _rid())
    assert not told.error, told.title
    return number


def _rid() -> str:
    return f"r{next(_ids)}"


async def _bids(app: App, boost: int, plan: list[tuple[str, str]]) -> None:
    for who, status in plan:
        await _bid(app, who, boost, status)


async def _snapshot(app: App, clock: Clock) -> None:
    clock.advance(86_400)
    assert await learning.snapshot(app.store, app.config, clock.now)
    _RATES.clear()


def _lines(reply: Reply, start: str) -> list[str]:
    return [str(line) for line in reply.full().lines if str(line).startswith(start)]


def _community(reply: Reply) -> list[str]:
    """/stats' lines of the community's What wins (after its heading)."""
    lines = [str(line) for line in reply.full().lines]
    heads = [i for i, line in enumerate(lines) if line.startswith("What wins in this community")]
    return lines[heads[0] + 1 :] if heads else []


async def test_a_quote_with_boost_shows_its_bands_rate_or_that_there_is_not_enough(
    boosted: App, clock: Clock
) -> None:
    """boost:20 is in 11-30, where 3 other members have 6 bids with outcomes, 2 hired: its
    rate shows with its interval. boost:40 (31+) has none: it says not enough yet. Without
    boost: no boost line. Nothing shows before the daily snapshot."""
    plan = [(f"m{i % 3}", "hired" if i < 2 else "lost") for i in range(6)]
    await _bids(boosted, 15, plan)
    early = await boosted.run_text(ANA, "/quote price:100 boost:20", _rid())
    assert _lines(early, "Boost 11-30: not enough bids with an outcome in this community yet")
    await _snapshot(boosted, clock)
    reply = await boosted.run_text(ANA, "/quote price:100 boost:20", _rid())
    assert _lines(reply, "Boost 11-30") == [
        f"Boost 11-30 (any job), other members' bids in this community: {Rate(2, 6).text()}"
    ]
    none = await boosted.run_text(ANA, "/quote price:100 boost:40", _rid())
    assert _lines(none, "Boost 31+") == [
        "Boost 31+: not enough bids with an outcome in this community yet for a hire rate (it "
        "needs 6 by 3 other members)."
    ]
    plain = await boosted.run_text(ANA, "/quote price:100", _rid())
    assert not _lines(plain, "Boost") and not _lines(plain, "No boost")
    # the asker's own bids are never in it: m0 sees the other two members only (4 bids)
    own = await boosted.run_text(actor("m0"), "/quote price:100 boost:20", _rid())
    assert _lines(own, "Boost 11-30: not enough")


async def test_stats_shows_the_communitys_boost_bands_in_the_order_of_their_values(
    boosted: App, clock: Clock
) -> None:
    """/stats' What wins of the community has a line per boost band with enough bids of
    enough members, none, 1-10, 11-30, 31+, whatever order they were placed in."""
    for boost in (40, 0, 15, 5):
        await _bids(boosted, boost, [(f"m{i % 3}", "lost" if i else "hired") for i in range(6)])
    await _snapshot(boosted, clock)
    reply = await boosted.run_text(ANA, "/stats period:all", _rid())
    head = _lines(reply, "What wins in this community")
    assert head and "bands of 6+ bids by 3+ members, as of the daily snapshot" in head[0]
    assert [line for line in _community(reply) if line.startswith("Boost ")] == [
        f"Boost {band}: {Rate(1, 6, 3).text()}" for band in ("none", "1-10", "11-30", "31+")
    ]
    # a member's own "What wins" bands their own bids (live), boost among them
    mine = await boosted.run_text(actor("m0"), "/stats period:all", _rid())
    assert _lines(mine, "Boost 31+: ")[0] == f"Boost 31+: {Rate(1, 2).text()}"


@pytest.mark.parametrize(
    ("others", "bids", "shown"), [(2, 8, False), (3, 5, False), (3, 6, True), (4, 8, True)]
)
async def test_attack_one_members_outcome_is_not_read_through_a_boost_band(
    boosted: App, clock: Clock, others: int, bids: int, shown: bool
) -> None:
    """Attack: mal pads the 31+ band with 10 of his own bids; ben has one bid there besides
    the bids of ``others`` other members (``bids`` in all, ben's among them). Below 6 bids
    or 3 other members, mal's quote and /stats are the same bytes (dates aside) whether
    ben's bid was hired or lost, across snapshots; at the minimums the band shows, an
    aggregate, exactly as every other band."""
    await _bids(boosted, 40, [("mal", "lost")] * 10)
    ben = await _bid(boosted, "ben", 40, "lost")
    crowd = [f"p{i}" for i in range(others - 1)]
    await _bids(boosted, 40, [(crowd[i % len(crowd)], "lost") for i in range(bids - 1)])
    seen = []
    for status in ("hired", "lost"):
        assert not (
            await boosted.run_text(BEN, f"/outcome bid:#{ben} status:{status}", _rid())
        ).error
        await _snapshot(boosted, clock)
        quote = await boosted.run_text(MAL, "/quote price:100 boost:35", _rid())
        stats = await boosted.run_text(MAL, "/stats period:all", _rid())
        assert bool(_lines(quote, "Boost 31+ (any job)")) is shown
        assert any(line.startswith("Boost 31+: ") for line in _community(stats)) is shown
        seen.append((_shown(quote), _shown(stats)))
    if not shown:
        assert seen[0] == seen[1]


async def test_attack_a_lone_member_cannot_make_a_band_of_fake_hires(
    boosted: App, clock: Clock
) -> None:
    """Attack: mal logs 30 boosted bids, all hired. Alone in the band he is one member of the
    3 it needs: nobody else sees a 31+ rate, and mal's community view leaves his own out."""
    await _bids(boosted, 45, [("mal", "hired")] * 30)
    await _bids(boosted, 45, [("ben", "lost")])
    await _snapshot(boosted, clock)
    for who in (ANA, BEN, MAL):
        quote = await boosted.run_text(who, "/quote price:100 boost:45", _rid())
        assert _lines(quote, "Boost 31+: not enough"), who
        stats = await boosted.run_text(who, "/stats period:all", _rid())
        assert not any(line.startswith("Boost 31+") for line in _community(stats)), who


async def test_the_snapshot_keeps_each_bids_boost(boosted: App, clock: Clock) -> None:
    """The daily snapshot copies a bid's boost as placed (both databases)."""
    await _bids(boosted, 7, [("m0", "hired")])
    await _bids(boosted, 0, [("m1", "lost")])
    await _snapshot(boosted, clock)

    async def read(tx: Tx) -> list[tuple[str, int, int]]:
        rows = await tx.fetchall("SELECT bidder, boost, hired FROM outcome_snapshot")
        return sorted((str(r["bidder"]), int(r["boost"]), int(r["hired"])) for r in rows)

    assert await boosted.store.read(read) == [("console:m0", 7, 1), ("console:m1", 0, 0)]


async def test_a_pool_member_sees_the_pools_band_lines_with_boost(
    boosted: App, clock: Clock
) -> None:
    """/stats pool: shows its What wins lines (other members' bids, min_count bids by
    min_members members), the boost bands among them; below the minimums, none."""
    owner = actor("own")
    assert not (await boosted.run_text(owner, "/pool create name:agency", _rid())).error
    assert not (await boosted.run_text(owner, "/pool topup name:agency connects:500", _rid())).error
    for who in ("m0", "m1", "m2", "ana"):
        added = await boosted.run_text(owner, f"/pool add name:agency member:{who}", _rid())
        assert not added.error, added.title
    for i in range(3):
        who = actor(f"m{i}")
        placed = await boosted.run_text(
            who, f"/bid job:p{i} connects:1 boost:12 pool:agency", _rid()
        )
        number = placed.title.split("#")[1].split()[0]
        status = "hired" if i == 0 else "lost"
        assert not (
            await boosted.run_text(who, f"/outcome bid:#{number} status:{status}", _rid())
        ).error
    await _snapshot(boosted, clock)
    reply = await boosted.run_text(ANA, "/stats pool:agency period:all", _rid())
    assert _lines(reply, "What wins: hire rate of other members' bids")
    assert _lines(reply, "Boost 11-30: ") == [f"Boost 11-30: {Rate(1, 3, 3).text()}"]
    # m0 sees the two others only: 2 members of the 3 a band needs
    m0 = await boosted.run_text(actor("m0"), "/stats pool:agency period:all", _rid())
    assert not _lines(m0, "What wins") and not _lines(m0, "Boost")


async def test_a_direct_message_gets_no_community_rate_and_says_so(
    boosted: App, clock: Clock
) -> None:
    """Under ``scope = "community"`` a direct message has no community: no boost band's rate,
    and no expected value (it says why), though the console has both."""
    await _bids(boosted, 15, [(f"m{i % 3}", "hired" if i < 2 else "lost") for i in range(6)])
    await _snapshot(boosted, clock)
    post = "Logo\nFixed-price\n$75\nRequired Connects to submit a proposal: 14"
    dm = await boosted.run_text(actor("ana", scope=None), f"/quote boost:20 post:{post}", _rid())
    assert not _lines(dm, "Boost") and _lines(dm, "Break-even hire rate: ")
    assert _lines(dm, "Expected value") == [
        "Expected value: a direct message has no community hire rate to count it from."
    ]
    here = await boosted.run_text(ANA, f"/quote boost:20 post:{post}", _rid())
    assert _lines(here, "Boost 11-30 (any job)")
