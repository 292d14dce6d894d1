"""One console command run on its own: the console's user, its reply as terminal text and
the file it saved. What ``connects-bot exec`` needs of the console, without the interactive
loop (:mod:`adapters.console.console`), so a one-shot command imports no asyncio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from core.app import App
from core.base.keys import Actor, UserKey, UserRef, scope_of
from core.interface.reply import Reply
from core.interface.reply import render as render_text


def console_actor(name: str) -> Actor:
    """The local user, acting in the console's own scope. The key is the name in lower case,
    so ``Sam`` and ``sam`` are one wallet; the name shows as typed."""
    shown = name.strip()
    return Actor(
        UserRef(UserKey.of("console", shown.lower()), shown), scope_of("console"), is_admin=False
    )


class Shown(NamedTuple):
    """A command's reply and how the console showed it."""

    reply: Reply
    text: str
    #: false when the reply's file could not be written (the text says why)
    saved: bool = True


def render(reply: Reply, files_dir: Path) -> tuple[str, bool]:
    """The reply as terminal text, and whether its attached file, if any, was written to
    ``files_dir``. A file that cannot be written is one line of the text; the reply is kept."""
    try:
        text = reply.text()
    except Exception:  # a reply that cannot be written out still reports what happened
        text = render_text(str(reply.title))
    saved = True
    if reply.file is not None:
        path = files_dir / reply.file.filename
        try:
            path.write_bytes(reply.file.data)
        except OSError as exc:
            saved = False
            text += f"\nCould not save {reply.file.filename} to {files_dir}: {exc.strerror or exc}"
        else:
            # the same absolute path from `run` and `exec`, whichever directory was given
            text += f"\nSaved to {path.absolute()} ({len(reply.file.data):,} bytes)"
    for button in reply.buttons:
        if button.text_command:
            text += f"\n[{render_text(button.label)}] {render_text(button.text_command)}"
    return text, saved


async def run_once(app: App, name: str, line: str, files_dir: Path) -> Shown:
    """Run one command line; the reply and its rendering."""
    reply = await app.run_text(console_actor(name), line, f"console:{os.urandom(16).hex()}")
    return Shown(reply, *render(reply, files_dir))
