"""A synthetic community: stated bids whose Connects follow a known rule of their factors,
with noise, spread over time, for checking what the learned model recovers.

The rule (:func:`rule`), on the job's true factors:

- a rate card by the job's value (the fixed price, or 100 hours of an hourly rate):
  under $50: 8, under $500: 12, under $5,000: 16, from $5,000: 20 Connects;
- +1 when the client's payment is verified, +2 when the client spent $10,000 or more, +1 for
  a project of over 6 months;
- times ``scale`` (a drift: Upwork doubling its prices), clipped to 7-26 (what posts state).

Each bid's cost then moves by one Connect with probability ``noise`` (either way), and each
factor is hidden (stored as unknown) with probability ``hide``: the cost was decided on the
true factors, the bidder just did not record them all. Factors the rule ignores (experience,
hours, proposals, the client's hires, reviews and age) are drawn at random: noise the model
must learn to ignore.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from core.quotes.bidrecords import BidFactors
from core.quotes.learning.rows import Sample
from core.store.base import Store, Tx

DAY = 86400
BANDS = ((50, 8), (500, 12), (5000, 16))
TOP = 20
#: The honest members a synthetic community's bids are spread over, in turn.
HONEST = tuple(f"console:x{i}" for i in range(8))
LENGTHS = ("under_1_month", "1_to_3_months", "3_to_6_months", "over_6_months")


def value_dollars(f: BidFactors) -> float:
    """The job's value: a fixed price, or 100 hours of an hourly rate."""
    assert f.price_cents is not None
    dollars = f.price_cents / 100
    return dollars * 100 if f.budget_type == "hourly" else dollars


def rule(f: BidFactors, scale: float = 1.0) -> int:
    """The community's true cost of a job with the (complete) factors ``f``."""
    value = value_dollars(f)
    cost = next((c for edge, c in BANDS if value < edge), TOP)
    cost += 1 if f.verified else 0
    cost += 2 if (f.client_spent_cents or 0) >= 1_000_000 else 0
    cost += 1 if f.length == "over_6_months" else 0
    return max(7, min(26, round(cost * scale)))


def job(rng: random.Random, at: int) -> BidFactors:
    """A job with every factor known."""
    hourly = rng.random() < 0.3
    # an hourly rate of $8 to $120, or a fixed price of $10 to $20,000
    price = round((rng.uniform(8, 120) if hourly else 10 ** rng.uniform(1, 4.3)) * 100)
    spent = 0 if rng.random() < 0.25 else round(10 ** rng.uniform(2, 5.5) * 100)
    since = at - int(rng.uniform(0, 10) * 365.25 * DAY)
    return BidFactors(
        budget_type="hourly" if hourly else "fixed",
        price_cents=price,
        size=rng.choice(("small", "medium", "large")),
        experience=rng.choice(("entry", "intermediate", "expert")),
        length=rng.choice(LENGTHS),
        hours=rng.choice(("under_30", "30_plus")),
        funded=rng.random() < 0.6,
        verified=rng.random() < 0.7,
        client_spent_cents=spent,
        hire_rate=rng.randint(0, 100),
        rating_hundredths=rng.randint(300, 500),
        reviews=rng.randint(0, 60),
        hires=rng.randint(0, 40),
        proposals_min=rng.choice((0, 5, 10, 15, 20, 50)),
        proposals_max=None,
        interviewing=rng.randint(0, 5),
        invites=rng.randint(0, 5),
        country=rng.choice(("US", "GB", "DE", "IN", "AU")),
        member_since=datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%d"),
    )


def hidden(rng: random.Random, f: BidFactors, hide: float) -> BidFactors:
    """``f`` with each factor but the budget unknown with probability ``hide``."""
    if hide <= 0:
        return f
    gone = {
        name: None
        for name in (
            "size",
            "experience",
            "length",
            "hours",
            "funded",
            "verified",
            "client_spent_cents",
            "hire_rate",
            "rating_hundredths",
            "reviews",
            "hires",
            "member_since",
        )
        if rng.random() < hide
    }
    return replace(f, **gone)  # type: ignore[arg-type]


def community(
    n: int,
    now: int,
    *,
    days: int = 365,
    seed: int = 0,
    noise: float = 0.2,
    hide: float = 0.1,
    scale: Callable[[int], float] = lambda at: 1.0,
    start: int | None = None,
) -> list[Sample]:
    """``n`` stated bids placed over the ``days`` days before ``now`` (or from ``start``),
    oldest first; ``scale(at)`` multiplies the rule at the bid's time."""
    rng = random.Random(seed)
    first = now - days * DAY if start is None else start
    out = []
    for _ in range(n):
        at = rng.randint(first, first + days * DAY)
        f = job(rng, at)
        cost = rule(f, scale(at))
        if rng.random() < noise:
            cost = max(1, cost + rng.choice((-1, 1)))
        out.append(Sample(hidden(rng, f, hide), cost, at))
    return sorted(out, key=lambda s: s.created_at)


async def insert(
    store: Store,
    samples: Sequence[Sample],
    scope: str | None,
    *,
    pool_scope: str | None = None,
    stated: bool = True,
    bidders: Sequence[str] = HONEST,
    refunded: bool = False,
    status: str = "submitted",
) -> None:
    """Write ``samples`` as bids of one account placed in ``scope`` by ``bidders`` in turn
    (the sample's own ``member`` where it has one); with ``pool_scope``, drawn on a pool of
    that scope (``scope`` may then be ``None``: a bid placed before bids kept their scope);
    ``refunded``: every Connect of each bid given back."""
    names = [
        "budget_type",
        "price_cents",
        "size",
        "experience",
        "length",
        "hours",
        "funded",
        "verified",
        "client_spent_cents",
        "hire_rate",
        "rating_hundredths",
        "reviews",
        "hires",
        "proposals_min",
        "proposals_max",
        "interviewing",
        "invites",
        "country",
        "member_since",
    ]

    async def write(tx: Tx) -> None:
        account = await tx.fetchone(
            "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 0, 0) RETURNING id"
        )
        assert account is not None
        pool_id = None
        if pool_scope is not None:
            pool = await tx.fetchone(
                "INSERT INTO pools (scope, name, account_id, owner, created_at) VALUES "
                "(:s, :n, :a, 'x', 0) RETURNING id",
                {"s": pool_scope, "n": f"p{account['id']}", "a": account["id"]},
            )
            assert pool is not None
            pool_id = pool["id"]
        sql = (
            "INSERT INTO bids (account_id, pool_id, bidder, job, job_key, connects, status, "
            "created_at, updated_at, request_id, connects_stated, scope, refunded, "
            f"{', '.join(names)}) VALUES (:a, :p, :bidder, 'job', 'job', :c, :status, "
            f":t, :t, :r, :stated, :scope, :back, {', '.join(':' + n for n in names)})"
        )
        for i, s in enumerate(samples):
            columns = s.factors.columns()
            await tx.execute(
                sql,
                {
                    "a": account["id"],
                    "p": pool_id,
                    "bidder": s.member or bidders[i % len(bidders)],
                    "status": status,
                    "back": s.connects if refunded else 0,
                    "c": s.connects,
                    "t": s.created_at,
                    "r": f"syn:{account['id']}:{i}",
                    "stated": int(stated),
                    "scope": scope,
                    **{n: columns[n] for n in names},
                },
            )

    await store.write(write)
