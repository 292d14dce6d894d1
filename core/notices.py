"""Notices that arrive on their own: low pool balance, expiring Connects, bids without news
(asked about with buttons), grants.

Each job decides and records its notices in one transaction, under a unique key (``low:<pool>``
once a day, ``expiry:<lot>:<days>``, ``outcomes:<user>:<day>``, ``grant:<user>:<month>``), so a
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
from typing import Protocol

from core.base.dates import DAY, utc_day
from core.base.keys import platform_of
from core.interface.reply import Button, Markup, Rich, cmd, restored, stored, when
from core.ledger import kept, outcome_asks, postings
from core.ledger.bids import mark_ghosted
from core.ledger.postings import Stamp
from core.ledger.wallets import User, all_users, find_user
from core.services import Services
from core.store.base import Store, Tx
from core.store.tables import asks, notices
from core.store.tables.notices import ExpiringLot, Notice, TargetKind

log = logging.getLogger("connects.notices")

LEASE_SECONDS = 300
MAX_ATTEMPTS = 5


class Notifier(Protocol):
    """A platform's way to deliver notices (implemented by each adapter)."""

    async def send_channel(self, scope: str, channel: str, text: str) -> None:
        """Post ``text`` in a channel of the server or workspace ``scope``."""

    async def send_dm(self, user_key: str, text: str, buttons: Sequence[Button] = ()) -> None:
        """Send ``text`` privately to the user ``user_key``, with ``buttons`` under it (each
        pressed through :meth:`core.app.App.press`; where there are no buttons, their text
        commands)."""

    def format_time(self, ts: int) -> str:
        """``ts`` (UTC epoch seconds) as the reader should see it."""


@dataclass(slots=True)
class JobReport:
    """What one pass of the jobs did."""

    low_balance: int = 0
    expiry_warnings: int = 0
    expired_lots: int = 0
    ghosted: int = 0
    asks: int = 0
    grants: int = 0
    swept: int = 0
    errors: list[str] = field(default_factory=list)


async def _queue(
    tx: Tx,
    *,
    key: str,
    subject: str,
    target_kind: TargetKind,
    scope: str | None,
    target: str,
    text: str,
    at_time: int | None,
    now: int,
    buttons: str | None = None,
) -> bool:
    """Record a notice under ``key`` on the platform of its target (with ``buttons`` as
    :func:`core.ledger.outcome_asks.packed` keeps them); ``False`` when that key was already
    taken."""
    return await notices.queue(
        tx,
        key=key,
        subject=subject,
        platform=platform_of(target if target_kind == "dm" else scope or target),
        target_kind=target_kind,
        scope=scope,
        target=target,
        text=stored(text),
        at_time=at_time,
        now=now,
        buttons=buttons,
    )


async def _notices_on(tx: Tx, user_key: str) -> bool:
    user = await find_user(tx, user_key)
    return user is None or user.notices


def _recorded_after(last: int | None, start: int) -> bool:
    """Whether a notice recorded at ``last`` (``None``: never) was recorded after ``start``."""
    return last is not None and last > start


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
            ("outcome asks", self.ask_outcomes),  # before ghosts: marking one is not news
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

        async def due(tx: Tx) -> list[int]:
            return await notices.accounts_with_expired_lots(tx, now)

        for account in await self.store.read(due):

            async def sweep(tx: Tx, account: int = account) -> int:
                await tx.lock_account(account)
                return await postings.expire(tx, account, Stamp("system", f"job:expire:{now}", now))

            if await self.store.write(sweep):
                report.expired_lots += 1

    async def grants(self, now: int, report: JobReport) -> None:
        """The monthly grant, credited on each user's anniversary day, once; and each plan's
        Connects on its billing day, once per cycle (:meth:`plan_grants`)."""
        await self.plan_grants(now, report)
        if self.config.wallet.monthly_grant <= 0:
            return

        async def users(tx: Tx) -> list[User]:
            return await all_users(tx)

        for user in await self.store.read(users):
            if not self.services.wallets.grant_due(user, now):
                continue

            async def grant(tx: Tx, key: str = user.key) -> None:
                fresh = await find_user(tx, key)
                if fresh is None:
                    return
                await tx.lock_account(fresh.account_id)
                amount = await self.services.wallets.grant_if_due(
                    tx, fresh, Stamp("system", f"job:grant:{now}", now)
                )
                if amount and fresh.notices:
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

    async def plan_grants(self, now: int, report: JobReport) -> None:
        """Each member's plan Connects (``/plan``) on their billing day: the cycle claimed in
        the plan's row with its credit, so a rerun or a second process grants it once."""
        from core.ledger.kinds import Kinds

        kinds = Kinds(self.config, self.services.wallets, self.services.pools)

        async def due(tx: Tx) -> list[str]:
            return await kinds.due_plans(tx, now)

        for key in await self.store.read(due):

            async def grant(tx: Tx, key: str = key) -> None:
                granted = await kinds.grant_plan(tx, key, now)
                if granted is None:
                    return
                if granted.amount and granted.notices:
                    await _queue(
                        tx,
                        key=f"plan:{key}:{utc_day(granted.cycle)}",
                        subject=f"plan:{key}",
                        target_kind="dm",
                        scope=None,
                        target=key,
                        text=f"🎁 Your {granted.plan} plan's {granted.amount} Connects arrived.",
                        at_time=None,
                        now=now,
                    )
                if granted.amount:
                    report.grants += 1

            await self.store.write(grant)

    async def low_balance(self, now: int, report: JobReport) -> None:
        """One message in a pool's channel when it falls below its threshold, repeated at most
        once a day while it stays low."""

        async def low(tx: Tx) -> list[int]:
            return await notices.low_pools(tx)

        for pool_id in await self.store.read(low):

            async def announce(tx: Tx, pool_id: int = pool_id) -> bool:
                pool = await notices.pool_balance(tx, pool_id)
                if pool is None or pool.balance >= pool.threshold:
                    return False
                await tx.lock_account(pool.account_id)
                subject = f"low:{pool_id}"
                if _recorded_after(await notices.last_queued(tx, subject), now - DAY):
                    return False
                return await _queue(
                    tx,
                    key=f"{subject}:{now // DAY}",
                    subject=subject,
                    target_kind="channel",
                    scope=pool.scope,
                    target=str(pool.channel),
                    text=Rich(
                        f"⚠ Pool {pool.name} is low: {pool.balance} Connects left "
                        f"(warns below {pool.threshold}). Top up with ",
                        cmd("pool topup", f"name:{pool.name} connects:80"),
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

        async def soon(tx: Tx) -> list[ExpiringLot]:
            return await notices.expiring_lots(tx, now, now + days[-1] * DAY)

        async def warn(tx: Tx, lots: list[ExpiringLot]) -> int:
            sent = 0
            for lot in lots:
                left = lot.expires_at - now
                window = next(d for d in days if left <= d * DAY)
                target = str(lot.user_key or lot.owner)
                if not await _notices_on(tx, target):
                    continue
                where = "" if lot.user_key else f" in pool {lot.pool_name}"
                count = lot.remaining
                noun = "Connect expires" if count == 1 else "Connects expire"
                if await _queue(
                    tx,
                    key=f"expiry:{lot.id}:{window}",
                    subject=f"expiry:{lot.id}",
                    target_kind="dm",
                    scope=None,
                    target=target,
                    text=Rich(
                        f"⏳ {count} {noun}{where} ",
                        when(lot.expires_at),
                        ". Spend them first: bids use the oldest Connects.",
                    ),
                    at_time=lot.expires_at,
                    now=now,
                ):
                    sent += 1
            return sent

        lots = await self.store.read(soon)
        if lots:
            report.expiry_warnings += await self.store.write(lambda tx: warn(tx, lots))

    async def ghosts(self, now: int, report: JobReport) -> None:
        """Bids with no news for ``ghost_days`` become ghosted (they are asked about by
        :meth:`ask_outcomes` like any bid awaiting news)."""

        async def mark(tx: Tx) -> int:
            return await mark_ghosted(tx, now, self.config.policy.ghost_days)

        report.ghosted += await self.store.write(mark)

    async def ask_outcomes(self, now: int, report: JobReport) -> None:
        """A private message with buttons about bids without news for ``[notices]
        outcome_after_days`` (see :mod:`core.ledger.outcome_asks`): a few bids a message, one
        message a day per user at most, each bid asked twice at most; none for users with
        notices off."""
        config = self.config.notices
        if config.outcome_after_days <= 0:
            return
        window = {
            "quiet": now - config.outcome_after_days * DAY,
            # a ghosted bid was marked at least ghost_days after its last news
            "ghosted": now - (config.outcome_after_days - self.config.policy.ghost_days) * DAY,
            "again": now - config.outcome_again_days * DAY,
            "most": outcome_asks.MOST_ASKS,
        }

        async def users(tx: Tx) -> list[str]:
            return await asks.askers(tx, outcome_asks.WAITING, **window)

        for key in await self.store.read(users):

            async def ask(tx: Tx, key: str = key) -> bool:
                user = await find_user(tx, key)
                if user is None or not user.notices:
                    return False
                await tx.lock_account(user.account_id)  # one asker per user at a time
                subject = f"outcomes:{key}"
                if _recorded_after(await notices.last_queued(tx, subject), now - DAY):
                    return False
                bids = await asks.to_ask(
                    tx, key, outcome_asks.WAITING, limit=outcome_asks.PER_MESSAGE, **window
                )
                if not bids:
                    return False
                message = f"{subject}:{now // DAY}"
                made = [(b, outcome_asks.new_token()) for b in bids]
                shown = [
                    button
                    for row, (b, token) in enumerate(made)
                    for button in outcome_asks.buttons(token, b.id, key, row)
                ]
                if not await _queue(
                    tx,
                    key=message,
                    subject=subject,
                    target_kind="dm",
                    scope=None,
                    target=key,
                    text=outcome_asks.ask_text(bids, now, self.config.policy.ghost_days),
                    at_time=None,
                    now=now,
                    buttons=outcome_asks.packed(shown),
                ):
                    return False
                for b, token in made:
                    await asks.record(tx, asks.Ask(token, b.id, key, message, b.status, now))
                return True

            if await self.store.write(ask):
                report.asks += 1


async def deliver(
    store: Store, notifiers: Mapping[str, Notifier], now: int, batch: int = 50
) -> int:
    """Send pending notices of the platforms in ``notifiers``; the number sent.

    A notice is claimed with a lease before sending, so another process skips it; a failed send
    is retried after the lease, at most :data:`MAX_ATTEMPTS` times.
    """
    sent = 0
    for platform, notifier in notifiers.items():

        async def claim(tx: Tx, platform: str = platform) -> list[Notice]:
            return await notices.claim(
                tx,
                platform=platform,
                now=now,
                stale_before=now - LEASE_SECONDS,
                max_attempts=MAX_ATTEMPTS,
                batch=batch,
            )

        for notice in await store.write(claim):
            # the notifier's time is its own markup; the rest is literal text for it to escape
            at = notice.at_time
            text = restored(notice.text, None if at is None else Markup(notifier.format_time(at)))
            error = None
            try:
                if notice.target_kind == "channel":
                    await notifier.send_channel(str(notice.scope), notice.target, text)
                elif buttons := outcome_asks.unpacked(notice.buttons):
                    await notifier.send_dm(notice.target, text, buttons)
                else:
                    await notifier.send_dm(notice.target, text)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("notice %s to %s failed: %s", notice.key, notice.target, error)

            async def settle(tx: Tx, nid: int = notice.id, error: str | None = error) -> None:
                if error is None:
                    await notices.mark_sent(tx, nid, now)
                else:
                    await notices.mark_failed(tx, nid, error)

            await store.write(settle)
            if error is None:
                sent += 1
    return sent
