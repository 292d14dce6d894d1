"""One member against the others. The attacks, next to what stops them:

- poisoning the learned cost: bids refunded at once (free), bids paid for, many small bids,
  one huge bid; stopped by leaving refunded bids out, capping each member's weight, fitting
  groups of members apart and answering with their median, and bounding each bid's pull. A
  victim's learned quote moves by at most max(1 Connect, the typical error).
- padding an aggregate with one's own bids to read another member's outcome; stopped by
  counting other members only, showing an aggregate only from ``min_members`` of them, and
  counting from the daily snapshot: the attacker's replies are the same bytes (dates aside)
  whether the other member's bid was hired or lost.
- a stranger in a direct message reading a community; stopped by scopes being tenants.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config, LearningConfig
from core.base.keys import Actor, UserRef
from core.base.pricingconfig import PRICING_PROFILES
from core.interface.reply import Reply
from core.quotes import learning
from core.quotes.bidrecords import BidFactors
from core.quotes.estimates import _RATES
from core.quotes.learning.features import vector
from core.quotes.learning.rows import Sample, stated_bids
from core.quotes.learning.training import Trained, capped, train
from core.store.base import Tx
from tests.bot.test_cli import ENV_KEYS
from tests.conftest import Clock, actor
from tests.core.learning.synthetic import DAY, HONEST, community, insert, job

NOW = 1_790_000_000
UPWORK = PRICING_PROFILES["upwork"]
VICTIM = actor("x0")  # one of the synthetic community's honest members
MALLORY = actor("mallory")
QUOTE = "/quote price:1000 verified:yes client_spent:0"
BID = "price:1000 verified:yes client_spent:0"


_IDS = itertools.count()


def _rid() -> str:
    """A request id never used before."""
    return f"req{next(_IDS)}"


def _connects(reply: Reply) -> tuple[int, str]:
    number, _, source = reply.title.partition(" Connects, ")
    return int(number), source


# ------------------------------------------------------------------------- the fit itself


def test_a_member_of_many_bids_counts_no_more_than_the_cap() -> None:
    """200 bids of one member among 30 members of 5 bids: that member's share is cut to 10 %,
    the others keep their weights relative to one another; in a community of 6 the cap is
    2/6, and no member's weight is ever raised to reach it."""
    members = ["big"] * 200 + [f"m{i}" for i in range(30) for _ in range(5)]
    w, top = capped(members, np.ones(len(members)), 0.10)
    big = w[:200].sum() / w.sum()
    assert abs(big - 0.10) < 1e-9 and abs(top - 0.10) < 1e-9
    assert np.allclose(w[200:], w[200])
    small = ["big"] * 200 + [f"m{i}" for i in range(5) for _ in range(5)] + ["few"]
    w, top = capped(small, np.ones(len(small)), 0.10)
    assert abs(w[:200].sum() / w.sum() - 2 / 7) < 1e-9 and abs(top - 2 / 7) < 1e-9
    assert w[-1] == w[-2]  # "few" (1 bid) is not raised to a member of 5 bids


_HONEST = [replace(s, member=HONEST[i % 8]) for i, s in enumerate(community(400, NOW, seed=5))]
_PROBES = [s.factors for s in community(12, NOW, seed=77, days=30)]
_BASE: list[Trained] = []


def _base() -> Trained:
    if not _BASE:
        _BASE.append(train(_HONEST, LearningConfig(min_bids=20), UPWORK, NOW))
    return _BASE[0]


_VICTIM = BidFactors(
    budget_type="fixed",
    price_cents=100_000,
    verified=True,
    client_spent_cents=0,
    length="1_to_3_months",
)


@st.composite
def _attacks(draw: st.DrawFn) -> list[Sample]:
    """One member's bids: a few or many, each at any cost, on jobs like the victim's or
    anywhere, placed any time in the last year."""
    name = draw(st.sampled_from(["console:mallory", "console:eve", "discord:9"]))
    n = draw(st.integers(1, 80))
    cost = draw(st.integers(1, 100))
    spread = draw(st.booleans())
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        at = NOW - int(rng.integers(0, 365)) * DAY
        f = job(random.Random(seed + i), at)
        if not spread:
            f = replace(f, budget_type="fixed", price_cents=100_000, verified=True)
            f = replace(f, client_spent_cents=0, length="1_to_3_months")
        each = cost if draw(st.booleans()) else int(rng.integers(1, 101))
        out.append(Sample(f, each, at, name))
    return out


@settings(
    max_examples=4 if os.environ.get("CI") else 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(attack=_attacks())
def test_one_members_bids_move_no_other_members_quote_beyond_the_bound(
    attack: list[Sample],
) -> None:
    """For any set of bids by one member added to a fixed honest community (8 members, 400
    bids): every group's model but the attacker's own is unchanged, so every learned quote of
    the other members' jobs stays between what the honest groups predict. (It used to be
    pulled through the other groups too: each group's costs were pulled toward the other
    groups' predictions, the attacker's among them, and 55 bids moved every group's model.)"""
    base = _base()
    attacked = train([*_HONEST, *attack], LearningConfig(min_bids=20), UPWORK, NOW)
    jobs = [vector(f, NOW) for f in [*_PROBES, _VICTIM]]
    before = [[p.raw(v) for v in jobs] for p in base.predictors]
    after = [[p.raw(v) for v in jobs] for p in attacked.predictors]

    def same(a: list[float], b: list[float]) -> bool:
        return all(abs(x - y) < 1e-6 for x, y in zip(a, b, strict=True))

    honest = [a for a in after if any(same(a, b) for b in before)]
    assert len(honest) >= len(after) - 1 >= 2, (len(honest), len(after))
    for j, v in enumerate(jobs):
        low, high = min(h[j] for h in honest), max(h[j] for h in honest)
        assert low - 1e-9 <= attacked.predictor.raw(v) <= high + 1e-9, (j, low, high)


# ------------------------------------------------------------- through the console and exec


@pytest.fixture
async def community_app(
    make_config: Callable[..., Config], clock: Clock, shared_fits: None
) -> AsyncIterator[App]:
    """A console community of 8 honest members' 200 stated bids, fitted; its learned quote
    answers the victim."""
    config = make_config(
        learning={"min_bids": 20, "folds": 2, "min_outcomes": 5, "min_count": 3},
        pricing={"profile": "upwork"},
    )
    app = await create_app(config, clock)
    try:
        await insert(app.store, community(200, clock.now, seed=3), "console")
        assert (await learning.fit(app.store, app.config, "console", clock.now)).in_use
        _RATES.clear()
        yield app
    finally:
        await app.close()


async def _attack(app: App, kind: str) -> None:
    """Mallory's attack through the console, as any member could type it."""
    assert not (await app.run_text(MALLORY, "/buy connects:3000", _rid())).error
    count, cost = {"refunded": (20, 100), "paid": (20, 100), "small": (30, 1), "huge": (1, 100)}[
        kind
    ]
    for i in range(count):
        placed = await app.run_text(MALLORY, f"/bid job:m{i} connects:{cost} {BID}", _rid())
        assert not placed.error, placed.title
        if kind == "refunded":
            number = placed.title.split("#")[1].split()[0]
            back = await app.run_text(MALLORY, f"/refund bid:#{number} reason:completed", _rid())
            assert not back.error, back.title


@pytest.mark.parametrize("kind", ["refunded", "paid", "small", "huge"])
async def test_poisoning_through_the_console_stays_within_the_bound(
    community_app: App, clock: Clock, kind: str
) -> None:
    app = community_app
    before = await learning.fit(app.store, app.config, "console", clock.now)
    quoted, source = _connects(await app.run_text(VICTIM, QUOTE, _rid()))
    assert source == "learned"
    await _attack(app, kind)
    clock.advance(3600)
    after = await learning.fit(app.store, app.config, "console", clock.now)
    now_quoted, source = _connects(await app.run_text(VICTIM, QUOTE, _rid()))
    assert source == "learned"
    bound = max(1.0, (before.mae_hundredths or 0) / 100)
    assert abs(now_quoted - quoted) <= bound, (kind, quoted, now_quoted, bound)
    if kind == "refunded":  # refunded in full: not learned from at all
        assert after.sample_size == before.sample_size and after.members == 8
    else:
        assert after.members == 9
        assert (after.top_share_permille or 0) <= 2 * 1000 // 9 + 1  # 2/k of 9 members

    async def read(tx: Tx) -> int:
        return len([s for s in await stated_bids(tx, "console", 0) if "mallory" in s.member])

    assert await app.store.read(read) == (
        0 if kind == "refunded" else {"paid": 20, "small": 30, "huge": 1}[kind]
    )


def _exec(tmp: Path, url: str, user: str, line: str) -> str:
    (tmp / "c.toml").write_text(
        '[learning]\nmin_bids = 20\nfolds = 2\n[pricing]\nprofile = "upwork"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(HOME=str(tmp), CONNECTS_DATABASE_URL=url)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "exec", "--config", "c.toml", "--user", user, line],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
async def test_poisoning_through_exec_stays_within_the_bound(
    community_app: App, clock: Clock, tmp_path: Path, db_url: str
) -> None:
    """The attacker's paid bids and the victim's quote as separate ``exec`` processes."""
    app = community_app
    before = await learning.fit(app.store, app.config, "console", clock.now)
    first = _exec(tmp_path, db_url, "x0", QUOTE).splitlines()[0]
    assert first.endswith(" Connects, learned"), first
    _exec(tmp_path, db_url, "mallory", "/buy connects:2000")
    for i in range(15):
        _exec(tmp_path, db_url, "mallory", f"/bid job:e{i} connects:100 {BID}")
    await learning.fit(app.store, app.config, "console", clock.now + 60)
    second = _exec(tmp_path, db_url, "x0", QUOTE).splitlines()[0]
    assert second.endswith(" Connects, learned"), second
    bound = max(1.0, (before.mae_hundredths or 0) / 100)
    assert abs(int(second.split()[0]) - int(first.split()[0])) <= bound, (first, second)


# --------------------------------------------------------------------------- padding


def _shown(reply: Reply) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A reply's bytes with dates taken out."""

    def undated(text: str) -> str:
        return re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}( UTC)?)?", "<date>", str(text))

    return (
        undated(reply.title),
        [undated(line) for line in reply.full().lines],
        [(k, undated(v)) for k, v in reply.full().fields],
    )


PADDED = "rate_type:fixed price:6000 verified:no"
PADDED_POST = "Logo job\nFixed-price\n$6,500\nPayment method not verified\n"


async def _pad(app: App, who: Actor, count: int, extra: str = "") -> None:
    """``count`` bids of ``who`` in one narrow band (fixed, $5K+, payment not verified),
    each marked lost."""
    for i in range(count):
        placed = await app.run_text(who, f"/bid job:pad{i} connects:2 {PADDED}{extra}", _rid())
        assert not placed.error, placed.title
        number = placed.title.split("#")[1].split()[0]
        assert not (await app.run_text(who, f"/outcome bid:#{number} status:lost", _rid())).error


async def _replies(app: App, who: Actor, lines: list[str]) -> list[object]:
    return [_shown(await app.run_text(who, line, _rid())) for i, line in enumerate(lines)]


@pytest.mark.parametrize("where", ["community", "dm"])
async def test_padding_reveals_no_other_members_outcome(
    make_config: Callable[..., Config], clock: Clock, where: str
) -> None:
    """The attacker pads a band with 19 of their own lost bids; one other member (a Slack
    workspace member) has a bid there. The attacker's replies, in the workspace or from a
    direct message, are the same bytes (dates aside) whether that bid was hired or lost,
    before and after the daily snapshot; with 5 other members in the band the workspace
    sees their rate (the rule hides what it must, not everything)."""
    config = make_config(learning={"min_bids": 20, "folds": 2, "min_outcomes": 5})
    app = await create_app(config, clock)
    try:
        team = "slack:T1"
        ben = Actor(UserRef("slack:UBEN", "ben"), team)
        attacker = Actor(UserRef("slack:UMAL", "mal"), team if where == "community" else None)
        await _pad(app, attacker, 19)
        placed = await app.run_text(ben, f"/bid job:real connects:2 {PADDED}", _rid())
        number = placed.title.split("#")[1].split()[0]
        asks = [f"/quote post:{PADDED_POST}", "/quote price:6000 verified:no", "/stats", "/model"]
        seen = []
        for outcome in ("hired", "lost", "hired"):
            done = await app.run_text(ben, f"/outcome bid:#{number} status:{outcome}", _rid())
            assert not done.error, done.title
            clock.advance(86_400)
            assert await learning.snapshot(app.store, app.config, clock.now)
            _RATES.clear()
            seen.append(await _replies(app, attacker, asks))
        assert seen[0] == seen[1] == seen[2]
        assert not any("Jobs like this" in str(r) for r in seen[0])

        for i in range(4):  # four more members in the band: five others
            other = Actor(UserRef(f"slack:UO{i}", f"o{i}"), team)
            await _pad(app, other, 1)
        clock.advance(86_400)
        assert await learning.snapshot(app.store, app.config, clock.now)
        _RATES.clear()
        quote = await app.run_text(attacker, asks[0], _rid())
        shown = [line for line in quote.full().lines if line.startswith("Jobs like this")]
        if where == "community":
            assert shown == [
                "Jobs like this (fixed, $5K+, payment not verified), other members' bids in "
                "this community: 1 of 5 hired: 20% (95%: 3.6-62%)"  # ben's hire among them
            ]
        else:  # a direct message reads no community
            assert shown == []
    finally:
        await app.close()


async def test_a_dm_stranger_learns_nothing_of_a_workspace(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """A workspace with a learned model: a stranger who only DMs the bot gets the heuristic,
    or their own bids' model, never the workspace's; under ``scope = "global"`` (set by the
    operator) the pooled model answers, under the same distinct-member minimums."""
    config = make_config(learning={"min_bids": 20, "folds": 2}, pricing={"profile": "upwork"})
    app = await create_app(config, clock)
    try:
        people = [f"slack:U{i}" for i in range(8)]
        await insert(app.store, community(120, clock.now, seed=4), "slack:T1", bidders=people)
        fitted = await learning.fit_all(app.store, app.config, clock.now)
        assert [m.scope for m in fitted] == ["slack:T1"]
        member = await app.run_text(Actor(UserRef("slack:U0", "u0"), "slack:T1"), QUOTE, "q0")
        assert member.title.endswith("learned")
        stranger = Actor(UserRef("slack:U99", "stranger"), None)
        reply = await app.run_text(stranger, QUOTE, _rid())
        assert reply.title.endswith(" Connects, heuristic")
        assert not any("community" in str(line) for line in reply.full().lines)
        assert "A learned quote needs 20 more bids of your own with a stated cost." in (
            reply.details
        )
        model = await app.run_text(stranger, "/model", _rid())
        assert model.title == "No learned quotes yet"
        assert "from your own bids" in model.details[0]
        assert "of your own" in model.lines[-1]

        pooled = replace(config, learning=replace(config.learning, scope="global"))
        app2 = await create_app(pooled, clock)
        try:
            assert [m.scope for m in await learning.fit_all(app2.store, pooled, clock.now)] == ["*"]
            again = await app2.run_text(stranger, QUOTE, _rid())
            assert again.title.endswith(" Connects, learned")
            assert "learned from 120 bids across every community" in again.details[0]
        finally:
            await app2.close()
    finally:
        await app.close()


async def test_pool_band_lines_need_min_members_and_reveal_no_teammate(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """In a pool, 4 padding bids of a member and one bid of a teammate: the member's
    ``/stats pool:`` is the same bytes (dates aside) whether the teammate was hired or lost,
    and shows no band; the owner sees the leaderboard, and band lines by the same rule."""
    config = make_config(learning={"min_count": 3})
    app = await create_app(config, clock)
    try:
        ana, ben, mal = actor("ana"), actor("ben"), actor("mal")
        assert not (await app.run_text(ana, "/pool create name:agency", _rid())).error
        assert not (await app.run_text(ana, "/pool topup name:agency connects:200", _rid())).error
        for who in ("ben", "mal"):
            assert not (await app.run_text(ana, f"/pool add name:agency member:{who}", who)).error
        await _pad(app, mal, 4, " pool:agency")
        placed = await app.run_text(ben, f"/bid job:real connects:2 {PADDED} pool:agency", _rid())
        number = placed.title.split("#")[1].split()[0]
        seen = []
        for outcome in ("hired", "lost"):
            await app.run_text(ben, f"/outcome bid:#{number} status:{outcome}", _rid())
            clock.advance(86_400)
            assert await learning.snapshot(app.store, app.config, clock.now)
            seen.append(_shown(await app.run_text(mal, "/stats pool:agency period:all", _rid())))
        # the pool's own totals change with the pool's ledger; no band, no teammate's line
        assert seen[0][1] == seen[1][1] and len(seen[0][1]) == 1
        owner = await app.run_text(ana, "/stats pool:agency period:all", _rid())
        assert any(". " in str(line) and "hired" in str(line) for line in owner.lines)
        assert not any("What wins" in str(line) for line in owner.lines)
    finally:
        await app.close()


# ----------------------------------------------------------------------- your own bids


async def test_a_solo_member_is_answered_from_their_own_bids(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """A freelancer alone in the console with 40 stated bids: no community model (one
    member of the 5 a pooled model needs), a personal model answers them, labelled; another
    member of the console, or the freelancer in a direct message, as it applies."""
    config = make_config(learning={"min_bids": 20, "folds": 2}, pricing={"profile": "upwork"})
    app = await create_app(config, clock)
    try:
        await insert(
            app.store, community(40, clock.now, seed=6), "console", bidders=["console:ana"]
        )
        fitted = {m.scope: m for m in await learning.fit_all(app.store, app.config, clock.now)}
        assert sorted(fitted) == ["@console:ana", "console"]
        assert (
            not fitted["console"].in_use
            and "bids of 1 member · a shared model needs 5 besides the one asking"
            in fitted["console"].reason
        )
        assert fitted["@console:ana"].in_use
        for where in ("console", None):
            reply = await app.run_text(actor("ana", scope=where), QUOTE, _rid())
            assert reply.title.endswith(" Connects, learned"), reply.title
            assert reply.details[0].startswith(
                f"≈ {reply.title.split()[0]} learned from your 40 bids"
            )
            model = await app.run_text(actor("ana", scope=where), "/model", _rid())
            assert model.title == "Learned quotes: in use"
            assert "Learned from your own bids" in str(model.lines[0])
        quoted = int((await app.run_text(actor("ana"), QUOTE, _rid())).title.split()[0])
        placed = await app.run_text(actor("ana"), f"/bid job:own {BID}", _rid())
        assert placed.lines[1] == f"{quoted} Connects from your wallet"
        assert "Cost estimated: none was stated" in placed.lines
        other = await app.run_text(actor("bob"), QUOTE, _rid())
        assert other.title.endswith(" Connects, heuristic")
        assert not any("learned" in str(line) for line in other.lines)
    finally:
        await app.close()
