"""``connects-bot exec "/quote image:PATH ..."``: screenshots on the console user's own machine,
read in order as one post through the real entry point; refusals exit non-zero in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.test_cli import cli
from tests.core.screens_corpus import CORPUS

CASE = json.loads((CORPUS / "phone-light-3x-a.json").read_text())


@pytest.mark.slow
def test_two_screens_of_one_job_are_quoted_as_one_post(tmp_path: Path) -> None:
    """The two screens of a phone case, in order: the cost stated on the second, the title
    from the first, and the Bid button's command."""
    paths = " ".join(str(CORPUS / name) for name in CASE["screens"])
    done = cli(tmp_path, "exec", f"/quote image:{paths}", timeout=240)
    assert done.returncode == 0, done.stderr
    truth = CASE["truth"]
    assert done.stdout.startswith(f"{truth['connects']} Connects, stated by the post"), done.stdout
    assert truth["title"] in done.stdout
    assert f"[Bid {truth['connects']} Connects]" in done.stdout


@pytest.mark.parametrize(("write", "says"), [(True, "is not an image"), (False, "cannot read")])
def test_a_path_that_is_no_screenshot_is_one_line(tmp_path: Path, write: bool, says: str) -> None:
    """A text file named like a screenshot, or a path that is not there: one line, exit 1,
    nothing read."""
    path = tmp_path / "shot.png"
    if write:
        path.write_text("not a picture")
    done = cli(tmp_path, "exec", f"/quote image:{path}")
    assert done.returncode == 1
    assert says in done.stdout and done.stdout.count("\n") == 1, done.stdout
