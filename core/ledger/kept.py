"""Kept buttons: what a button stands for, kept in the database under a code.

A button carries only its code; what a click does is kept here, so a click does what the
button's label said, whatever changed since, and a forged code does nothing. Four kinds:

- ``confirm``: a bid a pool already made on the job, waiting for its author to confirm it;
- ``bid``: a quote's Bid button, with the Connects and boost its label showed;
- ``reconcile``: a quote's offer to match the balance Upwork showed in a pasted post, with
  that balance and the wallet's balance at the moment of the quote;
- ``forget``: the Confirm of ``/forget`` (see :mod:`core.commands.forget`);
- ``details``: a change's Details button: the details of the reply it made, for its actor
  only (a change is never run again to show them; :mod:`core.interface.keptreply`).

A kept bid is placed under one key, :func:`placement_key`, however it is invoked (its button,
``/confirm``, a platform's retry), so it is placed at most once. The key is a one-way digest of
the code: the ledger (and so ``/export``) shows the key, never a code that still places
anything. A code lives :data:`KEEP_SECONDS`; its placement is remembered after that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from core.store.base import Tx
from core.store.tables import requests
from core.store.tables.requests import Button

#: How long a Confirm button places its bid.
CONFIRM_SECONDS = 3600
#: How long a quote's Bid and Set-to buttons work.
BUTTON_SECONDS = 86_400
#: How long a kept button stays in the database (well past every button's use).
KEEP_SECONDS = 7 * 86_400

BID_KINDS = ("confirm", "bid")
KINDS = (*BID_KINDS, "reconcile", "forget", "details")


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
        return CONFIRM_SECONDS if self.kind in ("confirm", "forget") else BUTTON_SECONDS

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
    prefix = {
        "confirm": "",
        "bid": "bidbutton:",
        "reconcile": "reconcile:",
        "forget": "forget:",
        "details": "details:",
    }[kind]
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
    button = Button(
        kept.token,
        kept.kind,
        kept.actor,
        kept.args,
        kept.created_at,
        kept.connects,
        kept.boost,
        kept.upwork,
        kept.had,
        kept.last_entry,
    )
    await requests.keep_button(tx, button, scope)


def _kind(button: Button) -> str:
    """A button's kind; one kept before kinds is a Confirm when its options name the job (a
    /bid's), else a quote's Bid button."""
    if button.kind is not None:
        return button.kind
    try:
        args = json.loads(button.args)
    except ValueError:
        args = {}
    return "confirm" if isinstance(args, dict) and "job" in args else "bid"


async def find(tx: Tx, token: str) -> Kept | None:
    """The button kept under ``token``, or ``None``."""
    b = await requests.find_button(tx, token)
    if b is None:
        return None
    return Kept(
        b.token,
        _kind(b),
        b.actor,
        b.args,
        b.created_at,
        b.connects,
        b.boost,
        b.upwork,
        b.had,
        b.last_entry,
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
    found = {r.id: r for r in await requests.found(tx, keys)}
    for key in keys:
        if key in found:
            r = found[key]
            return Placement(key, r.actor, r.result, r.created_at)
    return None


async def sweep(tx: Tx, now: int) -> int:
    """Remove buttons kept more than :data:`KEEP_SECONDS` ago; how many."""
    return await requests.sweep_buttons(tx, now - KEEP_SECONDS)
