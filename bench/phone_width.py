"""How much of each reply lands on a phone's first screen, per command and platform.

Every catalog command is run by a member with history (bids, a pool with a member, a fitted
learned model over 200 synthetic stated bids, pasted job posts from the test fixtures), the
story of ``tests/adapters/phone.py``; each reply is rendered as the console, Discord's embed
and Slack's Block Kit lay it out, and its first screen is measured: the lines under the
headline (at most 8 wanted) and the widest line (at most 40 wanted where the content allows).
Prints one row per command and platform, then the longest and the widest first screens.

    .venv/bin/python bench/phone_width.py [--details]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a file, this script's folder comes first on sys.path: look in the project instead
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from bot.bootstrap import create_app  # noqa: E402
from core.base.config import parse  # noqa: E402
from core.base.keys import Actor, UserRef  # noqa: E402
from core.interface.reply import FIRST_LINES, FIRST_WIDTH  # noqa: E402
from core.quotes import learning  # noqa: E402
from tests.adapters.phone import Screen, run_story, screens  # noqa: E402
from tests.core.learning.synthetic import community, insert  # noqa: E402

ANA = Actor(UserRef("console:ana", "ana"), "console")
NOW = 1_796_000_000


async def measure(folder: Path) -> list[Screen]:
    config = parse(
        {
            "storage": {"url": f"sqlite:///{folder / 'phone.db'}"},
            "learning": {"min_bids": 20, "folds": 2, "min_outcomes": 20, "min_count": 5},
        },
        env={},
    )
    app = await create_app(config, lambda: NOW)
    try:
        await insert(app.store, community(200, NOW, seed=3), "console")
        await learning.fit(app.store, app.config, "console", NOW)
        out: list[Screen] = []
        for label, reply in await run_story(app, ANA):
            out.extend(screens(label, reply))
        return out
    finally:
        await app.close()


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        found = asyncio.run(measure(Path(tmp)))
    print(f"{'command':<16} {'platform':<8} {'lines':>5} {'widest':>6}")
    for s in found:
        flag = " *" if len(s.lines) > FIRST_LINES or s.widest > FIRST_WIDTH else ""
        print(f"{s.command:<16} {s.platform:<8} {len(s.lines):>5} {s.widest:>6}{flag}")
    longest = max(found, key=lambda s: (len(s.lines), s.widest))
    widest = max(found, key=lambda s: (s.widest, len(s.lines)))
    print(
        f"\nlongest first screen: {longest.command} on {longest.platform}, "
        f"headline + {len(longest.lines)} lines, widest {longest.widest}"
    )
    print(f"widest first screen: {widest.command} on {widest.platform}, {widest.widest} characters")
    apart = ("help", "help bid", "stats", "error unknown")  # laid out apart from this change
    rest = [s for s in found if s.command not in apart]
    longest = max(rest, key=lambda s: (len(s.lines), s.widest))
    widest = max(rest, key=lambda s: (s.widest, len(s.lines)))
    print(
        f"without /help, /stats and the unknown-command refusal: longest {longest.command} on "
        f"{longest.platform} (headline + {len(longest.lines)} lines, widest {longest.widest}); "
        f"widest {widest.command} on {widest.platform} ({widest.widest})"
    )
    over = sorted(
        {s.command for s in found if len(s.lines) > FIRST_LINES or s.widest > FIRST_WIDTH}
    )
    print(f"over {FIRST_LINES} lines or {FIRST_WIDTH} characters (*): {', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
