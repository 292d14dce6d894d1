"""Screenshots read off the event loop: a process pool, a bounded queue, a limit per user.

Recognition takes seconds of CPU; in a thread it would hold the interpreter and every other
user's command would wait. The pool's processes (one per core, at a lower priority) do it, the
bot's loop only waits on them. Abuse bounds, next to the code that enforces them: one member
flooding the bot with screenshots gets :data:`PER_USER` in flight and is refused past that; all
members together get :data:`QUEUE` queued or running, and are refused past that (a refusal is
one line and costs nothing); other members' commands never wait on a screenshot.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence

from core.interface.errors import BadInput
from core.quotes.screens import images
from core.quotes.screens.lines import Box, Page, page, stitch

#: images of one job read as one post (a job page takes two or three phone screens)
MAX_IMAGES = 4
#: screenshots one member may have queued or being read at once
PER_USER = 4
#: screenshots all members may have queued or being read at once
QUEUE = 16


def _read_part(data: bytes, part: int, parts: int) -> tuple[float, list[Box]]:
    return images.recognise(data, part, parts)


def _joined(read: Sequence[tuple[float, list[Box]]]) -> Page:
    """One image's page from the boxes its parts found."""
    return page([box for _, boxes in read for box in boxes], read[0][0])


class Screens:
    """The reader of screenshots: :meth:`read` turns up to :data:`MAX_IMAGES` images of one
    job into one :class:`Page`. The pool starts on the first image, not before."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or min(2, os.cpu_count() or 1)
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._busy: Counter[str] = Counter()
        self._total = 0

    @property
    def started(self) -> bool:
        """Whether the worker processes were started (by a first image that passed its check)."""
        return self._pool is not None

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fork of a process running an event loop and sockets is unsafe
            context = multiprocessing.get_context("spawn")
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=images.warm
            )
        return self._pool

    async def read(self, user: str, shots: Sequence[tuple[str, bytes]]) -> Page:
        """The post on ``shots`` (each a name and its bytes), read in order as one page.
        Raises :class:`BadInput` (one line, nothing read) for more than :data:`MAX_IMAGES`
        images, an image :func:`images.check` refuses, or when ``user`` or everyone has too
        many screenshots in flight."""
        if not shots:
            raise BadInput("image: attach a screenshot of the job page.")
        if len(shots) > MAX_IMAGES:
            raise BadInput(f"image: up to {MAX_IMAGES} screenshots of one job, in order.")
        sizes = [images.check(data, name) for name, data in shots]
        n = len(shots)
        if self._busy[user] + n > PER_USER:
            raise BadInput("image: your earlier screenshots are still being read; wait for them.")
        if self._total + n > QUEUE:
            raise BadInput("image: too many screenshots are being read; try in a minute.")
        self._busy[user] += n
        self._total += n
        try:
            # fewer images than idle workers: each is read in parts, by the workers at once
            idle = max(1, (self.workers - self._total + n) // n)
            jobs = [
                (i, data, part, parts)
                for i, ((_, data), (width, height)) in enumerate(zip(shots, sizes, strict=True))
                for parts in [images.parts_for(width, height, idle)]
                for part in range(parts)
            ]
            pool = self._executor()
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                # a one-shot `exec` driven without an event loop (bot.inline): nothing else
                # runs in the process, so it waits on its workers in place
                futures = [pool.submit(_read_part, *job[1:]) for job in jobs]
                read = [f.result() for f in futures]
            else:
                read = await asyncio.gather(
                    *(loop.run_in_executor(pool, _read_part, *job[1:]) for job in jobs)
                )
        finally:
            self._busy[user] -= n
            self._total -= n
            if not self._busy[user]:
                del self._busy[user]
        found: list[list[tuple[float, list[Box]]]] = [[] for _ in shots]
        for job, boxes in zip(jobs, read, strict=True):
            found[job[0]].append(boxes)
        return stitch([_joined(parts) for parts in found])

    def close(self) -> None:
        """Stops the workers (those reading finish first)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
