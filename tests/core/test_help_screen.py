"""/help and /help X fit the first screen of a phone: about 40 characters, 8 lines."""

from __future__ import annotations

import pytest

from core.commands.account import HELP_FIRST, PHONE_WIDTH, command_help, help_reply
from core.interface.catalog import BY_NAME, COMMANDS, GROUPS


def test_help_puts_the_four_most_used_first() -> None:
    """The four commands people use most come first, one short line each; every other
    command is still named, in lines a phone shows whole."""
    reply = help_reply()
    first = [line.split(" — ")[0] for line in reply.lines[:4]]
    assert first == [f"/{name}" for name, _ in HELP_FIRST]
    assert len(reply.lines) <= 8
    # Slack writes each command as /connects X: the four still fit, the rest are plain names
    assert all(len(line.replace("/", "/connects ")) <= PHONE_WIDTH for line in reply.lines)
    named = " ".join([*reply.lines, *reply.details]).split()
    for c in COMMANDS:
        name = c.group or c.name
        assert name in named or f"/{name}" in named, name


@pytest.mark.parametrize("name", sorted({c.name for c in COMMANDS} | set(GROUPS)))
def test_help_for_one_command_fits_a_screen(name: str) -> None:
    """Every /help X is at most 8 lines under its headline; a command with many options
    lists their names in phone-wide lines and says how to ask about one."""
    reply = command_help(name)
    assert len(reply.lines) <= 8
    # every line of it, a few options' descriptions too (too long ones move to the details),
    # but the example: a command to copy whole, which a phone wraps
    example = reply.lines[reply.lines.index("Example:") + 1] if "Example:" in reply.lines else None
    assert all(len(x) <= PHONE_WIDTH for x in reply.lines if x != example), reply.lines
    if any(line.startswith("Options:") for line in reply.lines):
        start = next(i for i, x in enumerate(reply.lines) if x.startswith("Options:"))
        listed = " ".join(x for x in reply.lines[start:] if not x.startswith(("/", "Example")))
        named = [o.name for o in BY_NAME[name].options] if name in BY_NAME else []
        assert all(o in listed.split() for o in named), (named, listed)


def test_help_for_one_option() -> None:
    """/help bid connects says what one option takes."""
    reply = command_help("bid connects")
    assert "a whole number from 0 to 100" in " ".join(reply.lines)
    assert len(reply.lines) <= 8
