"""The catalog is authoritative: every command has exactly one handler, of the kind its
``changes_state`` says, and every handler's options dataclass reads exactly its options."""

from __future__ import annotations

import dataclasses

import pytest

from core.catalog import COMMANDS, Command
from core.commands import HANDLERS
from core.commands.registry import Change, Forward, Read, validate


def test_every_command_has_one_handler_of_its_kind() -> None:
    assert set(HANDLERS) == {c.name for c in COMMANDS}
    for command in COMMANDS:
        handler = HANDLERS[command.name]
        assert isinstance(handler, (Change, Forward) if command.changes_state else Read), (
            command.name
        )
    validate(COMMANDS)  # the check the package runs on import


def test_a_command_without_handler_or_a_handler_without_command_fails() -> None:
    extra = Command("forecast", "Connects you will need next month", changes_state=True)
    with pytest.raises(RuntimeError, match="no handler for \\['forecast'\\]"):
        validate((*COMMANDS, extra))
    with pytest.raises(RuntimeError, match="no command for \\['quote'\\]"):
        validate(tuple(c for c in COMMANDS if c.name != "quote"))


def test_a_change_declared_as_a_read_fails() -> None:
    flipped = tuple(
        dataclasses.replace(c, changes_state=False) if c.name == "buy" else c for c in COMMANDS
    )
    with pytest.raises(RuntimeError, match="/buy: changes_state=False"):
        validate(flipped)


def test_options_dataclasses_match_the_catalog() -> None:
    """Each handler's options dataclass has one field per catalog option, by name."""
    for command in COMMANDS:
        handler = HANDLERS[command.name]
        assert isinstance(handler, (Read, Change, Forward))
        names = [f.name for f in dataclasses.fields(handler.options)]  # type: ignore[arg-type]
        assert sorted(names) == sorted(o.name for o in command.options), command.name
