"""Replies that tell the truth: allowances, empty pools, duplicate jobs, replays, first reads,
free Connects in stats, and voiding a purchase recorded by mistake."""

from __future__ import annotations

import pytest

from core.app import App
from core.interface.reply import Reply
from core.store.base import Tx
from tests.conftest import Clock, actor

OLIVE, SAM = actor("olive"), actor("sam")
_rid = iter(range(1_000_000))


async def run(app: App, who: object, line: str) -> Reply:
    assert hasattr(who, "user")
    return await app.run_text(who, line, f"r-{next(_rid)}")  # type: ignore[arg-type]


async def ok(app: App, who: object, line: str) -> Reply:
    reply = await run(app, who, line)
    assert not reply.error, (line, reply.title)
    return reply


async def crew(app: App, topup: int = 30) -> None:
    await ok(app, OLIVE, "/pool create name:crew")
    if topup:
        await ok(app, OLIVE, f"/pool topup name:crew connects:{topup}")
    await ok(app, OLIVE, "/pool add name:crew member:sam")


async def test_allowance_zero_means_none_and_unlimited_means_no_limit(app: App) -> None:
    await crew(app)
    stop = await ok(app, OLIVE, "/pool allowance name:crew member:sam connects:0")
    assert stop.title == "sam: 0 Connects a month"
    assert "cannot spend" in stop.lines[-1]
    refused = await run(app, SAM, "/bid job:a pool:crew connects:1")
    assert refused.error and "has 0 Connects left" in refused.title
    free = await ok(app, OLIVE, "/pool allowance name:crew member:sam unlimited:true")
    assert free.title == "sam: no monthly limit in pool crew"
    await ok(app, SAM, "/bid job:a pool:crew connects:5")
    for line, fragment in (
        ("/pool allowance name:crew member:sam", "connects:N"),
        ("/pool allowance name:crew member:sam connects:4 unlimited:true", "connects:N"),
    ):
        reply = await run(app, OLIVE, line)
        assert reply.error and fragment in reply.title


async def test_one_allowance_wording_in_balance_and_pool_info(app: App) -> None:
    await crew(app)
    await ok(app, OLIVE, "/pool allowance name:crew member:sam connects:20")
    await ok(app, SAM, "/bid job:a pool:crew connects:5")
    balance = await ok(app, SAM, "/balance")
    at = balance.lines.index("Pool crew: 25 Connects")  # a clause a line on a phone
    assert balance.lines[at + 1] == "your allowance: 15 of 20 left this month"
    info = dict((await ok(app, OLIVE, "/pool info name:crew")).fields)
    assert info["sam"] == "15 of 20 left this month"
    assert info["olive (owner)"] == "0 spent, no limit"


async def test_an_empty_pool_says_whom_to_ask(app: App) -> None:
    await crew(app, topup=0)
    member = await run(app, SAM, "/bid job:a pool:crew connects:2")
    assert member.error
    assert member.title == (
        "Not enough Connects in pool crew: this needs 2, it has 0. "
        "Ask its owner, olive, to top it up."
    )
    owner = await run(app, OLIVE, "/bid job:a pool:crew connects:2")
    assert "Top it up with /pool topup name:crew" in owner.title
    mine = await run(app, SAM, "/bid job:a connects:61")
    assert mine.title.endswith("you have 60. Record a purchase with /buy.")


async def test_a_duplicate_job_names_who_bid(app: App) -> None:
    await crew(app)
    await ok(app, OLIVE, "/bid job:Logo pool:crew connects:2")
    for who, named in ((OLIVE, "by you"), (SAM, "by olive")):
        warn = await ok(app, who, "/bid job:logo pool:crew connects:2")
        assert warn.needs_confirmation and f"as #1 ({named}," in warn.lines[0], warn.lines


async def test_a_replayed_confirm_after_undo_says_so(app: App) -> None:
    await crew(app)
    await ok(app, OLIVE, "/bid job:Logo pool:crew connects:2")
    warn = await ok(app, SAM, "/bid job:Logo pool:crew connects:3")
    token = warn.buttons[0].value
    placed = await app.press(SAM, "confirm", token, "click-1")
    assert placed.title == "Bid #2 placed"
    assert await app.press(SAM, "confirm", token, "click-2") == placed  # nothing changed
    await ok(app, SAM, "/undo bid:#2")
    late = await app.press(SAM, "confirm", token, "click-3")
    assert late.title == "Bid #2 was placed, then undone" and not late.buttons
    assert late.lines[1:3] == ["3 Connects from pool crew", "28 Connects there now"]


async def test_first_reads_see_the_welcome_grant(app: App) -> None:
    history = await ok(app, actor("new"), "/history chart:false")
    assert history.title == "Your wallet: last 1" and "+60 welcome" in history.lines[0]
    stats = await ok(app, actor("newer"), "/stats")
    assert stats.title == "Your stats (month)"
    quote = await ok(app, actor("newest"), "/quote price:500")
    assert "You can afford" in quote.lines[1]


async def test_stats_dollars_are_those_of_bought_connects(app: App) -> None:
    await ok(app, SAM, "/buy connects:20 paid:10")  # $0.50 each, after the free 60
    await ok(app, SAM, "/bid job:a connects:70")
    await ok(app, SAM, "/outcome bid:#1 status:hired")
    stats = await ok(app, SAM, "/stats period:all")
    fields, more = dict(stats.fields), dict(stats.detail_fields)
    assert fields["Net"] == "70 Connects · $5.00"
    assert fields["Per hire"] == "70 Connects · $5.00"
    assert more["Free of them"] == "60 Connects: no dollars"
    assert more["Dollars"] == "of bought Connects only"


async def _purchase(reply: Reply) -> str:
    [button] = reply.buttons
    assert button.action == "void"
    return button.value


async def test_void_a_purchase_recorded_by_mistake(app: App, clock: Clock) -> None:
    bought = await ok(app, SAM, "/buy connects:40 paid:12")
    value = await _purchase(bought)
    voided = await app.press(SAM, "void", value, "click-1")
    assert voided.title == f"Purchase #{value.split('.')[0]} voided"
    assert voided.lines == ["40 Connects ($12.00) taken back", "60 Connects in your wallet"]
    assert await app.press(SAM, "void", value, "click-2") == voided  # a second click: same
    again = await run(app, SAM, f"/void purchase:#{value.split('.')[0]}")
    assert again.error and "already voided" in again.title
    quote = await ok(app, SAM, "/quote price:500")
    assert "at the best tier price" in quote.lines[0]  # the voided price no longer counts

    async def kinds(tx: Tx) -> list[str]:
        rows = await tx.fetchall(
            "SELECT e.kind FROM entries e JOIN users u ON u.account_id "
            "= e.account_id WHERE u.key = 'console:sam' ORDER BY e.id"
        )
        return [str(r["kind"]) for r in rows]

    assert await app.store.read(kinds) == ["welcome", "purchase", "void"]
    late = await _purchase(await ok(app, SAM, "/buy connects:10"))
    clock.advance(6 * 60)
    old = await app.press(SAM, "void", late, "click-3")
    assert old.error and "older than 5 minutes" in old.title


@pytest.mark.parametrize(("who", "fragment"), [(SAM, "No purchase"), (OLIVE, "voided")])
async def test_a_pool_topup_is_voided_by_an_admin_only(
    app: App, who: object, fragment: str
) -> None:
    await crew(app, topup=0)
    value = await _purchase(await ok(app, OLIVE, "/pool topup name:crew connects:10"))
    reply = await run(app, who, f"/void purchase:#{value.split('.')[0]}")
    assert fragment in reply.title


async def test_a_spent_purchase_stays(app: App) -> None:
    value = await _purchase(await ok(app, SAM, "/buy connects:10"))
    await ok(app, SAM, "/bid job:a connects:65")
    reply = await run(app, SAM, f"/void purchase:#{value.split('.')[0]}")
    assert reply.error and "5 of purchase" in reply.title and "spent" in reply.title


async def test_a_refused_read_keeps_no_first_sight_wallet(app: App) -> None:
    """Someone who never used the bot asks for a pool they cannot see: refused, and no wallet
    (no welcome grant) is created for them."""
    await crew(app)
    stranger = actor("stranger")
    for line, fragment in (
        ("/balance pool:nope", "No pool named"),
        ("/balance pool:crew", "not a member"),
        ("/history pool:crew", "not a member"),
        ("/export pool:crew", "owner or an admin"),
    ):
        reply = await run(app, stranger, line)
        assert reply.error and fragment in reply.title, (line, reply.title)

    async def users(tx: Tx) -> list[str]:
        return [str(r["key"]) for r in await tx.fetchall("SELECT key FROM users ORDER BY key")]

    assert "console:stranger" not in await app.store.read(users)
