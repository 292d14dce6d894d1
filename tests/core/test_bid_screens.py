"""/bid image: screenshots of a job page read before the change into the post they show, then
bid on as that post pasted would be (its stated cost first). A cost the screenshots show but
that was not read clearly is refused naming its line, and nothing is spent: a bid never spends
a guessed number. The recogniser is replaced here by a reader that returns the lines a page
would give (the real one is tested on the corpus, through exec and through Discord)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from core.app import App
from core.interface.reply import Reply
from core.interface.uploads import Images
from core.quotes.jobquote import unread_cost
from core.quotes.screens.lines import HIDDEN, Page
from core.store.base import Tx
from tests.conftest import actor

ANA = actor("ana")
LINES = (
    "Senior Python developer for a scraping tool",
    "Posted 2 weeks ago",
    "Hourly: $25-$40",
    "Expert",
    "Payment method verified",
    "$12K total spent",
    "United States",
)
COST = "Required Connects to submit a proposal: 13"
UNCLEAR_COST = f"Required Connects to submit a proposal: {HIDDEN}"
UNCLEAR_N = f"{HIDDEN} Connects"
SHOT = Images((("shot.png", b"\x89PNG stand-in bytes"),))


class Reader:
    """Stands in for the worker pool: the page it is given, and who asked for what."""

    def __init__(self, lines: Sequence[str], unclear: Sequence[str] = ()) -> None:
        self.page = Page(tuple(lines), tuple(unclear))
        self.calls: list[tuple[str, int]] = []

    async def read(self, user: str, shots: Sequence[tuple[str, bytes]]) -> Page:
        self.calls.append((user, len(shots)))
        return self.page

    def close(self) -> None:
        """Nothing to stop."""


def reading(app: App, lines: Sequence[str], unclear: Sequence[str] = ()) -> Reader:
    reader = Reader(lines, unclear)
    app.services.__dict__["screens"] = reader  # the services' cached reader, replaced
    return reader


async def bid(app: App, request_id: str, **options: object) -> Reply:
    return await app.dispatch(ANA, "bid", {"image": SHOT, **options}, request_id)  # type: ignore[arg-type]


async def spent(app: App) -> list[tuple[str, int, str | None]]:
    async def read(tx: Tx) -> list[tuple[str, int, str | None]]:
        rows = await tx.fetchall("SELECT job, connects, title FROM bids ORDER BY id")
        return [(r["job"], r["connects"], r["title"]) for r in rows]

    return await app.store.read(read)


async def test_a_screenshot_is_bid_on_at_the_cost_it_states(app: App) -> None:
    """The cost the screenshot states is spent, the job and title are the post's, and the
    wallet moves by exactly that."""
    reader = reading(app, (*LINES, COST))
    reply = await bid(app, "b1")
    assert reply.title == "Bid #1 placed", reply.text()
    assert "13 Connects from your wallet" in reply.text()
    assert "estimated" not in reply.text()
    assert reader.calls == [("console:ana", 1)]
    title = LINES[0]
    assert await spent(app) == [(title, 13, title)]
    balance = await app.run_text(ANA, "/balance", "b2")
    assert "47" in balance.title  # the 60 welcome Connects less 13


async def test_a_cost_not_read_clearly_is_refused_naming_its_line(app: App) -> None:
    """Attack: a member smudges the cost on the screenshot (or shares a blurred one), hoping
    the bot spends a guess lower than Upwork's cost. The recogniser's unclear number is
    hidden, the bid is refused naming the line and asking for connects:, and nothing is
    spent; with connects: typed, the same screenshot is bid on at what was typed."""
    reading(app, (*LINES, UNCLEAR_COST), (UNCLEAR_COST,))
    reply = await bid(app, "b1")
    assert reply.error
    said = reply.text()
    assert "Not read clearly: 'Required Connects to submit a proposal: \u2047'" in said
    assert "add connects:" in said and "Nothing was spent" in said
    assert "\n" not in said.strip()
    assert await spent(app) == []
    typed = await bid(app, "b2", connects=13)
    assert typed.title == "Bid #1 placed", typed.text()
    assert [c for _, c, _ in await spent(app)] == [13]


async def test_a_cost_line_without_its_number_is_refused_too(app: App) -> None:
    """The cost's label read, its number dropped (too blurred to be found at all): the label
    line is named, never a guess from the heuristic or a learned model."""
    label = "Required Connects to submit a proposal:"
    reading(app, (*LINES, label))
    reply = await bid(app, "b1")
    assert reply.error and f"Not read clearly: {label!r}" in reply.text()
    assert await spent(app) == []


async def test_a_screenshot_without_a_cost_follows_the_pasted_posts_rule(app: App) -> None:
    """No cost on the screenshot and no unclear line: as a pasted post without a cost, the
    bid asks for connects: (the default heuristic only has a range)."""
    reading(app, LINES)
    reply = await bid(app, "b1")
    assert reply.error and "connects: is needed: the post states none" in reply.text()
    assert await spent(app) == []


async def test_an_unclear_line_other_than_the_cost_does_not_stop_the_bid(app: App) -> None:
    """The client's spend read unclearly, the cost clearly: the bid goes ahead at the cost;
    the spend is simply not a fact of the bid."""
    spend = f"${HIDDEN}K total spent"
    lines = [spend if line.endswith("total spent") else line for line in LINES]
    reading(app, (*lines, COST), (spend,))
    reply = await bid(app, "b1")
    assert reply.title == "Bid #1 placed", reply.text()


async def test_an_invited_proposal_needs_no_cost(app: App) -> None:
    """invited:true costs 0 Connects: an unclear cost line does not stop it."""
    reading(app, (*LINES, UNCLEAR_COST), (UNCLEAR_COST,))
    reply = await bid(app, "b1", invited=True)
    assert reply.title == "Bid #1 placed", reply.text()
    assert [c for _, c, _ in await spent(app)] == [0]


async def test_a_screenshot_showing_no_job_is_one_line(app: App) -> None:
    """A photo of something else reads no post: one line, nothing spent."""
    reading(app, ("Holiday in Lisbon", "Sunset"))
    reply = await bid(app, "b1")
    assert reply.error and "no job post found in the screenshot" in reply.text()
    assert await spent(app) == []


async def test_a_retried_bid_on_a_screenshot_is_placed_once(app: App) -> None:
    """The same request delivered twice (Discord retrying): one bid, the same reply."""
    reading(app, (*LINES, COST))
    first = await bid(app, "b1")
    again = await bid(app, "b1")
    assert again.text() == first.text()
    assert len(await spent(app)) == 1


async def test_a_retry_read_a_little_differently_is_still_the_same_request(app: App) -> None:
    """Read again on a retry, the same screenshots may give a line spaced otherwise (read
    whole the first time, in two parts the second): the request is the same images, so it is
    placed once. Other images under the same request id are refused, nothing spent twice."""
    reader = reading(app, (*LINES, COST))
    first = await bid(app, "b1")
    reader.page = Page((*LINES[:-1], "UnitedStates", COST), ())
    again = await bid(app, "b1")
    assert again.text() == first.text()
    other = Images((("other.png", b"\x89PNG other bytes"),))
    refused = await app.dispatch(ANA, "bid", {"image": other}, "b1")
    assert refused.error and "already used for a different command" in refused.text()
    assert len(await spent(app)) == 1


async def test_a_message_with_a_link_beside_its_screenshots_is_one_post(app: App) -> None:
    """A message's text with its screenshots is read first, as one post: the bid's job is the
    link, so a pool's duplicate guard knows it. Typed, a post beside the images is one or
    the other, and nothing is read."""
    reader = reading(app, (*LINES, COST))
    link = "https://www.upwork.com/jobs/~01abcdef1234567890"
    typed = await bid(app, "b0", post=link)
    assert typed.error and "not both" in typed.text()
    assert reader.calls == []
    args = {"image": SHOT, "post": link}
    reply = await app.dispatch(ANA, "bid", args, "b1", from_message=True)  # type: ignore[arg-type]
    assert reply.title == "Bid #1 placed", reply.text()
    assert await spent(app) == [(link, 13, LINES[0])]


@pytest.mark.parametrize(
    ("lines", "unclear", "named"),
    [
        ((*LINES, UNCLEAR_COST), (UNCLEAR_COST,), UNCLEAR_COST),
        (("Send a proposal for:", "8 Connects"), (), "Send a proposal for:"),
        ((UNCLEAR_N, "Available Connects: 40"), (UNCLEAR_N,), UNCLEAR_N),
        (("Available Connects: " + HIDDEN,), ("Available Connects: " + HIDDEN,), None),
        (LINES, (), None),
    ],
)
def test_the_unread_cost_line_is_the_cost_not_the_balance(
    lines: tuple[str, ...], unclear: tuple[str, ...], named: str | None
) -> None:
    """The line named is one that shows the cost (its label, or an unclear number of
    Connects); an unclear balance is not a cost."""
    assert unread_cost(lines, unclear) == named
