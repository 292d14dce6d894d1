"""Kept buttons: what a button stands for, kept in the database under a code.

A button carries only its code; what a click does is kept here, so a click does what the
button's label said, whatever changed since, and a forged code does nothing. Three kinds:

- ``confirm``: a bid a pool already made on the job, waiting for its author to confirm it;
- ``bid``: a quote's Bid button, with the Connects and boost its label showed;
- ``reconcile``: a quote's offer to match the balance Upwork showed in a pasted post, with
  that balance and the wallet's balance at the moment of the quote.

A kept bid is placed under one key, :func:`placement_key`, however it is invoked (its button,
``/confirm``, a platform's retry), so it is placed at most once. The key is a one-way digest of
the code: the ledger (and so ``/export``) shows the key, never a code that still places
anything. A code lives :data:`KEEP_SECONDS`; its placement is remembered after that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from core.store.base import Row, Tx

#: How long a Confirm button places its bid.
CONFIRM_SECONDS = 3600
#: How long a quote's Bid and Set-to buttons work.
BUTTON_SECONDS = 86_400
#: How long a kept button stays in the database (well past every button's use).
KEEP_SECONDS = 7 * 86_400

BID_KINDS = ("confirm", "bid")
KINDS = (*BID_KINDS, "reconcile")


@dataclass(frozen=True, slots=True)
class Kept:
    """A kept button: its code, kind, owner, options (JSON) and the numbers it showed."""

    token: str
    kind: str
    actor: str
    args: str
    created_at: int
    connects: int | None = None  # a bid: the Connects its label showed
    boost: int | None = None  # a bid: the boost its label showed
    upwork: int | None = None  # a reconcile offer: the balance Upwork showed
    had: int | None = None  # a reconcile offer: the wallet's balance at the quote
    last_entry: int | None = None  # a reconcile offer: the wallet's newest entry then

    @property
    def seconds(self) -> int:
        """How long its button works after it was kept."""
        return CONFIRM_SECONDS if self.kind == "confirm" else BUTTON_SECONDS

    def expired(self, now: int) -> bool:
        return self.created_at + self.seconds < now

    @property
    def pinned(self) -> tuple[int, int] | None:
        """The Connects and boost a kept bid's label showed (``None``: kept before labels
        were kept)."""
        if self.connects is None:
            return None
        return self.connects, self.boost or 0


def code(kind: str, request_id: str) -> str:
    """The code of the button ``kind`` made by the request ``request_id``: the same request
    again (a platform's retry) keeps the same button once."""
    prefix = {"confirm": "", "bid": "bidbutton:", "reconcile": "reconcile:"}[kind]
    source = prefix + request_id
    return hashlib.sha256(source.encode()).hexdigest()[:10]


def placement_key(token: str) -> str:
    """The one request id a kept button's change is made under, whichever way it is invoked:
    a one-way digest, so the ledger never shows a code that still places anything."""
    return "kept:" + hashlib.sha256(f"kept:{token}".encode()).hexdigest()[:24]


def _keys(token: str) -> tuple[str, ...]:
    """Where a kept button's change may be recorded: its key, then the request ids of
    earlier versions (a Bid button's ``bidbutton:``, a Confirm's ``confirm:``)."""
    return (placement_key(token), f"bidbutton:{token}", f"confirm:{token}")


async def keep(tx: Tx, kept: Kept, scope: str | None) -> None:
    """Keep ``kept`` (once: a retry of the request that made it keeps nothing more)."""
    await tx.execute(
        "INSERT INTO confirmations (token, actor, scope, args, created_at, kind, connects, "
        "boost, upwork, had, last_entry) VALUES (:t, :a, :s, :args, :now, :kind, :c, :b, :u, :h, "
        ":e) "
        "ON CONFLICT (token) DO NOTHING",
        {
            "t": kept.token,
            "a": kept.actor,
            "s": scope,
            "args": kept.args,
            "now": kept.created_at,
            "kind": kept.kind,
            "c": kept.connects,
            "b": kept.boost,
            "u": kept.upwork,
            "h": kept.had,
            "e": kept.last_entry,
        },
    )


def _kind(row: Row) -> str:
    """A row's kind; one kept before kinds is a Confirm when its options name the job (a
    /bid's), else a quote's Bid button."""
    if row["kind"] is not None:
        return str(row["kind"])
    try:
        args = json.loads(str(row["args"]))
    except ValueError:
        args = {}
    return "confirm" if isinstance(args, dict) and "job" in args else "bid"


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


async def find(tx: Tx, token: str) -> Kept | None:
    """The button kept under ``token``, or ``None``."""
    row = await tx.fetchone("SELECT * FROM confirmations WHERE token = :t", {"t": token})
    if row is None:
        return None
    return Kept(
        str(row["token"]),
        _kind(row),
        str(row["actor"]),
        str(row["args"]),
        int(row["created_at"]),
        _int(row["connects"]),
        _int(row["boost"]),
        _int(row["upwork"]),
        _int(row["had"]),
        _int(row["last_entry"]),
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """A kept button's recorded change: its request id, who made it, when, and its result."""

    request_id: str
    actor: str
    result: str | None
    created_at: int


async def placement(tx: Tx, token: str) -> Placement | None:
    """The change a kept button made (under its key or an earlier version's), or ``None``."""
    keys = _keys(token)
    rows = await tx.fetchall(
        "SELECT id, actor, result, created_at FROM requests WHERE id IN (:k0, :k1, :k2)",
        {f"k{i}": key for i, key in enumerate(keys)},
    )
    found = {str(r["id"]): r for r in rows}
    for key in keys:
        if key in found:
            r = found[key]
            result = None if r["result"] is None else str(r["result"])
            return Placement(key, str(r["actor"]), result, int(r["created_at"]))
    return None


async def sweep(tx: Tx, now: int) -> int:
    """Remove buttons kept more than :data:`KEEP_SECONDS` ago; how many."""
    return await tx.execute(
        "DELETE FROM confirmations WHERE created_at < :c", {"c": now - KEEP_SECONDS}
    )
