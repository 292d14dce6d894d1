"""Notices that arrive on their own, with a controllable clock."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bot.bootstrap import create_app
from bot.notices import tick
from core.app import App
from core.base.config import Config
from core.interface.reply import Button
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.test_ledger import assert_ledger_consistent, ok, refused

ANA = actor("ana")
BEN = actor("ben")
DAY = 86400


class Recorder:
    """Collects what a platform would deliver; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail = False

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        if self.fail:
            raise ConnectionError("platform down")
        self.sent.append(("channel", channel, text))

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        if self.fail:
            raise ConnectionError("platform down")
        self.sent.append(("dm", user_key, text))

    def format_time(self, ts: int) -> str:
        return f"<at {ts}>"


@pytest.fixture
def recorder(app: App) -> Recorder:
    rec = Recorder()
    app.notifiers["console"] = rec
    return rec


async def test_low_balance_once_a_day(app: App, clock: Clock, recorder: Recorder) -> None:
    """A pool below its threshold is announced once, then at most once a day while low."""
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool topup name:agency connects:30")
    await ok(app, ANA, "/pool threshold name:agency connects:25 channel:bids")
    await tick(app)
    assert recorder.sent == []
    await ok(app, ANA, "/bid job:a connects:6 pool:agency")
    await tick(app)
    await tick(app)
    assert len(recorder.sent) == 1
    kind, channel, text = recorder.sent[0]
    assert (kind, channel) == ("channel", "bids")
    assert "Pool agency is low: 24 Connects left" in text
    clock.advance(23 * 3600)
    await tick(app)
    assert len(recorder.sent) == 1
    clock.advance(2 * 3600)
    await tick(app)
    assert len(recorder.sent) == 2
    await ok(app, ANA, "/pool topup name:agency connects:30")
    clock.advance(2 * DAY)
    await tick(app)
    assert len(recorder.sent) == 2


async def test_expiry_warnings_and_entries(app: App, clock: Clock, recorder: Recorder) -> None:
    """A week and a day before purchased Connects expire, one private message each; then the
    lot leaves as an expiry entry."""
    await ok(app, ANA, "/buy connects:20")
    expires = clock.now + 365 * DAY
    clock.now = expires - 8 * DAY
    await tick(app)
    assert recorder.sent == []
    clock.now = expires - 7 * DAY
    await tick(app)
    await tick(app)
    assert recorder.sent == [
        (
            "dm",
            "console:ana",
            f"⏳ 20 Connects expire <at {expires}>. "
            "Spend them first: bids use the oldest Connects.",
        )
    ]
    clock.now = expires - DAY + 60
    await tick(app)
    assert len(recorder.sent) == 2
    clock.now = expires + 1
    await tick(app)
    assert len(recorder.sent) == 2

    async def entries(tx: Tx) -> list[int]:
        rows = await tx.fetchall("SELECT delta FROM entries WHERE kind = 'expiry'")
        return [int(r["delta"]) for r in rows]

    assert await app.store.read(entries) == [-20]
    await assert_ledger_consistent(app)
    assert (await ok(app, ANA, "/balance")).title == "60 Connects"


async def test_notices_off(app: App, clock: Clock, recorder: Recorder) -> None:
    """A user who turned notices off gets no private notice; on again, they resume."""
    await ok(app, ANA, "/buy connects:20")
    assert (await ok(app, ANA, "/notices off")).title == "Notices off"
    await ok(app, ANA, '/bid job:"quiet one" connects:2')
    clock.advance(360 * DAY)
    await tick(app)
    assert recorder.sent == []
    await ok(app, ANA, "/notices on")
    clock.advance(2 * DAY)
    await tick(app)
    assert [kind for kind, _, _ in recorder.sent] == ["dm", "dm"]
    await refused(app, ANA, "/notices maybe", "not one of on, off")


async def test_ghosted_bids_are_marked_and_asked_about(
    app: App, clock: Clock, recorder: Recorder
) -> None:
    """Bids with no news for 14 days become ghosted; bids without news are asked about with
    buttons (tests/core/test_outcome_asks.py), not listed in a digest."""
    await ok(app, ANA, '/bid job:"Silent client" connects:4 boost:1')
    await ok(app, ANA, "/bid job:answered connects:2")
    await ok(app, ANA, "/outcome bid:#2 status:interviewing")
    clock.advance(13 * DAY)
    await tick(app)
    assert [text.split("\n")[1] for _, _, text in recorder.sent] == [
        "#1 Silent client · 5 Connects · submitted, no news for 13 days"
    ]
    clock.advance(2 * DAY)
    await tick(app)
    await ok(app, ANA, "/bid job:later connects:3")
    clock.advance(15 * DAY)
    await tick(app)
    assert len(recorder.sent) == 2 and "#3 later" in recorder.sent[1][2]

    async def statuses(tx: Tx) -> list[str]:
        return [str(r["status"]) for r in await tx.fetchall("SELECT status FROM bids ORDER BY id")]

    assert await app.store.read(statuses) == ["ghosted", "interviewing", "ghosted"]
    fields = dict((await ok(app, ANA, "/stats period:all")).fields)
    assert fields["Ghosted"] == "2 bids · 8 Connects"


async def test_monthly_grant_job(make_config: Callable[..., Config], clock: Clock) -> None:
    """The monthly grant is credited on the anniversary day, once, with a notice."""
    app = await create_app(make_config(wallet={"monthly_grant": 10}), clock)
    rec = Recorder()
    app.notifiers["console"] = rec
    try:
        await ok(app, ANA, "/balance")
        clock.advance(29 * DAY)  # the clock starts on 21 September: a month is 30 days
        await tick(app)
        assert rec.sent == []
        clock.advance(2 * DAY)
        await tick(app)
        await tick(app)
        assert rec.sent == [("dm", "console:ana", "🎁 Your monthly 10 Connects arrived.")]
        assert (await ok(app, ANA, "/balance")).title == "70 Connects"
    finally:
        await app.close()


async def test_failed_delivery_retried(app: App, clock: Clock, recorder: Recorder) -> None:
    """A failed send stays pending and is retried after its lease, not before."""
    await ok(app, ANA, "/buy connects:20")
    clock.now += 360 * DAY
    recorder.fail = True
    await tick(app)
    recorder.fail = False
    await tick(app)
    assert recorder.sent == []
    clock.advance(301)
    await tick(app)
    assert len(recorder.sent) == 1


async def test_two_apps_send_once(make_config: Callable[..., Config], clock: Clock) -> None:
    """Two bot instances on one database running the jobs at the same moment send once."""
    first = await create_app(make_config(), clock)
    second = await create_app(make_config(), clock)
    rec = Recorder()
    first.notifiers["console"] = rec
    second.notifiers["console"] = rec
    try:
        await ok(first, ANA, "/buy connects:20")
        await ok(first, BEN, '/bid job:"ghost" connects:1')
        clock.advance(360 * DAY)
        await asyncio.gather(tick(first), tick(second), tick(first), tick(second))
        assert sorted(kind + target for kind, target, _ in rec.sent) == [
            "dmconsole:ana",
            "dmconsole:ben",
        ]
    finally:
        await first.close()
        await second.close()


@pytest.mark.slow
async def test_two_processes_send_once(db_url: str, tmp_path: Path, clock: Clock) -> None:
    """Two OS processes running the notice pass at once on one database send each notice once."""
    app = await create_app(
        __import__("core.base.config", fromlist=["parse"]).parse(
            {"storage": {"url": db_url}, "wallet": {"monthly_grant": 5}}, env={}
        ),
        clock,
    )
    try:
        for name in ("ana", "ben", "cleo"):
            await ok(app, actor(name), "/buy connects:20")
            await ok(app, actor(name), f"/bid job:{name}-job connects:1")
    finally:
        await app.close()
    out = tmp_path / "sent.txt"
    now = clock.now + 360 * DAY
    worker = Path(__file__).with_name("_notice_worker.py")
    root = Path(__file__).parents[2]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(worker),
            db_url,
            str(now),
            str(out),
            cwd=root,
            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        )
        for _ in range(2)
    ]
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), 60)
    assert codes == [0, 0]
    lines = out.read_text().splitlines()
    bodies = sorted(line.split(" ", 1)[1] for line in lines)
    # per user: one expiry warning, one outcome ask, one monthly grant
    assert len(bodies) == 9, lines
    assert len(set(bodies)) == 9
