"""Hostile text beyond the bound and shapes that used to take quadratic time, through
``App.run_text`` on both backends: a line longer than the bound is refused unread, refusals
repeat only a short prefix, the reader stays linear and reads as before, and none of it
changes the database."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.app import App
from core.interface.errors import BadInput
from core.interface.textparse import MAX_LINE
from core.interface.textreader import _DOUBLE, _QUOTES, tokenize
from tests.core.test_text_rule import ANA, seeded, snapshot


@pytest.mark.parametrize(
    "text",
    [
        "<" * 400_000,
        "/" + "x" * 1_500_000,
        "/bid job:" + "'a " * 200_000,
        "/bid " + "<@" * 300_000,
    ],
    ids=["400k <", "1.5 MB unknown command", "unclosed quotes", "unclosed mentions"],
)
async def test_a_line_beyond_the_bound_is_refused_unread(app: App, text: str) -> None:
    before = await seeded(app)
    reply = await app.run_text(ANA, text, "huge")
    assert reply.error
    assert reply.title == (
        f"A command is at most {MAX_LINE:,} characters; this one has {len(text):,}. Shorten it."
    )
    assert await snapshot(app) == before


async def test_the_bound_itself_is_read(app: App) -> None:
    """A line of exactly the bound is parsed (and refused for what it says); one more
    character is refused for its length."""
    at_bound = "/bid job:" + "x" * (MAX_LINE - len("/bid job:"))
    reply = await app.run_text(ANA, at_bound, "bound")
    assert reply.error and reply.title.startswith("job: at most 200 characters")
    reply = await app.run_text(ANA, at_bound + "x", "bound+1")
    assert reply.error and reply.title.startswith("A command is at most 4,000 characters")


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("/" + "x" * 3_000, "No command 'xxxxxxxx"),
        ("/quote " + "size:" + "y" * 3_000, "size: 'yyyy"),
        ("/quote verified:" + "z" * 3_000, "verified: 'zzzz"),
        ("/quote " + "w" * 3_000 + ":1", "/quote has no option 'wwww"),
        ("/balance a " + "v" * 3_000, "/balance: unexpected 'vvvv"),
        ("/pool add name:agency member:" + "u" * 3_000, "member: 'uuuu"),
        ("/buy connects:" + "9" * 3_000, "connects: '9999"),
    ],
)
async def test_refusals_repeat_only_a_short_prefix(app: App, line: str, start: str) -> None:
    before = await seeded(app)
    reply = await app.run_text(ANA, line, "echo")
    assert reply.error and reply.title.startswith(start), reply.title
    assert len(reply.title) < 300 and "…" in reply.title
    assert await snapshot(app) == before


def _quadratic_tokenize(text: str) -> list[tuple[str, bool]]:
    """The tokenizer as it was before its searches were remembered (quadratic on unclosed
    quotes and mentions): the oracle the linear one must agree with."""
    out: list[tuple[str, bool]] = []
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            return out
        closers = _QUOTES.get(text[pos])
        if closers is not None:
            opener, buf, i = text[pos], [], pos + 1
            while i < n:
                ch = text[i]
                if ch == "\\" and i + 1 < n and text[i + 1] in closers + "\\" and opener in _DOUBLE:
                    buf.append(text[i + 1])
                    i += 2
                    continue
                if ch in closers and (i + 1 >= n or text[i + 1].isspace()):
                    break
                buf.append(ch)
                i += 1
            if i < n:
                out.append(("".join(buf), True))
                pos = i + 1
                continue
            if opener in _DOUBLE:
                raise BadInput("unclosed")
        start, i = pos, pos
        while i < n and not text[i].isspace():
            if text[i] == "<" and (end := text.find(">", i)) != -1:
                i = end + 1
                continue
            i += 1
        out.append((text[start:i], False))
        pos = i


def _tokens(text: str) -> list[tuple[str, bool]] | str:
    try:
        return tokenize(text)
    except BadInput:
        return "refused"


def _oracle(text: str) -> list[tuple[str, bool]] | str:
    try:
        return _quadratic_tokenize(text)
    except BadInput:
        return "refused"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="<>'‘’\"“”„«» a\\\t\n@|", max_size=40))
def test_the_linear_tokenizer_reads_as_the_quadratic_one(text: str) -> None:
    assert _tokens(text) == _oracle(text)


@pytest.mark.parametrize(
    "text",
    [
        "'a " * 1_300,
        "‘a " * 1_300,
        "<" * MAX_LINE,
        "<a " * 1_300,
        "a> <" * 1_000,
        "'a '" + " 'b" * 1_300,
    ],
)
def test_hostile_shapes_at_the_bound_read_as_before(text: str) -> None:
    assert _tokens(text) == _oracle(text)


def test_mentions_and_quotes_still_read_after_a_failed_search() -> None:
    """A search that found nothing ahead is remembered; one that found something is not."""
    assert tokenize("<a <b> c <d") == [("<a <b>", False), ("c", False), ("<d", False)]
    assert tokenize("<@U1|a b> <@U2|c d>") == [("<@U1|a b>", False), ("<@U2|c d>", False)]
    assert tokenize("it's 'quoted here' don't") == [
        ("it's", False),
        ("quoted here", True),
        ("don't", False),
    ]
    assert tokenize("'a 'b") == [("'a", False), ("'b", False)]
