"""What the ledger's changes return: the result of each change to a pool or a wallet, stored
with the request that made it (``KIND`` names it there) and rendered by its command.

They live apart from :mod:`core.ledger.pools` and :mod:`core.ledger.wallets` so that a command
that changes nothing (``/balance``) does not create them when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "AllowanceSet",
    "MemberAdded",
    "MemberRemoved",
    "NoticesSet",
    "PoolCreated",
    "Purchased",
    "Reconciled",
    "ThresholdSet",
    "Voided",
]


@dataclass(frozen=True, slots=True)
class PoolCreated:
    KIND: ClassVar[str] = "pool_created"
    pool: str
    channel: str | None


@dataclass(frozen=True, slots=True)
class MemberAdded:
    KIND: ClassVar[str] = "member_added"
    pool: str
    added: bool


@dataclass(frozen=True, slots=True)
class MemberRemoved:
    KIND: ClassVar[str] = "member_removed"
    pool: str


@dataclass(frozen=True, slots=True)
class AllowanceSet:
    KIND: ClassVar[str] = "allowance_set"
    pool: str
    allowance: int | None  # None: no limit
    spent: int

    @staticmethod
    def upgrade(version: int, body: dict[str, object]) -> dict[str, object]:
        """Results stored before schema 2 wrote 0 for "no limit"."""
        if version < 2 and body.get("allowance") == 0:
            body["allowance"] = None
        return body


@dataclass(frozen=True, slots=True)
class ThresholdSet:
    KIND: ClassVar[str] = "threshold_set"
    pool: str
    threshold: int
    channel: str | None


@dataclass(frozen=True, slots=True)
class Purchased:
    """Connects bought (or topped up) and where they went."""

    KIND: ClassVar[str] = "purchase"
    connects: int
    cents: int
    tier_cents: int
    paid_given: bool
    where: str
    balance: int
    expires_at: int | None
    purchase: int | None = None  # the lot: what /void names (None: stored before voids)
    nonce: str = ""


@dataclass(frozen=True, slots=True)
class Voided:
    """A purchase taken back: its Connects and dollars, and where."""

    KIND: ClassVar[str] = "voided"
    purchase: int
    connects: int
    cents: int
    where: str
    balance: int


@dataclass(frozen=True, slots=True)
class Reconciled:
    """An account set to the balance Upwork shows: before, after, and where."""

    KIND: ClassVar[str] = "reconciled"
    before: int
    after: int
    where: str


@dataclass(frozen=True, slots=True)
class NoticesSet:
    """A user's private notices turned on or off."""

    KIND: ClassVar[str] = "notices_set"
    on: bool
    changed: bool = True  # False: only asked what they are
