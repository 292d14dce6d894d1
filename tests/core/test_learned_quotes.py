"""Which answer a quote gives once a community has a model: labels, the heuristic beside the
learned number, /bid at the learned cost, /model, "is it worth it" and /stats' bands."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from fractions import Fraction

import pytest

from bot.bootstrap import create_app
from core.app import App
from core.base.config import Config
from core.quotes import learning
from core.quotes.estimates import _RATES
from core.store.base import Tx
from tests.conftest import Clock, actor
from tests.core.learning.synthetic import Sample, community, insert, rule

ANA, BEN = actor("ana"), actor("ben")
JOB = "/quote price:1000 verified:yes client_spent:0"


@pytest.fixture
async def learned(
    make_config: Callable[..., Config], clock: Clock, shared_fits: None
) -> AsyncIterator[App]:
    """An app whose console community has 200 stated bids from the synthetic rule, fitted."""
    config = make_config(
        learning={"min_bids": 20, "folds": 2, "min_outcomes": 20, "min_count": 5},
        pricing={"profile": "upwork"},
    )
    app = await create_app(config, clock)
    try:
        await insert(app.store, community(200, clock.now, seed=3), "console")
        model = await learning.fit(app.store, app.config, "console", clock.now)
        assert model.in_use, model.reason
        _RATES.clear()
        yield app
    finally:
        await app.close()


async def _bids(app: App) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        return [
            dict(r)
            for r in await tx.fetchall("SELECT * FROM bids WHERE bidder NOT LIKE 'console:x%'")
        ]

    return await app.store.read(read)


async def test_a_typed_quote_is_learned_with_its_error_and_the_heuristic_beside_it(
    learned: App,
) -> None:
    """The learned number is the headline, labelled; its sample, error and the heuristic's
    number follow; dollars and 'afford' follow the learned number."""
    reply = await learned.run_text(ANA, JOB, "q1")
    n = int(reply.title.split()[0])
    assert reply.title == f"{n} Connects, learned"
    assert reply.lines[1] == f"You can afford {60 // n} such bids"
    assert reply.lines[2].startswith("Typical error ±") and reply.lines[2].endswith(", 200 bids")
    assert reply.details[0].startswith(f"≈ {n} learned from 200 bids in this community (typical ")
    pricing = learned.config.pricing
    rough = f"; the heuristic's rough range is {pricing.typical_low}-{pricing.typical_high}."
    assert reply.details[0].endswith(rough)
    # no heuristic's table passes for the learned number's reasons
    assert reply.fields == reply.detail_fields == []
    assert abs(n - 17) <= 2  # the synthetic rule's cost of a verified $1,000 job


async def test_a_stated_cost_shows_the_learned_and_heuristic_numbers(learned: App) -> None:
    """The post's cost wins; the learned estimate and the heuristic's are both beside it."""
    post = "Logo job\nFixed-price\n$1,000\nPayment method verified\n"
    reply = await learned.run_text(
        ANA, f"/quote post:{post}Required Connects to submit a proposal: 16", "q1"
    )
    assert reply.title == "16 Connects, stated by the post"
    assert "learned from 200 bids" in reply.details[0]
    assert "the heuristic's rough range is" in reply.details[0]


async def test_a_bid_without_connects_is_placed_at_the_learned_cost(learned: App) -> None:
    """/bid without connects spends what the quote shows, and is stored as estimated."""
    quoted = await learned.run_text(ANA, JOB, "q1")
    placed = await learned.run_text(ANA, JOB.replace("/quote", "/bid job:Logo"), "b1")
    assert not placed.error, placed.title
    [bid] = await _bids(learned)
    assert bid["connects"] == int(quoted.title.split()[0])
    assert bid["connects_stated"] == 0 and bid["scope"] == "console"


async def test_another_community_gets_the_heuristic_and_what_it_needs(learned: App) -> None:
    """A community without a model of its own is told how many stated bids it needs."""
    elsewhere = actor("ana", scope="discord:42")
    reply = await learned.run_text(elsewhere, f"{JOB} details:true", "q1")
    assert reply.title.endswith(" Connects, heuristic")
    assert "A learned quote needs 20 more bids with a stated cost in this community." in (
        reply.lines
    )


async def test_model_shows_its_figures_and_effects(learned: App) -> None:
    """/model: in use, sample size, error beside the heuristic's, effects in words."""
    reply = await learned.run_text(ANA, "/model", "m1")
    assert reply.title == "Learned quotes: in use"
    fields = dict(reply.fields + reply.detail_fields)
    assert fields["Bids"] == "200 with a stated cost"
    assert fields["Typical error"].startswith("±") and fields["Heuristic's error"].startswith("±")
    assert any("budget" in line.lower() for line in reply.details)
    none = await learned.run_text(actor("ana", scope="discord:42"), "/model", "m2")
    assert none.title == "No learned quotes yet"


def _outcomes(n: int, hired: int, verified: bool) -> list[Sample]:
    out = []
    for s in community(n, 1_790_000_000 - 100 * 86_400, seed=9, days=30, hide=0.0):
        f = replace(s.factors, budget_type="fixed", price_cents=120_000, verified=verified)
        out.append(Sample(f, rule(f), s.created_at))
    return out[:n]


async def _set_status(app: App, hired: int) -> None:
    async def write(tx: Tx) -> None:
        await tx.execute("UPDATE bids SET status = 'lost' WHERE price_cents = 120000")
        await tx.execute(
            "UPDATE bids SET status = 'hired' WHERE id IN (SELECT id FROM bids WHERE bidder "
            "LIKE 'console:x%' AND verified = 1 AND price_cents = 120000 ORDER BY id LIMIT :n)",
            {"n": hired},
        )

    await app.store.write(write)


async def _snapshot(app: App, now: int) -> None:
    """The day's snapshot of outcomes, which the rates members see are counted from."""
    assert await learning.snapshot(app.store, app.config, now)
    _RATES.clear()


async def test_worth_it_from_similar_jobs_with_outcomes(learned: App, clock: Clock) -> None:
    """Jobs like this one (fixed, $1K-5K, payment verified) with outcomes of other members:
    the hire rate and its interval, Connects and dollars per hire, and a fixed budget's
    break-even rate; counted from the daily snapshot, so a change shows the next day."""
    await insert(learned.store, _outcomes(40, 0, True), "console")
    await _set_status(learned, 8)
    post = "Logo job\nFixed-price\n$1,200\nPayment method verified\nExpert"
    before = await learned.run_text(ANA, f"/quote details:true post:{post}", "q0")
    assert not any(line.startswith("Jobs like this") for line in before.lines)  # no snapshot
    await _snapshot(learned, clock.now)
    reply = await learned.run_text(ANA, f"/quote details:true post:{post}", "q1")
    [rate] = [line for line in reply.lines if line.startswith("Jobs like this")]
    assert rate.startswith(
        "Jobs like this (fixed, $1K-5K, payment verified), other members' bids in this "
        "community: 8 of "
    )
    total = rate.split(" of ")[1].split()[0]  # with the community's older bids, ghosted
    assert "(95%: " in rate
    assert any(line.startswith("≈ ") and "per hire at that rate" in line for line in reply.lines)
    # the expected value p·R·(1−f) − c, counted here on its own: $1,200 at 10%, the quoted
    # Connects at $0.15, 8 hires of the total
    cost = int(reply.title.split()[0]) * 15
    ev = Fraction(8, int(total)) * 120_000 * Fraction(9, 10) - cost
    shown = (abs(ev.numerator) * 2 + ev.denominator) // (ev.denominator * 2)
    [line] = [x for x in reply.lines if x.startswith("Expected value")]
    sign = "-" if ev < 0 else ""
    assert line.startswith(
        f"Expected value: {sign}${shown // 100:,}.{shown % 100:02d} a bid (95%: "
    )
    assert f"hire rate learned from {total} outcomes of " in line
    assert reply.lines[reply.lines.index(line) + 1].startswith(("Pays", "Does not", "Not clear"))
    await _set_status(learned, 9)  # live change: not seen until the next day's snapshot
    _RATES.clear()
    assert (
        await learned.run_text(ANA, f"/quote details:true post:{post}", "q2")
    ).lines == reply.lines
    assert not await learning.snapshot(learned.store, learned.config, clock.now + 3600)
    await _snapshot(learned, clock.now + 86_400)
    later = await learned.run_text(ANA, f"/quote details:true post:{post}", "q3")
    assert any(f"9 of {total} hired" in line for line in later.lines)


@pytest.mark.parametrize(
    ("n", "members", "shown"), [(19, 8, False), (20, 8, True), (20, 4, False), (40, 4, False)]
)
async def test_worth_it_needs_min_outcomes_of_min_members(
    app: App, clock: Clock, n: int, members: int, shown: bool
) -> None:
    """Fewer similar bids with outcomes than min_outcomes (20), or bids of fewer distinct
    members than min_members (5): no rate at all, however many bids they placed. (The rate
    does not depend on the cost, so the default's range shows it too.)"""
    people = [f"console:x{i}" for i in range(members)]
    await insert(app.store, _outcomes(n, 0, True), "console", bidders=people)
    await _set_status(app, 3)
    await _snapshot(app, clock.now)
    reply = await app.run_text(ANA, "/quote details:true price:1200 verified:yes", "q1")
    assert any(line.startswith("Jobs like this") for line in reply.lines) is shown


async def test_break_even_of_a_fixed_budget(learned: App) -> None:
    """A fixed budget from a post: what a hire pays after Upwork's 10% fee, and the hire rate
    at which the bid pays for itself. The worked example: a $75 job, 14 Connects at $0.15 =
    $2.10; 2.10 / (75 × 0.9) = 3.111%."""
    post = "Logo job\nFixed-price\n$75\nRequired Connects to submit a proposal: 14\nExpert"
    reply = await learned.run_text(ANA, f"/quote details:true post:{post}", "q1")
    assert (
        "Job value: $75.00, the job's fixed price; a hire pays $67.50 after Upwork's 10% fee "
        "(as configured)" in reply.lines
    )
    [line] = [x for x in reply.lines if x.startswith("Break-even hire rate")]
    assert line == (
        "Break-even hire rate: 3.11% (this bid's $2.10 at the best tier price ÷ the $67.50 a "
        "hire pays, rounded half up)"
    )
    # no similar jobs with outcomes yet: no expected value, and it says what it needs
    [ev] = [x for x in reply.lines if x.startswith("Expected value")]
    assert ev.startswith("Expected value: not yet.") and "20 bids with an outcome by 5" in ev


async def test_a_configured_fee_moves_the_break_even(
    make_config: Callable[..., Config], clock: Clock
) -> None:
    """``[pricing] fee_basis_points``: at 20% a $75 job pays $60.00 and $2.10 breaks even at
    3.5%; at 0% at 2.8%."""
    for bp, paid, rate in ((2_000, "$60.00", "3.5%"), (0, "$75.00", "2.8%")):
        config = make_config(pricing={"profile": "upwork", "fee_basis_points": bp})
        app = await create_app(config, clock)
        try:
            post = "Logo\nFixed-price\n$75\nRequired Connects to submit a proposal: 14"
            reply = await app.run_text(ANA, f"/quote details:true post:{post}", "q1")
            [line] = [x for x in reply.lines if x.startswith("Break-even hire rate")]
            assert line.startswith(f"Break-even hire rate: {rate} (") and paid in line
        finally:
            await app.close()


async def test_an_hourly_job_is_valued_only_with_hours(learned: App) -> None:
    """An hourly post without hours:N has no value and so no break-even or expected value
    (said, not guessed); with hours, its rate times the hours, labelled an estimate."""
    post = "Logo job\nHourly\n$20.00 - $40.00\nRequired Connects to submit a proposal: 14"
    bare = await learned.run_text(ANA, f"/quote details:true post:{post}", "q1")
    assert any("needs the hours you expect to bill (hours:N)" in x for x in bare.lines)
    assert not any(x.startswith(("Break-even", "Expected value")) for x in bare.lines)
    timed = await learned.run_text(ANA, f"/quote details:true hours:10 post:{post}", "q2")
    [value] = [x for x in timed.lines if x.startswith("Job value")]
    assert value.startswith("Job value: $400.00, an hourly estimate ($40.00/hr, ")
    assert "a hire pays $360.00 after" in value
    [line] = [x for x in timed.lines if x.startswith("Break-even hire rate")]
    assert line.startswith("Break-even hire rate: 0.58% (")  # 2.10 / 360 = 0.5833%


async def test_stats_shows_what_wins_by_band_above_the_minimum(app: App) -> None:
    """Hire rate by payment verification among the user's own bids with outcomes."""
    for i in range(6):
        line = f"/bid job:j{i} connects:1 verified:{'yes' if i < 5 else 'no'}"
        assert not (await app.run_text(ANA, line, f"b{i}")).error
        status = "hired" if i < 2 else "lost"
        assert not (
            await app.run_text(ANA, f"/outcome bid:#{i + 1} status:{status}", f"o{i}")
        ).error
    reply = (await app.run_text(ANA, "/stats", "s1")).full()  # what wins: its details
    assert "Payment verified: 2 of 5 hired: 40% (95%: 12-77%)" in reply.lines
    assert not any("not verified" in line for line in reply.lines)  # one bid: not shown


async def test_the_budget_type_typed_moves_a_learned_quote(learned: App) -> None:
    """budget_type is typed on /quote, so the fact the learned model weighs most can be
    given without pasting a post: $40 an hour and $40 fixed are priced apart, both learned."""
    hourly = await learned.run_text(ANA, "/quote price:40 budget_type:hourly", "q1")
    fixed = await learned.run_text(ANA, "/quote price:40 budget_type:fixed", "q2")
    assert hourly.title.endswith(", learned") and fixed.title.endswith(", learned")
    assert hourly.title != fixed.title


async def test_a_quote_with_no_facts_says_it_is_a_typical_bid_not_this_jobs(
    learned: App,
) -> None:
    """A bare /quote, no fact of the job given, answers the learned number but says it is the
    typical bid here, not the job's cost (it knew nothing of the job); a quote with facts
    does not say so."""
    bare = await learned.run_text(ANA, "/quote", "b1")
    assert bare.title.endswith("learned")
    shown = [*bare.lines, *bare.details]  # on the first screen or behind Details
    assert any(str(line).startswith("No fact of this job was given") for line in shown)
    typed = await learned.run_text(ANA, JOB, "b2")
    assert not any(
        str(line).startswith("No fact of this job") for line in [*typed.lines, *typed.details]
    )
