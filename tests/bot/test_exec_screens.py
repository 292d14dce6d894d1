"""``connects-bot exec "/quote image:PATH ..."``: screenshots on the console user's own machine,
read in order as one post through the real entry point; refusals exit non-zero in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bot.test_cli import cli
from tests.core.screens_corpus import CORPUS, COST_DIGITS, smudged

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


@pytest.mark.slow
def test_a_bid_on_two_screens_spends_the_cost_they_state(tmp_path: Path) -> None:
    """/bid image: the two screens of a phone case: the bid placed at the stated cost, on
    the job's title, and the wallet down by exactly that."""
    paths = " ".join(str(CORPUS / name) for name in CASE["screens"])
    done = cli(tmp_path, "exec", f"/bid image:{paths}", timeout=240)
    assert done.returncode == 0, done.stderr
    truth = CASE["truth"]
    cost = truth["connects"]
    assert isinstance(cost, int)
    assert done.stdout.startswith("Bid #1 placed"), done.stdout
    assert truth["title"] in done.stdout
    assert f"{cost} Connects from your wallet" in done.stdout
    assert f"{60 - cost} Connects left" in done.stdout


@pytest.mark.slow
def test_a_smudged_cost_is_refused_and_nothing_is_spent(tmp_path: Path) -> None:
    """Attack: the cost's digits blurred on the last screen, hoping the bot bids a guess.
    Exit 1, one line naming the cost's line and asking for connects:; the wallet is whole."""
    first, last = (CORPUS / name for name in CASE["screens"])
    blurred = tmp_path / "blurred.png"
    blurred.write_bytes(smudged(last.read_bytes(), COST_DIGITS))
    done = cli(tmp_path, "exec", f"/bid image:{first} {blurred}", timeout=240)
    assert done.returncode == 1, done.stdout
    assert "Not read clearly: 'Required Connects to submit a proposal:" in done.stdout
    assert "add connects:" in done.stdout and done.stdout.count("\n") == 1, done.stdout
    balance = cli(tmp_path, "exec", "/balance")
    assert balance.stdout.startswith("60 Connects"), balance.stdout
