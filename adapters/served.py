"""A platform served by one coroutine, seen from the composition root as start, wait, stop.

Each adapter's platform subclasses :class:`Served` and writes :meth:`Served.serve`: connect,
call ``ready`` with its notifier once it can take requests and deliver notices, serve until
``stop`` is set, then let requests in flight finish and close.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.notices import Notifier


class Served:
    """Start, wait and stop around :meth:`serve`."""

    name = "platform"

    def __init__(self) -> None:
        self.notifier: Notifier | None = None
        self._stop = asyncio.Event()
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def serve(self, stop: asyncio.Event) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def ready(self, notifier: Notifier | None) -> None:
        """Called by :meth:`serve` once the platform takes requests."""
        self.notifier = notifier
        self._ready.set()

    async def start(self) -> None:
        """Begin serving; returns once ready, raises what stopped it from starting."""
        self._task = asyncio.create_task(self.serve(self._stop), name=self.name)
        ready = asyncio.create_task(self._ready.wait())
        try:
            await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if self._task.done():
            self._task.result()

    async def wait(self) -> None:
        """Until the platform ends on its own (end of input, a lost gateway: raised)."""
        assert self._task is not None, "start() first"
        await asyncio.shield(self._task)

    async def stop(self) -> None:
        """Finish in-flight work and close; a failure while stopping is raised."""
        self._stop.set()
        if self._task is not None:
            try:
                await self._task
            finally:
                self.notifier = None

    async def connected(self) -> tuple[bool, str]:
        """Whether the platform takes requests now, and what says so (``/readyz``): by
        default, started and not ended; platforms with a connection look at it."""
        if self._task is None or self._task.done():
            return False, "not running"
        if not self._ready.is_set():
            return False, "starting"
        return True, "serving"

    def shard_latencies(self) -> list[tuple[int, float]]:
        """Each gateway shard's heartbeat latency in seconds (a platform without one: none)."""
        return []

    #: Connections made again after the first (Slack's Socket Mode), for ``/metrics``.
    reconnects: int = 0

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


async def cancel(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it to end."""
    if not task.done():
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
