"""Forgetting a member: every row that names them, rewritten to a tombstone or deleted.

What stays is what the ledger accounts (accounts, lots, entries, bids' amounts and factors),
so every balance stays the sum of its entries and a pool's history stays whole; who made a
change becomes the tombstone. What goes: the member's display name, the text of their jobs
(a bid's job becomes ``TOMBSTONE_JOB`` and its job key the tombstone's, so no other bid is
taken for the same job), their notes, kept posts and buttons, pending asks and notices, their
plan, their pool memberships and spending limits, and the stored results of their requests
(which repeat job text). One function per table would only be called together: they are one
statement list.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.store.base import Tx

#: What a forgotten member's bid shows for its job.
TOMBSTONE_JOB = "(forgotten)"
#: What a forgotten member's user row shows for their name.
TOMBSTONE_NAME = "forgotten member"


@dataclass(frozen=True, slots=True)
class Forgotten:
    """How many rows of each kind were rewritten or deleted for one member."""

    users: int
    bids: int
    entries: int
    pools_owned: int
    memberships: int
    kept: int
    notices: int
    requests: int


def _like_suffix(text: str) -> str:
    """A LIKE pattern matching values that end with ``:`` + ``text`` (``\\`` escapes)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%:" + escaped


async def exists(tx: Tx, key: str) -> bool:
    """Whether a user row holds ``key``."""
    row = await tx.fetchone("SELECT 1 AS x FROM users WHERE key = :k", {"k": key})
    return row is not None


async def pools_owned(tx: Tx, key: str) -> list[str]:
    """The names of the pools ``key`` owns, by name."""
    rows = await tx.fetchall(
        "SELECT name FROM pools WHERE owner = :k ORDER BY name, id", {"k": key}
    )
    return [str(r["name"]) for r in rows]


async def forget(tx: Tx, key: str, tombstone: str) -> Forgotten:
    """Rewrite every row naming ``key`` to ``tombstone``, or delete it (see the module)."""
    k = {"k": key}
    kt = {"k": key, "t": tombstone}
    # rows that reference users (key) go before the user row is renamed
    await tx.execute("DELETE FROM plans WHERE user_key = :k", k)
    users = await tx.execute(
        "UPDATE users SET key = :t, display = :name, notices = 0 WHERE key = :k",
        {**kt, "name": TOMBSTONE_NAME},
    )
    bids = await tx.execute(
        "UPDATE bids SET bidder = :t, job = :job, job_key = :t || ':' || CAST(id AS TEXT), "
        "title = NULL, note = NULL WHERE bidder = :k",
        {**kt, "job": TOMBSTONE_JOB},
    )
    entries = await tx.execute("UPDATE entries SET actor = :t WHERE actor = :k", kt)
    owned = await tx.execute("UPDATE pools SET owner = :t WHERE owner = :k", kt)
    memberships = await tx.execute("DELETE FROM pool_members WHERE member = :k", k)
    # their own spending limits go (on their wallet, or on a pool for them); limits they set
    # on others as a pool's admin stay, set by the tombstone
    await tx.execute("DELETE FROM spend_caps WHERE member = :k", k)
    await tx.execute("UPDATE spend_caps SET set_by = :t WHERE set_by = :k", kt)
    kept = await tx.execute("DELETE FROM confirmations WHERE actor = :k", k)
    await tx.execute("DELETE FROM outcome_asks WHERE bidder = :k", k)
    await tx.execute("UPDATE outcome_snapshot SET bidder = :t WHERE bidder = :k", kt)
    await tx.execute("UPDATE interview_rewards SET bidder = :t WHERE bidder = :k", kt)
    notices = await tx.execute(
        "DELETE FROM notices WHERE target = :k OR subject LIKE :suffix ESCAPE '\\'",
        {**k, "suffix": _like_suffix(key)},
    )
    requests = await tx.execute(
        "UPDATE requests SET actor = :t, result = NULL WHERE actor = :k", kt
    )
    if (installer := _slack_installer(key)) is not None:  # who installed a Slack workspace
        await tx.execute(
            "UPDATE slack_installs SET installer = NULL WHERE team_id = :team AND installer = :u",
            {"team": installer[0], "u": installer[1]},
        )
    return Forgotten(users, bids, entries, owned, memberships, kept, notices, requests)


async def mentions(tx: Tx, key: str) -> int:
    """How many rows still name ``key`` in a column that holds a member's key (a test reads
    this after :func:`forget`: it must be 0)."""
    total = 0
    for table, column in (
        ("users", "key"),
        ("plans", "user_key"),
        ("bids", "bidder"),
        ("entries", "actor"),
        ("pools", "owner"),
        ("pool_members", "member"),
        ("confirmations", "actor"),
        ("outcome_asks", "bidder"),
        ("outcome_snapshot", "bidder"),
        ("interview_rewards", "bidder"),
        ("spend_caps", "member"),
        ("spend_caps", "set_by"),
        ("notices", "target"),
        ("requests", "actor"),
    ):
        row = await tx.fetchone(
            f"SELECT COUNT(*) AS n FROM {table} WHERE {column} = :k",
            {"k": key},
        )
        total += int(row["n"]) if row is not None else 0
    if (installer := _slack_installer(key)) is not None:
        row = await tx.fetchone(
            "SELECT COUNT(*) AS n FROM slack_installs WHERE team_id = :team AND installer = :u",
            {"team": installer[0], "u": installer[1]},
        )
        total += int(row["n"]) if row is not None else 0
    return total


def _slack_installer(key: str) -> tuple[str, str] | None:
    """(team, user) of a Slack member's key ``slack:<team>:<user>``, as a workspace's
    installation names its installer; ``None`` for any other key."""
    parts = key.split(":")
    return (parts[1], parts[2]) if len(parts) == 3 and parts[0] == "slack" else None
