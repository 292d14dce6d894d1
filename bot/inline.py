"""Running a one-shot command's coroutine without an event loop.

Over the direct SQLite store (:mod:`core.store.direct`) a command never waits on anything but
its own statements, so its coroutine runs to the end when sent ``None`` until it stops, with no
event loop and without importing asyncio (a third of a one-shot start's time). Only when
something in it really needs a loop is one started: a coroutine that suspends on a future, or
asks for the running loop (``asyncio.get_running_loop()`` raises ``RuntimeError``), is closed
and the command is run again from the start under :func:`asyncio.run`.

Running again is safe for a command: a read changes nothing, and a change runs in one
transaction keyed by its request id (:mod:`core.ledger.idempotency`) that a suspension or that
error rolls back before the second run begins. A bare ``yield`` (``asyncio.sleep(0)``, a
scan's pause to let others run) is no suspension: with nothing else to run it resumes at once.
Inside a command's handler the application answers an unexpected error with an apology, so
there a handler that needs a loop shows as that apology rather than a second run: none does
today (only ``model fit`` trains off the loop, and it is no catalog command).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

#: What ``asyncio.get_running_loop()`` says with no loop running.
NO_LOOP = "no running event loop"


class NeedsLoop(Exception):
    """The coroutine awaited something only an event loop can finish."""


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to its end on this thread, without an event loop; its result or its
    exception. Raises :class:`NeedsLoop` (after closing ``coro``, so its ``finally`` blocks
    and rollbacks run) when it suspends on anything but a bare ``yield``, or asks for the
    running loop."""
    context = contextvars.copy_context()  # as a task runs it: its context variables its own
    try:
        while True:
            if context.run(coro.send, None) is not None:
                break
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    except RuntimeError as exc:
        if str(exc) != NO_LOOP:
            raise
        raise NeedsLoop(NO_LOOP) from exc
    coro.close()
    raise NeedsLoop("it suspended on a future")


def run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``make()``'s coroutine run to its end: without an event loop when it needs none (see
    :func:`drive`), else made again and run by :func:`asyncio.run`."""
    try:
        return drive(make())
    except NeedsLoop:
        import asyncio

        return asyncio.run(make())
