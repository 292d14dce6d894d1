"""From recognised boxes to a pasted post's lines: columns, rows, wrapped lines, glued words,
unclear numbers and overlapping screens (pure; no recogniser)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.quotes.jobpost import read_post
from core.quotes.screens.lines import (
    HIDDEN,
    Box,
    Page,
    columns,
    page,
    respace,
    rows,
    stitch,
    unclear,
)

H = 40.0  # a line's height in pixels; separate lines step 90, a paragraph's lines 62


def box(x: float, y: float, text: str, conf: float = 0.99, width: float | None = None) -> Box:
    return Box(x, y, x + (width if width is not None else 18 * len(text)), y + H, text, conf)


def test_a_wrapped_label_is_joined_and_separate_lines_are_not() -> None:
    """ "Required Connects to submit a" / "proposal: 8" (a paragraph's step, the line before
    full to the edge) reads as one line; the lines around it, a block's step apart, stay."""
    boxes = [
        box(50, 0, "Posted 3 hours ago"),
        box(50, 90, "Required Connects to submit a", width=900),
        box(50, 152, "proposal: 8"),
        box(50, 242, "Available Connects: 120"),
        box(50, 332, "Payment method verified"),
    ]
    got = page(boxes, 1080)
    assert got.lines == (
        "Posted 3 hours ago",
        "Required Connects to submit a proposal: 8",
        "Available Connects: 120",
        "Payment method verified",
    )
    assert read_post("\n".join(got.lines)).connects == 8


def test_a_full_line_followed_by_another_block_is_not_joined() -> None:
    """A long line that fills the column, then the next block a block's step below: two lines
    (the sidebar's cost, then the balance)."""
    boxes = [
        box(50, 0, "Send a proposal for: 16 Connects", width=960),
        box(50, 90, "Available Connects: 120"),
        box(50, 180, "About the client"),
        box(50, 270, "Payment method verified"),
    ]
    assert page(boxes, 1080).lines == (
        "Send a proposal for: 16 Connects",
        "Available Connects: 120",
        "About the client",
        "Payment method verified",
    )


def test_two_columns_read_left_then_right() -> None:
    """The desktop page: the job's column first, then the sidebar beside it, though their rows
    interleave by height."""
    left = [box(30, y, f"main {i}", width=500) for i, y in enumerate(range(0, 450, 90))]
    right = [box(700, y + 45, f"side {i}", width=300) for i, y in enumerate(range(0, 450, 90))]
    got = columns(left + right, 1100)
    assert [[b.text for b in c] for c in got] == [[b.text for b in left], [b.text for b in right]]


def test_boxes_of_one_row_read_left_to_right() -> None:
    """Boxes at the same height are one line, in x order."""
    got = rows([box(400, 2, "50+"), box(50, 0, "Proposals:"), box(50, 90, "Interviewing: 2")])
    assert [[b.text for b in r] for r in got] == [["Proposals:", "50+"], ["Interviewing: 2"]]


@pytest.mark.parametrize(
    ("glued", "spaced"),
    [
        ("AvailableConnects:120", "Available Connects: 120"),
        ("4.6of37reviews", "4.6 of 37 reviews"),
        ("$48Ktotal spent", "$48K total spent"),
        ("Est.budget: $50", "Est. budget: $50"),
        ("47% hire rate,3 open jobs", "47% hire rate, 3 open jobs"),
        ("MembersinceJun 26,2018", "Member since Jun 26, 2018"),
        ("Less than30hrs/week", "Less than 30 hrs/week"),
        ("Canada·Vancouver", "Canada · Vancouver"),
        ("https://www.upwork.com/jobs/~01ab12", "https://www.upwork.com/jobs/~01ab12"),
        ("WordPress site", "WordPress site"),
        ("$2,140 spent", "$2,140 spent"),
    ],
)
def test_respace_puts_back_dropped_spaces_only(glued: str, spaced: str) -> None:
    """Glued labels and numbers are split; links, ids, names and thousands are left whole."""
    assert respace(glued) == spaced


@given(st.text(alphabet="abcdefgABC0123456789:%,.$ /~", max_size=60))
def test_respace_changes_only_spaces(text: str) -> None:
    """Whatever it splits, respacing adds or removes nothing but spaces."""
    assert respace(text).replace(" ", "") == text.replace(" ", "")


def test_an_unclear_number_is_hidden_and_its_line_named() -> None:
    """A box with a digit read below the floor loses its numbers (the reader cannot take
    them) and its line is named; a clear box, or one without digits, is kept as read."""
    assert unclear(Box(0, 0, 1, 1, "proposal: 18", 0.62)) == (f"proposal: {HIDDEN}", True)
    assert unclear(Box(0, 0, 1, 1, "proposal: 18", 0.97)) == ("proposal: 18", False)
    assert unclear(Box(0, 0, 1, 1, "Payment verified", 0.3)) == ("Payment verified", False)
    got = page([box(50, 0, "Available Connects: 120"), box(50, 90, "Connects: 16", 0.5)], 1080)
    assert got.unclear == (f"Connects: {HIDDEN}",)
    post = read_post("\n".join(got.lines))
    assert post.connects is None  # refused, never guessed


LINE = st.text(alphabet="abcdefghij 0123456789:", min_size=12, max_size=30).map(str.strip)


@given(
    st.lists(LINE, min_size=4, max_size=30, unique_by=lambda s: s.replace(" ", "")),
    st.data(),
)
def test_overlapping_screens_stitch_back_to_the_page(lines: list[str], data: st.DataObject) -> None:
    """A page cut into screens that each repeat two or three lines of the one before (as a
    scrolled phone does), or none, reads back as the page: no line lost, none doubled."""
    lines = [x for x in lines if len(x) >= 12]
    if len(lines) < 4:
        return
    screens: list[Page] = []
    start = 0
    while start < len(lines):
        end = min(len(lines), start + data.draw(st.integers(4, 8)))
        screens.append(Page(tuple(lines[start:end]), ()))
        if end == len(lines):
            break
        start = end - data.draw(st.sampled_from((0, 2, 3)))
    assert stitch(screens).lines == tuple(lines)
