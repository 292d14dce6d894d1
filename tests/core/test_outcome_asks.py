"""Outcomes in one tap: a bid without news is asked about privately with buttons, and a press
records what its label says, once, for the bid's author only. On every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.bootstrap import create_app
from bot.notices import tick
from core.app import App
from core.base.config import Config, ConfigError
from core.base.vocabulary import BidStatus
from core.interface.reply import Button, Reply, restored, stored
from core.ledger.outcome_asks import (
    ANSWERS,
    MOST_ASKS,
    PER_MESSAGE,
    ask_text,
    packed,
    parse,
    unpacked,
)
from core.ledger.outcome_asks import buttons as ask_buttons
from core.store.base import Tx
from core.store.tables.asks import Waiting
from tests.conftest import Clock, actor
from tests.core.test_ledger import ok, refused, snapshot

ANA = actor("ana")
BEN = actor("ben")
DAY = 86400
_presses = iter(range(10**9))


class Recorder:
    """What a platform would deliver, with each private notice's buttons."""

    def __init__(self) -> None:
        self.dms: list[tuple[str, str, list[Button]]] = []

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        pass

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        self.dms.append((user_key, text, list(buttons)))

    def format_time(self, ts: int) -> str:
        return f"<at {ts}>"

    def asks(self) -> list[tuple[str, str, list[Button]]]:
        return [d for d in self.dms if d[2]]


@pytest.fixture
def recorder(app: App) -> Recorder:
    rec = Recorder()
    app.notifiers["console"] = rec
    return rec


async def press(app: App, who: Any, button: Button) -> Reply:
    return await app.press(who, button.action, button.value, f"click-{next(_presses)}")


def button(buttons: list[Button], bid: int, answer: str) -> Button:
    [found] = [b for b in buttons if b.label == f"#{bid} {ANSWERS[answer][0]}"]
    return found


async def statuses(app: App) -> list[str]:
    async def read(tx: Tx) -> list[str]:
        return [str(r["status"]) for r in await tx.fetchall("SELECT status FROM bids ORDER BY id")]

    return await app.store.read(read)


async def test_a_bid_without_news_is_asked_about_with_a_row_of_buttons(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """After 7 days without news, one private message: the bid's line and its five buttons on
    a row of their own, each label naming the bid and what it records, for its author only;
    a bid with news is not asked about."""
    await ok(app, ANA, '/bid job:"Logo {design}" connects:4 boost:1')
    await ok(app, ANA, "/bid job:answered connects:2")
    await ok(app, ANA, "/outcome bid:#2 status:interviewing")
    clock.advance(7 * DAY - 60)
    await tick(app)
    assert recorder.asks() == []
    clock.advance(120)
    await tick(app)
    await tick(app)
    [(to, text, buttons)] = recorder.asks()
    assert to == "console:ana"
    assert "#1 Logo {design} · 5 Connects · submitted, no news for 7 days" in text
    assert "#2" not in text
    assert [b.label for b in buttons] == [
        "#1 Viewed",
        "#1 Interviewing",
        "#1 Hired",
        "#1 Lost",
        "#1 No news",
    ]
    assert {b.row for b in buttons} == {0} and {b.only_user for b in buttons} == {"console:ana"}
    assert all(b.text_command == f"/confirm token:{b.value}" for b in buttons)
    assert all(parse(b.value) is not None for b in buttons)


async def test_pressing_records_the_outcome_once(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """Hired records hired; the same button again (a replayed click, a platform's retry)
    changes nothing and says so; the hire counts in /stats."""
    await ok(app, ANA, "/bid job:Logo connects:4")
    clock.advance(8 * DAY)
    await tick(app)
    [(_, _, buttons)] = recorder.asks()
    hired = button(buttons, 1, "hired")
    first = await press(app, ANA, hired)
    assert not first.error and first.title == "Bid #1: hired"
    assert await statuses(app) == ["hired"]
    before = await snapshot(app)
    again = await press(app, ANA, hired)
    assert again.title == "Bid #1: hired" and "nothing changed again" in again.text()
    assert await snapshot(app) == before
    fields = dict((await ok(app, ANA, "/stats period:all")).fields)
    assert fields["Bids"] == "1 · won 1 (100%)"


async def test_another_member_pressing_my_button_is_refused(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """Attack: Ben gets Ana's message forwarded (or reads its code) and presses Lost on her
    bid, by the button and by /confirm. Both are refused and nothing changes; a forged code
    too."""
    await ok(app, ANA, "/bid job:Logo connects:4")
    await ok(app, BEN, "/balance")
    clock.advance(8 * DAY)
    await tick(app)
    [(_, _, buttons)] = recorder.asks()
    lost = button(buttons, 1, "lost")
    before = await snapshot(app)
    reply = await press(app, BEN, lost)
    assert reply.error and "not yours" in reply.title
    await refused(app, BEN, f"/confirm token:{lost.value}", "not yours")
    await refused(app, ANA, "/confirm token:0123456789-hired", "not yours")
    forged = Button("x", "outcome", lost.value.replace("-lost", "-refunded"))
    assert (await press(app, ANA, forged)).error
    assert await snapshot(app) == before
    assert await statuses(app) == ["submitted"]
    # the author's own press still works afterwards, by its text equivalent
    done = await ok(app, ANA, f"/confirm token:{lost.value}")
    assert done.title == "Bid #1: lost"


async def test_a_bid_changed_since_it_was_asked_is_not_overwritten(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """Attack: a stale button after the bid moved on. Refunded since: final, said so. News
    recorded since (/outcome, or another button of the same message): said what it is now,
    with the command that would set it. Marked ghosted meanwhile is no news: the press
    works."""
    for job in ("refunded", "newer", "ghosted"):
        await ok(app, ANA, f"/bid job:{job} connects:4")
    clock.advance(8 * DAY)
    await tick(app)
    [(_, _, buttons)] = recorder.asks()
    assert len(buttons) == 15
    await ok(app, ANA, "/refund bid:#1 reason:client_cancelled")
    await ok(app, ANA, "/outcome bid:#2 status:viewed")
    before = await snapshot(app)
    gone = await press(app, ANA, button(buttons, 1, "hired"))
    assert gone.error and "refunded" in gone.title and "final" in gone.title
    moved = await press(app, ANA, button(buttons, 2, "lost"))
    assert moved.error and "is viewed now" in moved.title
    assert "/outcome bid:#2 status:lost" in moved.title
    assert await snapshot(app) == before
    clock.advance(7 * DAY)
    await tick(app)  # 15 days without news: bid #3 is marked ghosted
    assert await statuses(app) == ["refunded", "viewed", "ghosted"]
    interviewing = await press(app, ANA, button(buttons, 3, "interviewing"))
    assert interviewing.title == "Bid #3: interviewing"
    # the same message's other button for bid #3 now finds news recorded since
    late = await press(app, ANA, button(buttons, 3, "hired"))
    assert late.error and "is interviewing now" in late.title
    assert await statuses(app) == ["refunded", "viewed", "interviewing"]


async def test_a_press_shows_the_messages_other_bids_with_their_buttons(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """The reply to a press replaces the message where the platform edits it: the other
    bids still asked about keep their buttons; answered ones drop out, and so do those with
    news recorded since (their buttons would change nothing)."""
    for job in ("a", "b", "c", "d"):
        await ok(app, ANA, f"/bid job:{job} connects:1")
    clock.advance(8 * DAY)
    await tick(app)
    [(_, _, buttons)] = recorder.asks()
    assert {b.label.split()[0] for b in buttons} == {"#1", "#2", "#3"}
    await ok(app, ANA, "/outcome bid:#3 status:lost")
    reply = await press(app, ANA, button(buttons, 2, "viewed"))
    assert {b.label.split()[0] for b in reply.buttons} == {"#1"}
    assert {b.row for b in reply.buttons} == {0}
    reply = await press(app, ANA, button(reply.buttons, 1, "none"))
    assert reply.title == "Bid #1: no news" and reply.buttons == []


async def test_no_news_keeps_it_awaiting_and_asks_again_later_at_most_twice(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """No news records no status and no news (the ghost clock runs on); the bid is not asked
    again for 14 days, then once more, then never."""
    await ok(app, ANA, "/bid job:quiet connects:1")
    clock.advance(7 * DAY + 60)
    await tick(app)
    [(_, _, buttons)] = recorder.asks()
    reply = await press(app, ANA, button(buttons, 1, "none"))
    assert "asked again in 14 days" in reply.text()
    assert await statuses(app) == ["submitted"]
    for _ in range(13):
        clock.advance(DAY)
        await tick(app)
    assert len(recorder.asks()) == 1
    assert await statuses(app) == ["ghosted"]  # 14 days without news: No news is no news
    clock.advance(DAY + 60)
    await tick(app)
    [_, (_, _, second)] = recorder.asks()
    reply = await press(app, ANA, button(second, 1, "none"))
    assert "not asked again" in reply.text()
    for _ in range(60):
        clock.advance(DAY)
        await tick(app)
    assert len(recorder.asks()) == MOST_ASKS


async def test_a_flood_of_bids_is_asked_about_a_few_a_day(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """Attack: a flood of asks. Ten silent bids: at most one message a day, at most three bids
    each, each bid asked at most twice ever however many passes run; a user with notices off
    gets none."""
    await ok(app, ANA, "/buy connects:100")
    for i in range(10):
        await ok(app, ANA, f"/bid job:job{i} connects:1")
        await ok(app, BEN, f"/bid job:ben{i} connects:1")
    await ok(app, BEN, "/notices off")
    clock.advance(7 * DAY + 60)
    asked: dict[int, int] = {}
    seen = 0
    for day in range(60):
        for _ in range(3):
            await tick(app)
        messages = recorder.asks()
        assert len(messages) - seen <= 1, f"day {day}: {len(messages) - seen} messages"
        for _, _, buttons in messages[seen:]:
            bids = {int(b.label.split()[0][1:]) for b in buttons}
            assert len(bids) <= PER_MESSAGE
            for bid in bids:
                asked[bid] = asked.get(bid, 0) + 1
        seen = len(messages)
        clock.advance(DAY)
    assert all(to == "console:ana" for to, _, _ in recorder.asks())
    assert len(asked) == 10 and set(asked.values()) == {MOST_ASKS}


async def test_outcomes_lists_bids_awaiting_news_with_exact_commands(
    app: App, clock: Clock
) -> None:
    """/outcomes (the console's and exec's view) lists bids awaiting news, longest first,
    with the exact /outcome lines; bids with an outcome or refunded are not listed."""
    await ok(app, ANA, "/bid job:old connects:2")
    clock.advance(3 * DAY)
    await ok(app, ANA, "/bid job:new connects:3")
    await ok(app, ANA, "/bid job:won connects:3")
    await ok(app, ANA, "/outcome bid:#3 status:hired")
    reply = await ok(app, ANA, "/outcomes")
    text = reply.full().text()  # each bid's commands: its details
    assert reply.title == "Awaiting news: 2"
    assert text.index("#1 old") < text.index("#2 new")
    for status in ("viewed", "interviewing", "hired", "lost"):
        assert f"/outcome bid:#2 status:{status}" in text
    assert "#3" not in text
    assert (await ok(app, BEN, "/outcomes")).title == "Awaiting news: none"


async def test_presses_at_once_from_two_bot_instances_record_one_outcome(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """Attack: a replayed press racing itself, and two different buttons of one bid pressed at
    once, through two bot instances on one database: one outcome is recorded, the other press
    says what the bid is now; the same button twice records once."""
    first = await create_app(make_config(), clock)
    second = await create_app(make_config(), clock)
    rec = Recorder()
    first.notifiers["console"] = rec
    try:
        await ok(first, ANA, "/bid job:a connects:1")
        await ok(first, ANA, "/bid job:b connects:1")
        clock.advance(8 * DAY)
        await tick(first)
        [(_, _, buttons)] = rec.asks()
        hired, lost = button(buttons, 1, "hired"), button(buttons, 1, "lost")
        replies = await asyncio.gather(press(first, ANA, hired), press(second, ANA, lost))
        assert sorted(r.error for r in replies) == [False, True]
        [won] = [r for r in replies if not r.error]
        [beaten] = [r for r in replies if r.error]
        assert f"is {won.title.split(': ')[1]} now" in beaten.title
        twice = await asyncio.gather(
            *(press(a, ANA, button(buttons, 2, "viewed")) for a in (first, second))
        )
        assert [r.title for r in twice] == ["Bid #2: viewed"] * 2
        assert await statuses(first) == [won.title.split(": ")[1], "viewed"]
    finally:
        await first.close()
        await second.close()


async def test_outcome_after_days_zero_never_asks(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """``[notices] outcome_after_days = 0`` turns the asks off; a bad value is refused."""
    app = await create_app(make_config(notices={"outcome_after_days": 0}), clock)
    rec = Recorder()
    app.notifiers["console"] = rec
    try:
        await ok(app, ANA, "/bid job:a connects:1")
        clock.advance(30 * DAY)
        await tick(app)
        assert rec.asks() == []
    finally:
        await app.close()
    with pytest.raises(ConfigError, match="outcome_again_days"):
        make_config(notices={"outcome_again_days": 0})


@given(
    job=st.text(min_size=1, max_size=80),
    token=st.text(alphabet="0123456789abcdef", min_size=10, max_size=10),
    bid=st.integers(min_value=1, max_value=10**12),
)
def test_an_asks_text_and_buttons_survive_being_kept(job: str, token: str, bid: int) -> None:
    """Attack: a job title is a third party's words (``{when}``, ``{/pool add}``, braces,
    ``-hired``): kept with the notice and read back for delivery, the text lists it as written
    and every button comes back as it was, its code naming exactly its bid's ask and answer."""
    waiting = Waiting(bid, job, 4, 1, 0, BidStatus.SUBMITTED, 0, 0)
    text = ask_text([waiting], 8 * DAY, 14)
    assert restored(stored(text), None) == text
    assert job[:59] in restored(stored(text), None)
    shown = ask_buttons(token, bid, "console:ana", 0)
    back = unpacked(packed(shown))
    assert back == shown
    assert [parse(b.value) for b in back] == [(token, answer) for answer in ANSWERS]
    assert {b.text_command for b in back} == {f"/confirm token:{b.value}" for b in shown}
    assert parse(f"{token}-{job}") is None or job in ANSWERS
