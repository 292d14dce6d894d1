"""Running a coroutine without an event loop (:mod:`bot.inline`), and falling back to one when
it turns out to need it."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import inline

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


@given(st.lists(st.integers(), max_size=30), st.integers(min_value=0, max_value=5))
def test_a_coroutine_that_never_suspends_runs_to_its_result(values: list[int], pauses: int) -> None:
    """Awaits of coroutines, and bare pauses (``asyncio.sleep(0)``), give the result they
    give under asyncio.run."""

    async def add(n: int) -> int:
        for _ in range(pauses):
            await asyncio.sleep(0)
        return n

    async def total() -> int:
        return sum([await add(v) for v in values])

    assert inline.drive(total()) == sum(values) == asyncio.run(total())


def test_its_exception_comes_out_as_raised() -> None:
    async def fail() -> None:
        await asyncio.sleep(0)
        raise KeyError("which")

    with pytest.raises(KeyError, match="which"):
        inline.drive(fail())


def test_context_variables_set_inside_stay_inside() -> None:
    """As in a task: the coroutine runs in a copy of the caller's context."""

    async def setter() -> str:
        VAR.set("inside")
        await asyncio.sleep(0)
        return VAR.get()

    assert inline.drive(setter()) == "inside"
    assert VAR.get() == "unset"


def test_a_coroutine_waiting_on_a_timer_is_run_again_on_a_loop() -> None:
    """A suspension on a real future cannot finish without a loop: the coroutine is closed
    (its cleanup runs, as a rollback would) and made again under asyncio.run."""
    runs: list[str] = []

    async def needs_loop() -> str:
        runs.append("start")
        try:
            loop = asyncio.get_running_loop()
            future: asyncio.Future[str] = loop.create_future()
            loop.call_soon(future.set_result, "done")
            return await future
        finally:
            runs.append("cleanup")

    assert inline.run(needs_loop) == "done"
    assert runs == ["start", "cleanup", "start", "cleanup"]


def test_a_future_yielded_without_a_loop_is_a_suspension() -> None:
    """A coroutine that hands up anything but a bare pause is closed, and drive says it
    needs a loop."""
    closed: list[bool] = []

    class Pending:
        def __await__(self):  # type: ignore[no-untyped-def]
            yield "a future"

    async def suspends() -> None:
        try:
            await Pending()
        finally:
            closed.append(True)

    with pytest.raises(inline.NeedsLoop):
        inline.drive(suspends())
    assert closed == [True]


def test_other_runtime_errors_are_not_taken_for_a_missing_loop() -> None:
    made: list[int] = []

    async def broken() -> None:
        made.append(1)
        raise RuntimeError("something else")

    with pytest.raises(RuntimeError, match="something else"):
        inline.run(broken)
    assert made == [1]  # not run a second time


@given(
    st.one_of(
        st.none(),
        st.integers(min_value=-5, max_value=400).map(str),
        st.text(alphabet="0123456789 -x", max_size=4),
    )
)
def test_help_width_is_what_shutil_reads(columns: str | None) -> None:
    """The command line's help is laid out to the width ``shutil.get_terminal_size`` gives
    (``COLUMNS``, else the terminal, else 80), read without importing shutil."""
    import os
    import shutil

    from bot.cli import _columns

    saved = os.environ.pop("COLUMNS", None)
    try:
        if columns is not None:
            os.environ["COLUMNS"] = columns
        assert _columns() == shutil.get_terminal_size().columns
    finally:
        os.environ.pop("COLUMNS", None)
        if saved is not None:
            os.environ["COLUMNS"] = saved
