"""The option declarations several commands of the catalog share (a pool, a bid, a member, a
pasted post, screenshots, the caps), the choices they offer and the bounds they keep
(:data:`MAX_CONNECTS_PER_BID`, :data:`MAX_PURCHASE`, :data:`MAX_POST`).
:mod:`core.interface.catalog` declares the commands with them.
"""

from __future__ import annotations

from core.base.facts import BY_NAME as FACT_NAMED
from core.base.facts import MAX_DOLLARS
from core.base.numbers import Unit
from core.base.vocabulary import NEWS, PlanName
from core.interface.commandspec import Option, OptionType

#: A job's sizes and kinds of budget, as its facts declare them.
SIZES = FACT_NAMED["size"].choices
RATE_TYPES = FACT_NAMED["budget_type"].choices
REFUND_REASONS = (
    "completed",
    "client_cancelled",
    "tos_removed",
    "outbid",
    "withdrawn",
    "rejected",
    "hired_other",
    "expired",
)
OUTCOMES = tuple(status.value for status in NEWS)
PERIODS = ("week", "month", "quarter", "year", "all")
#: what /spend records Connects spent on (the entry kinds they write: core.ledger.kinds)
SPEND_ON = ("badge", "profile_boost")
PLANS = (*(plan.value for plan in PlanName), "none")

MAX_CONNECTS_PER_BID = 100
MAX_PURCHASE = 10_000

BOOST = Option(
    "boost", OptionType.INTEGER, "Extra Connects to rank higher", min_value=0, max_value=50
)
POOL = Option(
    "pool", OptionType.STRING, "Pool name (else your wallet)", autocomplete="pool", max_length=40
)
BID = Option(
    "bid",
    OptionType.STRING,
    "Bid number, e.g. #12",
    required=True,
    autocomplete="bid",
    max_length=12,
)
POOL_NAME = Option(
    "name", OptionType.STRING, "Pool name", required=True, autocomplete="pool", max_length=40
)
NEW_POOL_NAME = Option("name", OptionType.STRING, "New pool name", required=True, max_length=40)
MEMBER = Option("member", OptionType.USER, "Member", required=True)
#: The hours an hourly job is expected to bill: its value is its rate times these.
HOURS = Option(
    "hours",
    OptionType.INTEGER,
    "Hours you expect to bill (an hourly job's value)",
    min_value=1,
    max_value=10_000,
)
#: The longest job post read after ``post:``; a whole desktop page with its tail fits.
MAX_POST = 50_000
POST = Option(
    "post",
    OptionType.STRING,
    "A job post pasted whole (everything after post:)",
    max_length=MAX_POST,
    verbatim=True,
)
#: Screenshots of a job page (up to four, in order), read as a pasted post. Uploaded on Discord
#: and Slack; on the console and ``exec``, paths on the console user's own machine.
IMAGE = Option(
    "image",
    OptionType.IMAGE,
    "Screenshots of the job page, read as a pasted post",
    free_text=True,
)
BOUGHT = Option(
    "connects",
    OptionType.INTEGER,
    "Connects bought",
    required=True,
    min_value=1,
    max_value=MAX_PURCHASE,
)
PAID = Option(
    "paid",
    OptionType.NUMBER,
    "Dollars paid (else the tier price)",
    min_value=0,
    max_value=MAX_DOLLARS,
    unit=Unit.DOLLARS,
)

#: The caps of /limits and /pool limits: Connects, or 0/off to clear (core/ledger/caps.py).
CAPS = (
    Option("daily", OptionType.STRING, "Connects a UTC day (0 or off: none)", max_length=12),
    Option("weekly", OptionType.STRING, "Connects a week from Monday (0 or off)", max_length=12),
    Option("boost", OptionType.STRING, "Boost Connects a UTC day (0 or off)", max_length=12),
)
