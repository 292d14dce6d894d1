"""A value without a key never fills an option the user did not mean.

The case: ``/pool create name: Acme Agency`` created pool ``acme`` and made ``Agency`` its
announcement channel. Words after a ``key:value`` belong to that value; the text syntax refuses
them in one line (quote the value, or give the other option its key) instead of handing them
to the next option in catalog order.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from adapters.console.console import serve
from core.app import App
from core.interface.catalog import COMMANDS, Command, Option
from core.interface.errors import BadInput
from core.interface.textparse import parse_options
from core.store.base import Tx
from tests.conftest import actor

ANA = actor("ana")


def _keyed_options() -> list[tuple[Command, Option]]:
    return [
        (c, o)
        for c in COMMANDS
        for o in c.options
        if not o.verbatim and not o.free_text and not (c.options and c.options[0].verbatim)
    ]


@pytest.mark.parametrize(
    ("command", "option"), _keyed_options(), ids=lambda x: getattr(x, "name", str(x))
)
def test_a_word_after_a_keyed_value_never_fills_another_option(
    command: Command, option: Option
) -> None:
    """Every option of every command: ``key:value word`` is refused, in one line naming how
    to write it; the same word before any key still fills the options in order."""
    with pytest.raises(BadInput) as refused:
        parse_options(command, f"{option.name}: value word")
    message = refused.value.message
    assert "\n" not in message and "'word' without a key" in message
    assert message.startswith(f"{option.name}: 'value'")


async def _pools(app: App) -> list[tuple[str, str | None]]:
    async def read(tx: Tx) -> list[tuple[str, str | None]]:
        rows = await tx.fetchall("SELECT name, channel FROM pools ORDER BY id")
        return [(str(r["name"]), r["channel"]) for r in rows]

    return await app.store.read(read)


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (
            "/pool create name: Acme Agency",
            'a value of several words goes in quotes, name:"Acme Agency"; another option\'s '
            "value goes after its key, channel:Agency.",
        ),
        ('/pool create name:"Acme Agency"', "name: use 1-40 letters, digits, - or _"),
        ("/balance pool: my crew", 'pool:"my crew"'),
        ("/quote price:500 small", "another option's value goes after its key, size:small"),
        ("/bid connects:4 Logo", "job:Logo"),
    ],
)
async def test_several_words_are_refused_in_one_line(app: App, line: str, fragment: str) -> None:
    reply = await app.run_text(ANA, line, "r1")
    assert reply.error and fragment in reply.title, reply.title
    assert "\n" not in reply.title
    assert await _pools(app) == []
    assert (await app.run_text(ANA, "/balance", "r2")).title == "60 Connects"


async def test_the_console_case(app: App, tmp_path: Path) -> None:
    """Typed at the console: one line, no pool; the name quoted and the channel keyed, or
    the values in order without keys, create the pool as meant."""
    out = io.StringIO()
    lines = "/pool create name: Acme Agency\n/pool create acme\n"
    await serve(app, "ana", asyncio.Event(), io.StringIO(lines), out, tmp_path)
    assert out.getvalue().splitlines()[0].startswith("name: 'Acme' is followed by 'Agency'")
    assert await _pools(app) == [("acme", None)]
