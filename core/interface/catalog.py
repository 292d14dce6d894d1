"""The command catalog: every command declared once, with its typed options.

Discord application commands, Slack's text parsing and manifest, the console and ``/help`` are all
generated from these declarations, so the platforms cannot drift apart.  Handlers live in
:mod:`core.commands`; this module only describes the shape of each command, with the options
several commands share from :mod:`core.interface.commonoptions`.
"""

from __future__ import annotations

from core.base.facts import MAX_DOLLARS
from core.base.numbers import Unit
from core.interface.commandspec import Access, Command, Form, MessageAction, Option, OptionType
from core.interface.commonoptions import (
    BID,
    BOOST,
    BOUGHT,
    CAPS,
    HOURS,
    IMAGE,
    MAX_CONNECTS_PER_BID,
    MAX_PURCHASE,
    MEMBER,
    NEW_POOL_NAME,
    OUTCOMES,
    PAID,
    PERIODS,
    PLANS,
    POOL,
    POOL_NAME,
    POST,
    RATE_TYPES,
    REFUND_REASONS,
    SPEND_ON,
)
from core.interface.factoptions import QUOTE_FACTORS

COMMANDS: tuple[Command, ...] = (
    Command(
        "quote",
        "Connects a job will cost, and what you can afford",
        (*QUOTE_FACTORS, BOOST, HOURS, IMAGE, POST),
        usage_example="/quote price:500 size:small",
    ),
    Command(
        "paste",
        "Paste a job post: its real cost and every factor",
        (POST,),
        usage_example="/paste",
        form=Form(
            title="Quote a job post",
            field="post",
            label="The job post",
            placeholder="Copy the whole Upwork job page (or its link) and paste it here",
            submit="quote",
            max_length=4000,
            image="image",
        ),
    ),
    Command(
        "bid",
        "Spend Connects on a job",
        (
            Option(
                "job",
                OptionType.STRING,
                "Job URL or title (else read from post)",
                max_length=200,
                free_text=True,
            ),
            Option(
                "connects",
                OptionType.INTEGER,
                "Connects the job asks (else quoted; 0 when invited)",
                min_value=0,
                max_value=MAX_CONNECTS_PER_BID,
            ),
            POOL,
            BOOST,
            Option("invited", OptionType.BOOLEAN, "The client invited you: costs 0 Connects"),
            Option("rate_type", OptionType.STRING, "Hourly or fixed price", choices=RATE_TYPES),
            Option(
                "rate",
                OptionType.NUMBER,
                "Your rate in dollars",
                min_value=0,
                max_value=MAX_DOLLARS,
                unit=Unit.DOLLARS,
            ),
            Option(
                "note", OptionType.STRING, "A note for yourself", max_length=300, free_text=True
            ),
            *QUOTE_FACTORS,
            IMAGE,
            POST,
        ),
        changes_state=True,
        usage_example='/bid job:"Shop logo" connects:4',
    ),
    Command(
        "refund",
        "Refund a bid's Connects",
        (BID, Option("reason", OptionType.STRING, "Why", required=True, choices=REFUND_REASONS)),
        changes_state=True,
        usage_example="/refund bid:#12 reason:client_cancelled",
    ),
    Command("balance", "Your Connects, pools and expiries", (POOL,), usage_example="/balance"),
    Command(
        "buy",
        "Record Connects you bought",
        (
            BOUGHT,
            POOL,
            PAID,
        ),
        changes_state=True,
        usage_example="/buy connects:40",
    ),
    Command(
        "reconcile",
        "Set your balance to what Upwork shows",
        (
            Option(
                "connects",
                OptionType.INTEGER,
                "Connects Upwork shows you have",
                required=True,
                min_value=0,
                max_value=MAX_PURCHASE,
            ),
            POOL,
        ),
        changes_state=True,
        usage_example="/reconcile connects:42",
    ),
    Command(
        "outcome",
        "Set a bid's status",
        (BID, Option("status", OptionType.STRING, "New status", required=True, choices=OUTCOMES)),
        changes_state=True,
        usage_example="/outcome bid:#12 status:hired",
    ),
    Command(
        "interview",
        "A client started an interview and you replied: +10 Connects",
        (BID,),
        changes_state=True,
        usage_example="/interview bid:#12",
    ),
    Command(
        "spend",
        "Record Connects spent on your profile (badge, boost)",
        (
            Option("on", OptionType.STRING, "What they were for", required=True, choices=SPEND_ON),
            Option(
                "connects",
                OptionType.INTEGER,
                "Connects spent",
                required=True,
                min_value=1,
                max_value=MAX_PURCHASE,
            ),
            POOL,
        ),
        changes_state=True,
        usage_example="/spend on:badge connects:10",
    ),
    Command(
        "plan",
        "Your Upwork plan and billing day, for its Connects",
        (
            Option("name", OptionType.STRING, "Your plan", required=True, choices=PLANS),
            Option(
                "day",
                OptionType.INTEGER,
                "Billing day of the month (29-31 renew on the 1st)",
                min_value=1,
                max_value=31,
            ),
        ),
        changes_state=True,
        usage_example="/plan name:plus day:15",
    ),
    Command(
        "outcomes",
        "Your bids awaiting news, and how to record it",
        (),
        usage_example="/outcomes",
    ),
    Command(
        "history",
        "Recent entries and a balance chart",
        (
            Option(
                "limit",
                OptionType.INTEGER,
                "How many entries",
                default=10,
                min_value=1,
                max_value=50,
            ),
            POOL,
            Option("chart", OptionType.BOOLEAN, "Attach a balance chart", default=True),
        ),
        slow=True,
        usage_example="/history limit:5",
    ),
    Command(
        "stats",
        "Win rate, spend and cost per hire",
        (
            Option("period", OptionType.STRING, "Time span", default="month", choices=PERIODS),
            POOL,
            Option("public", OptionType.BOOLEAN, "Show to the channel", default=False),
        ),
        usage_example="/stats period:year",
    ),
    Command(
        "model",
        "How good learned quotes are here, and what they learned",
        (),
        usage_example="/model",
    ),
    Command("export", "Your ledger and bids as CSV", (POOL,), slow=True, usage_example="/export"),
    Command(
        "help",
        "What this bot can do, or how to use one command",
        (
            Option(
                "command",
                OptionType.STRING,
                "A command to explain, e.g. bid",
                max_length=40,
                free_text=True,
                autocomplete="command",
            ),
        ),
        usage_example="/help bid",
    ),
    Command(
        "notices",
        "Turn your private notices on or off",
        (Option("state", OptionType.STRING, "on or off (alone: which)", choices=("on", "off")),),
        changes_state=True,
        usage_example="/notices off",
    ),
    Command(
        "forget",
        "Delete your personal data from this bot (asks to confirm)",
        usage_example="/forget",
    ),
    Command(
        "undo",
        "Undo a fresh bid",
        (BID._replace(required=False, description="Bid number, e.g. #12 (alone: your last bid)"),),
        changes_state=True,
        text_only=True,
        usage_example="/undo bid:#12",
    ),
    Command(
        "void",
        "Void a purchase recorded by mistake",
        (
            Option(
                "purchase",
                OptionType.STRING,
                "Purchase number, e.g. #3",
                required=True,
                max_length=12,
            ),
        ),
        changes_state=True,
        text_only=True,
        usage_example="/void purchase:#3",
    ),
    Command(
        "confirm",
        "Run a kept Confirm, Bid, Set-to or outcome button by code",
        (Option("token", OptionType.STRING, "Code from the button", required=True, max_length=40),),
        changes_state=True,
        text_only=True,
        usage_example="/confirm token:ab12cd34",
    ),
    Command(
        "limits",
        "Daily, weekly and boost caps on your own spending",
        CAPS,
        changes_state=True,
        usage_example="/limits daily:20 weekly:80 boost:10",
    ),
    Command(
        "pool create",
        "Create a pool you own",
        (NEW_POOL_NAME, Option("channel", OptionType.CHANNEL, "Channel for low-balance notices")),
        changes_state=True,
        usage_example="/pool create name:agency",
    ),
    Command(
        "pool add",
        "Add a member to a pool",
        (POOL_NAME, MEMBER),
        access=Access.POOL_ADMIN,
        changes_state=True,
        usage_example="/pool add name:agency member:@sam",
    ),
    Command(
        "pool remove",
        "Remove a member from a pool",
        (POOL_NAME, MEMBER),
        access=Access.POOL_ADMIN,
        changes_state=True,
        usage_example="/pool remove name:agency member:@sam",
    ),
    Command(
        "pool allowance",
        "Set a member's monthly allowance",
        (
            POOL_NAME,
            MEMBER,
            Option(
                "connects",
                OptionType.INTEGER,
                "Connects a month (0: none at all)",
                min_value=0,
                max_value=MAX_PURCHASE,
            ),
            Option("unlimited", OptionType.BOOLEAN, "No monthly limit (instead of connects)"),
        ),
        access=Access.POOL_ADMIN,
        changes_state=True,
        usage_example="/pool allowance name:agency member:@sam connects:40",
    ),
    Command(
        "pool limits",
        "A member's daily, weekly and boost caps in a pool",
        (POOL_NAME, Option("member", OptionType.USER, "Member (else yourself)"), *CAPS),
        access=Access.POOL_MEMBER,
        changes_state=True,
        usage_example="/pool limits name:agency member:@sam daily:10",
    ),
    Command(
        "pool topup",
        "Record Connects bought for a pool",
        (
            POOL_NAME,
            BOUGHT,
            PAID,
        ),
        access=Access.POOL_ADMIN,
        changes_state=True,
        usage_example="/pool topup name:agency connects:80",
    ),
    Command(
        "pool info",
        "A pool's balance and members",
        (POOL_NAME,),
        access=Access.POOL_MEMBER,
        usage_example="/pool info name:agency",
    ),
    Command(
        "pool threshold",
        "Low-balance warning level and channel",
        (
            POOL_NAME,
            Option(
                "connects",
                OptionType.INTEGER,
                "Warn below this (0: off)",
                required=True,
                min_value=0,
                max_value=MAX_PURCHASE,
            ),
            Option("channel", OptionType.CHANNEL, "Channel for the warning"),
        ),
        access=Access.POOL_ADMIN,
        changes_state=True,
        usage_example="/pool threshold name:agency connects:20 channel:#bids",
    ),
)

#: Actions on any message: Discord's message commands, Slack's message shortcuts.
MESSAGE_ACTIONS: tuple[MessageAction, ...] = (
    MessageAction(
        "Quote this job",
        "quote_message",
        "Quote the job post or job link in this message",
        "quote",
        "post",
    ),
)

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}
GROUPS: dict[str, str] = {"pool": "Manage a shared Connects pool"}


def find(name: str) -> Command | None:
    """The command called ``name`` (``"pool add"`` for a subcommand), or ``None``."""
    return BY_NAME.get(name)


__all__ = [
    "BY_NAME",
    "COMMANDS",
    "GROUPS",
    "MAX_DOLLARS",
    "MESSAGE_ACTIONS",
    "QUOTE_FACTORS",
    "Access",
    "Command",
    "Form",
    "MessageAction",
    "Option",
    "OptionType",
    "find",
]
