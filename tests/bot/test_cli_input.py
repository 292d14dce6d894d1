"""Hostile input at the command line: arguments that are not UTF-8, a user name with a
control character, and a console fed hostile lines from a file. Each is refused in one line,
never a traceback, and nothing changes in the database."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from tests.bot.test_cli import cli
from tests.bot.test_cli_secrets import rows, seeded
from tests.bot.test_console_run import bot


def not_utf8(raw: bytes) -> str:
    """``raw`` as Python hands such bytes over in ``sys.argv`` (surrogate escapes)."""
    return os.fsdecode(raw)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["exec", not_utf8(b"/bid job:\xff connects:1"), "--user", "ana"], "the command"),
        (["exec", "/bid", not_utf8(b"job:\xfe"), "--user", "ana"], "the command"),
        (["exec", "/balance", "--user", not_utf8(b"\xff")], "--user"),
        (["exec", "/balance", not_utf8(b"--user=an\xe9")], "--user"),
        (["run", "--user", not_utf8(b"\xff")], "--user"),
    ],
)
def test_arguments_that_are_not_utf8_are_refused_in_one_line(
    tmp_path: Path, argv: list[str], named: str
) -> None:
    before = seeded(tmp_path)
    result = bot(tmp_path, *argv, stdin="/bid job:more connects:1\n")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"connects-bot: {named} contains a byte")
    assert "not valid UTF-8" in lines[0] and "nothing was run" in lines[0]
    assert "Traceback" not in result.stderr
    assert rows(tmp_path / "connects.db") == before


def test_not_utf8_in_process_names_the_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONNECTS_DATABASE_URL", raising=False)
    cases = [
        ["exec", "/bid job:\udcff connects:1", "--user", "ana"],
        ["exec", "/balance", "--user", "\udcff"],
        ["db", "copy", "sqlite:///\udcffa.db", "sqlite:///b.db"],
    ]
    for argv in cases:
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and "(0xFF)" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "connects.db").exists() and not (tmp_path / "b.db").exists()


def test_a_user_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    before = seeded(tmp_path)
    result = bot(tmp_path, "exec", "/balance", "--user", "an\x1ba")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "connects-bot: --user contains a control character (U+001B); nothing was run"
    )
    assert rows(tmp_path / "connects.db") == before


def test_control_characters_in_the_command_are_the_command_refusal(tmp_path: Path) -> None:
    """A control character that decodes fine reaches the command, which names the option."""
    before = seeded(tmp_path)
    result = cli(tmp_path, "exec", "/bid job:a\x01b connects:1")
    assert result.returncode == 1
    assert result.stdout.strip() == "job: contains a control character (U+0001); remove it."
    assert rows(tmp_path / "connects.db") == before


def test_run_from_a_file_of_hostile_lines_ends_cleanly(tmp_path: Path) -> None:
    """``run < file``: NUL and escape characters, an over-long line and a long unknown command
    are each refused in one line, the rest runs, it ends with exit code 0 at end of file, no
    traceback, and nothing the refusals carried reached the database."""
    commands = tmp_path / "hostile.txt"
    commands.write_bytes(
        b"/bid job:a\x00b connects:1\n"
        b"/pool create name:ag\x1bency\n"
        b"/bid job:" + b"x" * 5_000 + b"\n"
        b"/" + b"y" * 3_000 + b"\n"
        b"/balance\n"
    )
    with commands.open("rb") as file:
        result = bot(tmp_path, "run", "--user", "ana", stdin=file.fileno())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "job: contains a control character (U+0000); remove it."
    assert lines[1] == "name: contains a control character (U+001B); remove it."
    assert lines[2] == "A command is at most 4,000 characters; this one has 5,009. Shorten it."
    assert lines[3].startswith("No command 'yyyy") and len(lines[3]) < 240
    assert lines[4] == "60 Connects"
    with sqlite3.connect(tmp_path / "connects.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM bids").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM pools").fetchone() == (0,)


def test_run_with_input_at_end_or_from_a_file(tmp_path: Path) -> None:
    """``run < /dev/null`` and ``run < file`` end with exit code 0 and no traceback."""
    with open(os.devnull, "rb") as null:
        empty = bot(tmp_path, "run", "--user", "ana", stdin=null.fileno())
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "")
    script = tmp_path / "script.txt"
    script.write_text("/balance\n")
    with script.open("rb") as file:
        done = bot(tmp_path, "run", "--user", "ana", stdin=file.fileno())
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stdout.startswith("60 Connects")
