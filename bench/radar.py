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
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from bot.bootstrap import create_app  # noqa: E402
from core.base.config import parse  # noqa: E402
from core.base.keys import Actor, UserRef  # noqa: E402
from core.store.base import Tx  # noqa: E402

ANA = Actor(UserRef("console:ana", "ana"), "console")
BEN = Actor(UserRef("console:ben", "ben"), "console")
WORDS = [
    "python",
    "developer",
    "scraping",
    "tool",
    "shopify",
    "store",
    "migration",
    "wordpress",
    "website",
    "landing",
    "page",
    "design",
    "logo",
    "bakery",
    "restaurant",
    "mobile",
    "react",
    "native",
    "flutter",
    "backend",
    "api",
    "integration",
    "stripe",
    "payments",
    "dashboard",
    "analytics",
    "excel",
    "automation",
    "chrome",
    "extension",
    "marketing",
    "campaign",
]


def post(title: str, job: str, since: str) -> str:
    return f"""{title}
Posted 2 hours ago
Hourly: $25-$40
Expert
Required Connects to submit a proposal: 12
Payment method verified
4.9 of 17 reviews
$20K total spent
8 hires, 2 active
United States
Member since {since}
https://www.upwork.com/jobs/~01{job}
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _seed(app: object, now: int) -> None:
    """20,000 bids of 4,000 clients in the last 30 days, and 400 of one busy client."""
    rnd = random.Random(1)
    first = await app.run_text(  # type: ignore[attr-defined]
        BEN, "/bid " + "post:" + post("Logo for a bakery", "0" * 16, "Jan 1, 2010"), "seed"
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


async def _time(app: object, line: str, runs: int, tag: str) -> list[float]:
    out = []
    for i in range(runs):
        started = time.perf_counter()
        reply = await app.run_text(ANA, line, f"{tag}-{i}")  # type: ignore[attr-defined]
        out.append((time.perf_counter() - started) * 1000)
        assert not reply.error, reply.title
    return out


async def main(runs: int) -> None:
    from core.commands import quotes

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        config = parse({"storage": {"url": url, "synchronous": "NORMAL"}}, env={})
        app = await create_app(config)
        try:
            await _seed(app, app.services.clock())
            cases = {
                "unknown client": post("Logo for a bakery", "a" * 16, "Feb 3, 1999"),
                "6 bids, one a repost": post("Logo for a BAKERY!", "b" * 16, "Jan 1, 2010"),
                "400 bids, none alike": post(
                    "Menu translation to Spanish", "c" * 16, "Jun 15, 2021"
                ),
            }
            said = await app.run_text(ANA, f"/quote post:{cases['6 bids, one a repost']}", "x")
            assert any("repost" in line for line in said.lines), said.lines
            real = quotes.radar

            async def off(*_: object) -> None:
                return None

            results: dict[str, list[float]] = {}
            await _time(app, "/balance", 20, "warm")
            for _ in range(2):
                for name, text in cases.items():
                    line = f"/quote post:{text}"
                    quotes.radar = real  # type: ignore[assignment]
                    results.setdefault(f"{name}, radar", []).extend(
                        await _time(app, line, runs // 2, f"{name}-on")
                    )
                    quotes.radar = off  # type: ignore[assignment]
                    results.setdefault(f"{name}, no radar", []).extend(
                        await _time(app, line, runs // 2, f"{name}-off")
                    )
            quotes.radar = real  # type: ignore[assignment]
            print(f"{'/quote post:':<34} {'p50 ms':>8} {'p99 ms':>8} {'runs':>6}")
            for name, values in results.items():
                p50 = statistics.median(values)
                print(f"{name:<34} {p50:>8.2f} {_pct(values, 0.99):>8.2f} {len(values):>6}")
        finally:
            await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400)
    args = parser.parse_args()
    asyncio.run(main(args.runs))
