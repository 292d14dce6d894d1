"""Replies that fit a phone: every command's first screen (console, Discord, Slack) is its
headline and at most 8 lines of at most 40 characters, but for a job's own title, which may
wrap; the rest is behind Details, which shows only that reply's details, privately, changes
nothing, and never shows one member another's figures: a read is run again for whoever
presses, a change's details are kept for the member who made it and never run it again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.interface.reply import DETAILS, FIRST_LINES, FIRST_WIDTH, KEPT_DETAILS, Reply
from core.quotes import learning
from core.quotes.jobquote import read_job
from core.store.base import Tx
from tests.adapters.phone import Screen, post, run_story, screens
from tests.conftest import Clock, actor
from tests.core.learning.synthetic import community, insert

ANA, BEN = actor("ana"), actor("ben")

#: The stories whose first screen names a job by its title: a title is the client's words and
#: may be wider than a phone (it wraps); only the line that is the title, nothing else.
TITLED = {"quote post", "paste", "bid post", "history", "outcome", "interview", "outcomes"}
#: The titles of the posts the story pastes.
TITLES = {read_job(post(name)).title for name in ("desktop_current", "mobile_app", "desktop_fixed")}


def _is_title(line: str) -> bool:
    """Whether ``line`` is a job's title, alone or after its bid's number (``#12 ``)."""
    named = re.sub(r"^(Bid )?#\d+:? ", "", line.strip()).rstrip("…")
    return any(named and title is not None and title.startswith(named) for title in TITLES)


@pytest.fixture
async def learned(
    make_config: Callable[..., Config], clock: Clock, shared_fits: None
) -> AsyncIterator[App]:
    """A community with 200 stated bids, fitted: quotes answer from the learned model."""
    config = make_config(learning={"min_bids": 20, "folds": 2, "min_outcomes": 20, "min_count": 5})
    app = await create_app(config, clock)
    try:
        await insert(app.store, community(200, clock.now, seed=3), "console")
        model = await learning.fit(app.store, app.config, "console", clock.now)
        assert model.in_use, model.reason
        yield app
    finally:
        await app.close()


async def _story_screens(app: App) -> list[tuple[str, Reply, list[Screen]]]:
    return [(label, r, screens(label, r)) for label, r in await run_story(app, ANA)]


async def test_every_first_screen_fits_a_phone(learned: App) -> None:
    """Every command's first screen, on every platform: headline + at most 8 lines, each at
    most 40 characters, but for the listed exceptions; the longest is printed for the record."""
    found = await _story_screens(learned)
    assert {label for label, _, _ in found} >= TITLED
    refusals = [label for label, r, _ in found if r.error and not label.startswith("error")]
    assert refusals == []  # the story's state is realistic: every command did its job
    all_screens = [s for _, _, ss in found for s in ss]
    for s in all_screens:
        assert len(s.lines) <= FIRST_LINES, (s.command, s.platform, s.lines)
        assert len(s.headline) <= FIRST_WIDTH, (s.command, s.platform, s.headline)
        for line in s.lines:
            if len(line) > FIRST_WIDTH:  # only a job's own title may wrap
                assert s.command in TITLED and _is_title(line), (s.command, s.platform, line)
    wrapped = {s.command for s in all_screens if s.widest > FIRST_WIDTH}
    assert wrapped <= TITLED and "quote post" in wrapped  # the rule was put to the test
    longest = max(all_screens, key=lambda s: (len(s.lines), s.widest))
    print(f"longest first screen: {longest.command} on {longest.platform}: {len(longest.lines)}")


async def test_a_quote_of_a_pasted_post_fits_and_keeps_its_facts_for_details(
    learned: App,
) -> None:
    """The issue's case: a pasted post's quote was 24 lines up to 86 characters. Its first
    screen is the cost, the job, the dollars and what the wallet affords; the facts read are
    all in its details."""
    reply = await learned.run_text(ANA, f"/quote post:{post('desktop_current')}", "q1")
    assert reply.title == "16 Connects, stated by the post"
    assert len(reply.lines) <= FIRST_LINES and reply.fields == []
    assert "Country" in dict(reply.detail_fields) and reply.details
    assert [b.label for b in reply.buttons][-1] == "Details"
    everything = await learned.run_text(
        ANA, f"/quote details:true post:{post('desktop_current')}", "q2"
    )
    assert everything.lines == reply.lines + reply.details[:-1] + everything.lines[-1:]
    assert everything.fields == reply.detail_fields
    assert DETAILS not in [b.action for b in everything.buttons]


async def _kept(app: App) -> int:
    async def read(tx: Tx) -> int:
        row = await tx.fetchone("SELECT COUNT(*) AS n FROM confirmations")
        assert row is not None
        return int(row["n"])

    return await app.store.read(read)


async def test_details_of_a_pasted_post_are_the_askers_alone(learned: App) -> None:
    """The attack: another member presses (or forges) the Details button of a quote someone
    pasted, to read their post and their balance. Refused as unknown; the asker gets only the
    details, privately; no press keeps anything."""
    reply = await learned.run_text(ANA, f"/quote post:{post('desktop_current')}", "q1")
    [button] = [b for b in reply.buttons if b.action == DETAILS]
    before = await _kept(learned)
    theirs = await learned.press(BEN, DETAILS, button.value, "p1")
    assert theirs.error and "Country" not in theirs.text() and "120" not in theirs.text()
    forged = await learned.press(BEN, DETAILS, "kept:0123456789", "p2")
    assert forged.error
    mine = await learned.press(ANA, DETAILS, button.value, "p3")
    assert not mine.error and mine.private
    assert mine.lines == reply.details[:-1] + mine.lines[-1:]  # read again: a new read time
    assert mine.fields == reply.detail_fields
    assert mine.buttons == []
    again = await learned.press(ANA, DETAILS, button.value, "p4")
    assert again.fields == mine.fields
    assert await _kept(learned) == before


async def test_details_of_a_read_are_the_pressers_own(learned: App) -> None:
    """A typed quote's Details run it again for whoever presses: the asker sees their
    details; another member pressing sees their own (what their wallet affords), never the
    asker's; the first screen stays, nothing changes."""
    await learned.run_text(ANA, "/buy connects:400", "b1")
    reply = await learned.run_text(ANA, "/quote price:1500 budget_type:fixed", "q1")
    [button] = [b for b in reply.buttons if b.action == DETAILS]
    assert button.value == "quote price:1500 budget_type:fixed"
    assert str(button.text_command) == "/quote price:1500 budget_type:fixed details:true"
    mine = await learned.press(ANA, DETAILS, button.value, "p1")
    assert mine.lines == reply.details and not mine.error
    ben_first = await learned.run_text(BEN, "/quote price:1500 budget_type:fixed", "q2")
    assert ben_first.lines != reply.lines  # 60 Connects afford fewer bids than 460
    for i in range(4):
        await learned.run_text(ANA, f"/bid job:Logo{i} connects:1", f"bid{i}")
    history = await learned.run_text(ANA, "/history", "h1")
    [more] = [b for b in history.buttons if b.action == DETAILS]
    theirs = await learned.press(BEN, DETAILS, more.value, "p2")
    assert "purchase" not in theirs.text()  # ben bought nothing: ana's entries are not shown


async def test_a_details_button_never_runs_a_change(learned: App) -> None:
    """The attack: a forged Details value naming a change (/buy) to make a press spend or
    buy. Refused; the wallet is untouched."""
    forged = await learned.press(ANA, DETAILS, "buy connects:40", "p1")
    assert forged.error
    balance = await learned.run_text(ANA, "/balance", "b1")
    assert balance.title.startswith("60 ")


async def test_details_true_in_the_text_syntax(learned: App) -> None:
    """``details:true`` on any command gives the whole reply; a bad value is one line."""
    first = await learned.run_text(ANA, "/model", "m1")
    whole = await learned.run_text(ANA, "/model details:true", "m2")
    shown, more = whole.lines[: -len(first.details)], whole.lines[-len(first.details) :]
    assert more == first.details
    assert Reply(whole.title, shown).phone().lines == first.lines  # laid out for a phone
    assert whole.fields == first.fields + first.detail_fields
    bad = await learned.run_text(ANA, "/model details:maybe", "m3")
    assert bad.error and "details:true" in bad.title


@given(st.lists(st.text(alphabet="ab ·$", min_size=0, max_size=30), min_size=1, max_size=5))
def test_a_phone_layout_moves_clauses_never_words(clauses: list[str]) -> None:
    """A wide line of clauses joined by " · " is shown one clause a line, each indented as
    the line was; joined back, the lines are the original line, and a line that fits is left
    alone."""
    line = " · ".join(clauses)
    shown = Reply("t", [line]).phone().lines
    indent = line[: len(line) - len(line.lstrip(" "))]
    assert all(x.startswith(indent) for x in shown[1:])
    assert " · ".join([shown[0], *(x[len(indent) :] for x in shown[1:])]) == line
    if len(line) <= FIRST_WIDTH:
        assert shown == [line]


async def _bids(app: App) -> int:
    async def read(tx: Tx) -> int:
        row = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM bids WHERE bidder = :b", {"b": ANA.user.key}
        )
        assert row is not None
        return int(row["n"])

    return await app.store.read(read)


async def test_a_changes_details_are_kept_for_its_maker_and_never_run_it(learned: App) -> None:
    """A bid from a pasted post (a change) names the job by its title; its link is a detail.
    Details shows the kept details to the bidder alone, privately, as often as pressed, and
    places nothing. The attack: another member presses the button (or forges a kept code,
    or types /confirm with it) to read the bid's job and balance, or to place it again:
    refused as unknown, nothing shown, nothing spent."""
    bid = await learned.run_text(ANA, f"/bid post:{post('desktop_fixed')}", "b1")
    assert not bid.error and bid.details and "upwork.com" not in "".join(bid.lines)
    [button] = [b for b in bid.buttons if b.action == DETAILS]
    assert button.value.startswith(KEPT_DETAILS)
    assert str(button.text_command).startswith("/confirm token:")
    placed, wallet = await _bids(learned), (await learned.run_text(ANA, "/balance", "r1")).title
    for i in range(2):
        mine = await learned.press(ANA, DETAILS, button.value, f"p{i}")
        assert not mine.error and mine.private and mine.buttons == []
        assert mine.title == bid.title and mine.lines == bid.details
    typed = await learned.run_text(ANA, str(button.text_command), "t1")
    assert typed.lines == bid.details
    theirs = await learned.press(BEN, DETAILS, button.value, "p9")
    typed_by_ben = await learned.run_text(BEN, str(button.text_command), "t2")
    forged = await learned.press(BEN, DETAILS, KEPT_DETAILS + "0123456789", "p10")
    for refused in (theirs, typed_by_ben, forged):
        assert refused.error and "upwork.com" not in refused.text(), refused.title
    assert await _bids(learned) == placed  # no press placed a bid
    assert (await learned.run_text(ANA, "/balance", "r2")).title == wallet
    again = await learned.run_text(ANA, f"/bid post:{post('desktop_fixed')}", "b1")  # a retry
    assert [b.value for b in again.buttons] == [b.value for b in bid.buttons]
    assert await _bids(learned) == placed


async def test_details_true_on_a_change_shows_them_at_once(learned: App) -> None:
    """On the console and exec, ``details:true`` gives a change's whole reply (its one run),
    with no Details button to keep."""
    whole = await learned.run_text(ANA, "/pool create name:agency details:true", "c1")
    assert not whole.error and DETAILS not in [b.action for b in whole.buttons]
    assert any("connects:80" in line for line in whole.lines)
    first = await learned.run_text(ANA, "/pool create name:crew", "c2")
    assert not any("connects:80" in line for line in first.lines)
    assert [b.action for b in first.buttons] == [DETAILS]


async def test_a_bid_from_a_post_offers_to_match_upwork(learned: App) -> None:
    """/bid post: offers what /quote post: offers: the post showed Upwork's balance (64), the
    wallet had 60 before the bid; Match moves the wallet by the difference once, so it holds
    what Upwork holds after the same bid there. The attack: another member presses the
    offer to move the bidder's wallet: refused, nothing moves."""
    bid = await learned.run_text(ANA, f"/bid post:{post('desktop_fixed')}", "b1")
    assert "Upwork showed 64; you had 60" in bid.lines
    [match] = [b for b in bid.buttons if b.action == "reconcile"]
    assert match.only_user == ANA.user.key
    theirs = await learned.press(BEN, "reconcile", match.value, "m0")
    assert theirs.error
    left = int((await learned.run_text(ANA, "/balance", "r1")).title.split()[0])
    done = await learned.press(ANA, "reconcile", match.value, "m1")
    assert not done.error and done.title == f"Set to {64 - (60 - left)} Connects"
    twice = await learned.press(ANA, "reconcile", match.value, "m2")
    assert twice.title == done.title
    after = await learned.run_text(ANA, "/balance", "r2")
    assert after.title == f"{64 - (60 - left)} Connects"


async def test_a_refusal_is_a_headline_and_a_short_line(learned: App) -> None:
    """A refusal that says what is wrong and what to do is two short lines on every
    platform, each within a phone's width; nothing changed."""
    refused = await learned.run_text(ANA, "/refund bid:#99 reason:outbid", "x1")
    assert refused.error and refused.title == "No bid #99 of yours"
    assert refused.lines == ["/history lists your bids"]
    for s in screens("refused", refused):
        assert [s.headline, *s.lines][0] == "No bid #99 of yours", s
        assert s.widest <= FIRST_WIDTH and len(s.lines) == 1, s
