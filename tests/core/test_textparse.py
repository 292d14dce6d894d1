"""The text syntax shared by the console and Slack, and option checking."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest

from core.base.keys import UserRef
from core.base.text import FORBIDDEN
from core.interface.catalog import BY_NAME, COMMANDS
from core.interface.errors import BadInput
from core.interface.options import check, console_user
from core.interface.textparse import parse_options, split_command
from core.interface.textreader import SPACE, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('job:"Logo for a bakery" connects:4', {"job": "Logo for a bakery", "connects": "4"}),
        (r'job:"say \"hi\" now"', {"job": 'say "hi" now'}),
        ('"Logo for a bakery" 4', {"job": "Logo for a bakery", "connects": "4"}),
        (
            "job:https://www.upwork.com/jobs/~01ab?x=1",
            {"job": "https://www.upwork.com/jobs/~01ab?x=1"},
        ),
        (
            "https://www.upwork.com/jobs/~01ab 3",
            {"job": "https://www.upwork.com/jobs/~01ab", "connects": "3"},
        ),
        ('job:"Café ☕ — 🎉 design" note:"a: b"', {"job": "Café ☕ — 🎉 design", "note": "a: b"}),
        ('"note: not an option" connects:2', {"job": "note: not an option", "connects": "2"}),
        ("connects:2 job:x", {"connects": "2", "job": "x"}),
    ],
)
def test_bid_options(text: str, expected: dict[str, str]) -> None:
    """key:value pairs, quoted values with escapes, and values in catalog order."""
    assert parse_options(BY_NAME["bid"], text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("foo:1", "no option 'foo'"),
        ('job:"open quote', "closing"),
        ("connects:1 connects:2", "twice"),
    ],
)
def test_bid_option_errors(text: str, fragment: str) -> None:
    """Unknown, repeated or malformed options get one line naming the fix."""
    with pytest.raises(BadInput) as err:
        parse_options(BY_NAME["bid"], text)
    assert fragment in err.value.message
    assert "\n" not in err.value.message


def test_too_many_positional_values() -> None:
    """More bare values than options is refused, naming the options."""
    with pytest.raises(BadInput, match="key:value"):
        parse_options(BY_NAME["balance"], "a b")


@pytest.mark.parametrize(
    ("text", "name", "rest"),
    [
        ("/quote price:5", "quote", "price:5"),
        ("quote", "quote", ""),
        ("/pool add name:x member:y", "pool add", "name:x member:y"),
        ("/POOL INFO agency", "pool info", "agency"),
    ],
)
def test_split_command(text: str, name: str, rest: str) -> None:
    """The command name (and a subcommand) comes first."""
    command, remainder = split_command(text)
    assert command is not None and command.name == name
    assert remainder == rest


@pytest.mark.parametrize("text", ["", "help", "/help"])
def test_help_names_no_command(text: str) -> None:
    """Empty text and help mean the catalog."""
    assert split_command(text) == (None, "")


def test_unknown_commands() -> None:
    """Unknown commands and bare groups say what exists."""
    with pytest.raises(BadInput, match=r"No command 'fly'\. See /help"):
        split_command("/fly")
    with pytest.raises(BadInput, match="create"):
        split_command("/pool")


def test_mentions_stay_whole() -> None:
    """Slack mentions with spaces inside are one token."""
    assert [t for t, _ in tokenize("a <@U1|sam smith> b")] == ["a", "<@U1|sam smith>", "b"]


def test_check_converts_types() -> None:
    """Raw strings become typed values; omitted options take their defaults."""
    quote = BY_NAME["quote"]
    out = check(
        quote,
        {
            "price": "$1,500.50",
            "funded": "yes",
            "hire_rate": "80",
            "size": "LARGE",
            "rating": "4.9",
        },
    )
    assert out["price"] == Decimal("1500.50")
    assert out["funded"] is True
    assert out["hire_rate"] == 80
    assert out["size"] == "large"
    assert out["rating"] == Decimal("4.9")
    assert out["verified"] is None
    assert check(BY_NAME["history"], {})["limit"] == 10


@pytest.mark.parametrize(
    ("command", "args", "fragment"),
    [
        ("quote", {"hire_rate": "101"}, "out of range"),
        ("quote", {"rating": "-1"}, "out of range"),
        ("quote", {"price": "abc"}, "not valid"),
        ("quote", {"price": "nan"}, "not valid"),
        ("quote", {"funded": "maybe"}, "true or false"),
        ("quote", {"size": "huge"}, "small, medium, large"),
        ("quote", {"hire_rate": True}, "not valid"),
        ("bid", {"job": "x", "connects": "-1"}, "out of range"),
        ("bid", {"job": "x", "connects": "101"}, "out of range"),
        ("bid", {"job": "x" * 201}, "at most 200"),
        ("refund", {"bid": "#1", "reason": "because"}, "not one of"),
        ("pool add", {"name": "a", "member": "<@U1>"}, "member"),
    ],
)
def test_check_refuses(command: str, args: dict[str, object], fragment: str) -> None:
    """Each bad value gets one line naming the option and the fix."""
    with pytest.raises(BadInput) as err:
        check(BY_NAME[command], args, console_user)
    assert fragment in err.value.message


def test_user_resolvers() -> None:
    """Console names resolve to console user keys (Slack's: tests/adapters/slack)."""
    assert console_user("@sam") == UserRef("console:sam", "sam")


def test_catalog_is_well_formed() -> None:
    """Names are unique, options unique per command, descriptions fit a phone."""
    assert len({c.name for c in COMMANDS}) == len(COMMANDS)
    for c in COMMANDS:
        names = [o.name for o in c.options]
        assert len(names) == len(set(names)), c.name
        assert len(c.description) <= 60, c.name
        for o in c.options:
            assert len(o.description) <= 60, (c.name, o.name)
            assert o.default is None or not o.required


def test_space_is_every_whitespace_character_text_may_hold() -> None:
    """The written-out word separators are exactly the characters ``str.isspace`` calls
    space, in code point order, less the control characters text may not hold."""
    found = "".join(
        c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and not FORBIDDEN.match(c)
    )
    assert found == SPACE
    assert " " in SPACE and "\u3000" in SPACE and "\r" not in SPACE and "\x0b" not in SPACE
