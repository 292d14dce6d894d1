"""Replies say what happened in words people read, and commands without options do the
obvious thing: /undo alone undoes the caller's last bid, /notices alone says which they are."""

from __future__ import annotations

from itertools import count

from hypothesis import given
from hypothesis import strategies as st

from core.app import App
from core.base.keys import Actor
from core.interface.reply import Reply, plural, words
from tests.conftest import actor

ANA = actor("ana")
BEN = actor("ben")
_ids = count()


async def run(app: App, who: Actor, text: str) -> Reply:
    return await app.run_text(who, text, f"w-{next(_ids)}")


async def test_undo_alone_takes_back_only_the_last_bid(app: App) -> None:
    """/undo without a number undoes the caller's newest bid; a second /undo is refused
    rather than reaching back to an older bid (the attack: a repeated or double-sent /undo
    silently taking bids the user meant to keep), and never touches another member's bid."""
    refused = await run(app, ANA, "/undo")
    assert refused.error and "no bid to undo" in refused.title
    await run(app, ANA, "/bid job:Logo connects:3")
    await run(app, BEN, "/bid job:Theirs connects:2")
    await run(app, ANA, "/bid job:Site connects:2")
    done = await run(app, ANA, "/undo")
    assert not done.error and done.title == "Bid #3 undone"
    again = await run(app, ANA, "/undo")
    assert again.error and "#3" in again.title
    balance = await run(app, ANA, "/balance")
    assert "57" in balance.text()  # bid #1's 3 Connects still spent
    theirs = await run(app, BEN, "/balance")
    assert "58" in theirs.text()


async def test_notices_alone_says_which_they_are(app: App) -> None:
    """/notices without a state changes nothing and says the current state."""
    first = await run(app, ANA, "/notices")
    assert first.title == "Notices are on"
    await run(app, ANA, "/notices off")
    assert (await run(app, ANA, "/notices")).title == "Notices are off"
    assert (await run(app, ANA, "/notices")).title == "Notices are off"


async def test_a_partial_refund_says_what_came_back(app: App) -> None:
    """An outbid refund says it returned the boost of a bid's total, never "Bid #1 of 6";
    a reason reads as words."""
    await run(app, ANA, "/bid job:Logo connects:4 boost:2")
    reply = await run(app, ANA, "/refund bid:#1 reason:outbid")
    assert reply.lines[:3] == ["Bid #1", "outbid", "the boost only, of 6 Connects"]
    await run(app, ANA, "/bid job:Site connects:4")
    whole = await run(app, ANA, "/refund bid:#2 reason:client_cancelled")
    assert whole.lines[0] == "Bid #2 · client cancelled"


@given(st.integers(0, 10**9))
def test_counts_have_separators_and_agree_in_number(n: int) -> None:
    """``1 Connect``, ``1,000 Connects``: digits grouped by thousands, the noun singular
    only for one."""
    text = plural(n, "bid")
    number, noun = text.split(" ")
    assert int(number.replace(",", "")) == n
    assert noun == ("bid" if n == 1 else "bids")
    assert all(len(g) == 3 for g in number.split(",")[1:])


def test_stored_words_read_as_words() -> None:
    """A snake_case value reads with spaces."""
    assert words("client_cancelled") == "client cancelled"


@given(st.integers(0, 29))
def test_a_model_short_of_bids_never_says_it_is_fitted(have: int) -> None:
    """Below the bids a model needs, /model says how many more and that the heuristic
    answers; it never calls the model fitted in the same breath."""
    from core.quotes.learning.models import judge

    in_use, why = judge(have, 30, None, None)
    assert not in_use
    assert "fitted" not in why and f"{30 - have} more" in why
    assert ("1 stated bid " if have == 1 else f"{have} stated bids ") in why


async def test_a_bid_from_a_post_shows_its_title_with_the_link(app: App) -> None:
    """/bid post: answers with the job's title first and its link in the details, not the
    link alone; the cost it states is charged, not called estimated. /history names the
    entry by its title too, its link in the details."""
    from pathlib import Path

    post = (Path(__file__).parent / "jobposts" / "desktop_current.txt").read_text()
    reply = await run(app, ANA, f"/bid post:{post}")
    assert not reply.error, reply.title
    assert reply.lines[0] == "Shopify developer to speed up a fashion store"
    assert not any("upwork.com" in x for x in reply.lines)
    assert any(x.startswith("Job: https://www.upwork.com/jobs/") for x in reply.full().lines)
    assert not any("estimated" in x for x in reply.lines)
    history = (await run(app, ANA, "/history limit:1")).full()
    assert history.lines[1] == "#1 Shopify developer to speed up a fashion store → 44"
    assert history.lines[-2:][0] == "Links:"
    assert history.lines[-1].startswith("#1 https://www.upwork.com/jobs/")
    waiting = await run(app, ANA, "/outcomes")
    # the title names the bid, not its bare link (a clause a line on a phone)
    assert "#1 Shopify developer to speed up a fashion store" in map(str, waiting.lines), waiting
    assert not any(str(x).startswith("#1 https://") for x in waiting.lines), waiting
