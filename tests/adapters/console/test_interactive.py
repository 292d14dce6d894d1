"""The console at a terminal: completion from the catalog, the history file, the prompt's keys."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from adapters.console.interactive import (
    CatalogCompleter,
    PromptLines,
    history_path,
    open_history,
)
from core.interface.catalog import COMMANDS


def complete(text: str, cursor: int | None = None) -> list[tuple[str, int]]:
    """What Tab offers for ``text`` (cursor at the end unless given): each completion's text
    and where it starts, relative to the cursor."""
    document = Document(text, len(text) if cursor is None else cursor)
    return [
        (c.text, c.start_position)
        for c in CatalogCompleter().get_completions(
            document, CompleteEvent(completion_requested=True)
        )
    ]


def texts(text: str) -> list[str]:
    return [t for t, _ in complete(text)]


def test_empty_line_offers_every_command() -> None:
    assert texts("") == [f"/{c.name}" for c in COMMANDS]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/qu", ["/quote"]),
        ("qu", ["/quote"]),
        ("/QU", ["/quote"]),
        ("/b", ["/bid", "/balance", "/buy"]),
        (
            "/po",
            [
                "/pool create",
                "/pool add",
                "/pool remove",
                "/pool allowance",
                "/pool limits",
                "/pool topup",
                "/pool info",
                "/pool threshold",
            ],
        ),
        ("/teleport", []),
    ],
)
def test_command_names(typed: str, expected: list[str]) -> None:
    """A command name being typed completes to the catalog's names, the typed part replaced."""
    got = complete(typed)
    assert [t for t, _ in got] == expected
    assert all(start == -len(typed) for _, start in got)


def test_subcommands_after_the_group() -> None:
    assert texts("/pool ") == [
        "create",
        "add",
        "remove",
        "allowance",
        "limits",
        "topup",
        "info",
        "threshold",
    ]
    assert complete("/pool a") == [("add", -1), ("allowance", -1)]


def test_option_names_of_the_chosen_command() -> None:
    quote = [f"{o.name}:" for o in next(c for c in COMMANDS if c.name == "quote").options]
    assert texts("/quote ") == quote
    assert complete("/quote pr") == [("price:", -2)]
    assert texts("/quote s") == ["size:"]
    assert texts("/pool add ") == ["name:", "member:"]
    assert texts("/pool allowance name:agency ") == ["member:", "connects:", "unlimited:"]
    assert texts("/refund ") == ["bid:", "reason:"]


def test_options_already_given_are_not_offered_again() -> None:
    offered = texts("/quote price:500 size:small ")
    assert "price:" not in offered and "size:" not in offered and "funded:" in offered
    assert "job:" not in texts('/bid job:"Logo for a bakery" ')


def test_values_of_options_with_fixed_choices() -> None:
    assert complete("/quote size:m") == [("size:medium", -len("size:m"))]
    assert texts("/quote size:") == ["size:small", "size:medium", "size:large"]
    assert texts("/quote funded:") == ["funded:true", "funded:false"]
    assert texts("/refund bid:#1 reason:c") == ["reason:completed", "reason:client_cancelled"]
    assert texts("/quote price:") == []  # free values: nothing to offer
    assert texts("/quote colour:") == []


def test_nothing_inside_a_quoted_value_or_after_an_unknown_command() -> None:
    assert texts('/bid job:"Logo for a b') == []
    assert texts('/bid note:"say \\"hi') == []
    assert texts("/teleport ") == []
    assert texts("/pool fly ") == []


def test_completion_at_the_cursor_not_the_end_of_the_line() -> None:
    line = "/quote si price:500"
    assert complete(line, cursor=len("/quote si")) == [("size:", -2)]


def test_history_file_under_the_state_dir(tmp_path: Path) -> None:
    """$XDG_STATE_HOME when absolute, else ~/.local/state; the file and its folders are
    created on first use."""
    assert history_path({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "connects-bot" / "history"
    assert (
        history_path({"XDG_STATE_HOME": "relative"})
        == Path.home() / ".local" / "state" / "connects-bot" / "history"
    )
    assert history_path({}) == Path.home() / ".local" / "state" / "connects-bot" / "history"
    path = tmp_path / "deep" / "connects-bot" / "history"
    assert isinstance(open_history(path), FileHistory)
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_an_unwritable_history_is_kept_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = open_history(blocker / "connects-bot" / "history")
    assert not isinstance(history, FileHistory)
    assert "history is not kept" in caplog.text


async def test_prompt_keys_history_and_search(tmp_path: Path) -> None:
    """Lines typed at the prompt are stored in the history file; up arrow recalls the last,
    Ctrl-R searches, Tab completes, Ctrl-C drops a typed line and ends on an empty one."""
    path = tmp_path / "history"
    with create_pipe_input() as keys:
        lines = PromptLines(
            "connects> ", history=open_history(path), stdin=keys, stdout=DummyOutput(), patch=False
        )
        try:

            async def typed(*parts: str, showing: tuple[str, ...] = ()) -> str | None:
                """Type ``parts``; after the i-th, wait until the line being edited reads
                ``showing[i]`` (keys and completions are handled asynchronously, and a fixed
                pause loses to a busy machine)."""
                read = asyncio.ensure_future(lines.read())
                buffer = lines.session.default_buffer
                for i, part in enumerate(parts):
                    keys.send_text(part)
                    deadline = time.monotonic() + 30
                    while i < len(showing) and buffer.text != showing[i]:
                        assert time.monotonic() < deadline, f"the line reads {buffer.text!r}"
                        await asyncio.sleep(0.01)
                return await asyncio.wait_for(read, 30)

            assert await typed("/quote size:small\r") == "/quote size:small"
            assert await typed("/balance\r") == "/balance"
            assert await typed("\x1b[A\r") == "/balance"  # up arrow
            assert await typed("\x12quo\r\r") == "/quote size:small"  # Ctrl-R
            assert (
                await typed("/bala", "\t", "\r", showing=("/bala", "/balance")) == "/balance"
            )  # Tab
            assert await typed("/refund bid:#1\x03/help\r") == "/help"  # Ctrl-C drops
            assert await typed("\x03") is None  # Ctrl-C on an empty line ends
        finally:
            lines.close()
    stored = FileHistory(str(path)).load_history_strings()
    assert list(stored)[:2] == ["/help", "/balance"]


async def test_ctrl_d_ends() -> None:
    with create_pipe_input() as keys:
        lines = PromptLines(
            "> ", history=InMemoryHistory(), stdin=keys, stdout=DummyOutput(), patch=False
        )
        try:
            keys.send_text("\x04")
            assert await asyncio.wait_for(lines.read(), 5) is None
        finally:
            lines.close()
