"""The console: the catalog in a terminal, for one local user.

Each line is a command in the text syntax (``/quote price:500 size:small``); replies print as
text, files are saved in the working directory, buttons print their text equivalent.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from adapters.served import Served
from core.app import App
from core.keys import Actor, UserKey, UserRef, scope_of
from core.reply import Reply

PROMPT = "connects> "


class ConsoleNotifier:
    """Notices for console users, printed in the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        self.out.write(f"[#{channel}] {text}\n")
        self.out.flush()

    async def send_dm(self, user_key: str, text: str) -> None:
        self.out.write(f"[to {UserKey(user_key).user_id}] {text}\n")
        self.out.flush()

    def format_time(self, ts: int) -> str:
        return "on " + datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ConsolePlatform(Served):
    """The terminal as one platform of the bot: commands from standard input, replies and
    notices on standard output; it ends at end of input or ``quit``."""

    name = "console"

    def __init__(self, app: App, user: str, stdin: TextIO | None = None,
                 stdout: TextIO | None = None, files_dir: Path | None = None) -> None:
        super().__init__()
        self.app = app
        self.user = user
        self.stdin = stdin
        self.stdout = stdout or sys.stdout
        self.files_dir = files_dir

    async def serve(self, stop: asyncio.Event) -> None:
        self.ready(ConsoleNotifier(self.stdout))
        await serve(self.app, self.user, stop, self.stdin, self.stdout, self.files_dir)


def console_actor(name: str) -> Actor:
    """The local user, acting in the console's own scope."""
    return Actor(UserRef(UserKey.of("console", name), name), scope_of("console"),
                 is_admin=False)


def render(reply: Reply, files_dir: Path) -> str:
    """The reply as terminal text; an attached file is written to ``files_dir``."""
    text = reply.text()
    if reply.file is not None:
        path = files_dir / reply.file.filename
        path.write_bytes(reply.file.data)
        text += f"\nSaved {reply.file.filename} ({len(reply.file.data):,} bytes) to {path}"
    for button in reply.buttons:
        if button.text_command:
            text += f"\n[{button.label}] {button.text_command}"
    return text


async def run_once(app: App, name: str, line: str, files_dir: Path) -> tuple[Reply, str]:
    """Run one command line; the reply and its rendering."""
    reply = await app.run_text(console_actor(name), line, f"console:{uuid.uuid4()}")
    return reply, render(reply, files_dir)


async def serve(app: App, name: str, stop: asyncio.Event, stdin: TextIO | None = None,
                stdout: TextIO | None = None, files_dir: Path | None = None) -> None:
    """Read commands from ``stdin`` until end of input, ``quit`` or ``stop``."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    files_dir = files_dir or Path.cwd()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), stdin)
    interactive = stdin.isatty()
    try:
        if interactive:
            stdout.write(f"Connects bot for {name}. Type /help, or quit.\n")
        while not stop.is_set():
            if interactive:
                stdout.write(PROMPT)
                stdout.flush()
            read = asyncio.ensure_future(reader.readline())
            halt = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({read, halt}, return_when=asyncio.FIRST_COMPLETED)
            if read not in done:
                read.cancel()
                break
            halt.cancel()
            raw = read.result()
            if not raw:
                break
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            if line.lower() in ("quit", "exit", "/quit", "/exit"):
                break
            _, text = await run_once(app, name, line, files_dir)
            stdout.write(text + "\n")
            stdout.flush()
    finally:
        transport.close()
