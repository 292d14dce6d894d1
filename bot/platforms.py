"""The platforms the bot can serve, in one registry, and the loop that serves them.

A platform is anything with ``start``, ``wait``, ``stop`` and a ``notifier`` (the
:class:`Platform` protocol). Each registration names its config section (owned by its
adapter), when it is enabled, and how to build it; the adapter's modules are imported only
when it is built, so one-shot commands never load discord.py or slack-bolt. A new platform is
one adapter package and one entry in :data:`REGISTRY`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from adapters.discord.config import SECTION as DISCORD_SECTION
from adapters.discord.config import DiscordConfig
from adapters.slack.config import SECTION as SLACK_SECTION
from adapters.slack.config import SlackConfig
from core.app import App
from core.base.config import Config, Section

if TYPE_CHECKING:
    import asyncio

    from core.notices import Notifier

log = logging.getLogger("connects.cli")


class Platform(Protocol):
    """A running platform, as the composition root sees it."""

    name: str
    notifier: Notifier | None

    async def start(self) -> None:
        """Connect; returns once requests can be served, raises when it cannot start."""

    async def wait(self) -> None:
        """Return (or raise) when the platform ends on its own."""

    async def stop(self) -> None:
        """Let requests in flight finish, then close."""


class RunOptions(NamedTuple):
    """What ``connects-bot run`` was asked for."""

    user: str
    sync: bool = True
    console: bool = False


class Registration(NamedTuple):
    name: str
    section: Section | None
    enabled: Callable[[Config, RunOptions], bool]
    build: Callable[[App, Config, RunOptions], Platform]


def _discord(app: App, config: Config, options: RunOptions) -> Platform:
    from adapters.discord.runner import DiscordPlatform

    return DiscordPlatform(app, config.section(DiscordConfig), sync=options.sync)


def _slack(app: App, config: Config, options: RunOptions) -> Platform:
    from adapters.slack.runner import SlackPlatform

    return SlackPlatform(app, config.section(SlackConfig))


def _console(app: App, config: Config, options: RunOptions) -> Platform:
    from adapters.console.console import ConsolePlatform

    return ConsolePlatform(app, options.user)


REGISTRY: tuple[Registration, ...] = (
    Registration(
        "discord", DISCORD_SECTION, lambda c, o: bool(c.section(DiscordConfig).token), _discord
    ),
    Registration(
        "slack",
        SLACK_SECTION,
        # one workspace's bot token, or an app's client id (many workspaces, OAuth)
        lambda c, o: bool(c.section(SlackConfig).bot_token or c.section(SlackConfig).client_id),
        _slack,
    ),
)
#: The console runs when no other platform has credentials, or when asked for.
CONSOLE = Registration("console", None, lambda c, o: o.console, _console)

#: The config sections the platforms own.
SECTIONS: tuple[Section, ...] = tuple(r.section for r in REGISTRY if r.section is not None)


def enabled(app: App, config: Config, options: RunOptions) -> list[Platform]:
    """The platforms to serve: every one with credentials; the console if none has, or if
    asked for."""
    chosen = [r.build(app, config, options) for r in REGISTRY if r.enabled(config, options)]
    if not chosen or CONSOLE.enabled(config, options):
        chosen.append(CONSOLE.build(app, config, options))
    return chosen


async def serve(
    app: App,
    platforms: Sequence[Platform],
    stop: asyncio.Event,
    background: Sequence[Callable[[asyncio.Event], Coroutine[None, None, None]]] = (),
) -> int:
    """Start ``platforms`` (registering each one's notifier), run ``background`` jobs, serve
    until ``stop`` is set or a platform ends; then stop them all. The exit code: 0, or 1
    when a platform failed."""
    import asyncio  # here: a one-shot command, which serves nothing, runs without it

    started: list[Platform] = []
    code = 0
    try:
        for platform in platforms:
            log.info("starting %s", platform.name)
            try:
                await platform.start()
            except Exception as exc:
                log.error("%s stopped: %s", platform.name, exc)
                return 1
            started.append(platform)
            if platform.notifier is not None:
                app.notifiers[platform.name] = platform.notifier
        tasks = [asyncio.create_task(p.wait(), name=p.name) for p in started]
        jobs: list[asyncio.Task[None]] = [asyncio.create_task(job(stop)) for job in background]
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        for task in done:
            if task is not waiter and not task.cancelled() and task.exception() is not None:
                log.error("%s stopped: %s", task.get_name(), task.exception())
                code = 1
        for task in tasks:
            if task not in done:
                task.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        waiter.cancel()
        return code
    finally:
        stop.set()
        for platform in reversed(started):
            if app.notifiers.get(platform.name) is platform.notifier:
                del app.notifiers[platform.name]
            try:
                await platform.stop()
            except Exception as exc:  # reported once: it already said why it ended
                if code == 0:
                    log.error("%s failed while stopping: %s", platform.name, exc)
