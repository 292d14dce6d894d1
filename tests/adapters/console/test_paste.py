"""/paste in the console: the job post is read from the lines after it, up to an empty line."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from adapters.console.console import POST_PROMPT, awaits_post, serve, with_post
from core.app import App

POST = (
    "Senior Python developer\n"
    "Hourly: $25-$40\n"
    "Required Connects to submit a proposal: 13\n"
    "Payment method verified"
)


@pytest.mark.parametrize(
    ("line", "waits"),
    [
        ("/paste", True),
        ("paste", True),
        ("/quote post:", True),
        ("/bid pool:crew POST:  ", True),
        ("/paste Senior Python developer", False),
        ("/quote post:Hourly: $25", False),
        ("/quote price:500", False),
        ("/bid job:post: office", False),
        ("/nonsense", False),
    ],
)
def test_which_lines_wait_for_a_post(line: str, waits: bool) -> None:
    """/paste alone or a line ending at post: reads on; anything else runs as it is."""
    assert (awaits_post(line) == POST_PROMPT) is waits


def test_the_post_joins_the_line() -> None:
    """After post: directly, after /paste with a space; nothing pasted leaves the line."""
    assert with_post("/quote post:", "a\nb") == "/quote post:a\nb"
    assert with_post("/paste", "a") == "/paste a"
    assert with_post("/paste", "") == "/paste"


async def _run(app: App, text: str, tmp_path: Path) -> str:
    out = io.StringIO()
    await serve(app, "ana", asyncio.Event(), io.StringIO(text), out, tmp_path)
    return out.getvalue()


async def test_paste_reads_lines_up_to_an_empty_one(app: App, tmp_path: Path) -> None:
    """The post's lines become one post; the command after the empty line runs on its own."""
    shown = await _run(app, f"/paste\n{POST}\n\n/balance\n", tmp_path)
    assert "13 Connects, stated by the post" in shown
    assert "Budget   Hourly $25.00-$40.00/hr" in shown
    assert "[Bid 13 Connects] /bid job:" in shown
    assert shown.rstrip().endswith("Your wallet")


async def test_quote_post_at_the_end_of_a_line_reads_on(app: App, tmp_path: Path) -> None:
    """/quote boost:1 post: then the post: the boost applies to the stated cost."""
    shown = await _run(app, f"/quote boost:1 post:\n{POST}\n", tmp_path)
    assert "13 + 1 boost = 14 Connects" in shown


async def test_paste_with_nothing_after_it_says_what_to_do(app: App, tmp_path: Path) -> None:
    """An empty line at once (or the end of input) runs /paste alone: one line."""
    shown = await _run(app, "/paste\n\n", tmp_path)
    assert shown.strip().startswith("Paste the job post after /paste")
