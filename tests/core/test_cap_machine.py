"""Caps under random interleavings of bids, boosts, refunds, undos, retries, cap changes and
clock jumps, checked against a model written apart from the product's (its own calendar from
``datetime``: the UTC date, the ISO week).

After every bid the product must have refused it exactly when the model says a cap would be
passed, naming that cap; a retried request must replay, never charge or count twice.
Attacks covered by the program space: splitting a bid into small ones, retrying after a
timeout, refunding to make room (it does: refunded Connects were not spent), and lowering a cap
below what was already spent.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from bot.bootstrap import create_app
from core.app import App
from core.base.config import parse
from core.base.keys import Actor, UserRef
from tests import databases

T = TypeVar("T")
START = 1_790_000_000  # Monday 2026-09-21, 14:13 UTC
ANA = Actor(UserRef("console:ana", "ana"), "console")
CAP = st.one_of(st.none(), st.just(0), st.integers(min_value=1, max_value=25))
BOOST_CAP = st.one_of(st.none(), st.just(0), st.integers(min_value=1, max_value=4))


def day(ts: int) -> object:
    return datetime.fromtimestamp(ts, UTC).date()


def week(ts: int) -> object:
    return datetime.fromtimestamp(ts, UTC).isocalendar()[:2]


@dataclass
class Placed:
    number: int
    connects: int
    boost: int
    at: int
    returned: int = 0
    rid: str = ""

    def net(self) -> tuple[int, int]:
        """(Connects, boost) still spent: returns come off the boost first."""
        boost_back = min(self.returned, self.boost)
        return self.connects + self.boost - self.returned, self.boost - boost_back


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> int:
        return self.now


class CapMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = tempfile.mkdtemp(prefix="connects-caps-")
        self.clock = Clock()
        self.app: App | None = None
        self.caps: dict[str, int | None] = {"daily": None, "weekly": None, "boost": None}
        self.bids: list[Placed] = []
        self.n = 0

    def run(self, aw: Awaitable[T]) -> T:
        return self.loop.run_until_complete(aw)

    def rid(self) -> str:
        self.n += 1
        return f"r{self.n}"

    @property
    def a(self) -> App:
        assert self.app is not None
        return self.app

    @initialize()
    def setup(self) -> None:
        path = Path(self.dir) / "c.db"
        self.run(databases.fill_sqlite(path))
        config = parse(
            {
                "storage": {"url": f"sqlite:///{path}", "synchronous": "OFF"},
                "wallet": {"welcome_grant": 10_000, "undo_minutes": 5},
            },
            env={},
        )
        self.app = self.run(create_app(config, self.clock))

    def teardown(self) -> None:
        if self.app is not None:
            self.run(self.app.close())
        self.loop.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # ------------------------------------------------------------------ the model

    def used(self) -> dict[str, int]:
        now = self.clock.now
        today = [b.net() for b in self.bids if day(b.at) == day(now)]
        this_week = [b.net() for b in self.bids if week(b.at) == week(now)]
        return {
            "daily": sum(n for n, _ in today),
            "weekly": sum(n for n, _ in this_week),
            "boost": sum(b for _, b in today),
        }

    def passed(self, connects: int, boost: int) -> str | None:
        """The first cap (daily, weekly, boost) a bid would pass, or ``None``."""
        used = self.used()
        for name, needed in (("daily", connects + boost), ("weekly", connects + boost)):
            cap = self.caps[name]
            if cap is not None and used[name] + needed > cap:
                return name
        cap = self.caps["boost"]
        if boost and cap is not None and used["boost"] + boost > cap:
            return "boost"
        return None

    # ------------------------------------------------------------------ rules

    @rule(daily=CAP, weekly=CAP, boost=BOOST_CAP)
    def set_caps(self, daily: int | None, weekly: int | None, boost: int | None) -> None:
        args = {
            k: ("off" if v == 0 else str(v))
            for k, v in (("daily", daily), ("weekly", weekly), ("boost", boost))
            if v is not None
        }
        reply = self.run(self.a.dispatch(ANA, "limits", args, self.rid()))
        assert not reply.error, reply
        for k, v in (("daily", daily), ("weekly", weekly), ("boost", boost)):
            if v is not None:
                self.caps[k] = None if v == 0 else v

    @rule(connects=st.integers(1, 6), boost=st.integers(0, 3))
    def bid(self, connects: int, boost: int) -> None:
        expected = self.passed(connects, boost)
        rid = self.rid()
        args = {"job": f"job {rid}", "connects": connects, "boost": boost}
        reply = self.run(self.a.dispatch(ANA, "bid", args, rid))
        event(f"bid refused by {expected}" if expected else "bid placed")
        if expected is None:
            assert not reply.error, (str(reply.title), self.caps, self.used())
            number = int(str(reply.title).split("#")[1].split()[0])
            self.bids.append(Placed(number, connects, boost, self.clock.now, rid=rid))
        else:
            assert reply.error, (expected, self.caps, self.used())
            cap = "boost cap" if expected == "boost" else f"{expected} cap"
            assert str(reply.title).startswith(f"Your {cap} has "), (str(reply.title), expected)

    @precondition(lambda self: self.bids)
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        """A placed bid's request delivered again: the same reply, nothing charged."""
        placed = data.draw(st.sampled_from(self.bids))
        before = self.used()
        args = {"job": f"job {placed.rid}", "connects": placed.connects, "boost": placed.boost}
        reply = self.run(self.a.dispatch(ANA, "bid", args, placed.rid))
        assert not reply.error and f"#{placed.number}" in str(reply.title), str(reply.title)
        assert self.used() == before

    @precondition(lambda self: any(b.returned == 0 for b in self.bids))
    @rule(data=st.data(), reason=st.sampled_from(["completed", "outbid"]))
    def refund(self, data: st.DataObject, reason: str) -> None:
        placed = data.draw(st.sampled_from([b for b in self.bids if b.returned == 0]))
        reply = self.run(
            self.a.dispatch(
                ANA, "refund", {"bid": f"#{placed.number}", "reason": reason}, self.rid()
            )
        )
        if reason == "outbid" and placed.boost == 0:
            assert reply.error
            return
        assert not reply.error, str(reply.title)
        event(f"refund {reason}")
        placed.returned = placed.connects + placed.boost if reason == "completed" else placed.boost

    @precondition(lambda self: any(b.returned == 0 for b in self.bids))
    @rule(data=st.data())
    def undo(self, data: st.DataObject) -> None:
        placed = data.draw(st.sampled_from([b for b in self.bids if b.returned == 0]))
        reply = self.run(self.a.dispatch(ANA, "undo", {"bid": f"#{placed.number}"}, self.rid()))
        if self.clock.now - placed.at > 5 * 60:
            assert reply.error
            return
        assert not reply.error, str(reply.title)
        placed.returned = placed.connects + placed.boost

    @rule(seconds=st.sampled_from([60, 3600, 6 * 3600, 86_400, 3 * 86_400]))
    def wait(self, seconds: int) -> None:
        self.clock.now += seconds

    @rule(before=st.booleans())
    def to_midnight(self, before: bool) -> None:
        """To the next 00:00 UTC, or to the last second before it: the boundaries of a day
        and, on Sundays, of a week."""
        midnight = (self.clock.now // 86_400 + 1) * 86_400
        self.clock.now = midnight - 1 if before and midnight - 1 > self.clock.now else midnight

    @rule(hours=st.sampled_from([1, 12, 23]))
    def to_sunday(self, hours: int) -> None:
        """To the coming Sunday (UTC), some hours into it: the week's last day."""
        now = datetime.fromtimestamp(self.clock.now, UTC)
        ahead = (7 - now.isoweekday()) % 7 or 7
        sunday = datetime(now.year, now.month, now.day, tzinfo=UTC).timestamp() + ahead * 86_400
        self.clock.now = int(sunday) + hours * 3600


TestCapMachine = CapMachine.TestCase
TestCapMachine.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
