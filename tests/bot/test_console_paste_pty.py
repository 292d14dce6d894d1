"""/paste through ``python -m bot run`` at a real pseudo-terminal: with line editing (bracketed
paste, then a terminal that types the paste as keys), and without it (standard output a pipe).
A post's lines never run as commands."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.bot.test_cli import ENV_KEYS
from tests.bot.test_console_run import _read_until

POST = (
    b"Senior Python developer\r"
    b"Hourly: $25-$40\r"
    b"Required Connects to submit a proposal: 13\r"
    b"\r"
    b"buy connects:5000\r"
    b"reconcile connects:9999\r"
)
END = re.compile(rb"reading (end-[0-9a-f]{6})")

pytestmark = pytest.mark.slow


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(XDG_STATE_HOME=str(tmp / "state"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    return env


def test_paste_at_an_editing_terminal(tmp_path: Path) -> None:
    """A bracketed paste is answered at once and /balance typed after runs on its own; typed
    as keys, the post runs to the end word the prompt named; nothing is bought or set."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--user", "ana"],
        cwd=tmp_path,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=_env(tmp_path),
        close_fds=True,
    )
    os.close(follower)
    try:
        _read_until(leader, b"connects>")
        os.write(leader, b"/paste\r")
        _read_until(leader, b"Ctrl-D", 10)
        os.write(leader, b"\x1b[200~" + POST + b"\x1b[201~")
        assert b"[Bid 13 Connects]" in _read_until(leader, b"[Bid 13 Connects]")
        _read_until(leader, b"connects>", 5)
        os.write(leader, b"/balance\r")
        assert b"60 Connects" in _read_until(leader, b"Your wallet")
        _read_until(leader, b"connects>", 5)
        os.write(leader, b"/paste\r")
        asked = _read_until(leader, b"Ctrl-D", 10)
        end = END.search(asked)
        assert end is not None, asked
        os.write(leader, POST)
        time.sleep(0.5)
        os.write(leader, end.group(1) + b"\r")
        assert b"[Bid 13 Connects]" in _read_until(leader, b"[Bid 13 Connects]")
        _read_until(leader, b"connects>", 5)
        os.write(leader, b"/balance\r")
        assert b"60 Connects" in _read_until(leader, b"Your wallet")
        _read_until(leader, b"connects>", 5)
        os.write(leader, b"\x04")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)


def test_paste_at_a_terminal_without_line_editing(tmp_path: Path) -> None:
    """Standard input a terminal, standard output a pipe: lines are read raw, and the post
    still runs to the end word, never to a blank line."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--user", "ana"],
        cwd=tmp_path,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
        close_fds=True,
    )
    os.close(follower)
    assert proc.stdout is not None
    try:
        os.write(leader, b"/paste\r")
        asked = b""
        while b"Ctrl-D" not in asked:
            chunk = proc.stdout.read1(4096)  # type: ignore[attr-defined]
            assert chunk, asked
            asked += chunk
        end = END.search(asked)
        assert end is not None, asked
        os.write(leader, POST.replace(b"\r", b"\n"))
        os.write(leader, end.group(1) + b"\n/balance\n\x04")
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    text = (asked + out).decode()
    assert "[Bid 13 Connects]" in text
    assert "60 Connects" in text and "5060" not in text and "9999" not in text.split("Bid 13")[1]
