"""The store interface: transactions over SQL shared by every backend.

Domain code (:mod:`core.ledger`) is written once against :class:`Tx`, with ``:name`` parameters;
each backend runs it in a transaction of its own kind. SQLite write transactions start with
``BEGIN IMMEDIATE``, so one writer at a time across processes; PostgreSQL takes row locks
(:meth:`Tx.lock_account`) and retries serialization failures. Overspend is refused by the
database itself: a conditional ``UPDATE ... WHERE balance >= :cost`` plus a ``CHECK
(balance >= 0)`` constraint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Row = Mapping[str, Any]
Params = Mapping[str, Any]


class Tx(Protocol):
    """One open transaction."""

    async def fetchone(self, sql: str, params: Params | None = None) -> Row | None:
        """The first row of ``sql``, or ``None``."""

    async def fetchall(self, sql: str, params: Params | None = None) -> Sequence[Row]:
        """Every row of ``sql``."""

    async def execute(self, sql: str, params: Params | None = None) -> int:
        """Run ``sql``; the number of rows changed."""

    async def lock_account(self, account_id: int) -> None:
        """Hold the account's row until the transaction ends (no-op where writes serialize)."""


class Store(Protocol):
    """A database holding the ledger."""

    url: str

    async def write(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` in a write transaction: committed if it returns, rolled back if it raises.
        ``fn`` may run more than once when the backend retries a conflict."""

    async def read(self, fn: Callable[[Tx], Awaitable[T]], *, quick: bool = False) -> T:
        """Run ``fn`` on a consistent read-only snapshot. ``quick`` marks a few indexed
        lookups (a balance, autocomplete) that a backend may run without handing off to
        another thread; scans (exports, statistics) must not set it. A scan may take long
        (an export reads its rows page by page inside ``fn``): backends run scans apart from
        quick reads, so a quick read never waits for one."""

    async def migrate(self) -> int:
        """Apply pending migrations; the schema version afterwards."""

    async def close(self) -> None:
        """Close every connection."""


def redact(url: str) -> str:
    """``url`` without its password, for logs."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else f"{scheme}://{user}@{host}"


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """The packaged migrations of ``dialect``: (version, name, sql), ascending."""
    from importlib import resources

    folder = resources.files("core.store") / "migrations" / dialect
    found = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            found.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(found)
