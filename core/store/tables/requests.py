"""Requests and kept buttons: the request ids a change was made under, with the change's
stored result, and the buttons kept under a code (the ``confirmations`` table).

Claiming a request id is an insert that does nothing when the id is taken, so of two
processes handling the same request exactly one claims it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.store.base import Row, Tx


@dataclass(frozen=True, slots=True)
class Request:
    """A claimed request id: the digest of its meaning, who made it, when, and the stored
    result (``None`` while its change is running)."""

    id: str
    fingerprint: str
    actor: str
    result: str | None
    created_at: int


@dataclass(frozen=True, slots=True)
class Button:
    """A kept button as stored: its code, kind (``None``: kept before kinds were), owner,
    options (JSON) and the numbers its label showed."""

    token: str
    kind: str | None
    actor: str
    args: str
    created_at: int
    connects: int | None = None
    boost: int | None = None
    upwork: int | None = None
    had: int | None = None
    last_entry: int | None = None


# ------------------------------------------------------------------------------- requests


async def claim(tx: Tx, request_id: str, fingerprint: str, actor: str, now: int) -> bool:
    """Claim ``request_id`` for a change with no result yet; ``False`` when it was claimed."""
    row = await tx.fetchone(
        "INSERT INTO requests (id, fingerprint, actor, result, created_at) "
        "VALUES (:id, :fp, :actor, NULL, :now) ON CONFLICT (id) DO NOTHING RETURNING id",
        {"id": request_id, "fp": fingerprint, "actor": actor, "now": now},
    )
    return row is not None


async def claim_answer(tx: Tx, key: str, actor: str, now: int) -> bool:
    """Claim ``key`` for an answer posted once; ``False`` when it was claimed."""
    row = await tx.fetchone(
        "INSERT INTO requests (id, fingerprint, actor, result, created_at) "
        "VALUES (:id, 'answer', :actor, '{}', :now) ON CONFLICT (id) DO NOTHING RETURNING id",
        {"id": key, "actor": actor, "now": now},
    )
    return row is not None


def _request(row: Row) -> Request:
    result = row["result"]
    return Request(
        str(row["id"]),
        str(row["fingerprint"]),
        str(row["actor"]),
        None if result is None else str(result),
        int(row["created_at"]),
    )


async def find(tx: Tx, request_id: str) -> Request | None:
    """The request claimed under ``request_id``, or ``None``."""
    row = await tx.fetchone(
        "SELECT id, fingerprint, actor, result, created_at FROM requests WHERE id = :id",
        {"id": request_id},
    )
    return None if row is None else _request(row)


async def found(tx: Tx, request_ids: Sequence[str]) -> list[Request]:
    """The requests claimed under any of ``request_ids`` (in no order)."""
    if not request_ids:
        return []
    names = {f"k{i}": key for i, key in enumerate(request_ids)}
    rows = await tx.fetchall(
        "SELECT id, fingerprint, actor, result, created_at FROM requests WHERE id IN ("
        + ", ".join(f":{name}" for name in names)
        + ")",
        names,
    )
    return [_request(row) for row in rows]


async def record_result(tx: Tx, request_id: str, result: str) -> None:
    """Keep the result of the change made under ``request_id``."""
    await tx.execute(
        "UPDATE requests SET result = :r WHERE id = :id", {"r": result, "id": request_id}
    )


async def exists(tx: Tx, request_id: str) -> bool:
    """Whether ``request_id`` was claimed."""
    row = await tx.fetchone("SELECT 1 AS x FROM requests WHERE id = :id", {"id": request_id})
    return row is not None


# ---------------------------------------------------------------------------- kept buttons


async def keep_button(tx: Tx, button: Button, scope: str | None) -> None:
    """Keep ``button`` in ``scope`` (once: a code kept already stays as it was)."""
    await tx.execute(
        "INSERT INTO confirmations (token, actor, scope, args, created_at, kind, connects, "
        "boost, upwork, had, last_entry) VALUES (:t, :a, :s, :args, :now, :kind, :c, :b, :u, :h, "
        ":e) "
        "ON CONFLICT (token) DO NOTHING",
        {
            "t": button.token,
            "a": button.actor,
            "s": scope,
            "args": button.args,
            "now": button.created_at,
            "kind": button.kind,
            "c": button.connects,
            "b": button.boost,
            "u": button.upwork,
            "h": button.had,
            "e": button.last_entry,
        },
    )


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


async def find_button(tx: Tx, token: str) -> Button | None:
    """The button kept under ``token``, or ``None``."""
    row = await tx.fetchone("SELECT * FROM confirmations WHERE token = :t", {"t": token})
    if row is None:
        return None
    kind = row["kind"]
    return Button(
        str(row["token"]),
        None if kind is None else str(kind),
        str(row["actor"]),
        str(row["args"]),
        int(row["created_at"]),
        _int(row["connects"]),
        _int(row["boost"]),
        _int(row["upwork"]),
        _int(row["had"]),
        _int(row["last_entry"]),
    )


async def sweep_buttons(tx: Tx, before: int) -> int:
    """Remove the buttons kept before ``before``; how many."""
    return await tx.execute("DELETE FROM confirmations WHERE created_at < :c", {"c": before})
