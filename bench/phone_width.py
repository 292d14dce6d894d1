"""How much of each reply lands on a phone's first screen, per command and platform.

Every catalog command is run by a member with history (bids, a pool with a member, a fitted
learned model over 200 synthetic stated bids, pasted job posts from the test fixtures), the
story of ``tests/adapters/phone.py``; each reply is rendered as the console, Discord's embed
and Slack's Block Kit lay it out, and its first screen is measured: the lines under the
headline (at most 8 wanted) and the widest line (at most 40 wanted where the content allows).
Prints one row per command and platform, then the longest first screen on each platform,
the widest, and the widest line that is not a job's title (a title may wrap).

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
from core.quotes.jobquote import read_job  # noqa: E402
from tests.adapters.phone import PLATFORMS, Screen, post, run_story, screens  # noqa: E402
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
    for platform in PLATFORMS:
        mine = [s for s in found if s.platform == platform]
        longest = max(mine, key=lambda s: (len(s.lines), s.widest))
        print(
            f"longest first screen on {platform}: {longest.command}, headline + "
            f"{len(longest.lines)} lines, widest {longest.widest}"
        )
    titles = {read_job(post(n)).title for n in ("desktop_current", "mobile_app", "desktop_fixed")}
    widest = max(found, key=lambda s: (s.widest, len(s.lines)))
    print(f"widest first screen: {widest.command} on {widest.platform}, {widest.widest} characters")
    untitled = [
        (s, line)
        for s in found
        for line in (s.headline, *s.lines)
        if len(line) > FIRST_WIDTH and not any(t and t in line for t in titles)
    ]
    widest_other = max((len(line) for _, line in untitled), default=0)
    print(f"widest line that is not a job's title: {widest_other or 'none over 40'}")
    over = sorted({s.command for s in found if len(s.lines) > FIRST_LINES})
    wide = sorted({s.command for s in found if s.widest > FIRST_WIDTH})
    print(f"over {FIRST_LINES} lines: {', '.join(over) or 'none'}")
    print(f"over {FIRST_WIDTH} characters (*; a job's title wraps): {', '.join(wide) or 'none'}")


if __name__ == "__main__":
    main()
