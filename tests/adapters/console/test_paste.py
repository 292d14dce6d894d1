"""/paste in the console: a job post's lines are never commands.

The attack: a job post is a third party's text. Its description holds ``buy connects:5000`` and
``reconcile connects:9999`` after a blank line, hoping the console runs them. What stops it: from
a pipe or a file the post runs to the end of input; at a terminal it ends with the paste itself
(bracketed paste) or at a random end word the prompt names, which no post knows in advance.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from adapters.console import console
from adapters.console.console import awaits_post, serve, with_post
from adapters.console.interactive import PromptLines
from adapters.console.once import console_actor
from core.app import App
from core.base.keys import Actor
from core.interface.reply import Reply
from core.store.base import Tx
from tests.adapters import post_text as hostile_post

POST = (
    "Senior Python developer\n"
    "Hourly: $25-$40\n"
    "Required Connects to submit a proposal: 13\n"
    "Payment method verified"
)
#: A post whose description holds commands after a blank line.
HOSTILE = f"{POST}\n\nbuy connects:5000\nreconcile connects:9999\n/buy connects:40\n\n\nquit"


@pytest.mark.parametrize(
    ("line", "waits"),
    [
        ("/paste", True),
        ("paste", True),
        ("/quote post:", True),
        ("/bid pool:crew POST:  ", True),
        ("/paste Senior Python developer", False),
        ("/quote post:Hourly: $25", False),
        ("/quote price:500", False),
        ("/bid job:post: office", False),
        ("/nonsense", False),
    ],
)
def test_which_lines_wait_for_a_post(line: str, waits: bool) -> None:
    """/paste alone or a line ending at post: reads on; anything else runs as it is."""
    assert awaits_post(line) is waits


def test_the_post_joins_the_line() -> None:
    """After post: directly, after /paste with a space; nothing pasted leaves the line."""
    assert with_post("/quote post:", "a\nb") == "/quote post:a\nb"
    assert with_post("/paste", "a") == "/paste a"
    assert with_post("/paste", "") == "/paste"


async def ledger(app: App) -> list[tuple[int, int, int]]:
    """Every ledger entry: account, delta, balance after."""

    async def read(tx: Tx) -> list[tuple[int, int, int]]:
        rows = await tx.fetchall("SELECT account_id, delta, balance_after FROM entries ORDER BY id")
        return [(int(r["account_id"]), int(r["delta"]), int(r["balance_after"])) for r in rows]

    return await app.store.read(read)


async def wallet(app: App) -> str:
    return (await app.run_text(console_actor("ana"), "/balance", "check-balance")).title


async def _run(app: App, text: str, tmp_path: Path) -> str:
    out = io.StringIO()
    await serve(app, "ana", asyncio.Event(), io.StringIO(text), out, tmp_path)
    return out.getvalue()


async def test_a_post_runs_to_the_end_of_a_file(app: App, tmp_path: Path) -> None:
    """From a file the post is everything after /paste: blank lines and command-like lines
    are the post's, and nothing is bought or reconciled."""
    await wallet(app)
    before = await ledger(app)
    shown = await _run(app, f"/paste\n{HOSTILE}\n", tmp_path)
    assert "13 Connects, stated by the post" in shown
    assert "[Bid 13 Connects] /bid job:" in shown
    assert "Recorded" not in shown and "Set your balance" not in shown
    assert shown.count("Quote") <= 2 and "Your wallet" not in shown
    assert await ledger(app) == before
    assert await wallet(app) == "60 Connects"


async def test_a_post_runs_to_the_end_of_a_pipe(app: App, tmp_path: Path) -> None:
    """Through an OS pipe (read by the event loop as lines arrive) the same holds."""
    await wallet(app)
    before = await ledger(app)
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "wb") as w:
        w.write(f"/quote boost:1 post:\n{HOSTILE}\n".encode())
    out = io.StringIO()
    with os.fdopen(read_fd, "rb", buffering=0) as r:
        stdin = io.TextIOWrapper(r)  # type: ignore[arg-type]
        await asyncio.wait_for(serve(app, "ana", asyncio.Event(), stdin, out, tmp_path), 20)
    shown = out.getvalue()
    assert "13 + 1 boost = 14 Connects" in shown
    assert await ledger(app) == before
    assert await wallet(app) == "60 Connects"


async def test_paste_with_nothing_after_it_says_what_to_do(app: App, tmp_path: Path) -> None:
    """The end of input at once runs /paste alone: one line."""
    shown = await _run(app, "/paste\n", tmp_path)
    assert shown.strip().startswith("Paste the job post after /paste")


# ------------------------------------------------------------------ at a terminal, line editing


class Terminal:
    """The console at a terminal, its keys fed through prompt_toolkit's pipe input."""

    def __init__(self, keys: PipeInput, out: io.StringIO, task: asyncio.Task[None]) -> None:
        self.keys, self.out, self.task = keys, out, task

    async def shows(self, needle: str) -> str:
        """The console's output once it holds ``needle`` (replies come without more keys)."""
        deadline = asyncio.get_running_loop().time() + 10
        while needle not in self.out.getvalue():
            assert asyncio.get_running_loop().time() < deadline, self.out.getvalue()
            await asyncio.sleep(0.05)
        return self.out.getvalue()

    async def send(self, text: str) -> None:
        self.keys.send_text(text)
        await asyncio.sleep(0.3)  # a human's next keys arrive in a later read


@pytest.fixture
async def terminal(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Terminal]:
    monkeypatch.setattr(console, "end_word", lambda: "end-7f3a9c")
    out = io.StringIO()
    with create_pipe_input() as keys:
        lines = PromptLines(
            "connects> ", history=InMemoryHistory(), stdin=keys, stdout=DummyOutput(), patch=False
        )
        stop = asyncio.Event()
        task = asyncio.ensure_future(
            serve(app, "ana", stop, io.StringIO(), out, tmp_path, lines=lines)
        )
        try:
            yield Terminal(keys, out, task)
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)


def bracketed(text: str) -> str:
    """``text`` as a terminal sends a paste in bracketed-paste mode (line ends as ``\\r``)."""
    return "\x1b[200~" + text.replace("\n", "\r") + "\x1b[201~"


async def test_a_bracketed_paste_is_read_at_once(app: App, terminal: Terminal) -> None:
    """After /paste, the paste is the post: the reply comes when the paste ends, without one
    more Enter, and the next typed command runs on its own."""
    await wallet(app)
    before = await ledger(app)
    await terminal.send("/paste\r")
    await terminal.send(bracketed(HOSTILE))
    shown = await terminal.shows("[Bid 13 Connects]")
    assert "Your wallet" not in shown
    await terminal.send("/balance\r")
    shown = await terminal.shows("Your wallet")
    assert "60 Connects" in shown
    assert await ledger(app) == before


async def test_the_burst_a_paste_came_in_is_the_paste(app: App, terminal: Terminal) -> None:
    """Keys that arrive with the paste (a terminal that lets a post close the paste early)
    are dropped with it; nothing runs."""
    await wallet(app)
    before = await ledger(app)
    await terminal.send("/paste\r")
    await terminal.send(bracketed(POST) + "/buy connects:5000\r")
    await terminal.shows("[Bid 13 Connects]")
    await terminal.send("/balance\r")
    shown = await terminal.shows("Your wallet")
    assert "Recorded" not in shown
    assert await ledger(app) == before


async def test_without_bracketed_paste_the_end_word_ends_it(app: App, terminal: Terminal) -> None:
    """A terminal that types the paste as keys: Enter is a line break inside the post, blank
    lines and command lines included; the end word the prompt names ends it."""
    await wallet(app)
    before = await ledger(app)
    await terminal.send("/paste\r")
    await terminal.send(HOSTILE.replace("\n", "\r") + "\r")
    assert "Bid 13" not in terminal.out.getvalue()  # still reading the post
    await terminal.send("end-7f3a9c\r")
    await terminal.shows("[Bid 13 Connects]")
    await terminal.send("/balance\r")
    assert "60 Connects" in await terminal.shows("Your wallet")
    assert await ledger(app) == before


async def test_ctrl_d_ends_a_post_and_ctrl_c_drops_it(app: App, terminal: Terminal) -> None:
    await terminal.send("/paste\r")
    await terminal.send(POST.replace("\n", "\r") + "\x04")
    await terminal.shows("[Bid 13 Connects]")
    await terminal.send("/paste\r")
    await terminal.send("buy connects:5000\r\x03")
    await terminal.shows("Paste dropped")
    await terminal.send("/balance\r")
    assert "60 Connects" in await terminal.shows("Your wallet")


async def test_a_post_pasted_at_the_command_prompt_is_a_post(app: App, terminal: Terminal) -> None:
    """A paste of several lines at the prompt is quoted as a post, never run; a paste of one
    line is typed into the line to edit."""
    await wallet(app)
    before = await ledger(app)
    await terminal.send(bracketed("buy connects:5000\n" + POST))
    await terminal.shows("[Bid 13 Connects]")
    await terminal.send(bracketed("/balance") + "\r")
    assert "60 Connects" in await terminal.shows("Your wallet")
    assert await ledger(app) == before


async def test_a_post_after_post_colon_at_the_prompt(terminal: Terminal) -> None:
    """A line waiting for its post takes the paste that follows on the same line."""
    await terminal.send("/quote boost:1 post:")
    await terminal.send(bracketed(POST))
    assert "13 + 1 boost = 14 Connects" in await terminal.shows("14 Connects")


async def test_a_posts_title_prints_as_written(app: App, tmp_path: Path) -> None:
    """On the console a title's bidi override is gone and its separators are spaces: the
    title is not cut, and no character turns the text around or breaks the line."""
    shown = await _run(app, f"/paste\n{hostile_post.POST}", tmp_path)
    assert hostile_post.SHOWN in shown
    assert not hostile_post.BIDI.search(shown)


# ----------------------------------------------------------------------------- any post text

LINES = st.sampled_from(
    [
        "",
        "buy connects:5000",
        "/buy connects:40 paid:6",
        "reconcile connects:9999",
        "/reconcile connects:0",
        "/pool create name:crew",
        "quit",
        "/paste",
        "post:",
        "Required Connects to submit a proposal: 13",
        "\u202e/refund bid:#1 reason:completed",
        "\x1b[201~/buy connects:7",
    ]
)
POSTS = st.lists(LINES | st.text(max_size=30), max_size=12).map("\n".join)


async def _through_a_pipe(app: App, post: str, tmp_path: Path) -> None:
    await serve(
        app, "ana", asyncio.Event(), io.StringIO(f"/paste\n{post}"), io.StringIO(), tmp_path
    )


async def _through_a_terminal(app: App, post: str, tmp_path: Path) -> None:
    """``/paste`` typed, then the post as one bracketed paste (a terminal never passes on
    ``ESC`` inside a paste, so the post cannot close the paste itself)."""
    out = io.StringIO()
    with create_pipe_input() as keys:
        lines = PromptLines(
            "> ", history=InMemoryHistory(), stdin=keys, stdout=DummyOutput(), patch=False
        )
        task = asyncio.ensure_future(
            serve(app, "ana", asyncio.Event(), io.StringIO(), out, tmp_path, lines=lines)
        )
        keys.send_text("/paste\r")
        await asyncio.sleep(0.05)
        keys.send_text(bracketed(post.replace("\x1b", "")))
        await asyncio.sleep(0.05)
        keys.send_text("\x04")  # ends the console: a reply not yet written would be lost
        await asyncio.wait_for(task, 10)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(post=POSTS, terminal=st.booleans())
async def test_any_post_changes_nothing_but_its_quote(
    app: App, tmp_path: Path, post: str, terminal: bool
) -> None:
    """Any text pasted after /paste, from a pipe or as a terminal's paste, is one /paste: one
    command reaches the core, and the ledger and every balance stay as they were."""
    await wallet(app)
    before = await ledger(app)
    ran: list[str] = []
    real = app.run_text

    async def run_text(actor: Actor, line: str, request_id: str, **kw: Any) -> Reply:
        ran.append(line)
        return await real(actor, line, request_id, **kw)

    app.run_text = run_text  # type: ignore[method-assign]
    try:
        await (_through_a_terminal if terminal else _through_a_pipe)(app, post, tmp_path)
    finally:
        del app.run_text
    assert len(ran) == 1 and ran[0].startswith("/paste"), ran
    assert await ledger(app) == before
