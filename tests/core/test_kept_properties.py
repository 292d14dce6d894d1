"""Property: any kept bid (a quote's Bid button, a pool duplicate's Confirm) invoked any number
of times, through any mix of its button, the Confirm button, ``/confirm`` and retries of each
(some at the same moment), places at most one bid, at the number its label showed. On both
databases; CI runs Hypothesis derandomized."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Awaitable, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import create_app
from core.app import App
from core.config import parse
from core.reply import Reply
from core.store.base import Tx
from tests.conftest import Clock, actor

POST = """Data pipeline in Python
Fixed-price
$800
Required Connects to submit a proposal: 20
https://www.upwork.com/jobs/~01aaaabbbbcccc{n:04d}
"""

_people = itertools.count(1)
WAYS = ("button", "confirm button", "/confirm", "retry")

steps = st.lists(
    st.lists(st.tuples(st.sampled_from(WAYS), st.integers(0, 2)), min_size=1, max_size=3),
    min_size=1,
    max_size=5,
)


async def _kept(app: App, kind: str, n: int, connects: int, boost: int) -> tuple[str, int, str]:
    """A kept bid of ``kind`` for a new member: (its code, the total its label showed, the
    member's key)."""
    who = actor(f"m{n}")
    if kind == "bid":
        post = POST.format(n=n)
        quote = await app.run_text(who, f"/quote boost:{boost} post:{post}", f"q{n}")
        [bid] = [b for b in quote.buttons if b.action == "bid"]
        total = int(re.fullmatch(r"Bid (\d+) Connects?", bid.label).group(1))  # type: ignore[union-attr]
        assert total == 20 + boost
        return bid.value, total, who.user.key
    pool = f"p{n}"
    for line in (f"/pool create name:{pool}", f"/pool topup name:{pool} connects:100"):
        assert not (await app.run_text(who, line, f"{line}{n}")).error
    first = f"/bid pool:{pool} job:Logo{n} connects:1"
    assert not (await app.run_text(who, first, f"b{n}")).error
    again = f"/bid pool:{pool} job:Logo{n} connects:{connects} boost:{boost}"
    refused = await app.run_text(who, again, f"r{n}")
    assert refused.needs_confirmation
    total = int(re.search(r"confirm to bid (\d+) Connects? anyway", refused.lines[0]).group(1))  # type: ignore[union-attr]
    assert total == connects + boost
    [confirm] = refused.buttons
    return confirm.value, total, who.user.key


async def _scenario(
    url: str, kind: str, connects: int, boost: int, batches: list[list[tuple[str, int]]]
) -> None:
    config = parse({"storage": {"url": url, "synchronous": "NORMAL"}}, env={})
    app = await create_app(config, Clock())
    try:
        n = next(_people)
        code, total, key = await _kept(app, kind, n, connects, boost)
        who = actor(f"m{n}")
        clicks = itertools.count()

        def invoke(way: str, retry_of: int) -> Callable[[], Awaitable[Reply]]:
            if way == "button":
                action = "bid" if kind == "bid" else "confirm"
                return lambda: app.press(who, action, code, f"click-{next(clicks)}")
            if way == "confirm button":
                return lambda: app.press(who, "confirm", code, f"click-{next(clicks)}")
            if way == "/confirm":
                return lambda: app.run_text(who, f"/confirm token:{code}", f"t-{next(clicks)}")
            # a platform redelivering an earlier click: the same request id again
            return lambda: app.press(who, "bid", code, f"click-{retry_of}")

        replies: list[Reply] = []
        for batch in batches:
            replies += await asyncio.gather(*(invoke(w, r)() for w, r in batch))

        async def mine(tx: Tx) -> list[tuple[int, int, int]]:
            found = await tx.fetchall(
                "SELECT id, connects, boost FROM bids WHERE bidder = :b ORDER BY id", {"b": key}
            )
            return [(int(r["id"]), int(r["connects"]), int(r["boost"])) for r in found]

        # a Confirm's member made the pool's first bid on the job themselves
        placed = (await app.store.read(mine))[0 if kind == "bid" else 1 :]
        assert len(placed) == 1, (placed, [r.title for r in replies])
        [(bid, c, b)] = placed
        assert c + b == total
        assert all(r.title.startswith(f"Bid #{bid} ") for r in replies), [r.title for r in replies]
    finally:
        await app.close()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["bid", "confirm"]),
    connects=st.integers(1, 9),
    boost=st.integers(0, 3),
    batches=steps,
)
def test_a_kept_bid_is_placed_once_at_its_labels_number(
    db_url: str, kind: str, connects: int, boost: int, batches: list[list[tuple[str, int]]]
) -> None:
    asyncio.run(_scenario(db_url, kind, connects, boost, batches))
