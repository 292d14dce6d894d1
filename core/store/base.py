"""The store interface: transactions over SQL shared by every backend.

Domain code (:mod:`core.ledger`) is written once against :class:`Tx`, with ``:name`` parameters;
each backend runs it in a transaction of its own kind. SQLite write transactions start with
``BEGIN IMMEDIATE``, so one writer at a time across processes; PostgreSQL takes row locks
(:meth:`Tx.lock_account`) and retries serialization failures. Overspend is refused by the
database itself: a conditional ``UPDATE ... WHERE balance >= :cost`` plus a ``CHECK
(balance >= 0)`` constraint.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from core.interface.errors import ConnectsError

T = TypeVar("T")

Row = Mapping[str, Any]
Params = Mapping[str, Any]

#: The whole numbers every integer column holds on both backends: SQLite's INTEGER and
#: PostgreSQL's BIGINT (migration 0009) are both signed 64-bit.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1


class Unstorable(ConnectsError):
    """A whole number no column of either backend holds; nothing was written."""

    def __init__(self, value: int, what: str = "") -> None:
        name = f"{what.replace('_', ' ')} " if what else ""
        side = "more" if value > 0 else "less"
        super().__init__(
            f"{name}{value:,} is {side} than the ledger can keep (whole numbers up to "
            f"{INT_MAX:,}); nothing was changed."
        )
        self.value = value


def storable(value: object) -> bool:
    """Whether ``value`` fits every backend's columns: anything but a whole number beyond
    64 bits (booleans, text and ``None`` always do)."""
    return type(value) is not int or INT_MIN <= value <= INT_MAX


def check_params(params: Params) -> None:
    """Raise :class:`Unstorable` for a parameter no backend can hold, before the statement
    runs: one line for the user, never a driver's error (SQLite's ``OverflowError``,
    asyncpg's ``DataError``)."""
    for value in params.values():
        if type(value) is int and not INT_MIN <= value <= INT_MAX:
            raise Unstorable(value)


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

    #: The migrations the last :meth:`migrate` applied, by file name, in the order applied.
    migrated: tuple[str, ...]

    async def migrate(self) -> int:
        """Apply every packaged migration the database has not recorded, in version order,
        also one missing below the highest recorded (see :func:`core.store.schema.pending`);
        the schema version afterwards. :attr:`migrated` names what was applied."""

    async def close(self) -> None:
        """Close every connection."""


#: Words in a query parameter's name that mark its value as a credential: ``password``,
#: ``passfile``, ``sslpassword``, ``sslkey`` and the like, in any case.
_SECRET_WORDS = ("pass", "secret", "token", "key", "cred", "auth")

_MASK = "***"


def _split_userinfo(rest: str) -> tuple[str, str]:
    """``rest`` (a URL after ``scheme://``) as its user info and everything after the ``@``
    that ends it (``("", rest)`` without one). The user info ends at the last ``@`` before the
    query, so a password holding an unescaped ``@``, ``/`` or ``#`` is still all user info."""
    if rest.startswith("/"):  # no authority: a path (sqlite:////abs.db, postgresql:///db)
        return "", rest
    query = rest.find("?")
    cut = rest.rfind("@", 0, len(rest) if query == -1 else query)
    if cut == -1 and query != -1:
        # a password holding an unescaped "?": an "@" after a "user:" with no "=" before it
        first = rest.find("@")
        if first != -1 and ":" in rest[:first] and "=" not in rest[query:first]:
            cut = first
    if cut == -1:
        return "", rest
    return rest[:cut], rest[cut + 1 :]


def _secret_field(name: str) -> bool:
    """Whether the query parameter ``name`` (percent-escapes decoded, any case) holds a
    credential."""
    from urllib.parse import unquote_plus

    lowered = unquote_plus(name).lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _query_fields(query: str) -> list[tuple[str, str | None]]:
    """The ``name=value`` fields of a query (``None``: a field without ``=``)."""
    out: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        name, eq, value = part.partition("=")
        out.append((name, value if eq else None))
    return out


def redact(url: str) -> str:
    """``url`` with every credential it can carry masked, for logs, messages and output: the
    password of its user info and the values of query parameters such as ``password``,
    ``passfile``, ``sslpassword`` and ``sslkey`` (any case)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    creds, after = _split_userinfo(rest)
    if creds or after != rest:
        user, colon, _ = creds.partition(":")
        rest = f"{user}:{_MASK}@{after}" if colon else f"{user}@{after}"
    head, q, query = rest.partition("?")
    if q:
        query, hashmark, fragment = query.partition("#")
        fields = []
        for name, value in _query_fields(query):
            if not _secret_field(name):
                fields.append(name if value is None else f"{name}={value}")
            elif value is None:
                fields.append(_MASK)
            else:
                fields.append(f"{name}={_MASK}")
        rest = f"{head}?{'&'.join(fields)}{hashmark}{fragment}"
    return f"{scheme}://{rest}"


def url_secrets(url: str) -> list[str]:
    """The credentials ``url`` carries, as written and percent-decoded, longest first: what
    must not appear in a log line or an error message that quotes a driver's error."""
    from urllib.parse import unquote, unquote_plus

    _, sep, rest = url.partition("://")
    if not sep:
        return []
    found: list[str] = []
    creds, _ = _split_userinfo(rest)
    if ":" in creds:
        found.append(creds.partition(":")[2])
    _, q, query = rest.partition("?")
    if q:
        for name, value in _query_fields(query.partition("#")[0]):
            if _secret_field(name):
                found.append(name if value is None else value)
    forms = {form for raw in found for form in (raw, unquote(raw), unquote_plus(raw)) if form}
    # and the pieces a driver may quote when an unescaped delimiter split the password
    pieces = {p for form in forms for p in re.split(r"[/?#@:&=,]", form) if len(p) >= 2}
    return sorted(forms | pieces, key=len, reverse=True)


def masker(url: str) -> Callable[[str], str]:
    """A function that masks ``url`` and every credential in it wherever a text (a driver's
    error message, a log line) quotes them."""
    shown = redact(url)
    # where each stands on its own: a short password must not eat the words around it
    alternatives = [
        ("(?:^|(?<=\\W))" if s[0].isalnum() or s[0] == "_" else "")
        + re.escape(s)
        + ("(?!\\w)" if s[-1].isalnum() or s[-1] == "_" else "")
        for s in url_secrets(url)
    ]
    pattern = re.compile("|".join(alternatives)) if alternatives else None

    def mask(text: str) -> str:
        text = text.replace(url, shown) if url else text
        return pattern.sub(_MASK, text) if pattern is not None else text

    return mask


def redact_text(text: str, url: str) -> str:
    """``text`` with ``url`` and every credential in it masked (see :func:`masker`)."""
    return masker(url)(text)
