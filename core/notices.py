"""Notices that arrive on their own: low pool balance, expiring Connects, ghosted bids, grants.

Each job decides and records its notices in one transaction, under a unique key (``low:<pool>``
once a day, ``expiry:<lot>:<days>``, ``ghosts:<user>:<week>``, ``grant:<user>:<month>``), so a
rerun or a second process finds the key taken and sends nothing twice. Delivery is separate: a
deliverer claims pending notices of the platforms it serves with a lease, sends them through
that platform's :class:`Notifier`, and marks them sent.

Times are stored as UTC epoch seconds. A notice's text is kept as
:func:`core.interface.reply.stored` writes it: its date as ``{when}``, which each platform renders
in the reader's own locale and time zone where it can, a command as ``{/pool topup}``, which each
platform writes as its users type it, and every brace of the literal text (a job title) doubled, so
no title reads as either.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from core.base.dates import DAY, utc_day
from core.base.keys import platform_of
from core.base.vocabulary import BidStatus
from core.interface.reply import Markup, Rich, cmd, restored, stored, when
from core.ledger import kept, postings
from core.ledger.bids import mark_ghosted
from core.ledger.postings import Stamp
from core.ledger.wallets import User
from core.services import Services
from core.store.base import Row, Store, Tx

log = logging.getLogger("connects.notices")

LEASE_SECONDS = 300
MAX_ATTEMPTS = 5


class Notifier(Protocol):
    """A platform's way to deliver notices (implemented by each adapter)."""

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        """Post ``text`` in a channel of the server or workspace ``scope``."""

    async def send_dm(self, user_key: str, text: str) -> None:
        """Send ``text`` privately to the user ``user_key``."""

    def format_time(self, ts: int) -> str:
        """``ts`` (UTC epoch seconds) as the reader should see it."""


@dataclass(slots=True)
class JobReport:
    """What one pass of the jobs did."""

    low_balance: int = 0
    expiry_warnings: int = 0
    expired_lots: int = 0
    ghosted: int = 0
    digests: int = 0
    grants: int = 0
    swept: int = 0
    errors: list[str] = field(default_factory=list)


async def _queue(
    tx: Tx,
    *,
    key: str,
    subject: str,
    target_kind: str,
    scope: str | None,
    target: str,
    text: str,
    at_time: int | None,
    now: int,
) -> bool:
    """Record a notice under ``key``; ``False`` when that key was already taken."""
    row = await tx.fetchone(
        "INSERT INTO notices (key, subject, platform, target_kind, scope, target, text, at_time, "
        "created_at) VALUES (:key, :subject, :platform, :kind, :scope, :target, :text, :at, "
        ":now) ON CONFLICT (key) DO NOTHING RETURNING id",
        {
            "key": key,
            "subject": subject,
            "platform": platform_of(target if target_kind == "dm" else scope or target),
            "kind": target_kind,
            "scope": scope,
            "target": target,
            "text": stored(text),
            "at": at_time,
            "now": now,
        },
    )
    return row is not None


async def _notices_on(tx: Tx, user_key: str) -> bool:
    row = await tx.fetchone("SELECT notices FROM users WHERE key = :k", {"k": user_key})
    return row is None or bool(row["notices"])


class Jobs:
    """The notice jobs, each safe to run twice and from several processes at once."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.store = services.store
        self.config = services.config

    async def run_all(self, now: int) -> JobReport:
        """One pass of every job at ``now``; a failing job is logged and the others still run."""
        report = JobReport()
        for name, job in (
            ("expire", self.expire),
            ("grants", self.grants),
            ("low balance", self.low_balance),
            ("expiry", self.expiry_warnings),
            ("ghosts", self.ghosts),
            ("kept bids", self.sweep_kept),
        ):
            try:
                await job(now, report)
            except Exception as exc:
                log.exception("notice job %s failed", name)
                report.errors.append(f"{name}: {exc}")
        return report

    async def sweep_kept(self, now: int, report: JobReport) -> None:
        """Kept buttons (a Confirm, a quote's Bid and Set-to) leave the database a week after
        they were kept, well past their use; a click then still hears what it did, if it did."""

        async def sweep(tx: Tx) -> int:
            return await kept.sweep(tx, now)

        report.swept += await self.store.write(sweep)

    async def expire(self, now: int, report: JobReport) -> None:
        """Expired lots leave their accounts as ledger entries of their own."""

        async def due(tx: Tx) -> Sequence[Row]:
            return await tx.fetchall(
                "SELECT DISTINCT account_id FROM lots WHERE remaining > 0 "
                "AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY account_id",
                {"now": now},
            )

        for row in await self.store.read(due):
            account = int(row["account_id"])

            async def sweep(tx: Tx, account: int = account) -> int:
                await tx.lock_account(account)
                return await postings.expire(tx, account, Stamp("system", f"job:expire:{now}", now))

            if await self.store.write(sweep):
                report.expired_lots += 1

    async def grants(self, now: int, report: JobReport) -> None:
        """The monthly grant, credited on each user's anniversary day, once."""
        if self.config.wallet.monthly_grant <= 0:
            return

        async def users(tx: Tx) -> Sequence[Row]:
            return await tx.fetchall("SELECT * FROM users ORDER BY key")

        for user in await self.store.read(users):
            if not self.services.wallets.grant_due(User.of(user), now):
                continue

            async def grant(tx: Tx, key: str = str(user["key"])) -> None:
                fresh = await tx.fetchone("SELECT * FROM users WHERE key = :k", {"k": key})
                if fresh is None:
                    return
                await tx.lock_account(int(fresh["account_id"]))
                amount = await self.services.wallets.grant_if_due(
                    tx, User.of(fresh), Stamp("system", f"job:grant:{now}", now)
                )
                if amount and bool(fresh["notices"]):
                    await _queue(
                        tx,
                        key=f"grant:{key}:{utc_day(now)[:7]}",
                        subject=f"grant:{key}",
                        target_kind="dm",
                        scope=None,
                        target=key,
                        text=f"🎁 Your monthly {amount} Connects arrived.",
                        at_time=None,
                        now=now,
                    )
                if amount:
                    report.grants += 1

            await self.store.write(grant)

    async def low_balance(self, now: int, report: JobReport) -> None:
        """One message in a pool's channel when it falls below its threshold, repeated at most
        once a day while it stays low."""

        async def low(tx: Tx) -> Sequence[Row]:
            return await tx.fetchall(
                "SELECT p.id FROM pools p JOIN accounts a ON a.id = p.account_id "
                "WHERE p.threshold > 0 AND p.channel IS NOT NULL AND a.balance < p.threshold "
                "ORDER BY p.id",
            )

        for row in await self.store.read(low):

            async def announce(tx: Tx, pool_id: int = int(row["id"])) -> bool:
                pool = await tx.fetchone(
                    "SELECT p.*, a.balance FROM pools p JOIN accounts a ON a.id = p.account_id "
                    "WHERE p.id = :p",
                    {"p": pool_id},
                )
                if pool is None or int(pool["balance"]) >= int(pool["threshold"]):
                    return False
                await tx.lock_account(int(pool["account_id"]))
                subject = f"low:{pool_id}"
                last = await tx.fetchone(
                    "SELECT MAX(created_at) AS t FROM notices WHERE subject = :s", {"s": subject}
                )
                if last is not None and last["t"] is not None and int(last["t"]) > now - DAY:
                    return False
                return await _queue(
                    tx,
                    key=f"{subject}:{now // DAY}",
                    subject=subject,
                    target_kind="channel",
                    scope=str(pool["scope"]),
                    target=str(pool["channel"]),
                    text=Rich(
                        f"⚠ Pool {pool['name']} is low: {pool['balance']} Connects left "
                        f"(warns below {pool['threshold']}). Top up with ",
                        cmd("pool topup", f"name:{pool['name']} connects:80"),
                    ),
                    at_time=None,
                    now=now,
                )

            if await self.store.write(announce):
                report.low_balance += 1

    async def expiry_warnings(self, now: int, report: JobReport) -> None:
        """A private message a week and a day before purchased Connects expire."""
        days = sorted(self.config.notices.expiry_warn_days)
        if not days:
            return

        async def soon(tx: Tx) -> Sequence[Row]:
            return await tx.fetchall(
                "SELECT l.id, l.remaining, l.expires_at, u.key AS user_key, p.owner, p.name "
                "FROM lots l LEFT JOIN users u ON u.account_id = l.account_id "
                "LEFT JOIN pools p ON p.account_id = l.account_id "
                "WHERE l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at > :now "
                "AND l.expires_at <= :until ORDER BY l.id",
                {"now": now, "until": now + days[-1] * DAY},
            )

        async def warn(tx: Tx, lots: Sequence[Row]) -> int:
            sent = 0
            for lot in lots:
                left = int(lot["expires_at"]) - now
                window = next(d for d in days if left <= d * DAY)
                target = str(lot["user_key"] or lot["owner"])
                if not await _notices_on(tx, target):
                    continue
                where = "" if lot["user_key"] else f" in pool {lot['name']}"
                count = int(lot["remaining"])
                noun = "Connect expires" if count == 1 else "Connects expire"
                if await _queue(
                    tx,
                    key=f"expiry:{lot['id']}:{window}",
                    subject=f"expiry:{lot['id']}",
                    target_kind="dm",
                    scope=None,
                    target=target,
                    text=Rich(
                        f"⏳ {count} {noun}{where} ",
                        when(int(lot["expires_at"])),
                        ". Spend them first: bids use the oldest Connects.",
                    ),
                    at_time=int(lot["expires_at"]),
                    now=now,
                ):
                    sent += 1
            return sent

        lots = await self.store.read(soon)
        if lots:
            report.expiry_warnings += await self.store.write(lambda tx: warn(tx, lots))

    async def ghosts(self, now: int, report: JobReport) -> None:
        """Bids with no news for ``ghost_days`` become ghosted; a weekly private digest lists
        them with the Connects they cost."""

        async def mark(tx: Tx) -> int:
            return await mark_ghosted(tx, now, self.config.policy.ghost_days)

        report.ghosted += await self.store.write(mark)
        week = datetime.fromtimestamp(now, UTC).strftime("%G-W%V")

        async def bidders(tx: Tx) -> Sequence[Row]:
            return await tx.fetchall(
                "SELECT DISTINCT bidder FROM bids WHERE status = :s AND ghost_notified = 0 "
                "ORDER BY bidder",
                {"s": BidStatus.GHOSTED.value},
            )

        for row in await self.store.read(bidders):

            async def digest(tx: Tx, user: str = str(row["bidder"])) -> bool:
                if not await _notices_on(tx, user):
                    return False
                last = await tx.fetchone(
                    "SELECT MAX(created_at) AS t FROM notices WHERE subject = :s",
                    {"s": f"ghosts:{user}"},
                )
                if last is not None and last["t"] is not None and int(last["t"]) > now - 7 * DAY:
                    return False
                bids = await tx.fetchall(
                    "SELECT id, job, connects, boost, refunded FROM bids WHERE bidder = :u "
                    "AND status = :s AND ghost_notified = 0 ORDER BY id",
                    {"u": user, "s": BidStatus.GHOSTED.value},
                )
                if not bids:
                    return False
                cost = sum(int(b["connects"]) + int(b["boost"]) - int(b["refunded"]) for b in bids)
                listed = "; ".join(f"#{b['id']} {str(b['job'])[:40]}" for b in bids[:10])
                more = f" and {len(bids) - 10} more" if len(bids) > 10 else ""
                text = (
                    (
                        f"👻 {len(bids)} bid{'s' if len(bids) != 1 else ''} got no answer in "
                        f"{self.config.policy.ghost_days} days ({cost} Connects): "
                        f"{listed}{more}. Set news with "
                    )
                    + cmd("outcome", "")
                    + "."
                )
                if not await _queue(
                    tx,
                    key=f"ghosts:{user}:{week}",
                    subject=f"ghosts:{user}",
                    target_kind="dm",
                    scope=None,
                    target=user,
                    text=text,
                    at_time=None,
                    now=now,
                ):
                    return False
                for b in bids:
                    await tx.execute(
                        "UPDATE bids SET ghost_notified = 1 WHERE id = :id", {"id": b["id"]}
                    )
                return True

            if await self.store.write(digest):
                report.digests += 1


async def deliver(
    store: Store, notifiers: Mapping[str, Notifier], now: int, batch: int = 50
) -> int:
    """Send pending notices of the platforms in ``notifiers``; the number sent.

    A notice is claimed with a lease before sending, so another process skips it; a failed send
    is retried after the lease, at most :data:`MAX_ATTEMPTS` times.
    """
    sent = 0
    for platform, notifier in notifiers.items():

        async def claim(tx: Tx, platform: str = platform) -> Sequence[Row]:
            return await tx.fetchall(
                "UPDATE notices SET claimed_at = :now, attempts = attempts + 1 "
                "WHERE id IN (SELECT id FROM notices WHERE platform = :p AND sent_at IS NULL "
                "AND (claimed_at IS NULL OR claimed_at < :stale) AND attempts < :max "
                "ORDER BY id LIMIT :n) "
                "AND sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < :stale) "
                "RETURNING *",
                {
                    "now": now,
                    "p": platform,
                    "stale": now - LEASE_SECONDS,
                    "max": MAX_ATTEMPTS,
                    "n": batch,
                },
            )

        for notice in sorted(await store.write(claim), key=lambda r: int(r["id"])):
            # the notifier's time is its own markup; the rest is literal text for it to escape
            at = notice["at_time"]
            text = restored(
                str(notice["text"]), None if at is None else Markup(notifier.format_time(int(at)))
            )
            error = None
            try:
                if notice["target_kind"] == "channel":
                    await notifier.send_channel(str(notice["scope"]), str(notice["target"]), text)
                else:
                    await notifier.send_dm(str(notice["target"]), text)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("notice %s to %s failed: %s", notice["key"], notice["target"], error)

            async def settle(
                tx: Tx, nid: int = int(notice["id"]), error: str | None = error
            ) -> None:
                if error is None:
                    await tx.execute(
                        "UPDATE notices SET sent_at = :now WHERE id = :id", {"now": now, "id": nid}
                    )
                else:
                    await tx.execute(
                        "UPDATE notices SET last_error = :e WHERE id = :id", {"e": error, "id": nid}
                    )

            await store.write(settle)
            if error is None:
                sent += 1
    return sent
