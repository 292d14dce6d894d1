"""One console command run on its own: the console's user, its reply as terminal text and
the file it saved. What ``connects-bot exec`` needs of the console, without the interactive
loop (:mod:`adapters.console.console`), so a one-shot command imports no asyncio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from core.app import App
from core.base.keys import Actor, UserKey, UserRef, scope_of
from core.base.text import echo
from core.interface.errors import BadInput
from core.interface.reply import Reply
from core.interface.reply import render as render_text

if TYPE_CHECKING:
    from core.interface.uploads import Images


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
    reply = await app.run_text(
        console_actor(name), line, f"console:{os.urandom(16).hex()}", open_images=open_images
    )
    return Shown(reply, *render(reply, files_dir))


def open_images(text: str) -> Images:
    """The images at the paths in ``text`` (``image:a.png b.png``; a path with spaces in
    quotes), read from the console user's own machine. Raises :class:`BadInput` for a path that
    cannot be read or a file over the size an image may have."""
    import shlex  # only a command with an image reaches here: `exec "/balance"` stays light

    from core.interface.uploads import MAX_BYTES, Images

    try:
        paths = shlex.split(text)
    except ValueError:
        raise BadInput("image: a path's quotes are not closed.") from None
    shots = []
    for name in paths:
        path = Path(name).expanduser()
        try:
            if path.stat().st_size > MAX_BYTES:
                raise BadInput(f"image: {echo(name)} is over 10 MB: share a screenshot.")
            shots.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise BadInput(f"image: cannot read {echo(name)} ({exc.strerror}).") from None
    return Images(tuple(shots))
