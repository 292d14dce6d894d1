"""Accounts and users: an account holds a balance (a user's wallet or a pool's); a user is a
key with their wallet account and grant bookkeeping.

Balances move only through :mod:`core.store.tables.postings`; this module opens accounts and
keeps the users table.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from core.store.base import Row, Tx

AccountKind = Literal["user", "pool"]


class User(NamedTuple):
    """A user: their key, wallet account and grant bookkeeping."""

    key: str
    display: str
    account_id: int
    created_at: int
    last_grant_at: int | None
    notices: bool

    @staticmethod
    def of(row: Row) -> User:
        """The user a row of ``users`` (or a query selecting its columns) holds."""
        last = row["last_grant_at"]
        return User(
            str(row["key"]),
            str(row["display"]),
            int(row["account_id"]),
            int(row["created_at"]),
            None if last is None else int(last),
            bool(row["notices"]),
        )


async def open_account(tx: Tx, kind: AccountKind, now: int) -> int:
    """A new empty account; its id."""
    row = await tx.fetchone(
        "INSERT INTO accounts (kind, balance, created_at) VALUES (:k, 0, :now) RETURNING id",
        {"k": kind, "now": now},
    )
    assert row is not None
    return int(row["id"])


async def drop_account(tx: Tx, account_id: int) -> None:
    """Remove an account nothing refers to (one opened for a user another transaction made)."""
    await tx.execute("DELETE FROM accounts WHERE id = :a", {"a": account_id})


async def find_user(tx: Tx, key: str) -> User | None:
    """The user with ``key``, or ``None``."""
    row = await tx.fetchone("SELECT * FROM users WHERE key = :k", {"k": key})
    return None if row is None else User.of(row)


async def all_users(tx: Tx) -> list[User]:
    """Every user, by key."""
    return [User.of(row) for row in await tx.fetchall("SELECT * FROM users ORDER BY key")]


async def user_account(tx: Tx, key: str) -> int | None:
    """The wallet account of ``key``, or ``None``."""
    row = await tx.fetchone("SELECT account_id FROM users WHERE key = :k", {"k": key})
    return int(row["account_id"]) if row else None


async def add_user(tx: Tx, key: str, display: str, account_id: int, now: int) -> bool:
    """Add the user ``key`` with their wallet; ``False`` (nothing added) when another
    transaction added them first."""
    row = await tx.fetchone(
        "INSERT INTO users (key, display, account_id, created_at) "
        "VALUES (:k, :d, :a, :now) ON CONFLICT (key) DO NOTHING RETURNING key",
        {"k": key, "d": display, "a": account_id, "now": now},
    )
    return row is not None


async def set_notices(tx: Tx, key: str, on: bool) -> None:
    """Turn the user's private notices on or off."""
    await tx.execute(
        "UPDATE users SET notices = :v WHERE key = :k", {"v": 1 if on else 0, "k": key}
    )


async def claim_grant(tx: Tx, key: str, anniversary: int) -> bool:
    """Mark the grant of ``anniversary`` given to ``key``; ``False`` when it was already (the
    claim is the row's, so a grant is given once however many processes try)."""
    claimed = await tx.execute(
        "UPDATE users SET last_grant_at = :t WHERE key = :k "
        "AND (last_grant_at IS NULL OR last_grant_at < :t)",
        {"t": anniversary, "k": key},
    )
    return bool(claimed)
