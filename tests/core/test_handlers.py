"""The catalog is authoritative: every command has exactly one handler, of the kind its
``changes_state`` says, and every handler's options dataclass reads exactly its options."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import typing

import pytest

from core.base.facts import TYPED, JobFacts
from core.commands import AREAS, HANDLERS, load_all
from core.commands.registry import Change, Forward, Read, defined_in, validate
from core.interface.catalog import COMMANDS, Command

load_all()  # every area: these tests read the whole registry


def test_every_command_has_one_handler_of_its_kind() -> None:
    assert set(HANDLERS) == {c.name for c in COMMANDS}
    for command in COMMANDS:
        handler = HANDLERS[command.name]
        assert isinstance(handler, (Change, Forward) if command.changes_state else Read), (
            command.name
        )
    validate(COMMANDS)  # the check load_all runs


def test_each_handler_lives_in_the_area_that_loads_it() -> None:
    """:data:`AREAS` names, for every command, the module that registers its handler, so
    importing that one module is enough to run it."""
    assert set(AREAS) == {c.name for c in COMMANDS}
    for name, area in AREAS.items():
        assert defined_in(HANDLERS[name]) == f"core.commands.{area}", name


def test_a_wrong_area_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(AREAS, "balance", "money")
    with pytest.raises(RuntimeError, match=r"/balance: its handler is in core\.commands\.balance"):
        load_all()
    monkeypatch.setitem(AREAS, "forecast", "account")
    monkeypatch.setitem(AREAS, "balance", "balance")
    with pytest.raises(RuntimeError, match="AREAS names no command \\['forecast'\\]"):
        load_all()


def test_a_name_no_area_registers_is_not_a_handler() -> None:
    """A lookup of a name that is no command raises ``KeyError``, as a dict does; ``get`` and
    ``in`` see only what is registered."""
    with pytest.raises(KeyError):
        HANDLERS["forecast"]
    assert HANDLERS.get("forecast") is None and "forecast" not in HANDLERS


LAZY = """
import json, sys
from core.commands import HANDLERS
before = {m for m in sys.modules if m.startswith("core.commands.")}
found = HANDLERS[sys.argv[1]]
after = {m for m in sys.modules if m.startswith("core.commands.")}
print(json.dumps({"kind": type(found).__name__, "before": sorted(before), "after": sorted(after)}))
"""


@pytest.mark.parametrize(
    ("command", "absent"),
    [
        ("balance", {"money", "quotes", "pools", "purchases", "learned", "account"}),
        ("model", {"money", "quotes", "pools", "purchases", "account"}),
        ("bid", {"account", "pools", "purchases", "learned"}),
    ],
)
def test_a_command_loads_only_its_area(command: str, absent: set[str]) -> None:
    """In a fresh interpreter, looking up a command's handler imports its own area (and what
    that area imports), not every area: /balance loads no quote, bid or pool commands."""
    result = subprocess.run(
        [sys.executable, "-c", LAZY, command],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["before"] == ["core.commands.registry"]
    areas = {m.removeprefix("core.commands.") for m in found["after"]}
    assert AREAS[command] in areas
    assert not areas & absent, sorted(areas & absent)
    assert found["kind"] == ("Change" if command == "bid" else "Read")


def test_a_command_without_handler_or_a_handler_without_command_fails() -> None:
    extra = Command("forecast", "Connects you will need next month", changes_state=True)
    with pytest.raises(RuntimeError, match="no handler for \\['forecast'\\]"):
        validate((*COMMANDS, extra))
    with pytest.raises(RuntimeError, match="no command for \\['quote'\\]"):
        validate(tuple(c for c in COMMANDS if c.name != "quote"))


def test_a_change_declared_as_a_read_fails() -> None:
    flipped = tuple(c._replace(changes_state=False) if c.name == "buy" else c for c in COMMANDS)
    with pytest.raises(RuntimeError, match="/buy: changes_state=False"):
        validate(flipped)


def test_options_dataclasses_match_the_catalog() -> None:
    """Each handler's options dataclass has one field per catalog option, by name; a field
    holding a job's facts stands for the options they are typed as."""
    typed = [fact.option for fact in TYPED]
    for command in COMMANDS:
        handler = HANDLERS[command.name]
        assert isinstance(handler, (Read, Change, Forward))
        hints = typing.get_type_hints(handler.options)
        names: list[str | None] = []
        for f in dataclasses.fields(handler.options):  # type: ignore[arg-type]
            names += typed if hints[f.name] is JobFacts else [f.name]
        assert sorted(map(str, names)) == sorted(o.name for o in command.options), command.name
