"""Outcome asks on the console, which prints each button as the command to type: the
notice's buttons are ``/confirm token:CODE`` lines, each recording what its label says once;
``/outcomes`` lists bids awaiting news with the exact ``/outcome`` lines."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from adapters.console.console import ConsoleNotifier, serve
from bot.notices import tick
from core.app import App
from tests.conftest import Clock


async def _run(app: App, text: str, tmp_path: Path, user: str = "ana") -> str:
    out = io.StringIO()
    await serve(app, user, asyncio.Event(), io.StringIO(text), out, tmp_path)
    return out.getvalue()


async def test_the_ask_prints_its_buttons_as_commands(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    await _run(app, "/bid job:Logo connects:4\n/bid job:Site connects:2\n", tmp_path)
    listed = await _run(app, "/outcomes details:true\n", tmp_path)
    assert "Awaiting news: 2" in listed
    assert "/outcome bid:#1 status:hired" in listed and "/outcome bid:#2 status:lost" in listed
    out = io.StringIO()
    app.notifiers["console"] = ConsoleNotifier(out)
    clock.advance(8 * 86_400)
    assert await tick(app) == 1
    shown = out.getvalue()
    assert shown.startswith("[to ana] 📋 Any news on these 2 bids?")
    hired = re.search(r"  \[#1 Hired\] (/confirm token:[0-9a-f]{10}-hired)\n", shown)
    lost = re.search(r"  \[#2 Lost\] (/confirm token:[0-9a-f]{10}-lost)\n", shown)
    assert hired and lost, shown
    # another console user typing Ana's code records nothing
    nosy = await _run(app, hired.group(1) + "\n", tmp_path, user="ben")
    assert "not yours" in nosy
    done = await _run(app, f"{hired.group(1)}\n{hired.group(1)}\n{lost.group(1)}\n", tmp_path)
    assert done.count("Bid #1: hired") == 2 and "nothing changed again" in done
    assert "Bid #2: lost" in done
    assert "Awaiting news: none" in await _run(app, "/outcomes\n", tmp_path)
