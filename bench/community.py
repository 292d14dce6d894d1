"""What one member's bids can do to another member's learned quote: the poisoning attacks on
the synthetic community of ``tests/core/learning/synthetic.py``, through the database and
``core.quotes.learning.fit`` (SQLite).

The honest community: 400 stated bids of the last year spread over 8 members (the rule: a
rate card by job value, +1 verified, +2 for a client who spent $10,000, +1 for a project over
6 months; 20 % of costs one Connect off). The victim, one of them, quotes a fixed-price
$1,000 job, payment verified, a client who spent nothing, 1 to 3 months: 17 Connects by the
rule. The attacker, a ninth member, logs stated bids on jobs like the victim's, placed now:

- ``high``: N bids at 100 Connects each, refunded in full at once (net cost 0) or paid for;
- ``small``: N bids at 1 Connect each (dragging the quote down), paid for;
- ``huge``: one bid at 100 Connects, paid for.

Each row: the victim's learned quote (``heuristic`` when no model is in use), its
cross-validated typical error, and the shift from the quote without an attack. The target:
a shift of at most max(1 Connect, the typical error).

    .venv/bin/python bench/community.py [--quick]

Run against another checkout with ``CONNECTS_ROOT=/path/to/checkout`` (the bids are written
with plain SQL, so it runs on code before the per-member rules too).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("CONNECTS_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

from core.base.config import Config, parse  # noqa: E402
from core.quotes import learning  # noqa: E402
from core.quotes.bidrecords import BidFactors  # noqa: E402
from core.quotes.learning.features import heuristic_factors  # noqa: E402
from core.quotes.learning.rows import Sample  # noqa: E402
from core.quotes.pricing import quote  # noqa: E402
from core.store import Store, open_store  # noqa: E402
from core.store.base import Tx  # noqa: E402
from tests.core.learning.synthetic import community, job  # noqa: E402

NOW = 1_790_000_000
HONEST = [f"console:x{i}" for i in range(8)]
VICTIM_JOB = BidFactors(
    budget_type="fixed",
    price_cents=100_000,
    verified=True,
    client_spent_cents=0,
    length="1_to_3_months",
)


def like_victim(rng: random.Random, n: int) -> list[BidFactors]:
    """``n`` jobs like the victim's: the same budget band, payment and spend, other factors
    at random."""
    return [
        dataclasses.replace(
            job(rng, NOW),
            budget_type="fixed",
            price_cents=rng.randint(80_000, 120_000),
            verified=True,
            client_spent_cents=0,
            length="1_to_3_months",
        )
        for _ in range(n)
    ]


async def write(
    store: Store, samples: list[Sample], bidders: list[str], *, refunded: bool = False
) -> None:
    names = [f.name for f in dataclasses.fields(BidFactors)]

    async def run(tx: Tx) -> None:
        account = await tx.fetchone(
            "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 0, 0) RETURNING id"
        )
        assert account is not None
        sql = (
            "INSERT INTO bids (account_id, bidder, job, job_key, connects, status, created_at, "
            "updated_at, request_id, connects_stated, scope, refunded, refund_reason, "
            f"{', '.join(names)}) VALUES (:a, :b, 'job', 'job', :c, 'submitted', :t, :t, :r, 1, "
            f"'console', :back, :why, {', '.join(':' + n for n in names)})"
        )
        for i, s in enumerate(samples):
            await tx.execute(
                sql,
                {
                    "a": account["id"],
                    "b": bidders[i % len(bidders)],
                    "c": s.connects,
                    "t": s.created_at,
                    "r": f"bench:{account['id']}:{i}",
                    "back": s.connects if refunded else 0,
                    "why": "completed" if refunded else None,
                    **s.factors.columns(),
                },
            )

    await store.write(run)


async def one(folder: Path, label: str, attack: list[Sample], refunded: bool) -> dict[str, object]:
    url = f"sqlite:///{folder / f'{label}.db'}"
    config: Config = parse(
        {"storage": {"url": url}, "pricing": {"profile": "upwork"}, "learning": {"min_bids": 30}},
        env={},
    )
    store = await open_store(url, synchronous="NORMAL")
    try:
        await write(store, community(400, NOW, seed=1), HONEST)
        if attack:
            await write(store, attack, ["console:mallory"], refunded=refunded)
        started = time.perf_counter()
        model = await learning.fit(store, config, "console", NOW)
        seconds = time.perf_counter() - started
    finally:
        await store.close()
    heuristic = quote(config.pricing, heuristic_factors(VICTIM_JOB)).connects
    if model.in_use:
        value: int | str = learning.predict_connects(model, VICTIM_JOB, NOW)
    else:
        value = f"{heuristic} (heuristic)"
    return {
        "label": label,
        "quote": value,
        "mae": (model.mae_hundredths or 0) / 100,
        "in_use": model.in_use,
        "seconds": seconds,
    }


def attacks(quick: bool) -> list[tuple[str, list[Sample], bool]]:
    rng = random.Random(7)
    rows: list[tuple[str, list[Sample], bool]] = [("none", [], False)]
    counts = (10, 60) if quick else (10, 60, 200)
    for n in counts:
        high = [Sample(f, 100, NOW - i * 60) for i, f in enumerate(like_victim(rng, n))]
        rows.append((f"high-{n}-refunded", high, True))
        rows.append((f"high-{n}-paid", high, False))
    small = [Sample(f, 1, NOW - i * 60) for i, f in enumerate(like_victim(rng, counts[-1]))]
    rows.append((f"small-{counts[-1]}-paid", small, False))
    rows.append(("huge-1-paid", [Sample(like_victim(rng, 1)[0], 100, NOW)], False))
    return rows


async def main(quick: bool) -> None:
    print(f"code: {ROOT}  python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    results = []
    with tempfile.TemporaryDirectory(prefix="connects-community-") as tmp:
        for label, samples, refunded in attacks(quick):
            results.append(await one(Path(tmp), label, samples, refunded))
    base = results[0]["quote"]
    print()
    print("| attack | victim's quote | shift | typical error | within target | fit |")
    print("|---|---:|---:|---:|:---:|---:|")
    for r in results:
        value = r["quote"]
        shift = abs(value - base) if isinstance(value, int) and isinstance(base, int) else None
        bound = max(1.0, float(str(base_mae(results))))
        ok = "" if shift is None else ("yes" if shift <= bound else "NO")
        print(
            f"| {r['label']} | {value} | {'' if shift is None else shift} | "
            f"±{r['mae']:.2f} | {ok} | {r['seconds']:.1f} s |"
        )


def base_mae(results: list[dict[str, object]]) -> float:
    mae = results[0]["mae"]
    assert isinstance(mae, float)
    return mae


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 and 60 attacking bids only")
    asyncio.run(main(parser.parse_args().quick))
