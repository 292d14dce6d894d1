"""The verbatim ``post:`` option in the text syntax: everything after its key, as it is."""

from __future__ import annotations

import pytest

from core.app import App
from core.interface.catalog import BY_NAME, COMMANDS
from core.interface.commonoptions import MAX_POST
from core.interface.errors import BadInput
from core.interface.options import check
from core.interface.textparse import MAX_LINE, check_length, parse_options
from tests.conftest import actor

ANA = actor("ana")

POST = 'Logo: "urgent"\nHourly: $25-$40\n\nRequired Connects to submit a proposal: 13\njob:x'


@pytest.mark.parametrize("command", ["quote", "bid"])
def test_post_takes_the_rest_verbatim(command: str) -> None:
    """Newlines, quotes, colons and other options' keys after post: belong to the post."""
    parsed = parse_options(BY_NAME[command], f"boost:2 post:  {POST}\n")
    assert parsed == {"boost": "2", "post": POST}


def test_options_before_the_post_are_read_as_usual() -> None:
    """A free-text job stops at post:, as at any other key."""
    parsed = parse_options(BY_NAME["bid"], f"job:Logo for a bakery connects:4 post:{POST}")
    assert parsed == {"job": "Logo for a bakery", "connects": "4", "post": POST}


def test_keyless_values_never_fill_the_post() -> None:
    """Values without a key fill the other options; the post is only ever given by its key."""
    quote = BY_NAME["quote"]
    values = " ".join(str(i) for i in range(1, len(quote.options) + 1))  # one past the rest
    with pytest.raises(BadInput, match="unexpected"):
        parse_options(quote, values)


@pytest.mark.parametrize("text", [POST, f"post:{POST}", f"POST: {POST}"])
def test_paste_reads_all_of_its_text(text: str) -> None:
    """/paste <post> takes the whole text, with or without its key."""
    assert parse_options(BY_NAME["paste"], text) == {"post": POST}


def test_a_long_post_passes_the_line_bound_and_a_longer_one_is_refused() -> None:
    """Only a verbatim value may run past MAX_LINE, up to MAX_POST characters."""
    check_length("/quote post:" + "x" * MAX_POST)
    with pytest.raises(BadInput, match="pasted post is at most"):
        check_length("/quote post:" + "x" * (MAX_POST + 1))
    with pytest.raises(BadInput, match="at most 4,000"):
        check_length("/quote price:" + "1" * MAX_LINE)


def test_a_post_key_far_into_the_line_does_not_lift_the_bound() -> None:
    """The key must start within the first MAX_LINE characters."""
    with pytest.raises(BadInput, match="at most 4,000"):
        check_length("/bid job:" + "x" * MAX_LINE + " post:y")


def test_line_ends_and_control_characters_in_a_post_are_normalised() -> None:
    """CRLF and CR become newlines; characters text may not hold become spaces."""
    values = check(BY_NAME["quote"], {"post": "a\r\nb\rc\x0cd\x00e"})
    assert values.opt_text("post") == "a\nb\nc d e"


def test_only_the_last_option_may_be_verbatim() -> None:
    """Every catalog command keeps its verbatim option last (the parser stops there)."""
    for command in COMMANDS:
        assert all(not o.verbatim for o in command.options[:-1]), command.name


async def test_bid_without_job_or_post_is_refused_in_one_line(app: App) -> None:
    """job is optional only because a post may name the job."""
    reply = await app.run_text(ANA, "/bid connects:2", "r1")
    assert reply.error
    assert reply.title.startswith("job is required")
