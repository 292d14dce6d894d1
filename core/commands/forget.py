"""``/forget``: a member's personal data deleted, after a Confirm.

``/forget`` changes nothing: it says what will go and what stays, and keeps a Confirm button
(:mod:`core.ledger.kept`, kind ``forget``) that works for an hour, for its author only. The
Confirm (its button, or ``/confirm token:``) forgets once, under the button's one key: a second
press, a platform's retry or ``/confirm`` again replays what it did.

Forgetting rewrites every row that names the member to a tombstone, a random id made at that
moment (so nobody can recompute it from the member's platform id), the same in every row, and
deletes their job titles, notes, kept posts and buttons (:mod:`core.store.tables.forget`).
Amounts stay: every balance stays the sum of its entries, a pool's totals and its owner's
history stay whole, with the tombstone as who spent. Using the bot again afterwards starts a
new member, with a new wallet.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import ClassVar

from core.commands.registry import Context, Read, register
from core.interface.errors import BadInput, NotFound
from core.interface.options import Values
from core.interface.reply import Button, ButtonStyle, Reply, cmd, plural
from core.ledger import kept
from core.ledger.idempotency import fingerprint
from core.store.base import Tx
from core.store.tables import forget as table

UNKNOWN = "That code is unknown or not yours."
STALE = "That confirmation expired; run /forget again."
#: A tombstone's key: not a platform, so no renderer draws it as a mention.
TOMBSTONE_PREFIX = "forgotten:forgotten-"


@dataclass(frozen=True, slots=True)
class Forgot:
    """A member forgotten: their tombstone and what was rewritten or deleted."""

    KIND: ClassVar[str] = "forgot"
    tombstone: str
    bids: int
    entries: int
    pools_owned: int
    memberships: int
    deleted: int  # kept posts and buttons, pending notices


@dataclass(frozen=True, slots=True)
class NoOptions:
    @staticmethod
    def of(_: Values) -> NoOptions:
        return NoOptions()


def new_tombstone() -> str:
    """A fresh tombstone key: random, so it cannot be computed from the member's id."""
    return TOMBSTONE_PREFIX + secrets.token_hex(6)


async def ask(ctx: Context, _: NoOptions) -> Reply:
    """What /forget will delete and keep, with its Confirm (kept for the actor, an hour)."""
    services = ctx.services
    me = ctx.actor.user.key
    token = kept.code("forget", ctx.request_id)

    async def remember(tx: Tx) -> list[str]:
        owned = await table.pools_owned(tx, me)
        await kept.keep(tx, kept.Kept(token, "forget", me, "{}", services.clock()), None)
        return owned

    owned = await services.store.write(remember)
    lines: list[str] = [
        "Deleted: your name and id (replaced by an anonymous tombstone), the job links and "
        "titles and notes of your bids, kept posts and buttons, pending notices, your plan, "
        "your pool memberships and your spending limits.",
        "Kept, without your name: amounts (so every wallet and pool stays the sum of its "
        "entries) and the job facts your bids were priced on.",
    ]
    if owned:
        lines.append(
            f"You own {plural(len(owned), 'pool')} ({', '.join(owned)}): it stays, owned by the "
            "tombstone; server admins can still manage it."
        )
    lines.append("This cannot be undone. Using the bot later starts afresh.")
    return Reply(
        "Forget you?",
        lines,
        buttons=[
            Button(
                "Forget me",
                "confirm",
                token,
                ButtonStyle.DANGER,
                text_command=cmd("confirm", f"token:{token}"),
                only_user=me,
            )
        ],
        needs_confirmation=True,
    )


async def press_forget(ctx: Context, token: str) -> Reply:
    """The Confirm of /forget kept under ``token``: the actor forgotten, once; a press after
    it replays what it did; another's or an unknown code is refused."""
    services = ctx.services
    me = ctx.actor.user.key
    key = kept.placement_key(token)

    async def read(tx: Tx) -> tuple[kept.Kept | None, kept.Placement | None]:
        return await kept.find(tx, token), await kept.placement(tx, token)

    found, done = await services.store.read(read, quick=True)
    if done is None:  # not forgotten yet: only the owner's live button forgets
        if found is None or found.kind != "forget" or found.actor != me:
            raise NotFound(UNKNOWN)
        if found.expired(services.clock()):
            raise BadInput(STALE)

    tombstone = new_tombstone()

    async def run(tx: Tx, _now: int) -> Forgot:
        n = await table.forget(tx, me, tombstone)
        deleted = n.kept + n.notices
        return Forgot(tombstone, n.bids, n.entries, n.pools_owned, n.memberships, deleted)

    r, _ = await services.change(key, fingerprint("forget", me, {"key": key}), me, run, Forgot)
    bids = plural(r.bids, "bid")
    return Reply(
        "Forgotten",
        [
            f"Your data now belong to an anonymous tombstone: {bids} and "
            f"{plural(r.entries, 'ledger change')} kept without your name; "
            f"{plural(r.deleted, 'kept item')} deleted.",
        ],
    )


register("forget", Read(NoOptions, NoOptions.of, ask))
