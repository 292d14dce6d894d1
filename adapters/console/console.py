"""The console: the catalog in a terminal, for one local user.

Each line is a command in the text syntax (``/quote price:500 size:small``). ``/paste`` alone,
or a line ending at ``post:``, reads a job post after it, and a post's lines are never commands:
from a pipe or a file the post is everything up to the end of input; at a terminal it ends with
the paste itself (bracketed paste, with line editing), at a line reading the end word the prompt
names (a new random one each time, which no post can know in advance), or at Ctrl-D. Replies
print as text, files are saved in the working directory, buttons print their text equivalent.
At a terminal the line is edited with history and completion
(:mod:`adapters.console.interactive`); from a pipe or a file, lines are read as they come,
without a prompt, until end of input.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import stat
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TextIO, TypeVar

from adapters.console.once import run_once
from adapters.served import Served
from core.app import App
from core.base.keys import UserKey
from core.interface.catalog import COMMANDS
from core.interface.errors import ConnectsError
from core.interface.reply import Button, Rich
from core.interface.reply import render as render_text
from core.interface.textparse import split_command

PROMPT = "connects> "
QUIT = ("quit", "exit", "/quit", "/exit")

log = logging.getLogger("connects.console")


def _out(stream: TextIO | None) -> TextIO:
    """``stream``, or standard output as it is now (a terminal prompt may have wrapped it)."""
    return stream if stream is not None else sys.stdout


class ConsoleNotifier:
    """Notices for console users, printed in the terminal."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out

    def _write(self, line: str) -> None:
        out = _out(self._out)
        out.write(render_text(line) + "\n")
        out.flush()

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        self._write(Rich(f"[#{channel}] ", text))

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """The notice, then each button as its label and the command that does the same."""
        self._write(Rich(f"[to {UserKey(user_key).user_id}] ", text))
        for b in buttons:
            self._write(Rich(f"  [{b.label}] ", b.text_command or b.label))

    def format_time(self, ts: int) -> str:
        return "on " + datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ConsolePlatform(Served):
    """The terminal as one platform of the bot: commands from standard input, replies and
    notices on standard output; it ends at end of input or ``quit``."""

    name = "console"

    def __init__(
        self,
        app: App,
        user: str,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.files_dir = files_dir

    async def serve(self, stop: asyncio.Event) -> None:
        self.ready(ConsoleNotifier(self.stdout))
        await serve(self.app, self.user, stop, self.stdin, self.stdout, self.files_dir)


class Lines(Protocol):
    """Where the console's lines come from."""

    #: whether lines are edited at a prompt with history and completion
    editing: bool

    async def read(self) -> str | None:
        """The next line, or ``None`` at end of input."""

    async def read_post(self, end: str) -> str | None:
        """A pasted post, up to the end of input or a line reading ``end`` (when not empty);
        ``None`` when the user dropped it."""

    def close(self) -> None:
        """Stop reading."""


class PipeLines:
    """A pipe, a socket or a terminal, read by the event loop as lines arrive."""

    editing = False

    def __init__(
        self,
        reader: asyncio.StreamReader,
        transport: asyncio.BaseTransport,
        prompt: str = "",
        out: TextIO | None = None,
    ) -> None:
        self.reader = reader
        self.transport = transport
        self.prompt = prompt
        self.out = out

    @classmethod
    async def open(cls, stdin: TextIO, prompt: str = "", out: TextIO | None = None) -> PipeLines:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=1 << 20)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), stdin
        )
        return cls(reader, transport, prompt, out)

    async def read(self) -> str | None:
        if self.prompt:
            _out(self.out).write(self.prompt)
            _out(self.out).flush()
        return await self._line()

    async def read_post(self, end: str) -> str | None:
        if self.prompt:
            _out(self.out).write(post_prompt(end) + "\n")
            _out(self.out).flush()
        return await _post_lines(self._line, end)

    async def _line(self) -> str | None:
        raw = await self.reader.readline()
        return raw.decode("utf-8", "replace") if raw else None

    def close(self) -> None:
        self.transport.close()


class FileLines:
    """A regular file, ``/dev/null`` or an in-memory stream: an event loop cannot watch these,
    and reading them never waits, so each line is read in a worker thread."""

    editing = False

    def __init__(self, stdin: TextIO) -> None:
        self.stdin = stdin

    async def read(self) -> str | None:
        buffer = getattr(self.stdin, "buffer", None)
        raw: str | bytes = await asyncio.to_thread(
            buffer.readline if buffer is not None else self.stdin.readline
        )
        if not raw:
            return None
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw

    async def read_post(self, end: str) -> str | None:
        return await _post_lines(self.read, end)

    def close(self) -> None:
        """Nothing to release: the stream belongs to the caller."""


async def _post_lines(read: Callable[[], Awaitable[str | None]], end: str) -> str:
    """Lines from ``read`` up to the end of input, or up to a line reading ``end`` when it is
    not empty, as one text; blank lines are the post's own."""
    out: list[str] = []
    while (raw := await read()) is not None:
        line = raw.rstrip("\r\n")
        if end and line.strip() == end:
            break
        out.append(line)
    return "\n".join(out)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


async def open_lines(stdin: TextIO, stdout: TextIO | None = None) -> Lines:
    """The line source for ``stdin``: the editing prompt when both ends are terminals, the
    event loop for pipes and sockets, a worker thread for files."""
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):  # io.StringIO and the like
        return FileLines(stdin)
    terminal = _isatty(stdin)
    if terminal and _isatty(_out(stdout)):
        try:
            from adapters.console.interactive import PromptLines
        except ImportError as exc:  # pragma: no cover - a declared dependency
            log.warning("no line editing (%s)", exc)
        else:
            return PromptLines(PROMPT, stdin=stdin, stdout=stdout)
    if terminal or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return await PipeLines.open(stdin, PROMPT if terminal else "", stdout)
    return FileLines(stdin)


T = TypeVar("T")


async def _unless_stopped(read: Awaitable[T | None], stop: asyncio.Event) -> T | None:
    """What ``read`` gives, or ``None`` once ``stop`` is set first."""
    task = asyncio.ensure_future(read)
    halt = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait({task, halt}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        halt.cancel()
        if not task.done():
            task.cancel()
    if task not in done:
        # let a prompt put the terminal back before anything else is printed
        await asyncio.gather(task, return_exceptions=True)
        return None
    return task.result()


async def _next_line(lines: Lines, stop: asyncio.Event) -> str | None:
    """The next line, or ``None`` at end of input or once ``stop`` is set."""
    return await _unless_stopped(lines.read(), stop)


#: A line that ends at a verbatim option's key (``/quote post:``) continues on the lines after.
_ENDS_AT_VERBATIM = re.compile(
    r"(?:^|\s)(?:"
    + "|".join(sorted({o.name for c in COMMANDS for o in c.options if o.verbatim}))
    + r"):\s*$",
    re.IGNORECASE,
)


def end_word() -> str:
    """The word that ends a post typed or pasted at a terminal, new for every post, so that no
    post holds it in advance: ``end-3fa9c2``."""
    import secrets  # here: a one-shot command never asks for a post's end

    return f"end-{secrets.token_hex(3)}"


def post_prompt(end: str) -> str:
    """What a terminal asks for when a post is to be pasted."""
    return (
        "Paste the job post; no line of it runs as a command. It is read when the paste\n"
        f"ends; if it is not, finish with a line reading {end}, or Ctrl-D."
    )


def awaits_post(line: str) -> bool:
    """Whether ``line`` waits for a pasted post after it (``/paste`` alone, or a line ending at
    ``post:``)."""
    try:
        command, rest = split_command(line)
    except ConnectsError:
        return False
    if command is None:
        return False
    return (command.form is not None and not rest.strip()) or bool(_ENDS_AT_VERBATIM.search(line))


def with_post(line: str, post: str) -> str:
    """``line`` with the pasted ``post`` after it."""
    return f"{line}{'' if line.endswith(':') else ' '}{post}" if post else line


async def serve(
    app: App,
    name: str,
    stop: asyncio.Event,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    files_dir: Path | None = None,
    lines: Lines | None = None,
) -> None:
    """Read commands from ``stdin`` (or from ``lines`` when given) until end of input, ``quit``
    or ``stop``."""
    stdin = stdin or sys.stdin
    files_dir = files_dir or Path.cwd()
    # replies are written while no prompt is shown: straight out, not through the wrapper a
    # prompt puts around standard output for notices
    out = _out(stdout)
    lines = lines if lines is not None else await open_lines(stdin, stdout)
    try:
        if _isatty(stdin):
            hint = "; Tab completes, up arrow and Ctrl-R recall" if lines.editing else ""
            out.write(f"Connects bot for {name}. Type /help, or quit{hint}.\n")
        while not stop.is_set():
            raw = await _next_line(lines, stop)
            if raw is None:
                break
            line = raw.strip()
            if not line:
                continue
            if line.lower() in QUIT:
                break
            if awaits_post(line):
                # from a pipe or a file the post runs to the end of input: only a terminal
                # user sees the end word
                post = await _unless_stopped(
                    lines.read_post(end_word() if lines.editing or _isatty(stdin) else ""), stop
                )
                if post is None:
                    if not stop.is_set():
                        out.write("Paste dropped; nothing was read.\n")
                        out.flush()
                    continue
                line = with_post(line, post.strip())
            shown = await run_once(app, name, line, files_dir)
            out.write(shown.text + "\n")
            out.flush()
    finally:
        lines.close()
