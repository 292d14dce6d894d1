"""The composition root serves platforms from the registry: notifiers registered while they
run, every platform stopped when one ends or fails, a failed start is exit code 1."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from adapters.discord.config import DiscordConfig
from adapters.served import Served
from adapters.slack.config import SlackConfig
from bot import platforms
from bot.settings import parse
from core.app import App
from core.interface.reply import Button


class Notes:
    async def send_channel(self, scope: str, channel: str, text: str) -> None: ...

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None: ...

    def format_time(self, ts: int) -> str:
        return str(ts)


class Fake(Served):
    def __init__(
        self,
        name: str,
        *,
        fail_start: bool = False,
        end_after: float | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.fail_start = fail_start
        self.end_after = end_after
        self.stopped = False

    async def serve(self, stop: asyncio.Event) -> None:
        if self.fail_start:
            raise RuntimeError(f"{self.name} refused the token")
        self.ready(Notes())
        if self.end_after is not None:
            await asyncio.sleep(self.end_after)
            return
        await stop.wait()
        self.stopped = True


async def test_notifiers_while_running_and_all_stop_when_one_ends(app: App) -> None:
    long, short = Fake("alpha"), Fake("beta", end_after=0.05)
    seen: list[set[str]] = []

    async def watch(stop: asyncio.Event) -> None:
        await asyncio.sleep(0.01)
        seen.append(set(app.notifiers))
        await stop.wait()

    code = await platforms.serve(app, [long, short], asyncio.Event(), [watch])
    assert code == 0
    assert seen == [{"alpha", "beta"}]
    assert long.stopped and app.notifiers == {}


async def test_a_platform_that_cannot_start_stops_the_others(app: App) -> None:
    first, broken = Fake("alpha"), Fake("beta", fail_start=True)
    code = await platforms.serve(app, [first, broken], asyncio.Event())
    assert code == 1
    assert first.stopped and app.notifiers == {}


async def test_stop_ends_serving(app: App) -> None:
    stop = asyncio.Event()
    one = Fake("alpha")
    task = asyncio.create_task(platforms.serve(app, [one], stop))
    for _ in range(1000):  # started: a condition to wait for, not a pause to guess
        if "alpha" in app.notifiers or task.done():
            break
        await asyncio.sleep(0.01)
    assert "alpha" in app.notifiers
    stop.set()
    assert await asyncio.wait_for(task, 5) == 0
    assert one.stopped


def test_registry_enables_platforms_with_credentials(app: App) -> None:
    """Each platform with a token runs; the console only when none has one or when asked."""
    bare = parse({}, env={})
    both = parse({"discord": {"token": "d-token"}, "slack": {"bot_token": "xoxb-1"}}, env={})
    options = platforms.RunOptions(user="sam")
    assert [p.name for p in platforms.enabled(app, bare, options)] == ["console"]
    assert [p.name for p in platforms.enabled(app, both, options)] == ["discord", "slack"]
    asked = platforms.RunOptions(user="sam", console=True)
    assert [p.name for p in platforms.enabled(app, both, asked)] == ["discord", "slack", "console"]
    assert both.section(DiscordConfig).token == "d-token"
    assert both.section(SlackConfig).bot_token == "xoxb-1"
    assert set(both.secrets) == {"d-token", "xoxb-1"}
