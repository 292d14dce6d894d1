"""What text may hold, through the real entry points (``App.run_text`` and ``App.dispatch``)
on both backends: control characters and bytes that are not UTF-8 are refused in one line
naming the option, display names are stored without them, and none of it changes the
database."""

from __future__ import annotations

from typing import Any

import pytest

from core.app import App
from core.base.keys import Actor, UserRef
from core.interface.catalog import BY_NAME
from core.interface.errors import BadInput
from core.interface.textparse import parse_options, split_command
from core.store.base import Tx
from core.store.sides import side_of
from tests.conftest import actor

ANA = actor("ana")

Snapshot = dict[str, list[tuple[Any, ...]]]


async def snapshot(app: App) -> Snapshot:
    """Every row of every table, in primary key order: equal snapshots, nothing changed."""
    store = app.store

    async def read(tx: Tx) -> Snapshot:
        side = side_of(store, tx)
        out: Snapshot = {}
        for table in await side.tables():
            columns = await side.columns(table)
            rows: list[tuple[Any, ...]] = []
            async for batch in side.rows(table, columns, await side.primary_key(table)):
                rows.extend(batch)
            out[table] = rows
        return out

    return await store.read(read)


async def seeded(app: App) -> Snapshot:
    """A ledger with a user, a pool and a bid in it, and its snapshot."""
    for i, line in enumerate(
        [
            "/pool create name:agency",
            "/pool topup name:agency connects:10",
            "/bid job:seed connects:4",
        ]
    ):
        reply = await app.run_text(ANA, line, f"seed-{i}")
        assert not reply.error, reply.title
    return await snapshot(app)


# (character, how the refusal names it)
BAD_CHARACTERS = [
    ("\x00", "a control character (U+0000)"),
    ("\x01", "a control character (U+0001)"),
    ("\r", "a control character (U+000D)"),
    ("\x1b", "a control character (U+001B)"),
    ("\x7f", "a control character (U+007F)"),
    ("\udcff", "a byte that is not valid UTF-8 (0xFF)"),
    ("\ud800", "an unpaired surrogate (U+D800)"),
]

# (command line with X where the character goes, the option named, dispatch form)
PLACES = [
    ("/bid job:LogoXbakery connects:1", "job", ("bid", {"job": "LogoXbakery", "connects": 1})),
    (
        "/bid job:Logo connects:1 note:aXb",
        "note",
        ("bid", {"job": "Logo", "connects": 1, "note": "aXb"}),
    ),
    ("/pool create name:agXency", "name", ("pool create", {"name": "agXency"})),
    ("/confirm token:abXcd", "token", ("confirm", {"token": "abXcd"})),
    ("/buy connects:1X0", "connects", ("buy", {"connects": "1X0"})),
    ("/balance pool:agXency", "pool", ("balance", {"pool": "agXency"})),
]


@pytest.mark.parametrize(("char", "named"), BAD_CHARACTERS)
@pytest.mark.parametrize(("line", "option", "typed"), PLACES)
async def test_control_characters_are_refused_naming_the_option(
    app: App,
    char: str,
    named: str,
    line: str,
    option: str,
    typed: tuple[str, dict[str, object]],
) -> None:
    before = await seeded(app)
    expected = f"{option}: contains {named}; remove it."
    reply = await app.run_text(ANA, line.replace("X", char), "hostile-text")
    assert reply.error and reply.title == expected
    command, args = typed
    spoiled = {k: v.replace("X", char) if isinstance(v, str) else v for k, v in args.items()}
    reply = await app.dispatch(ANA, command, spoiled, "hostile-typed")
    assert reply.error and reply.title == expected
    assert await snapshot(app) == before


async def test_tab_and_newline_stay_allowed(app: App) -> None:
    """Only the characters nobody means to type are refused: tab and newline are text."""
    reply = await app.dispatch(
        ANA, "bid", {"job": "Logo\tbakery", "connects": 1, "note": "one\ntwo"}, "tabs"
    )
    assert not reply.error, reply.title

    async def read(tx: Tx) -> tuple[str, str]:
        row = await tx.fetchone("SELECT job, note FROM bids")
        assert row is not None
        return str(row["job"]), str(row["note"])

    assert await app.store.read(read) == ("Logo\tbakery", "one\ntwo")


async def test_display_names_lose_their_control_characters(app: App) -> None:
    """A display name comes from the platform, not from an option: the user is served and
    the name is stored without the characters text may not hold, on either backend."""
    zed = Actor(UserRef("console:zed", "Zed\x00\x1b[31m\udcff\x7f"), "console")
    reply = await app.dispatch(zed, "balance", {}, "zed-1")
    assert not reply.error, reply.title

    async def read(tx: Tx) -> str:
        row = await tx.fetchone("SELECT display FROM users WHERE key = 'console:zed'")
        assert row is not None
        return str(row["display"])

    assert await app.store.read(read) == "Zed[31m"


def test_control_characters_are_never_separators() -> None:
    """CR, VT, FF and U+001C-U+001F are whitespace to Python but text nobody types: they stay
    inside the word they touch, so the option it lands in refuses them by name."""
    assert parse_options(BY_NAME["pool create"], "name:ag\rency") == {"name": "ag\rency"}
    with pytest.raises(BadInput, match="No command"):
        split_command("/pool\x1fadd name:x")
    assert parse_options(BY_NAME["pool create"], "name:agency\t") == {"name": "agency"}
