"""The wallet's two limits, each one rule used by every command it governs: ``[wallet]
max_balance`` for /buy, /reconcile and the monthly grant (pools have none), and the undo window
for /undo and /void, to the second."""

from __future__ import annotations

from collections.abc import Callable

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.interface.reply import Reply
from tests.conftest import Clock, actor

ANA = actor("ana")
DAY = 86400
_ids = iter(range(1, 10**9))


async def _run(app: App, text: str) -> Reply:
    return await app.run_text(ANA, text, f"rules-{next(_ids)}")


async def _ok(app: App, text: str) -> Reply:
    reply = await _run(app, text)
    assert not reply.error, reply.text()
    return reply


async def _refused(app: App, text: str, fragment: str) -> None:
    reply = await _run(app, text)
    assert reply.error and fragment in reply.text(), reply.text()


async def test_maximum_balance_everywhere(make_config: Callable[..., Config], clock: Clock) -> None:
    """A wallet never goes over the maximum by a purchase, a reconcile or a grant (which is
    cut to what fits); a pool's top-up is not limited."""
    app = await create_app(make_config(wallet={"max_balance": 100, "monthly_grant": 50}), clock)
    try:
        assert (await _ok(app, "/balance")).title == "60 Connects"
        await _refused(app, "/buy connects:41", "Buy at most 40")
        await _ok(app, "/buy connects:40")
        await _refused(app, "/reconcile connects:101", "maximum of 100")
        await _ok(app, "/reconcile connects:100")
        await _ok(app, "/pool create name:agency")
        await _ok(app, "/pool topup name:agency connects:500")
        clock.advance(31 * DAY)
        assert (await _ok(app, "/balance")).title.startswith("100 Connects")
        await _ok(app, "/bid job:x connects:30")
        clock.advance(31 * DAY)
        assert (await _ok(app, "/balance")).title.startswith("100 Connects")  # 30 of the 50
    finally:
        await app.close()


async def test_undo_window_to_the_second(app: App, clock: Clock) -> None:
    """/undo and /void take back what is exactly five minutes old, and nothing older."""
    await _ok(app, "/bid job:a connects:1")
    await _ok(app, "/bid job:b connects:1")
    await _ok(app, "/buy connects:10")
    await _ok(app, "/buy connects:10")
    clock.advance(5 * 60)
    await _ok(app, "/undo bid:#1")
    await _ok(app, "/void purchase:#2")
    clock.advance(1)
    await _refused(app, "/undo bid:#2", "older than 5 minutes")
    await _refused(app, "/void purchase:#3", "older than 5 minutes")
