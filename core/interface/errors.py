"""Typed domain errors. Each carries the data needed to explain it and a one-line message.

Adapters render ``str(error)`` as one friendly line; nothing was changed when one is raised.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from core.interface.reply import Rich, cmd


def utc_moment(ts: int) -> str:
    """``ts`` as ``2026-12-08 00:00 UTC``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ConnectsError(Exception):
    """Base of every refusal the product explains to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(ConnectsError):
    """An option is missing, unknown or out of bounds."""


class NotFound(ConnectsError):
    """An unknown bid or pool, or one the user may not see."""


class Forbidden(ConnectsError):
    """The user may not do this (not a member, not an admin, not the author)."""


class InsufficientConnects(ConnectsError):
    """The wallet or pool holds fewer Connects than the bid costs."""

    def __init__(
        self, needed: int, available: int, where: str, fix: str = "", *, own: bool = False
    ) -> None:
        """``where`` names the account (``your wallet``, ``pool agency``); ``own`` says it is
        the user's own wallet (the message then speaks to them); ``fix`` is what to do
        (recording a purchase with /buy unless given)."""
        have = "you have" if own else "it has"
        super().__init__(
            Rich(
                f"Not enough Connects in {where}: this needs {needed}, {have} {available}. ",
                fix or Rich("Record a purchase with ", cmd("buy"), "."),
            )
        )
        self.needed = needed
        self.available = available
        self.where = where
        self.own = own


class AllowanceExceeded(ConnectsError):
    """A pool member's monthly allowance would be exceeded."""

    def __init__(self, needed: int, left: int, pool: str) -> None:
        super().__init__(
            f"Your monthly allowance in pool {pool} has {left} Connects left; this needs {needed}."
        )
        self.needed = needed
        self.left = left


class CapReached(ConnectsError):
    """A spending cap someone set (a user's own, a pool's admins' or a member's own) would be
    passed: which cap, its limit, what is left, what the draw needs, when it resets (UTC epoch
    seconds), on which account (``your wallet``, ``pool agency``) and who set it."""

    PERIOD: ClassVar[dict[str, str]] = {
        "daily": "today",
        "weekly": "this week",
        "boost": "today",
    }

    def __init__(
        self, cap: str, limit: int, left: int, needed: int, resets_at: int, where: str, by: str
    ) -> None:
        what = "boost cap" if cap == "boost" else f"{cap} cap"
        pool = where != "your wallet"
        owner = "the pool's admins" if by == "admin" else "you"
        change = cmd("pool limits") if pool else cmd("limits")
        fix: Rich | str = Rich(" Change yours with ", change, ".") if by == "self" else ""
        whose = f" in {where} (set by {owner})" if pool else ""
        super().__init__(
            Rich(
                f"Your {what}{whose} has {left} of "
                f"{limit} Connects left {self.PERIOD.get(cap, '')}; this needs {needed}. "
                f"It resets {utc_moment(resets_at)}.",
                fix,
            )
        )
        self.cap = cap
        self.limit = limit
        self.left = left
        self.needed = needed
        self.resets_at = resets_at
        self.where = where
        self.by = by


class NotRefundable(ConnectsError):
    """The reason does not refund under the configured policy, or nothing is left to refund."""


class AlreadyDone(ConnectsError):
    """A refund or undo that already happened."""


class MaxBalanceExceeded(ConnectsError):
    """A purchase would take the balance over the configured maximum."""


class IdempotencyConflict(ConnectsError):
    """The same request id arrived with different arguments."""

    def __init__(self) -> None:
        super().__init__("This request id was already used for a different command; nothing done.")
