"""What the repost radar adds to ``/quote post:``: the same quote with the radar and with it
switched off, on a community whose last 30 days hold 20,000 bids of 4,000 clients (5 jobs
each), on SQLite (``synchronous=NORMAL``).

Cases: a client no bid here knows (the index finds nothing), a client with 6 earlier bids
(one of them, Ben's, is the job posted again), and a client with 400 earlier bids under
other titles (the radar reads its limit, 200, and compares every title). Prints p50 and
p99 in milliseconds.

    .venv/bin/python bench/radar.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from bench.apptiming import ANA, pct, sqlite_app, time_text  # noqa: E402
from core.base.keys import Actor, UserRef  # noqa: E402
from core.store.base import Tx  # noqa: E402
from tests.core.radar_posts import WORDS, post  # noqa: E402

BEN = Actor(UserRef("console:ben", "ben"), "console")


async def _seed(app: object, now: int) -> None:
    """20,000 bids of 4,000 clients in the last 30 days, and 400 of one busy client."""
    rnd = random.Random(1)
    first = await app.run_text(  # type: ignore[attr-defined]
        BEN, "/bid " + "post:" + post("Logo for a bakery", "0" * 16, since="Jan 1, 2010"), "seed"
    )
    assert not first.error, first.title

    def row(i: int, since: str, title: str) -> dict[str, object]:
        return {
            "b": f"console:m{i % 40}",
            "job": f"https://www.upwork.com/jobs/~01{i:016d}",
            "key": f"~01{i:016d}",
            "at": now - rnd.randrange(29 * 86_400),
            "rid": f"seed-{i}",
            "title": title,
            "since": since,
        }

    rows = []
    for i in range(20_000):
        day = 1 + (i // 5) % 28
        since = f"{2010 + (i // 5) % 4000 // 280:04d}-{1 + (i // 5) % 280 // 28:02d}-{day:02d}"
        rows.append(row(i + 1, since, " ".join(rnd.sample(WORDS, 5))))
    for i in range(400):
        rows.append(row(30_000 + i, "2021-06-15", " ".join(rnd.sample(WORDS, 5))))

    async def fill(tx: Tx) -> None:
        for r in rows:
            await tx.execute(
                "INSERT INTO bids (account_id, bidder, job, job_key, connects, status, created_at, "
                "updated_at, request_id, scope, title, member_since, country, client_spent_cents, "
                "rating_hundredths, hires) VALUES (1, :b, :job, :key, 12, 'submitted', :at, :at, "
                ":rid, 'console', :title, :since, 'US', 2000000, 490, 8)",
                r,
            )

    await app.store.write(fill)  # type: ignore[attr-defined]


async def main(runs: int) -> None:
    from core.commands import quotes

    async with sqlite_app() as app:
        await _seed(app, app.services.clock())
        cases = {
            "unknown client": post("Logo for a bakery", "a" * 16, since="Feb 3, 1999"),
            "6 bids, one a repost": post("Logo for a BAKERY!", "b" * 16, since="Jan 1, 2010"),
            "400 bids, none alike": post(
                "Menu translation to Spanish", "c" * 16, since="Jun 15, 2021"
            ),
        }
        said = await app.run_text(ANA, f"/quote post:{cases['6 bids, one a repost']}", "x")
        assert any("repost" in line for line in said.lines), said.lines
        real = quotes.radar

        async def off(*_: object) -> None:
            return None

        results: dict[str, list[float]] = {}
        await time_text(app, "/balance", 20, "warm")
        for _ in range(2):
            for name, text in cases.items():
                line = f"/quote post:{text}"
                quotes.radar = real  # type: ignore[assignment]
                results.setdefault(f"{name}, radar", []).extend(
                    await time_text(app, line, runs // 2, f"{name}-on")
                )
                quotes.radar = off  # type: ignore[assignment]
                results.setdefault(f"{name}, no radar", []).extend(
                    await time_text(app, line, runs // 2, f"{name}-off")
                )
        quotes.radar = real  # type: ignore[assignment]
        print(f"{'/quote post:':<34} {'p50 ms':>8} {'p99 ms':>8} {'runs':>6}")
        for name, values in results.items():
            p50 = statistics.median(values)
            print(f"{name:<34} {p50:>8.2f} {pct(values, 0.99):>8.2f} {len(values):>6}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400)
    args = parser.parse_args()
    asyncio.run(main(args.runs))
