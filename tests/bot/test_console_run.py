"""The console through ``python -m bot``: input from files, /dev/null, pipes and a terminal;
what it logs; ``exec --files``; who ``--user`` names."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.test_cli import ENV_KEYS, cli


def bot(
    tmp: Path, *args: str, stdin: int | str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in ``tmp``, exactly as given; ``stdin`` is text for a pipe or an
    open file descriptor."""
    full_env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    full_env["XDG_STATE_HOME"] = str(tmp / "state")
    full_env.update(env or {})
    text = stdin if isinstance(stdin, str) else None
    fd = stdin if isinstance(stdin, int) else None
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp,
        input=text,
        stdin=fd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )


COMMANDS = '/bid job:"A job" connects:2\n\n/refund bid:#7 reason:completed\n/balance\n'


def _assert_story(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "Bid #1 placed" in result.stdout
    assert "No bid #7 of yours" in result.stdout
    assert result.stdout.rstrip().endswith("Your wallet")
    assert "58 Connects" in result.stdout
    assert "connects>" not in result.stdout and "Type /help" not in result.stdout
    assert "Traceback" not in result.stderr


def test_run_reads_commands_from_a_file(tmp_path: Path) -> None:
    """``run < file``: every command runs, without a prompt, and it ends at end of file."""
    commands = tmp_path / "commands.txt"
    commands.write_text(COMMANDS)
    with commands.open("rb") as file:
        _assert_story(bot(tmp_path, "run", "--user", "ana", stdin=file.fileno()))


def test_run_reads_commands_from_a_pipe(tmp_path: Path) -> None:
    """Piped without a closing ``quit``: it ends at end of input."""
    _assert_story(bot(tmp_path, "run", "--user", "ana", stdin=COMMANDS))


def test_run_with_no_input_ends_at_once(tmp_path: Path) -> None:
    """``run < /dev/null`` ends cleanly with nothing to do."""
    with open(os.devnull, "rb") as null:
        started = time.monotonic()
        result = bot(tmp_path, "run", "--user", "ana", stdin=null.fileno())
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert time.monotonic() - started < 30


def test_console_shows_replies_and_warnings_only(tmp_path: Path) -> None:
    """With only the console served, a refusal prints its one line once: no INFO lines on
    stderr, nothing repeated there."""
    result = bot(
        tmp_path, "run", "--user", "ana", stdin="/refund bid:#9 reason:completed\n/balance\n"
    )
    assert result.returncode == 0
    assert result.stdout.splitlines()[:2] == ["No bid #9 of yours", "/history lists your bids"]
    assert result.stdout.count("No bid #9") == 1
    assert result.stderr == ""


def test_log_level_or_config_brings_info_back(tmp_path: Path) -> None:
    """``--log-level INFO``, or ``[log] level`` in the config file, logs each command again."""
    flag = bot(tmp_path, "run", "--user", "ana", "--log-level", "INFO", stdin="/balance\n")
    assert " INFO " in flag.stderr and "/balance by console:ana" in flag.stderr
    (tmp_path / "c.toml").write_text('[log]\nlevel = "INFO"\n')
    config = bot(tmp_path, "run", "--user", "ana", "--config", "c.toml", stdin="/balance\n")
    assert "/balance by console:ana" in config.stderr
    (tmp_path / "other.toml").write_text("[wallet]\nwelcome_grant = 60\n")
    other = bot(tmp_path, "run", "--user", "ana", "--config", "other.toml", stdin="/balance\n")
    assert other.stderr == ""


@pytest.mark.parametrize(
    ("argv", "sections", "level"),
    [
        (["run"], {}, "WARNING"),
        (["run", "--console"], {}, "WARNING"),
        (["run", "--log-level", "DEBUG"], {}, "DEBUG"),
        (["run"], {"discord": {"token": "t0ken"}}, "INFO"),
        (["run", "--console"], {"slack": {"bot_token": "xoxb-1"}}, "INFO"),
        (["run"], {"discord": {"token": "t0ken"}, "log": {"level": "ERROR"}}, "ERROR"),
        (["exec", "/balance"], {"log": {"level": "DEBUG"}}, "WARNING"),
        (["export", "--log-level", "INFO"], {}, "INFO"),
    ],
)
def test_default_log_levels(
    argv: list[str], sections: dict[str, dict[str, object]], level: str
) -> None:
    """Quiet (WARNING) for one-shot commands and a run with only the console; a run serving
    another platform logs at ``[log] level``; ``--log-level`` always wins."""
    from bot.cli import _log_level, build_parser
    from bot.settings import parse

    args = build_parser().parse_args(argv)
    assert _log_level(args, parse(sections, env={})) == level


def test_exec_creates_the_files_folder(tmp_path: Path) -> None:
    """``--files DIR`` that does not exist is created, parents too, and the file saved there;
    the reply is printed."""
    cli(tmp_path, "exec", "/bid job:x connects:3")
    target = tmp_path / "out" / "charts"
    result = cli(tmp_path, "exec", "/history", "--files", str(target))
    assert result.returncode == 0, result.stderr
    assert f"Saved to {target / 'balance.png'} (" in result.stdout
    assert result.stdout.splitlines()[0]  # the reply's own text comes first
    assert (target / "balance.png").read_bytes().startswith(b"\x89PNG")


def test_exec_refuses_a_files_folder_it_cannot_create(tmp_path: Path) -> None:
    """A ``--files`` path that cannot be a folder is refused in one line before the command
    runs."""
    (tmp_path / "plain").write_text("")
    for where in ("plain", "plain/sub"):
        result = cli(tmp_path, "exec", "/bid job:x connects:3", "--files", where)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and f"--files {where}" in lines[0]
    assert cli(tmp_path, "exec", "/balance").stdout.startswith("60 Connects")  # nothing ran


def test_a_file_that_cannot_be_saved_keeps_the_reply(tmp_path: Path) -> None:
    """When the file itself cannot be written, the reply is printed with one line saying so,
    and the exit code is 1."""
    cli(tmp_path, "exec", "/bid job:x connects:3")
    (tmp_path / "out" / "balance.png").mkdir(parents=True)  # a folder where the file goes
    result = cli(tmp_path, "exec", "/history", "--files", "out")
    assert result.returncode == 1
    assert result.stdout.startswith("Your wallet: last 2\n")
    assert "Could not save balance.png to out" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["", "   "])
@pytest.mark.parametrize("sub", ["exec", "run"])
def test_an_empty_user_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    sub: str,
) -> None:
    """``--user ""`` or blanks: one line, exit code 2, before anything is opened."""
    monkeypatch.chdir(tmp_path)
    argv = [sub, "--user", name] + (["/balance"] if sub == "exec" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["connects-bot: --user needs a name, e.g. --user sam"]
    assert not (tmp_path / "connects.db").exists()


def test_user_names_ignore_case(tmp_path: Path) -> None:
    """``--user Sam`` and ``--user sam`` are one wallet."""
    assert bot(tmp_path, "exec", "--user", "Sam", "/bid job:x connects:5").returncode == 0
    assert bot(tmp_path, "exec", "--user", "sam", "/balance").stdout.startswith("55 Connects")
    assert bot(tmp_path, "exec", "--user", "SAM", "/balance").stdout.startswith("55 Connects")


def test_exec_does_not_load_the_terminal_library(tmp_path: Path) -> None:
    """The one-shot path stays light: no prompt_toolkit (nor platform libraries)."""
    code = (
        "import sys\nfrom bot.cli import main\n"
        "code = main(['exec', '--user', 'ana', '/balance'])\n"
        "heavy = [m for m in ('prompt_toolkit', 'discord', 'slack_bolt', 'matplotlib') "
        "if m in sys.modules]\n"
        "print('loaded:', heavy)\nsys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={k: v for k, v in os.environ.items() if k not in ENV_KEYS},
    )
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


def _read_until(fd: int, needle: bytes, timeout: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_run_at_a_terminal_edits_completes_and_keeps_history(tmp_path: Path) -> None:
    """At a terminal, Tab completes a command and the line is kept in the history file,
    which is created under $XDG_STATE_HOME; Ctrl-D ends with exit code 0."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(XDG_STATE_HOME=str(tmp_path / "state"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--user", "Ana"],
        cwd=tmp_path,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        assert b"Tab completes" in _read_until(leader, b"connects>")
        os.write(leader, b"/bala")
        assert b"/bala" in _read_until(leader, b"/bala")
        os.write(leader, b"\t")
        assert b"nce" in _read_until(leader, b"nce")  # the completion is on the line
        os.write(leader, b"\r")
        assert b"60 Connects" in _read_until(leader, b"Your wallet")
        _read_until(leader, b"connects>", 5)
        os.write(leader, b"\x04")
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    history = (tmp_path / "state" / "connects-bot" / "history").read_text()
    assert "+/balance" in history
