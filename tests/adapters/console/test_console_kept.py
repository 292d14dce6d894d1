"""A quote's buttons on the console, which prints each as the command to type: Bid's command
spends the number its label shows; Set-to's is the kept offer's code, so typed after a bid it
applies what Upwork showed when the post was quoted, once."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from adapters.console.console import serve
from core.app import App

POST = (
    "Data pipeline in Python · Fixed-price · $800 · Required Connects to submit a proposal: 20"
    " · Available Connects: 64 · https://www.upwork.com/jobs/~01aaaabbbbcccc1111"
)


async def _run(app: App, text: str, tmp_path: Path) -> str:
    out = io.StringIO()
    await serve(app, "ana", asyncio.Event(), io.StringIO(text), out, tmp_path)
    return out.getvalue()


async def test_bid_then_set_to_typed_on_the_console(app: App, tmp_path: Path) -> None:
    shown = await _run(app, f"/quote post:{POST}\n", tmp_path)
    bid = re.search(r"\[Bid 20 Connects\] (/bid .*connects:20)\n", shown)
    match = re.search(r"\[Match Upwork's 64\] (/confirm token:\w+)\n", shown)
    assert bid and match, shown
    lines = [bid.group(1), match.group(1), match.group(1)]
    done = await _run(app, "\n".join(lines) + "\n", tmp_path)
    assert "Bid #1 placed" in done
    assert done.count("Set to 44 Connects") == 2, done
    assert "Upwork showed 64 before bid #1 (your wallet had 60 then): 40 → 44" in done
    balance = await _run(app, "/balance\n", tmp_path)
    assert "44 Connects" in balance
