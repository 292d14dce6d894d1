"""Runs one notice pass in its own process: python _notice_worker.py URL NOW OUTFILE."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

from bot.bootstrap import create_app
from bot.notices import tick
from core.base.config import parse
from core.interface.reply import Button


class FileNotifier:
    """Appends each notice as one line to a shared file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def _write(self, line: str) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line.replace("\n", " ") + "\n").encode())
        finally:
            os.close(fd)

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        self._write(f"{os.getpid()} channel {channel} {text}")

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        shown = " ".join(b.label for b in buttons)
        self._write(f"{os.getpid()} dm {user_key} {text} {shown}")

    def format_time(self, ts: int) -> str:
        return str(ts)


async def main(url: str, now: int, out: str) -> None:
    app = await create_app(
        parse({"storage": {"url": url}, "wallet": {"monthly_grant": 5}}, env={}), lambda: now
    )
    app.notifiers["console"] = FileNotifier(out)
    try:
        await tick(app)
    finally:
        await app.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
