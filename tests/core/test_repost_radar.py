"""The repost radar through the app, on every backend: a quote or bid on a job whose client
and title match a job bid on in the same community in the last 30 days says so with the day,
never who bid, what it cost or what came of it unless the bid is the asker's own, which it
offers to record as refunded once Upwork refunds it."""

from __future__ import annotations

from collections.abc import Callable

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.interface.reply import Reply
from core.quotes.radar import ACTION
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.radar_posts import post

ANA, BEN = actor("ana"), actor("ben")
ELSEWHERE = actor("ben", scope="console:other")
ANA_DM, BEN_DM = actor("ana", scope=None), actor("ben", scope=None)


FIRST = post("Senior Python developer for a scraping tool", "aaaaaaaaaaaaaaaa")
REPOST = post("Python Developer (Senior) -- scraping tool!", "bbbbbbbbbbbbbbbb", hires=9)
REPOSTED_LINE = "Looks like a repost of a job bid on here on "


def _radar(reply: Reply) -> list[str]:
    marks = ("repost", "You bid on it", "Upwork removes", "came back")
    return [str(line) for line in reply.lines if any(m in line for m in marks)]


def _refund_button(reply: Reply) -> str | None:
    found = [b.value for b in reply.buttons if b.action == ACTION]
    return found[0] if found else None


async def _bid(app: App, who: object, text: str, rid: str) -> Reply:
    reply = await app.run_text(who, f"/bid post:{text}", rid)  # type: ignore[arg-type]
    assert not reply.error, reply.title
    return reply


async def test_another_members_bid_is_told_as_a_day_only(app: App, clock: Clock) -> None:
    """The attack: Ben pastes a post to learn what Ana bid on, for how much and with what
    result. He learns only that a job like it was bid on here, and the day."""
    await _bid(app, ANA, FIRST, "b1")
    clock.advance(3 * 86_400)
    reply = await app.run_text(BEN, f"/quote post:{REPOST}", "q1")
    said = _radar(reply)
    assert len(said) == 1 and said[0].startswith(REPOSTED_LINE), reply.lines
    assert "same client (spent $20K, 4.9★, 9 hires, US, member since 2019) and title" in said[0]
    text = "\n".join(str(line) for line in reply.lines) + repr(reply.buttons)
    assert "ana" not in text and "#1" not in text and "12 Connects" not in said[0]
    assert _refund_button(reply) is None


async def test_the_askers_own_bid_is_named_and_its_refund_recorded_once(
    app: App, clock: Clock
) -> None:
    """Ana's own earlier bid: named, with a button (and a command) that records Upwork's
    refund for tos_removed; a second click on it changes nothing more."""
    await _bid(app, ANA, FIRST, "b1")
    clock.advance(86_400)
    reply = await app.run_text(ANA, f"/quote post:{REPOST}", "q1")
    said = _radar(reply)
    assert said[0].startswith("Looks like a repost of a job you bid on as #1 on ")
    assert "/refund bid:#1 reason:tos_removed" in said[1]
    value = _refund_button(reply)
    assert value is not None
    before = await app.run_text(ANA, "/balance", "bal1")
    assert (await app.press(BEN, ACTION, value, "click-ben")).error  # not his bid
    done = await app.press(ANA, ACTION, value, "click-1")
    assert done.title == "Refunded 12 Connects", done.title
    again = await app.press(ANA, ACTION, value, "click-2")
    assert again.title == done.title and again.lines == done.lines
    after = await app.run_text(ANA, "/balance", "bal2")
    assert before.title != after.title
    reasons = await _reasons(app)
    assert reasons == ["tos_removed"]
    # refunded now: named, but no more offer
    later = await app.run_text(ANA, f"/quote post:{REPOST}", "q2")
    assert _radar(later)[1] == "Bid #1's Connects already came back."
    assert _refund_button(later) is None


async def _reasons(app: App) -> list[str | None]:
    async def read(tx: Tx) -> list[str | None]:
        rows = await tx.fetchall("SELECT refund_reason FROM bids ORDER BY id")
        return [r["refund_reason"] for r in rows]

    return await app.store.read(read)


async def test_a_bid_on_a_repost_says_so(app: App, clock: Clock) -> None:
    """/bid post: on the repost places the bid and says what it looks like; with Ben's and
    Ana's own earlier bids, the first day is Ben's and Ana's own is named; a retry of the bid
    replies the same."""
    await _bid(app, BEN, FIRST, "b1")
    clock.advance(86_400)
    reply = await _bid(app, ANA, REPOST, "b2")
    assert reply.title == "Bid #2 placed"
    assert len(_radar(reply)) == 1 and _radar(reply)[0].startswith(REPOSTED_LINE)
    assert [b.action for b in reply.buttons] == ["undo", "details"]  # the job's link
    clock.advance(86_400)
    third = post("Senior python developer, scraping tool", "f" * 16, hires=10)
    again = await _bid(app, ANA, third, "b3")
    said = _radar(again)
    assert said[0].startswith(REPOSTED_LINE) and said[1].startswith("You bid on it as #2 on ")
    assert [b.action for b in again.buttons] == ["undo", ACTION, "details"]
    retry = await app.run_text(ANA, f"/bid post:{third}", "b3")
    assert retry.lines == again.lines


async def test_no_other_community_no_dm_no_old_bid_no_same_job(app: App, clock: Clock) -> None:
    """Another community and a direct message see nothing of Ana's bid (the DM shows Ana her
    own); a bid over 30 days old, an undone one and the same job are not reposts."""
    await _bid(app, ANA, FIRST, "b1")
    clock.advance(86_400)
    for who, rid in ((ELSEWHERE, "q1"), (BEN_DM, "q2")):
        assert _radar(await app.run_text(who, f"/quote post:{REPOST}", rid)) == []
    own = _radar(await app.run_text(ANA_DM, f"/quote post:{REPOST}", "q3"))
    assert own and own[0].startswith("Looks like a repost of a job you bid on as #1 on ")
    assert _radar(await app.run_text(BEN, f"/quote post:{FIRST}", "q4")) == []  # same job
    clock.advance(30 * 86_400)
    assert _radar(await app.run_text(BEN, f"/quote post:{REPOST}", "q5")) == []


async def test_an_undone_bid_was_never_placed(app: App) -> None:
    """A bid undone at once is not a job bid on here."""
    await _bid(app, ANA, FIRST, "b1")
    assert not (await app.run_text(ANA, "/undo bid:#1", "u1")).error
    assert _radar(await app.run_text(BEN, f"/quote post:{REPOST}", "q1")) == []


async def test_another_client_or_another_job_is_not_a_repost(app: App) -> None:
    """The same title from a client who joined another day or lives elsewhere, and another
    job of the same client, are not reposts."""
    await _bid(app, ANA, FIRST, "b1")
    others = [
        post("Senior Python developer for a scraping tool", "c" * 16, since="Mar 15, 2019"),
        post("Senior Python developer for a scraping tool", "d" * 16, country="Canada"),
        post("Logo for our scraping startup", "e" * 16),
    ]
    for i, text in enumerate(others):
        assert _radar(await app.run_text(BEN, f"/quote post:{text}", f"q{i}")) == []


async def test_no_refund_is_offered_where_the_policy_refunds_no_removed_post(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """An operator whose ``[policy]`` does not refund ``tos_removed``: the repost is still
    said, and no refund is offered that /refund would refuse."""
    config = make_config(policy={"refundable": ["completed", "client_cancelled"]})
    app = await create_app(config, clock)
    try:
        await _bid(app, ANA, FIRST, "b1")
        reply = await app.run_text(ANA, f"/quote post:{REPOST}", "q1")
        said = _radar(reply)
        assert len(said) == 1 and said[0].startswith("Looks like a repost of a job you bid on")
        assert _refund_button(reply) is None
    finally:
        await app.close()
