"""Each form of each fact a job post may state, read alone (every other field stays
unknown), and the pieces behind them: amounts, dates, ratings and countries."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.interface.catalog import MAX_DOLLARS
from core.quotes.jobpost import JobPost, read_post
from core.quotes.jobpost.countries import country, country_line
from core.quotes.jobpost.model import NOTES
from core.quotes.jobpost.values import cents, hundredths, iso_date, whole

NAMES = tuple(f.name for f in dataclasses.fields(JobPost) if f.name not in NOTES)
ID = "~01a1b2c3d4e5f60718"
NEW_ID = "~021795043473960335212"


def _link(job_id: str) -> dict[str, object]:
    return {"job_id": job_id, "url": "https://www.upwork.com/jobs/" + job_id}


def _fixed(amount: int) -> dict[str, object]:
    return {"budget_type": "fixed", "budget_min_cents": amount, "budget_max_cents": amount}


def _hourly(low: int, high: int | None) -> dict[str, object]:
    return {"budget_type": "hourly", "budget_min_cents": low, "budget_max_cents": high}


FORMS: list[tuple[str, dict[str, object]]] = [
    # the job's link: the id, lower-case, from the path only
    (f"https://www.upwork.com/jobs/{ID}", _link(ID)),
    (f"https://www.upwork.com/jobs/{ID}?source=rss&x=~01ffffffffffffffff", _link(ID)),
    (f"https://www.upwork.com/freelance-jobs/apply/Logo-design_{ID}/", _link(ID)),
    (f"https://www.upwork.com/nx/proposals/job/{ID}/apply/", _link(ID)),
    (f"https://www.upwork.com/jobs/Some-title_{ID}/", _link(ID)),
    ("www.upwork.com/jobs/~01A1B2C3D4E5F60718", _link(ID)),
    (f"Job link: upwork.com/jobs/{NEW_ID}", _link(NEW_ID)),
    (f"View job: https://www.upwork.com/jobs/{ID}?source=alert", _link(ID)),
    (f"See upwork.com/jobs/{NEW_ID} please", {}),  # a link inside a sentence is the writer's
    (f"job id {ID}", _link(ID)),
    ("https://www.upwork.com/nx/find-work/best-matches", {}),
    ("https://example.com/jobs/~01a1b2c3d4e5f60718x", {}),
    # the budget
    ("$15.00 - $35.00\nHourly", _hourly(1500, 3500)),
    ("Hourly\n$15.00-$35.00", _hourly(1500, 3500)),
    ("$15.00\n-\n$35.00\nHourly", _hourly(1500, 3500)),
    ("Hourly: $25-$40", _hourly(2500, 4000)),
    ("Hourly Range: $15.00-$35.00", _hourly(1500, 3500)),
    ("Hourly: $35.00/hr", _hourly(3500, None)),
    ("$500\nFixed-price", _fixed(50000)),
    ("Fixed-price\n$500.00", _fixed(50000)),
    ("Est. Budget: $300", _fixed(30000)),
    ("Fixed price: $1,200", _fixed(120000)),
    ("Budget: $1.5K", _fixed(150000)),
    ("Budget:\n$2,500", _fixed(250000)),
    (
        "Hourly - Expert - Est. Time: More than 6 months, 30+ hrs/week",
        {
            "budget_type": "hourly",
            "experience": "expert",
            "length": "over_6_months",
            "hours": "30_plus",
        },
    ),
    ("Budget: $1.200", {}),  # 1.2 or 1200? not read
    ("Budget: $40-$25", {}),  # a range that runs backwards
    ("Fixed price: $12.505", {}),
    # experience, length, hours
    ("Entry level", {"experience": "entry"}),
    ("Intermediate", {"experience": "intermediate"}),
    ("Expert", {"experience": "expert"}),
    ("Experience level: Expert", {"experience": "expert"}),
    ("Experience level:\nIntermediate", {"experience": "intermediate"}),
    ("Experience: Entry", {"experience": "entry"}),
    ("Intermediate ($$)", {"experience": "intermediate"}),
    ("Entry", {}),
    ("We need an expert in React", {}),
    ("Less than 1 month", {"length": "under_1_month"}),
    ("1 to 3 months", {"length": "1_to_3_months"}),
    ("1-3 months", {"length": "1_to_3_months"}),
    ("3 to 6 months", {"length": "3_to_6_months"}),
    ("More than 6 months", {"length": "over_6_months"}),
    ("Project length: 3 to 6 months", {"length": "3_to_6_months"}),
    ("Duration: Less than 1 month", {"length": "under_1_month"}),
    ("Duration\nMore than 6 months", {"length": "over_6_months"}),
    ("We hope to finish in 1 to 3 months if all goes well", {}),
    ("Less than 30 hrs/week", {"hours": "under_30"}),
    ("More than 30 hrs/week", {"hours": "30_plus"}),
    ("30+ hrs/week", {"hours": "30_plus"}),
    ("Hours needed\nLess than 30 hrs/week", {"hours": "under_30"}),
    ("Hours needed: More than 30 hrs/week", {"hours": "30_plus"}),
    ("Posted 2 weeks ago", {"posted": "2 weeks ago"}),
    ("Posted yesterday", {"posted": "yesterday"}),
    ("Posted\n5 minutes ago", {"posted": "5 minutes ago"}),
    ("Posted On: March 3, 2025 14:05 UTC", {"posted": "March 3, 2025 14:05 UTC"}),
    ("Posted over a month ago", {"posted": "over a month ago"}),
    ("Posted 30+ days ago", {"posted": "30+ days ago"}),
    ("Posted by a verified client", {}),
    # the cost and the balance
    ("Required Connects to submit a proposal: 13", {"connects": 13}),
    ("Required Connects to submit a proposal:\n13", {"connects": 13}),
    ("Send a proposal for: 20 Connects", {"connects": 20}),
    ("This proposal requires 16 Connects", {"connects": 16}),
    ("Available Connects: 11", {"available": 11}),
    ("When you submit this proposal, you'll have 32 Connects remaining.", {"remaining_after": 32}),
    ("you will have 0 Connects left", {"remaining_after": 0}),
    (
        "Bid range - High $75.00 | Avg $31.69 | Low $6.00",
        {
            "bid_high_cents": 7500,
            "bid_avg_cents": 3169,
            "bid_low_cents": 600,
        },
    ),
    (
        "Bid range\nHigh $1,250.00\nAvg $310.50\nLow $60",
        {
            "bid_high_cents": 125000,
            "bid_avg_cents": 31050,
            "bid_low_cents": 6000,
        },
    ),
    ("Bid range - High $75.00", {"bid_high_cents": 7500}),
    # competition
    ("Proposals: 15 to 20", {"proposals_min": 15, "proposals_max": 20}),
    ("Proposals: Less than 5", {"proposals_min": 0, "proposals_max": 4}),
    ("Proposals: Fewer than 5", {"proposals_min": 0, "proposals_max": 4}),
    ("Proposals:\n5 to 10", {"proposals_min": 5, "proposals_max": 10}),
    ("Proposals: 10 to 15", {"proposals_min": 10, "proposals_max": 15}),
    ("Proposals: 20 to 50", {"proposals_min": 20, "proposals_max": 50}),
    ("Proposals: 50+", {"proposals_min": 50, "proposals_max": None}),
    ("PROPOSALS:  15 TO 20", {"proposals_min": 15, "proposals_max": 20}),
    ("15 to 20 proposals", {"proposals_min": 15, "proposals_max": 20}),
    ("Proposals: 20 to 15", {}),
    ("Interviewing: 4", {"interviewing": 4}),
    ("Interviewing:\n0", {"interviewing": 0}),
    ("Invites sent: 6", {"invites": 6}),
    ("Unanswered invites: 3", {"unanswered_invites": 3}),
    ("Last viewed by client: 2 hours ago", {"last_viewed": "2 hours ago"}),
    ("Last viewed by client:\nyesterday", {"last_viewed": "yesterday"}),
    # the client
    ("Payment method verified", {"verified": True}),
    ("Payment method not verified", {"verified": False}),
    ("Payment verified", {"verified": True}),
    ("Payment unverified", {"verified": False}),
    ("4.98 of 17 reviews", {"rating_hundredths": 498, "reviews": 17}),
    ("Rating is 5.0 out of 5.", {"rating_hundredths": 500}),
    ("4.9 (23 reviews)", {"rating_hundredths": 490, "reviews": 23}),
    ("Rating is 4.9 out of 5.\n4.98 of 17 reviews", {"rating_hundredths": 498, "reviews": 17}),
    ("4.98 of 17 reviews\nRating is 4.9 out of 5.", {"rating_hundredths": 498, "reviews": 17}),
    ("Rating is 0 out of 5.", {"reviews": 0}),
    ("No reviews yet", {"reviews": 0}),
    ("0.00 of 0 reviews", {"reviews": 0}),
    ("Rating: 4.7", {"rating_hundredths": 470}),
    ("Rating is 6.0 out of 5.", {}),
    ("$12K total spent", {"client_spent_cents": 1_200_000}),
    ("$571,557 total spent", {"client_spent_cents": 57_155_700}),
    ("$900K+ spent", {"client_spent_cents": 90_000_000}),
    ("$4.9K total spent", {"client_spent_cents": 490_000}),
    ("$1.2M total spent", {"client_spent_cents": 120_000_000}),
    ("Total spent: $3,000", {"client_spent_cents": 300_000}),
    ("$1.234K total spent", {}),  # more than cents before the suffix: not read
    ("33 hires, 13 active", {"hires": 33, "active_hires": 13}),
    ("1 hire", {"hires": 1}),
    ("31 jobs posted", {"jobs_posted": 31}),
    ("1 job posted", {"jobs_posted": 1}),
    ("81% hire rate, 2 open jobs", {"hire_rate": 81, "open_jobs": 2}),
    ("0% hire rate, 1 open job", {"hire_rate": 0, "open_jobs": 1}),
    ("Hire rate: 75%", {"hire_rate": 75}),
    ("2 open jobs", {"open_jobs": 2}),
    ("$14.08 /hr avg hourly rate paid", {"avg_hourly_cents": 1408}),
    ("$14.08/hr avg hourly rate paid", {"avg_hourly_cents": 1408}),
    ("Payment verified\n3,463 hours", {"verified": True, "hours_billed": 3463}),
    ("Hours billed: 120", {"hours_billed": 120}),
    ("3,463 hours", {}),  # alone, outside a client's block: not hours billed
    ("Member since Apr 2, 2018", {"member_since": "2018-04-02"}),
    ("Member since Apr 2018", {"member_since": "2018-04-01"}),
    ("Member since April 2, 2018", {"member_since": "2018-04-02"}),
    ("Member since: Sept 30, 2021", {"member_since": "2021-09-30"}),
    ("Member since Feb 30, 2018", {}),
    ("Member since Smarch 2, 2018", {}),
    # the client's country: in the client's block, or after a label
    ("Payment verified\nUnited States", {"verified": True, "country": "US"}),
    ("Payment verified\nUSA", {"verified": True, "country": "US"}),
    ("Payment verified\nGBR\nLondon 3:15 PM", {"verified": True, "country": "GB"}),
    ("Payment verified\nAustralia Sydney 10:42 AM", {"verified": True, "country": "AU"}),
    ("Payment verified\nHong Kong", {"verified": True, "country": "HK"}),
    ("Payment verified\nSaint Lucia", {"verified": True, "country": "LC"}),
    ("Payment verified\nBosnia and Herzegovina", {"verified": True, "country": "BA"}),
    ("Payment verified\nCote d'Ivoire", {"verified": True, "country": "CI"}),
    ("Payment verified\nusa", {"verified": True}),  # an ISO code is written in capitals
    ("Payment verified\nEuropean Union", {"verified": True}),
    ("Location: Canada", {"country": "CA"}),
    ("Country: Germany", {"country": "DE"}),
    ("Location:\nToronto, Canada", {"country": "CA"}),
    ("Location: Narnia", {}),
    ("Canada", {}),
]


@pytest.mark.parametrize(("text", "want"), FORMS, ids=[text[:40] for text, _ in FORMS])
def test_each_form_reads_its_fact_and_nothing_else(text: str, want: dict[str, object]) -> None:
    post = read_post(text)
    got = {name: getattr(post, name) for name in NAMES}
    assert {name: value for name, value in got.items() if name in want} == want
    others = {name: value for name, value in got.items() if name not in want}
    assert others == dict.fromkeys(others), f"read more than stated: {others}"
    assert post.conflicts == () and post.unread == ()


@pytest.mark.parametrize(
    "line",
    [
        "\u00a0Payment\u00a0method\u2007verified\u00a0",
        "PAYMENT METHOD VERIFIED",
        "payment   method\tverified",
        "\ufeffPayment method verified\u200b",
    ],
)
def test_case_and_spacing_do_not_matter(line: str) -> None:
    assert read_post(line).verified is True


@pytest.mark.parametrize(
    "text",
    [
        "\ud800Payment verified\nUnited States\udfff",
        "Payment verified\n\x00\x1c\x1d\u2028Canada\u0085",
        "\u0130stanbul\nPayment verified",
        "\U0001f600" * 5_000,
        "\u0301" * 20_000,
    ],
)
def test_odd_characters_read_without_an_exception(text: str) -> None:
    post = read_post(text)
    assert post.country in (None, "CA")


# ------------------------------------------------------------------------ the pieces


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$15", 1500),
        ("$15.5", 1550),
        ("$15.05", 1505),
        ("$571,557", 57_155_700),
        ("$1.5K", 150_000),
        ("$1.25k", 125_000),
        ("$900K", 90_000_000),
        ("$1.2M", 120_000_000),
        ("$ 20", 2000),
        ("$1,5", None),
        ("$1,50,000", None),
        ("$", None),
        ("15", None),
    ],
)
def test_amounts_are_exact_cents_or_unread(text: str, value: int | None) -> None:
    assert cents(text) == value


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=10**13))
def test_any_amount_written_as_upwork_does_reads_back_exactly(amount: int) -> None:
    dollars, rest = divmod(amount, 100)
    assert cents(f"${dollars:,}.{rest:02d}") == amount
    assert cents(f"${dollars}.{rest:02d}") == amount
    post = read_post(f"Fixed price: ${dollars:,}.{rest:02d}")
    assert post.budget_min_cents == (amount if amount <= MAX_DOLLARS * 100 else None)
    assert bool(post.unread) == (amount > MAX_DOLLARS * 100 and dollars < 10**12)


@pytest.mark.parametrize(
    ("text", "value"), [("7", 7), ("3,463", 3463), ("1,000,000", 1_000_000), ("1,00", None)]
)
def test_whole_numbers(text: str, value: int | None) -> None:
    assert whole(text) == value


@pytest.mark.parametrize(
    ("text", "value"), [("4.98", 498), ("4.9", 490), ("5", 500), ("0", 0), ("5.01", None)]
)
def test_ratings_in_hundredths(text: str, value: int | None) -> None:
    assert hundredths(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Apr 2, 2018", "2018-04-02"),
        ("April 2 2018", "2018-04-02"),
        ("Apr 2018", "2018-04-01"),
        ("Sept 3, 2021", "2021-09-03"),
        ("Feb 29, 2024", "2024-02-29"),
        ("Feb 29, 2023", None),
        ("Apr 2, 1890", None),
    ],
)
def test_dates(text: str, value: str | None) -> None:
    assert iso_date(text) == value


def test_countries_come_from_cldr_for_every_country() -> None:
    from babel import Locale

    names = Locale("en").territories
    for code in ("US", "GB", "DE", "IN", "PH", "UA", "PK", "NG", "BR", "XK"):
        assert country(names[code]) == code
    assert country("Türkiye") == country("Turkiye") == "TR"
    assert country("Myanmar") == country("Burma") == "MM"
    assert country_line("United States Los Angeles 9:05 PM") == "US"
    assert country_line("Germany 10:42") == "DE"
    assert country_line("United Statesville") is None
    for not_a_country in ("World", "Unknown Region", "Europe", "Tech & IT", "USB", "XX"):
        assert country(not_a_country) is None
