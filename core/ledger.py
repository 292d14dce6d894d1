"""Wallets, pools, lots and the append-only ledger.

Every change runs in one store transaction through :meth:`Ledger.change`, keyed by the
platform's request id: the same id twice changes state once and returns the stored result; the
same id with other arguments is refused. Balances change only through :meth:`_credit` and
:meth:`_debit`, which write the account's cached balance and a ledger entry together, so the
balance always equals the sum of the account's entries. A debit is a conditional update
(``WHERE balance >= :amount``) that the database itself enforces, across processes.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.catalog import Actor, UserRef
from core.config import Config
from core.errors import (
    AllowanceExceeded,
    AlreadyDone,
    BadInput,
    Forbidden,
    IdempotencyConflict,
    InsufficientConnects,
    MaxBalanceExceeded,
    NotFound,
    NotRefundable,
)
from core.pricing import dollars, share_cents, tier_cents_per_connect
from core.store.base import Row, Store, Tx

Result = dict[str, Any]
Clock = Callable[[], int]

POOL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FINAL = ("refunded", "undone")


def add_months(ts: int, months: int) -> int:
    """``ts`` moved ``months`` calendar months later, the day clamped to the month's end."""
    dt = datetime.fromtimestamp(ts, UTC)
    month0 = dt.month - 1 + months
    year, month = dt.year + month0 // 12, month0 % 12 + 1
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return int(dt.replace(year=year, month=month, day=day).timestamp())


def months_elapsed(start: int, now: int) -> int:
    """Whole anniversary months from ``start`` to ``now``."""
    a, b = datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(now, UTC)
    months = (b.year - a.year) * 12 + b.month - a.month
    if months > 0 and add_months(start, months) > now:
        months -= 1
    return max(months, 0)


def month_start(now: int) -> int:
    """The first second of ``now``'s calendar month, UTC."""
    dt = datetime.fromtimestamp(now, UTC)
    return int(datetime(dt.year, dt.month, 1, tzinfo=UTC).timestamp())


def job_key(job: str) -> str:
    """A job's identity for duplicate detection: an Upwork job id (``~01abc``) when the text
    holds one, else the URL without query, else the title, case and spacing folded."""
    text = job.strip()
    match = re.search(r"~0[0-9a-z]{6,}", text, re.IGNORECASE)
    if match:
        return match.group(0).lower()
    if re.match(r"^https?://", text, re.IGNORECASE):
        return re.split(r"[?#]", text, maxsplit=1)[0].rstrip("/").lower()
    return " ".join(text.lower().split())


def parse_bid_id(text: str) -> int:
    """``"#12"`` or ``"12"`` -> 12; anything else raises :class:`BadInput`."""
    raw = str(text).strip()
    match = re.fullmatch(r"#?\s*(\d{1,12})(?:\s.*)?", raw)
    if not match:
        raise BadInput(f"bid: {raw!r} is not a bid number; use #N, e.g. bid:#12")
    return int(match.group(1))


def fingerprint(command: str, actor: str, args: dict[str, Any]) -> str:
    """A stable digest of a request's meaning, to tell a retry from a different command."""
    body = json.dumps({"c": command, "a": actor, "o": args}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Account:
    """A wallet or a pool account, as seen by a command."""

    id: int
    label: str  # "your wallet" or "pool agency"
    pool: Row | None = None


@dataclass(frozen=True, slots=True)
class BidSpec:
    """A bid to place, with its cost already decided."""

    job: str
    connects: int
    boost: int
    pool: str | None
    rate_type: str | None
    rate_cents: int | None
    note: str | None
    quoted: bool


class NeedsConfirmation(Exception):
    """The pool already bid on this job; the author must confirm."""

    def __init__(self, earlier: Row, pool: str) -> None:
        super().__init__("duplicate job")
        self.earlier = dict(earlier)
        self.pool = pool


class Ledger:
    """The product's state changes and the reads commands need."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.clock: Clock = clock or (lambda: int(time.time()))

    # ------------------------------------------------------------------ idempotent changes

    async def change(
        self, request_id: str, fp: str, actor: str,
        op: Callable[[Tx, int], Awaitable[Result]],
    ) -> tuple[Result, bool]:
        """Run ``op`` once per ``request_id``; returns (result, replayed)."""
        if not request_id:
            raise BadInput("internal: a change needs a request id")

        async def run(tx: Tx) -> tuple[Result, bool]:
            now = self.clock()
            claimed = await tx.fetchone(
                "INSERT INTO requests (id, fingerprint, actor, result, created_at) "
                "VALUES (:id, :fp, :actor, NULL, :now) ON CONFLICT (id) DO NOTHING RETURNING id",
                {"id": request_id, "fp": fp, "actor": actor, "now": now},
            )
            if claimed is None:
                row = await tx.fetchone(
                    "SELECT fingerprint, result FROM requests WHERE id = :id", {"id": request_id}
                )
                if row is None or row["fingerprint"] != fp or row["result"] is None:
                    raise IdempotencyConflict()
                return json.loads(row["result"]), True
            result = await op(tx, now)
            await tx.execute(
                "UPDATE requests SET result = :r WHERE id = :id",
                {"r": json.dumps(result, sort_keys=True), "id": request_id},
            )
            return result, False

        return await self.store.write(run)

    # ------------------------------------------------------------------ users and accounts

    async def _find_user(self, tx: Tx, key: str) -> Row | None:
        return await tx.fetchone("SELECT * FROM users WHERE key = :k", {"k": key})

    async def ensure_user(self, tx: Tx, user: UserRef, now: int, request_id: str) -> Row:
        """The user's row, created with the welcome grant on first sight (once, ever); a due
        monthly grant is credited."""
        row = await self._find_user(tx, user.key)
        if row is None:
            account = await self._new_account(tx, "user", now)
            created = await tx.fetchone(
                "INSERT INTO users (key, display, account_id, created_at) "
                "VALUES (:k, :d, :a, :now) ON CONFLICT (key) DO NOTHING RETURNING key",
                {"k": user.key, "d": user.display[:80], "a": account, "now": now},
            )
            if created is None:  # another transaction created this user first
                await tx.execute("DELETE FROM accounts WHERE id = :a", {"a": account})
            elif self.config.wallet.welcome_grant > 0:
                await self._credit(tx, account, self.config.wallet.welcome_grant, "welcome",
                                   source="welcome", cost_cents=0, expires_at=None,
                                   actor=user.key, request_id=request_id, now=now,
                                   memo="welcome grant")
            row = await self._find_user(tx, user.key)
            assert row is not None
        await tx.lock_account(int(row["account_id"]))
        await self.grant_if_due(tx, row, now, request_id)
        await self.sweep_expired(tx, int(row["account_id"]), now, request_id)
        return row

    def grant_due(self, user: Row, now: int) -> bool:
        """Whether a monthly grant is due for ``user`` at ``now``."""
        if self.config.wallet.monthly_grant <= 0:
            return False
        created = int(user["created_at"])
        done = months_elapsed(created, int(user["last_grant_at"] or created))
        return months_elapsed(created, now) > done

    async def grant_if_due(self, tx: Tx, user: Row, now: int, request_id: str) -> int:
        if not self.grant_due(user, now):
            return 0
        created = int(user["created_at"])
        anniversary = add_months(created, months_elapsed(created, now))
        claimed = await tx.execute(
            "UPDATE users SET last_grant_at = :t WHERE key = :k "
            "AND (last_grant_at IS NULL OR last_grant_at < :t)",
            {"t": anniversary, "k": user["key"]},
        )
        if not claimed:
            return 0
        amount = self.config.wallet.monthly_grant
        limit = self.config.wallet.max_balance
        if limit:
            balance = await self.balance(tx, int(user["account_id"]))
            amount = max(0, min(amount, limit - balance))
        if amount:
            await self._credit(tx, int(user["account_id"]), amount, "grant", source="grant",
                               cost_cents=0, expires_at=None, actor="system",
                               request_id=request_id, now=now, memo="monthly grant")
        return amount

    async def _new_account(self, tx: Tx, kind: str, now: int) -> int:
        row = await tx.fetchone(
            "INSERT INTO accounts (kind, balance, created_at) VALUES (:k, 0, :now) RETURNING id",
            {"k": kind, "now": now},
        )
        assert row is not None
        return int(row["id"])

    async def balance(self, tx: Tx, account_id: int) -> int:
        """The account's balance (0 for an unknown account)."""
        row = await tx.fetchone("SELECT balance FROM accounts WHERE id = :id", {"id": account_id})
        return int(row["balance"]) if row else 0

    async def _entry(self, tx: Tx, account_id: int, delta: int, balance_after: int, kind: str,
                     *, actor: str, request_id: str, now: int, bid_id: int | None = None,
                     lot_id: int | None = None, memo: str = "") -> None:
        await tx.execute(
            "INSERT INTO entries (account_id, delta, balance_after, kind, bid_id, lot_id, actor, "
            "request_id, memo, created_at) VALUES (:a, :d, :b, :k, :bid, :lot, :actor, :rid, "
            ":memo, :now)",
            {"a": account_id, "d": delta, "b": balance_after, "k": kind, "bid": bid_id,
             "lot": lot_id, "actor": actor, "rid": request_id, "memo": memo, "now": now},
        )

    async def _move(self, tx: Tx, account_id: int, delta: int, kind: str, *, actor: str,
                    request_id: str, now: int, bid_id: int | None = None,
                    lot_id: int | None = None, memo: str = "") -> int:
        """Add ``delta`` (of either sign) to the account's balance with its ledger entry; the new
        balance. Debits that must not overdraw go through :meth:`_debit` instead."""
        row = await tx.fetchone(
            "UPDATE accounts SET balance = balance + :n WHERE id = :a RETURNING balance",
            {"n": delta, "a": account_id},
        )
        assert row is not None
        balance = int(row["balance"])
        await self._entry(tx, account_id, delta, balance, kind, actor=actor,
                          request_id=request_id, now=now, bid_id=bid_id, lot_id=lot_id,
                          memo=memo)
        return balance

    async def _credit(self, tx: Tx, account_id: int, amount: int, kind: str, *, source: str,
                      cost_cents: int, expires_at: int | None, actor: str, request_id: str,
                      now: int, memo: str = "") -> int:
        """Add a lot of ``amount`` Connects and its ledger entry; the new lot's id."""
        lot = await tx.fetchone(
            "INSERT INTO lots (account_id, source, connects, remaining, cost_cents, acquired_at, "
            "expires_at) VALUES (:a, :s, :n, :n, :c, :now, :exp) RETURNING id",
            {"a": account_id, "s": source, "n": amount, "c": cost_cents, "now": now,
             "exp": expires_at},
        )
        assert lot is not None
        await self._move(tx, account_id, amount, kind, actor=actor, request_id=request_id,
                         now=now, lot_id=int(lot["id"]), memo=memo)
        return int(lot["id"])

    async def _debit(self, tx: Tx, account: Account,
                     amount: int) -> tuple[int, list[tuple[int, int, int]]]:
        """Take ``amount`` Connects from the account's oldest lots; the balance left and the
        (lot, amount, cents) used.

        The conditional update is the guard: the database refuses it when the balance is short.
        """
        row = await tx.fetchone(
            "UPDATE accounts SET balance = balance - :n WHERE id = :a AND balance >= :n "
            "RETURNING balance",
            {"n": amount, "a": account.id},
        )
        if row is None:
            raise InsufficientConnects(amount, await self.balance(tx, account.id), account.label)
        used: list[tuple[int, int, int]] = []
        left = amount
        lots = await tx.fetchall(
            "SELECT id, remaining, connects, cost_cents FROM lots "
            "WHERE account_id = :a AND remaining > 0 ORDER BY acquired_at, id",
            {"a": account.id},
        )
        for lot in lots:
            if left == 0:
                break
            take = min(left, int(lot["remaining"]))
            await tx.execute("UPDATE lots SET remaining = remaining - :t WHERE id = :id",
                             {"t": take, "id": lot["id"]})
            used.append((int(lot["id"]), take,
                         share_cents(take, int(lot["connects"]), int(lot["cost_cents"]))))
            left -= take
        if left:  # the cached balance and the lots disagree: refuse rather than corrupt
            raise RuntimeError(f"account {account.id}: lots hold less than the balance")
        return int(row["balance"]), used

    async def sweep_expired(self, tx: Tx, account_id: int, now: int, request_id: str) -> int:
        """Expire the account's lots past their date: each leaves as an ``expiry`` entry.

        The account's lock comes first, so two processes never expire the same lot twice."""
        await tx.lock_account(account_id)
        lots = await tx.fetchall(
            "SELECT id, remaining, acquired_at FROM lots WHERE account_id = :a AND remaining > 0 "
            "AND expires_at IS NOT NULL AND expires_at <= :now ORDER BY id",
            {"a": account_id, "now": now},
        )
        total = 0
        for lot in lots:
            amount = int(lot["remaining"])
            await tx.execute("UPDATE lots SET remaining = 0 WHERE id = :id", {"id": lot["id"]})
            day = datetime.fromtimestamp(int(lot["acquired_at"]), UTC).date().isoformat()
            await self._move(tx, account_id, -amount, "expiry", actor="system",
                             request_id=request_id, now=now, lot_id=int(lot["id"]),
                             memo=f"bought {day}, expired")
            total += amount
        return total

    async def has_expired(self, tx: Tx, account_id: int, now: int) -> bool:
        """Whether the account holds lots past their expiry date that are not swept yet."""
        row = await tx.fetchone(
            "SELECT 1 AS x FROM lots WHERE account_id = :a AND remaining > 0 "
            "AND expires_at IS NOT NULL AND expires_at <= :now LIMIT 1",
            {"a": account_id, "now": now},
        )
        return row is not None

    def expiry_for(self, now: int) -> int | None:
        months = self.config.wallet.expiry_months
        return add_months(now, months) if months else None

    # ------------------------------------------------------------------ pools

    async def pool(self, tx: Tx, actor: Actor, name: str) -> Row:
        """The pool ``name`` of the actor's server or workspace."""
        if actor.scope is None:
            raise BadInput("Pools belong to a server or workspace: use this command there.")
        key = name.strip().lower()
        row = await tx.fetchone(
            "SELECT * FROM pools WHERE scope = :s AND name = :n", {"s": actor.scope, "n": key}
        )
        if row is None:
            raise NotFound(f"No pool named {key!r} here. /balance lists your pools.")
        return row

    async def member(self, tx: Tx, pool_id: int, key: str) -> Row | None:
        return await tx.fetchone(
            "SELECT * FROM pool_members WHERE pool_id = :p AND member = :m",
            {"p": pool_id, "m": key},
        )

    @staticmethod
    def is_pool_admin(actor: Actor, pool: Row) -> bool:
        return actor.user.key == pool["owner"] or (actor.is_admin and actor.scope == pool["scope"])

    def require_admin(self, actor: Actor, pool: Row) -> None:
        if not self.is_pool_admin(actor, pool):
            raise Forbidden(f"Only the owner or an admin of pool {pool['name']} can do that.")

    async def require_member_or_admin(self, tx: Tx, actor: Actor, pool: Row) -> None:
        if self.is_pool_admin(actor, pool):
            return
        if await self.member(tx, int(pool["id"]), actor.user.key) is None:
            raise Forbidden(f"You are not a member of pool {pool['name']}.")

    async def spent_this_month(self, tx: Tx, pool_id: int, member: str, now: int) -> int:
        row = await tx.fetchone(
            "SELECT COALESCE(SUM(connects + boost - refunded), 0) AS s FROM bids "
            "WHERE pool_id = :p AND bidder = :m AND created_at >= :since",
            {"p": pool_id, "m": member, "since": month_start(now)},
        )
        return int(row["s"]) if row else 0

    async def create_pool(self, tx: Tx, now: int, actor: Actor, name: str,
                          channel: str | None) -> Result:
        key = name.strip().lower()
        if not POOL_NAME.match(key):
            raise BadInput("name: use 1-40 letters, digits, - or _, e.g. name:agency")
        if actor.scope is None:
            raise BadInput("Pools belong to a server or workspace: create one there.")
        exists = await tx.fetchone("SELECT id FROM pools WHERE scope = :s AND name = :n",
                                   {"s": actor.scope, "n": key})
        if exists is not None:
            raise BadInput(f"A pool named {key} already exists here; pick another name.")
        account = await self._new_account(tx, "pool", now)
        row = await tx.fetchone(
            "INSERT INTO pools (scope, name, account_id, owner, threshold, channel, created_at) "
            "VALUES (:s, :n, :a, :o, 0, :c, :now) RETURNING id",
            {"s": actor.scope, "n": key, "a": account, "o": actor.user.key, "c": channel,
             "now": now},
        )
        assert row is not None
        await tx.execute(
            "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
            "VALUES (:p, :m, 0, :now)",
            {"p": row["id"], "m": actor.user.key, "now": now},
        )
        return {"pool": key, "channel": channel}

    # ------------------------------------------------------------------ spending

    async def account_for(self, tx: Tx, actor: Actor, pool: str | None, now: int,
                          request_id: str) -> Account:
        """The account a command acts on: the actor's wallet, or a pool they may spend from."""
        user = await self.ensure_user(tx, actor.user, now, request_id)
        if not pool:
            return Account(int(user["account_id"]), "your wallet")
        row = await self.pool(tx, actor, pool)
        await tx.lock_account(int(row["account_id"]))
        await self.sweep_expired(tx, int(row["account_id"]), now, request_id)
        return Account(int(row["account_id"]), f"pool {row['name']}", row)

    async def place_bid(self, tx: Tx, now: int, actor: Actor, spec: BidSpec, request_id: str,
                        confirmed: bool = False) -> Result:
        """Spend ``spec.connects + spec.boost`` on a job; refused when short, over allowance,
        or (unless ``confirmed``) when the pool already bid on the same job."""
        account = await self.account_for(tx, actor, spec.pool, now, request_id)
        total = spec.connects + spec.boost
        key = job_key(spec.job)
        allowance_left = None
        if account.pool is not None:
            pool = account.pool
            member = await self.member(tx, int(pool["id"]), actor.user.key)
            if member is None:
                raise Forbidden(f"You are not a member of pool {pool['name']}; ask its owner.")
            if int(member["allowance"]) > 0:
                spent = await self.spent_this_month(tx, int(pool["id"]), actor.user.key, now)
                left = int(member["allowance"]) - spent
                if total > left:
                    raise AllowanceExceeded(total, max(left, 0), str(pool["name"]))
                allowance_left = left - total
            if not confirmed:
                earlier = await tx.fetchone(
                    "SELECT id, bidder, created_at FROM bids WHERE pool_id = :p AND job_key = :k "
                    "AND status <> 'undone' ORDER BY id LIMIT 1",
                    {"p": pool["id"], "k": key},
                )
                if earlier is not None:
                    raise NeedsConfirmation(earlier, str(pool["name"]))
        balance, used = await self._debit(tx, account, total)
        cost_cents = sum(c for _, _, c in used)
        row = await tx.fetchone(
            "INSERT INTO bids (account_id, pool_id, bidder, job, job_key, connects, boost, "
            "cost_cents, rate_type, rate_cents, note, status, refunded, created_at, updated_at, "
            "request_id) VALUES (:a, :p, :b, :job, :key, :c, :boost, :cents, :rt, :rate, :note, "
            "'submitted', 0, :now, :now, :rid) RETURNING id",
            {"a": account.id, "p": account.pool["id"] if account.pool else None,
             "b": actor.user.key, "job": spec.job, "key": key, "c": spec.connects,
             "boost": spec.boost, "cents": cost_cents, "rt": spec.rate_type,
             "rate": spec.rate_cents, "note": spec.note, "now": now, "rid": request_id},
        )
        assert row is not None
        bid_id = int(row["id"])
        for lot_id, amount, _ in used:
            await tx.execute(
                "INSERT INTO lot_usage (bid_id, lot_id, amount) VALUES (:b, :l, :n)",
                {"b": bid_id, "l": lot_id, "n": amount},
            )
        balance += spec.boost
        await self._entry(tx, account.id, -spec.connects, balance, "bid", actor=actor.user.key,
                          request_id=request_id, now=now, bid_id=bid_id, memo=spec.job[:200])
        if spec.boost:
            balance -= spec.boost
            await self._entry(tx, account.id, -spec.boost, balance, "boost",
                              actor=actor.user.key, request_id=request_id, now=now,
                              bid_id=bid_id, memo="boost")
        return {
            "bid": bid_id, "job": spec.job, "connects": spec.connects, "boost": spec.boost,
            "total": total, "where": account.label, "balance": balance,
            "cost_cents": cost_cents, "quoted": spec.quoted,
            "allowance_left": allowance_left,
            "undo_until": now + self.config.wallet.undo_minutes * 60,
            "nonce": secrets.token_hex(4), "rate_type": spec.rate_type,
            "rate_cents": spec.rate_cents, "pool": account.pool["name"] if account.pool else None,
            "threshold": int(account.pool["threshold"]) if account.pool else 0,
        }

    async def _bid_for_change(self, tx: Tx, actor: Actor, bid_id: int) -> Row:
        """A bid the actor may change: their own, or one of a pool they administer."""
        bid = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid_id})
        if bid is None:
            raise NotFound(f"No bid #{bid_id} of yours. /history lists your bids.")
        if bid["bidder"] == actor.user.key:
            return bid
        if bid["pool_id"] is not None:
            pool = await tx.fetchone("SELECT * FROM pools WHERE id = :id", {"id": bid["pool_id"]})
            if pool is not None and self.is_pool_admin(actor, pool):
                return bid
            if pool is not None and actor.scope == pool["scope"]:
                raise Forbidden(f"Bid #{bid_id} is another member's; only its author or a pool "
                                "admin can change it.")
        raise NotFound(f"No bid #{bid_id} of yours. /history lists your bids.")

    async def _locked_bid(self, tx: Tx, bid: Row) -> Row:
        """Lock the bid's account and read the bid again: a refund or undo that committed while
        this transaction waited for the lock (another process, on PostgreSQL) is seen."""
        await tx.lock_account(int(bid["account_id"]))
        row = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid["id"]})
        assert row is not None
        return row

    async def _give_back(self, tx: Tx, bid: Row, amount: int, kind: str, actor: str,
                         request_id: str, now: int, reason: str | None) -> int:
        """Return ``amount`` of a bid's Connects to the lots they came from, with a ``kind``
        entry (``refund`` or ``undo``), and mark the bid ``refunded`` or ``undone``; the
        account's balance afterwards."""
        usage = await tx.fetchall(
            "SELECT u.lot_id, u.amount, l.connects, l.cost_cents FROM lot_usage u "
            "JOIN lots l ON l.id = u.lot_id WHERE u.bid_id = :b ORDER BY l.acquired_at DESC, "
            "l.id DESC",
            {"b": bid["id"]},
        )
        left, cents = amount, 0
        for use in usage:
            if left == 0:
                break
            back = min(left, int(use["amount"]))
            await tx.execute("UPDATE lots SET remaining = remaining + :n WHERE id = :id",
                             {"n": back, "id": use["lot_id"]})
            cents += share_cents(back, int(use["connects"]), int(use["cost_cents"]))
            left -= back
        if left:
            raise RuntimeError(f"bid {bid['id']}: usage holds less than the refund")
        account = int(bid["account_id"])
        await self._move(tx, account, amount, kind, actor=actor, request_id=request_id,
                         now=now, bid_id=int(bid["id"]), memo=reason or kind)
        await tx.execute(
            "UPDATE bids SET status = :s, refunded = :n, refunded_cents = :c, "
            "refund_reason = :r, updated_at = :now WHERE id = :id",
            {"s": "refunded" if kind == "refund" else "undone", "n": amount, "c": cents,
             "r": reason, "now": now, "id": bid["id"]},
        )
        await self.sweep_expired(tx, account, now, request_id)
        return await self.balance(tx, account)

    async def refund(self, tx: Tx, now: int, actor: Actor, bid_id: int, reason: str,
                     request_id: str) -> Result:
        """Refund a bid once, by policy: refundable reasons return everything, ``outbid`` only
        the boost, others nothing (refused)."""
        await self.ensure_user(tx, actor.user, now, request_id)
        bid = await self._bid_for_change(tx, actor, bid_id)
        bid = await self._locked_bid(tx, bid)
        if bid["status"] in FINAL or int(bid["refunded"]) > 0:
            raise AlreadyDone(f"Bid #{bid_id} was already {bid['status']}; a bid refunds once.")
        policy = self.config.policy
        total = int(bid["connects"]) + int(bid["boost"])
        if reason in policy.refundable:
            amount = total
        elif reason in policy.boost_only:
            amount = int(bid["boost"])
            if amount == 0:
                raise NotRefundable(f"'{reason}' returns the boost only, and bid #{bid_id} had "
                                    "no boost: nothing to refund.")
        else:
            refundable = ", ".join((*policy.refundable, *policy.boost_only))
            raise NotRefundable(f"'{reason}' does not refund Connects. Refundable: {refundable}.")
        balance = await self._give_back(tx, bid, amount, "refund", actor.user.key, request_id,
                                        now, reason)
        return {"bid": bid_id, "refunded": amount, "reason": reason, "balance": balance,
                "total": total, "job": bid["job"],
                "where": "your wallet" if bid["pool_id"] is None else "the pool"}

    async def undo(self, tx: Tx, now: int, actor: Actor, bid_id: int, request_id: str) -> Result:
        """Take back a fresh bid: its author only, within the undo window."""
        bid = await tx.fetchone("SELECT * FROM bids WHERE id = :id", {"id": bid_id})
        if bid is None or bid["bidder"] != actor.user.key:
            raise NotFound(f"No bid #{bid_id} of yours to undo.")
        bid = await self._locked_bid(tx, bid)
        if bid["status"] in FINAL:
            raise AlreadyDone(f"Bid #{bid_id} was already {bid['status']}.")
        minutes = self.config.wallet.undo_minutes
        if now > int(bid["created_at"]) + minutes * 60:
            raise AlreadyDone(f"Bid #{bid_id} is older than {minutes} minutes; use /refund.")
        total = int(bid["connects"]) + int(bid["boost"])
        balance = await self._give_back(tx, bid, total, "undo", actor.user.key, request_id, now,
                                        None)
        return {"bid": bid_id, "returned": total, "balance": balance, "job": bid["job"]}

    async def set_outcome(self, tx: Tx, now: int, actor: Actor, bid_id: int,
                          status: str) -> Result:
        bid = await self._bid_for_change(tx, actor, bid_id)
        if bid["status"] in FINAL:
            raise AlreadyDone(f"Bid #{bid_id} was {bid['status']}; its status is final.")
        changed = await tx.execute(
            "UPDATE bids SET status = :s, updated_at = :now WHERE id = :id "
            "AND status NOT IN ('refunded', 'undone')",
            {"s": status, "now": now, "id": bid_id},
        )
        if not changed:  # refunded or undone by a concurrent request since it was read
            raise AlreadyDone(f"Bid #{bid_id} was refunded or undone; its status is final.")
        return {"bid": bid_id, "status": status, "was": bid["status"], "job": bid["job"]}

    async def buy(self, tx: Tx, now: int, actor: Actor, connects: int, paid_cents: int | None,
                  pool: str | None, request_id: str, kind: str = "purchase") -> Result:
        """Record Connects bought, priced by tier unless ``paid_cents`` is given."""
        account = await self.account_for(tx, actor, pool, now, request_id)
        if account.pool is not None:
            self.require_admin(actor, account.pool)
            kind = "topup"
        per = tier_cents_per_connect(self.config.pricing, connects)
        cents = connects * per if paid_cents is None else paid_cents
        limit = self.config.wallet.max_balance
        if limit and account.pool is None:
            balance = await self.balance(tx, account.id)
            if balance + connects > limit:
                raise MaxBalanceExceeded(
                    f"That would make {balance + connects} Connects; the maximum is {limit}. "
                    f"Buy at most {max(limit - balance, 0)}."
                )
        expires = self.expiry_for(now)
        await self._credit(tx, account.id, connects, kind, source=kind, cost_cents=cents,
                           expires_at=expires, actor=actor.user.key, request_id=request_id,
                           now=now, memo=f"{connects} Connects for {dollars(cents)}")
        return {"connects": connects, "cents": cents, "tier_cents": per,
                "paid_given": paid_cents is not None, "where": account.label,
                "balance": await self.balance(tx, account.id), "expires_at": expires}

    # ------------------------------------------------------------------ reads

    async def user_account(self, tx: Tx, key: str) -> int | None:
        row = await self._find_user(tx, key)
        return int(row["account_id"]) if row else None

    async def pools_of(self, tx: Tx, key: str, scope: str | None) -> Sequence[Row]:
        """The pools of ``scope`` the user belongs to, with balances and allowances."""
        if scope is None:
            return []
        return await tx.fetchall(
            "SELECT p.*, a.balance, m.allowance FROM pool_members m JOIN pools p "
            "ON p.id = m.pool_id JOIN accounts a ON a.id = p.account_id "
            "WHERE m.member = :m AND p.scope = :s ORDER BY p.name",
            {"m": key, "s": scope},
        )

    async def stale_pools(self, tx: Tx, key: str, scope: str | None, now: int) -> list[int]:
        """Accounts of the user's pools here that hold expired lots not swept yet."""
        if scope is None:
            return []
        rows = await tx.fetchall(
            "SELECT DISTINCT p.account_id FROM pool_members m JOIN pools p ON p.id = m.pool_id "
            "JOIN lots l ON l.account_id = p.account_id WHERE m.member = :m AND p.scope = :s "
            "AND l.remaining > 0 AND l.expires_at IS NOT NULL AND l.expires_at <= :now "
            "ORDER BY p.account_id",
            {"m": key, "s": scope, "now": now},
        )
        return [int(r["account_id"]) for r in rows]

    async def expiring(self, tx: Tx, account_id: int, now: int, days: int) -> Sequence[Row]:
        return await tx.fetchall(
            "SELECT remaining, expires_at FROM lots WHERE account_id = :a AND remaining > 0 "
            "AND expires_at IS NOT NULL AND expires_at <= :until ORDER BY expires_at, id",
            {"a": account_id, "until": now + days * 86400},
        )

    async def cents_per_connect(self, tx: Tx, account_id: int | None) -> tuple[int, int] | None:
        """(cents, connects) over the account's purchases, or ``None`` if it bought none."""
        if account_id is None:
            return None
        row = await tx.fetchone(
            "SELECT COALESCE(SUM(cost_cents), 0) AS c, COALESCE(SUM(connects), 0) AS n FROM lots "
            "WHERE account_id = :a AND source IN ('purchase', 'topup')",
            {"a": account_id},
        )
        if row is None or int(row["n"]) == 0:
            return None
        return int(row["c"]), int(row["n"])

    async def recent_bids(self, tx: Tx, key: str, limit: int = 25) -> Sequence[Row]:
        return await tx.fetchall(
            "SELECT id, job, connects, boost, status FROM bids WHERE bidder = :b "
            "ORDER BY id DESC LIMIT :n",
            {"b": key, "n": limit},
        )
