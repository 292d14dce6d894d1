"""The README's tour runs as written: each ``$ connects-bot exec '...'`` line, in order, on a
fresh database, prints exactly the lines the README shows under it (dates aside, which the
clock decides, and kept codes, which each run's request id makes), and a line ``(exit N)``
is the exit code it ends with."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.bot.test_cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A kept code (a change's Details), made from each run's own request id.
CODE = re.compile(r"token:[0-9a-f]{10}\b")


def _same(line: str) -> str:
    return CODE.sub("token:CODE", DATE.sub("DATE", line))


def tour() -> list[tuple[str, list[str], int]]:
    """The tour's commands, each with the lines shown under it and its exit code."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## A tour") :]
    block = section[section.index("```text\n") + 8 :]
    block = block[: block.index("```")]
    steps: list[tuple[str, list[str], int]] = []
    for chunk in block.strip().split("\n\n"):
        head, *shown = chunk.splitlines()
        argv = shlex.split(head.removeprefix("$ "))
        assert argv[:2] == ["connects-bot", "exec"] and len(argv) == 3, head
        code = 0
        if shown and (exit_line := re.fullmatch(r"\(exit (\d+)\)", shown[-1])):
            code = int(exit_line.group(1))
            shown = shown[:-1]
        steps.append((argv[2], shown, code))
    return steps


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    """Every step of the tour answers what the README says it answers."""
    steps = tour()
    assert len(steps) >= 8
    for command, shown, code in steps:
        result = cli(tmp_path, "exec", command)
        printed = (result.stdout + result.stderr).rstrip("\n").splitlines()
        assert [_same(x) for x in printed] == [_same(x) for x in shown], command
        assert result.returncode == code, command
