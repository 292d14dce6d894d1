"""Outcomes in one tap: a bid without news is asked about in a private message with one button
per outcome.

A bid awaiting news (submitted, viewed, or ghosted: news may still come) for ``[notices]
outcome_after_days`` is asked about, at most :data:`PER_MESSAGE` bids a message, at most one
message a day per user, and each bid at most :data:`MOST_ASKS` times ever (the second no sooner
than ``outcome_again_days`` after the first ask or its "No news"). Users with notices off are
never asked. Each ask keeps a code (``outcome_asks``); a bid's buttons carry that code and the
answer (``3fa9c21b7d-hired``), which is also their text equivalent:
``/confirm token:3fa9c21b7d-hired``.
What a press does is ``press_outcome`` in ``core.commands.outcomes``.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence

from core.base.dates import DAY
from core.base.vocabulary import AWAITING, BidStatus
from core.interface.reply import Button, ButtonStyle, Rich, cmd, plural, restored, stored
from core.store.tables.asks import Waiting

#: The answers a bid's buttons offer, by the word its code ends with: label and the status it
#: records (``None``: "No news", which records none and asks again later, if ever).
ANSWERS: dict[str, tuple[str, BidStatus | None]] = {
    "viewed": ("Viewed", BidStatus.VIEWED),
    "interviewing": ("Interviewing", BidStatus.INTERVIEWING),
    "hired": ("Hired", BidStatus.HIRED),
    "lost": ("Lost", BidStatus.LOST),
    "none": ("No news", None),
}
#: The most bids one message asks about.
PER_MESSAGE = 3
#: The most times a bid is ever asked about.
MOST_ASKS = 2
#: A bid awaiting news: no answer yet, or none for the ghost period (news may still come).
WAITING: tuple[BidStatus, ...] = (*AWAITING, BidStatus.GHOSTED)

_VALUE = re.compile(r"(?P<token>[0-9a-f]{10})-(?P<answer>[a-z]{1,20})")


def new_token() -> str:
    """A fresh code for one ask's buttons."""
    return secrets.token_hex(5)


def value(token: str, answer: str) -> str:
    """What the button ``answer`` of the ask ``token`` carries (and ``/confirm`` takes)."""
    return f"{token}-{answer}"


def parse(text: str) -> tuple[str, str] | None:
    """``(token, answer)`` of a button's value, or ``None`` when it is not one."""
    m = _VALUE.fullmatch(text.strip())
    if m is None or m["answer"] not in ANSWERS:
        return None
    return m["token"], m["answer"]


def may_answer(asked: BidStatus, now: BidStatus) -> bool:
    """Whether an ask made while the bid was ``asked`` may still be answered now that it is
    ``now``: no news since (being marked ghosted is not news)."""
    return now == asked or (now == BidStatus.GHOSTED and asked in AWAITING)


def buttons(token: str, bid_id: int, owner: str, row: int) -> list[Button]:
    """The buttons of one bid, on a row of their own, for its owner only; each label says
    what it records (``#12 Hired``)."""
    out = []
    for answer, (label, _) in ANSWERS.items():
        v = value(token, answer)
        out.append(
            Button(
                f"#{bid_id} {label}",
                "outcome",
                v,
                ButtonStyle.PRIMARY if answer == "hired" else ButtonStyle.SECONDARY,
                text_command=cmd("confirm", f"token:{v}"),
                only_user=owner,
                row=row,
            )
        )
    return out


def line(bid: Waiting, now: int, ghost_days: int) -> str:
    """A bid awaiting news, as a message lists it (its job is the post's words, literal). A
    ghosted bid was marked ``ghost_days`` or more after its last news: at least that many."""
    days = max(0, (now - bid.updated_at) // DAY)
    if bid.status == BidStatus.GHOSTED:
        days += ghost_days
    spent = bid.connects + bid.boost - bid.refunded
    named = bid.title or bid.job  # a post's title says what the job was; its link does not
    job = named if len(named) <= 60 else named[:59] + "…"
    quiet = f"{days}+ days" if bid.status == BidStatus.GHOSTED else plural(days, "day")
    return f"#{bid.id} {job} · {plural(spent)} · {bid.status}, no news for {quiet}"


def ask_text(bids: Sequence[Waiting], now: int, ghost_days: int) -> Rich:
    """The message asking about ``bids``."""
    head = "📋 Any news on " + ("this bid?" if len(bids) == 1 else f"these {len(bids)} bids?")
    lines = "\n".join(line(b, now, ghost_days) for b in bids)
    return Rich(
        f"{head} One tap records it; No news asks again later, at most once.\n{lines}\nAll bids "
        "awaiting news: ",
        cmd("outcomes"),
    )


def packed(shown: Sequence[Button]) -> str | None:
    """A notice's buttons as kept with it (``None``: none); text commands as
    :func:`~core.interface.reply.stored` keeps text."""
    if not shown:
        return None
    return json.dumps(
        [
            {
                "label": b.label,
                "action": b.action,
                "value": b.value,
                "style": b.style.value,
                "command": stored(b.text_command),
                "only": b.only_user,
                "row": b.row,
            }
            for b in shown
        ],
        separators=(",", ":"),
    )


def unpacked(text: str | None) -> list[Button]:
    """The buttons :func:`packed` kept."""
    if not text:
        return []
    return [
        Button(
            str(b["label"]),
            str(b["action"]),
            str(b["value"]),
            ButtonStyle(b["style"]),
            text_command=restored(str(b["command"]), None),
            only_user=None if b["only"] is None else str(b["only"]),
            row=None if b["row"] is None else int(b["row"]),
        )
        for b in json.loads(text)
    ]
