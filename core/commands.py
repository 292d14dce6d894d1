"""Command handlers: checked options in, a platform-neutral :class:`Reply` out.

Each handler of the catalog is registered once in :data:`HANDLERS`. Handlers that change state
go through :meth:`Ledger.change`, so a retried request replays its stored result and renders the
same reply.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.catalog import (
    BY_NAME,
    COMMANDS,
    GROUPS,
    Access,
    Actor,
    Attachment,
    Button,
    ButtonStyle,
    Reply,
    when,
)
from core.config import Config
from core.errors import BadInput, Forbidden, NotFound
from core.insight import (
    balance_series,
    chart_png,
    export_rows,
    recent_entries,
    since,
    stats,
    to_csv,
)
from core.ledger import BidSpec, Ledger, NeedsConfirmation, Result, fingerprint, parse_bid_id
from core.notices import set_notices
from core.options import check
from core.pricing import Factors, Quote, cents, dollars, quote
from core.store.base import Tx


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler needs: who runs it, the request id, the ledger and the config."""

    actor: Actor
    request_id: str
    ledger: Ledger
    config: Config
    command: str


Handler = Callable[[Context, dict[str, Any]], Awaitable[Reply]]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def _jsonable(args: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in args.items():
        if isinstance(value, Decimal):
            out[key] = str(value.normalize())
        elif hasattr(value, "key"):
            out[key] = value.key
        else:
            out[key] = value
    return out


async def _change(ctx: Context, args: dict[str, Any],
                  op: Callable[[Tx, int], Awaitable[Result]]) -> tuple[Result, bool]:
    fp = fingerprint(ctx.command, ctx.actor.user.key, _jsonable(args))
    return await ctx.ledger.change(ctx.request_id, fp, ctx.actor.user.key, op)


def factors_of(args: dict[str, Any]) -> Factors:
    """The quote factors among ``args``; omitted ones stay unknown."""
    rating = args.get("rating")
    price, spent = args.get("price"), args.get("client_spent")
    return Factors(
        price_cents=None if price is None else cents(price),
        size=args.get("size"),
        funded=args.get("funded"),
        verified=args.get("verified"),
        client_spent_cents=None if spent is None else cents(spent),
        hire_rate=args.get("hire_rate"),
        rating_tenths=None if rating is None else int((Decimal(rating) * 10).to_integral_value()),
    )


def _plural(n: int, word: str = "Connect") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# ---------------------------------------------------------------------------------- /quote


def explain(q: Quote) -> list[tuple[str, str]]:
    """One field per factor: what was known and the points it added."""
    rows = []
    for line in q.lines:
        points = f"+{line.points}/{line.max_points}"
        rows.append((line.factor, f"{line.shown} {points}" if line.known else
                     f"unknown {points} (neutral)"))
    return rows


@handles("quote")
async def quote_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    q = quote(ctx.config.pricing, factors_of(args), args.get("boost") or 0)

    async def read(tx: Tx) -> tuple[int, tuple[int, int] | None]:
        account = await ctx.ledger.user_account(tx, ctx.actor.user.key)
        if account is None:  # a new user will start with the welcome grant
            return ctx.config.wallet.welcome_grant, None
        return await ctx.ledger.balance(tx, account), await ctx.ledger.cents_per_connect(
            tx, account)

    balance, bought = await ctx.ledger.store.read(read, quick=True)
    if bought is None:
        per, per_text = ctx.config.pricing.default_cents_per_connect, "at the best tier price"
        cost = q.total * per
    else:
        spent, count = bought
        cost = (q.total * spent * 2 + count) // (count * 2)
        per_text = "at your average purchase price"
    lines = [f"≈ {dollars(cost)} {per_text} · you can afford {balance // q.total} such bids"]
    if q.boost:
        lines.insert(0, f"{q.connects} + {q.boost} boost")
    fields = explain(q)
    if q.model == "seed":
        lines.append(f"{q.points}/{q.max_points} points → {_plural(q.connects)}. "
                     "A transparent estimate: Upwork does not publish its formula.")
    else:
        lines.append("Rate card by job value; Upwork's own card may differ.")
    return Reply(f"{_plural(q.total)}", lines, fields)


# ---------------------------------------------------------------------------------- /bid


def bid_spec(ctx: Context, args: dict[str, Any]) -> BidSpec:
    boost = args.get("boost") or 0
    connects = args.get("connects")
    quoted = connects is None
    if quoted:
        connects = quote(ctx.config.pricing, factors_of(args)).connects
    rate = args.get("rate")
    assert connects is not None
    return BidSpec(job=args["job"], connects=int(connects), boost=int(boost),
                   pool=args.get("pool"), rate_type=args.get("rate_type"),
                   rate_cents=None if rate is None else cents(rate), note=args.get("note"),
                   quoted=quoted)


def render_bid(r: Result, author: str) -> Reply:
    cost = _plural(r["connects"]) + (f" + {r['boost']} boost" if r["boost"] else "")
    lines = [r["job"], f"{cost} from {r['where']} · {_plural(r['balance'])} left"]
    if r.get("allowance_left") is not None:
        lines.append(f"Allowance left this month: {_plural(r['allowance_left'])}")
    if r.get("pool") and r.get("threshold") and r["balance"] < r["threshold"]:
        lines.append(f"⚠ Pool {r['pool']} is below its {r['threshold']}-Connect threshold.")
    value = f"{r['bid']}.{r['nonce']}"
    undo = Button("Undo", "undo", value, ButtonStyle.DANGER,
                  text_command=f"/undo bid:#{r['bid']}", only_user=author)
    return Reply(f"Bid #{r['bid']} placed", lines, buttons=[undo])


async def run_bid(ctx: Context, args: dict[str, Any], confirmed: bool) -> Reply:
    spec = bid_spec(ctx, args)

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.place_bid(tx, now, ctx.actor, spec, ctx.request_id, confirmed)

    try:
        result, _ = await _change(ctx, args, op)
    except NeedsConfirmation as dup:
        token = hashlib.sha256(ctx.request_id.encode()).hexdigest()[:10]

        async def remember(tx: Tx) -> None:
            await tx.execute(
                "INSERT INTO confirmations (token, actor, scope, args, created_at) "
                "VALUES (:t, :a, :s, :args, :now) ON CONFLICT (token) DO NOTHING",
                {"t": token, "a": ctx.actor.user.key, "s": ctx.actor.scope,
                 "args": json.dumps(_jsonable(args), sort_keys=True), "now": ctx.ledger.clock()},
            )

        await ctx.ledger.store.write(remember)
        who = "you" if dup.earlier["bidder"] == ctx.actor.user.key else "another member"
        reply = Reply(
            "Already bid on this job",
            [f"Pool {dup.pool} bid on it as #{dup.earlier['id']} ({who}, "
             f"{when(dup.earlier['created_at'])}). Nothing spent yet: confirm to bid anyway."],
            buttons=[Button("Confirm bid", "confirm", token, ButtonStyle.PRIMARY,
                            text_command=f"/confirm token:{token}",
                            only_user=ctx.actor.user.key)],
        )
        reply.needs_confirmation = True
        return reply
    return render_bid(result, ctx.actor.user.key)


@handles("bid")
async def bid_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    return await run_bid(ctx, args, confirmed=False)


async def confirm_token(ctx: Context, token: str) -> Reply:
    """Place the bid a Confirm button (or ``/confirm``) stands for."""

    async def load(tx: Tx) -> Any:
        return await tx.fetchone("SELECT * FROM confirmations WHERE token = :t", {"t": token})

    async def placed(tx: Tx) -> bool:
        return await tx.fetchone("SELECT 1 AS x FROM requests WHERE id = :id",
                                 {"id": f"confirm:{token}"}) is not None

    row = await ctx.ledger.store.read(load, quick=True)
    if row is None or row["actor"] != ctx.actor.user.key:
        raise NotFound("That confirmation code is unknown or not yours.")
    # a repeated click on a confirmed bid replays its reply, however late
    if int(row["created_at"]) + 3600 < ctx.ledger.clock() and not \
            await ctx.ledger.store.read(placed, quick=True):
        raise BadInput("That confirmation expired; run the bid again.")

    raw = json.loads(row["args"])
    args = check(BY_NAME["bid"], raw, resolve_user=None)
    sub = Context(ctx.actor, f"confirm:{token}", ctx.ledger, ctx.config, "bid")
    return await run_bid(sub, args, confirmed=True)


@handles("confirm")
async def confirm_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    return await confirm_token(ctx, args["token"].strip())


@handles("undo")
async def undo_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    bid_id = parse_bid_id(args["bid"])

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.undo(tx, now, ctx.actor, bid_id, ctx.request_id)

    r, _ = await _change(ctx, {"bid": bid_id}, op)
    return Reply(f"Bid #{r['bid']} undone",
                 [f"{_plural(r['returned'])} back · {_plural(r['balance'])} now"])


# ---------------------------------------------------------------------------------- /refund


@handles("refund")
async def refund_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    bid_id = parse_bid_id(args["bid"])

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.refund(tx, now, ctx.actor, bid_id, args["reason"],
                                       ctx.request_id)

    r, _ = await _change(ctx, {"bid": bid_id, "reason": args["reason"]}, op)
    part = "" if r["refunded"] == r["total"] else f" of {r['total']} (boost only)"
    return Reply(f"Refunded {_plural(r['refunded'])}",
                 [f"Bid #{r['bid']}{part} · {r['reason']}",
                  f"{_plural(r['balance'])} in {r['where']} now"])


# ---------------------------------------------------------------------------------- /outcome


@handles("outcome")
async def outcome_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    bid_id = parse_bid_id(args["bid"])

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.set_outcome(tx, now, ctx.actor, bid_id, args["status"])

    r, _ = await _change(ctx, {"bid": bid_id, "status": args["status"]}, op)
    return Reply(f"Bid #{r['bid']}: {r['status']}", [f"{r['job']} · was {r['was']}"])


# ---------------------------------------------------------------------------------- /buy


def render_purchase(r: Result, title: str) -> Reply:
    how = "paid" if r["paid_given"] else f"at {dollars(r['tier_cents'])} each"
    lines = [f"{dollars(r['cents'])} {how} · {_plural(r['balance'])} in {r['where']}"]
    if r["expires_at"]:
        lines.append(f"Expire on {when(r['expires_at'])}")
    return Reply(title, lines)


@handles("buy")
async def buy_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    paid = None if args.get("paid") is None else cents(args["paid"])

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.buy(tx, now, ctx.actor, args["connects"], paid,
                                    args.get("pool"), ctx.request_id)

    r, _ = await _change(ctx, args, op)
    return render_purchase(r, f"Bought {_plural(r['connects'])}")


# ---------------------------------------------------------------------------------- /balance


@handles("balance")
async def balance_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    ledger, actor = ctx.ledger, ctx.actor
    now = ledger.clock()
    pool_name = args.get("pool")
    soon = ctx.config.wallet.expiring_soon_days

    async def read(tx: Tx) -> Reply | None:
        """The reply, or ``None`` when a write must come first (a new user, a due grant,
        expired lots to sweep)."""
        user = await tx.fetchone(
            "SELECT u.*, a.balance FROM users u JOIN accounts a ON a.id = u.account_id "
            "WHERE u.key = :k", {"k": actor.user.key})
        if user is None or ledger.grant_due(user, now):
            return None
        account = int(user["account_id"])
        expiring = await ledger.expiring(tx, account, now, soon)
        if any(int(lot["expires_at"]) <= now for lot in expiring):
            return None
        if pool_name:
            pool = await ledger.pool(tx, actor, pool_name)
            await ledger.require_member_or_admin(tx, actor, pool)
            if await ledger.has_expired(tx, int(pool["account_id"]), now):
                return None
            return await _pool_info(ctx, tx, pool, now)
        if await ledger.stale_pools(tx, actor.user.key, actor.scope, now):
            return None
        lines = []
        for pool in await ledger.pools_of(tx, actor.user.key, actor.scope):
            text = f"Pool {pool['name']}: {_plural(int(pool['balance']))}"
            if int(pool["allowance"]):
                spent = await ledger.spent_this_month(tx, int(pool["id"]), actor.user.key, now)
                text += f" · your allowance {max(int(pool['allowance']) - spent, 0)}" \
                        f"/{pool['allowance']} left"
            lines.append(text)
        for lot in expiring:
            lines.append(f"⚠ {_plural(int(lot['remaining']))} expire on {when(lot['expires_at'])}")
        return Reply(f"{_plural(int(user['balance']))}", ["Your wallet", *lines])

    reply = await ledger.store.read(read, quick=True)
    if reply is None:
        async def prepare(tx: Tx) -> None:
            await ledger.ensure_user(tx, actor.user, now, ctx.request_id)
            if pool_name:
                pool = await ledger.pool(tx, actor, pool_name)
                await ledger.sweep_expired(tx, int(pool["account_id"]), now, ctx.request_id)
            for account in await ledger.stale_pools(tx, actor.user.key, actor.scope, now):
                await ledger.sweep_expired(tx, account, now, ctx.request_id)

        await ledger.store.write(prepare)
        reply = await ledger.store.read(read, quick=True)
    assert reply is not None, "balance still stale after its write"
    return reply


async def _pool_info(ctx: Context, tx: Tx, pool: Any, now: int) -> Reply:
    ledger = ctx.ledger
    balance = await ledger.balance(tx, int(pool["account_id"]))
    members = await tx.fetchall(
        "SELECT member, allowance FROM pool_members WHERE pool_id = :p ORDER BY member",
        {"p": pool["id"]},
    )
    fields = []
    for m in members:
        spent = await ledger.spent_this_month(tx, int(pool["id"]), str(m["member"]), now)
        limit = f"/{m['allowance']}" if int(m["allowance"]) else ""
        owner = " (owner)" if m["member"] == pool["owner"] else ""
        fields.append((_who(str(m["member"])) + owner, f"{spent}{limit} this month"))
    lines = [f"{_plural(len(members), 'member')}"]
    if int(pool["threshold"]):
        where = f" in {_channel(pool['channel'])}" if pool["channel"] else ""
        lines.append(f"Warns below {pool['threshold']}{where}")
    for lot in await ledger.expiring(tx, int(pool["account_id"]), now,
                                     ctx.config.wallet.expiring_soon_days):
        lines.append(f"⚠ {_plural(int(lot['remaining']))} expire on {when(lot['expires_at'])}")
    return Reply(f"Pool {pool['name']}: {_plural(balance)}", lines, fields)


def _who(key: str) -> str:
    """A user key as a platform mention where one exists."""
    if key.startswith("discord:"):
        return f"<@{key.split(':', 1)[1]}>"
    if key.startswith("slack:"):
        return f"<@{key.rsplit(':', 1)[1]}>"
    return key.split(":", 1)[-1]


def _channel(channel: str) -> str:
    return f"<#{channel}>" if channel.isdigit() or channel[:1] in ("C", "G") else f"#{channel}"


# ---------------------------------------------------------------------------------- /history


async def _account(ctx: Context, tx: Tx, pool_name: str | None, admin: bool) -> tuple[int, str]:
    """The account to read: the actor's wallet, or a pool they belong to (admin: only admins)."""
    if not pool_name:
        account = await ctx.ledger.user_account(tx, ctx.actor.user.key)
        if account is None:
            raise NotFound("Nothing recorded yet: your wallet starts with your first command.")
        return account, "Your wallet"
    pool = await ctx.ledger.pool(tx, ctx.actor, pool_name)
    if admin:
        ctx.ledger.require_admin(ctx.actor, pool)
    else:
        await ctx.ledger.require_member_or_admin(tx, ctx.actor, pool)
    return int(pool["account_id"]), f"Pool {pool['name']}"


@handles("history")
async def history_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    limit = args["limit"]

    async def read(tx: Tx) -> tuple[str, Any, list[tuple[int, int]]]:
        account, label = await _account(ctx, tx, args.get("pool"), admin=False)
        rows = await recent_entries(tx, account, limit)
        series = await balance_series(tx, account) if args.get("chart") else []
        return label, rows, series

    label, rows, series = await ctx.ledger.store.read(read)
    lines = []
    for r in rows:
        what = f"#{r['bid_id']} {r['job']}" if r["bid_id"] else (r["memo"] or r["kind"])
        sign = "+" if r["delta"] > 0 else ""
        lines.append(f"{when(r['created_at'])} {sign}{r['delta']} {r['kind']} · {what[:60]} "
                     f"→ {r['balance_after']}")
    if not lines:
        lines.append("No entries yet.")
    file = None
    if len(series) >= 1 and args.get("chart"):
        png = chart_png(series, f"{label}: Connects over time")
        file = Attachment("balance.png", "image/png", png)
    return Reply(f"{label}: last {len(rows)}", lines, file=file)


# ---------------------------------------------------------------------------------- /stats


@handles("stats")
async def stats_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    now = ctx.ledger.clock()
    period = args["period"]

    async def read(tx: Tx) -> tuple[str, Any]:
        if args.get("pool"):
            pool = await ctx.ledger.pool(tx, ctx.actor, args["pool"])
            await ctx.ledger.require_member_or_admin(tx, ctx.actor, pool)
            s = await stats(tx, bidder=None, pool_id=int(pool["id"]),
                            start=since(period, now), now=now,
                            ghost_days=ctx.config.policy.ghost_days)
            return f"Pool {pool['name']}", s
        s = await stats(tx, bidder=ctx.actor.user.key, pool_id=None, start=since(period, now),
                        now=now, ghost_days=ctx.config.policy.ghost_days)
        return "Your", s

    label, s = await ctx.ledger.store.read(read)
    win = "–" if s.win_rate_pct is None else f"{s.win_rate_pct}%"
    fields = [
        ("Bids", f"{s.bids} · won {s.hired} ({win})"),
        ("Spent", f"{s.connects} + {s.boost} boost"),
        ("Refunded", f"{s.refunded}"),
        ("Net", f"{_plural(s.net)} · {dollars(s.net_cents)}"),
    ]
    if s.hired:
        fields.append(("Per hire", f"{s.net // s.hired} Connects · "
                                   f"{dollars(s.net_cents // s.hired)}"))
    if s.ghosted:
        fields.append(("Ghosted", f"{s.ghosted} bids · {_plural(s.ghosted_connects)}"))
    lines = [f"Since {when(since(period, now))}" if period != "all" else "All time"]
    if s.members:
        ranked = sorted(s.members.items(), key=lambda kv: (-kv[1].hired, kv[1].net, kv[0]))
        for i, (member, m) in enumerate(ranked[:10], 1):
            lines.append(f"{i}. {_who(member)}: {m.bids} bids, {m.hired} hired, "
                         f"{_plural(m.net)}")
    title = f"{label} stats ({period})" if label != "Your" else f"Your stats ({period})"
    return Reply(title, lines, fields, private=not args.get("public"))


# ---------------------------------------------------------------------------------- /export


@handles("export")
async def export_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    async def read(tx: Tx) -> tuple[str, bytes, int]:
        account, label = await _account(ctx, tx, args.get("pool"), admin=True)
        rows = await export_rows(tx, [account])
        return label, to_csv(rows), len(rows)

    label, data, count = await ctx.ledger.store.read(read)
    name = "pool-" + args["pool"].lower() if args.get("pool") else "wallet"
    return Reply(f"{label}: {_plural(count, 'entry')}".replace("entrys", "entries"),
                 [f"CSV attached: {name}.csv"],
                 file=Attachment(f"{name}.csv", "text/csv", data))


# ---------------------------------------------------------------------------------- /notices


@handles("notices")
async def notices_cmd(ctx: Context, args: dict[str, Any]) -> Reply:

    on = args["state"] == "on"

    async def op(tx: Tx, now: int) -> Result:
        await ctx.ledger.ensure_user(tx, ctx.actor.user, now, ctx.request_id)
        await set_notices(tx, ctx.actor.user.key, on)
        return {"on": on}

    r, _ = await _change(ctx, args, op)
    if r["on"]:
        return Reply("Notices on", ["You will hear about expiring Connects, ghosted bids and "
                                    "grants."])
    return Reply("Notices off", ["No private notices; pool channel warnings continue. "
                                 "/notices on to resume."])


# ---------------------------------------------------------------------------------- /help


@handles("help")
async def help_cmd(ctx: Context, args: dict[str, Any]) -> Reply:
    return help_reply()


def help_reply() -> Reply:
    lines = []
    seen: set[str] = set()
    for c in COMMANDS:
        if c.group:
            if c.group not in seen:
                seen.add(c.group)
                subs = "|".join(x.leaf for x in COMMANDS if x.group == c.group)
                lines.append(f"/{c.group} {subs} — {GROUPS.get(c.group, '')}")
            continue
        lines.append(f"/{c.name} — {c.description}")
    lines.append("Example: /quote price:500 size:small")
    return Reply("Connects bot", lines)


# ---------------------------------------------------------------------------------- /pool


def _member_label(args: dict[str, Any]) -> str:
    return str(args["member"].display)


@handles("pool create")
async def pool_create(ctx: Context, args: dict[str, Any]) -> Reply:
    async def op(tx: Tx, now: int) -> Result:
        await ctx.ledger.ensure_user(tx, ctx.actor.user, now, ctx.request_id)
        return await ctx.ledger.create_pool(tx, now, ctx.actor, args["name"],
                                            args.get("channel"))

    r, _ = await _change(ctx, args, op)
    return Reply(f"Pool {r['pool']} created",
                 ["You own it; it starts at 0 Connects.",
                  f"Next: /pool topup name:{r['pool']} connects:80, then /pool add"])


async def _authorize(ctx: Context, tx: Tx, pool: Any) -> None:
    """Apply the command's declared :class:`Access` to ``pool``."""
    access = BY_NAME[ctx.command].access
    if access is Access.POOL_ADMIN:
        ctx.ledger.require_admin(ctx.actor, pool)
    elif access is Access.POOL_MEMBER:
        await ctx.ledger.require_member_or_admin(tx, ctx.actor, pool)


async def _pool_admin_change(ctx: Context, args: dict[str, Any],
                             op: Callable[[Tx, int, Any], Awaitable[Result]]) -> Result:
    async def run(tx: Tx, now: int) -> Result:
        pool = await ctx.ledger.pool(tx, ctx.actor, args["name"])
        await _authorize(ctx, tx, pool)
        await tx.lock_account(int(pool["account_id"]))
        return await op(tx, now, pool)

    r, _ = await _change(ctx, args, run)
    return r


@handles("pool add")
async def pool_add(ctx: Context, args: dict[str, Any]) -> Reply:
    member = args["member"]

    async def op(tx: Tx, now: int, pool: Any) -> Result:
        added = await tx.execute(
            "INSERT INTO pool_members (pool_id, member, allowance, added_at) "
            "VALUES (:p, :m, 0, :now) ON CONFLICT (pool_id, member) DO NOTHING",
            {"p": pool["id"], "m": member.key, "now": now},
        )
        return {"pool": pool["name"], "added": bool(added)}

    r = await _pool_admin_change(ctx, args, op)
    who = _member_label(args)
    if not r["added"]:
        return Reply(f"{who} is already in pool {r['pool']}")
    return Reply(f"{who} added to pool {r['pool']}", ["They can now /bid with pool:" + r["pool"]])


@handles("pool remove")
async def pool_remove(ctx: Context, args: dict[str, Any]) -> Reply:
    member = args["member"]

    async def op(tx: Tx, now: int, pool: Any) -> Result:
        if member.key == pool["owner"]:
            raise Forbidden("The owner cannot be removed from their pool.")
        removed = await tx.execute(
            "DELETE FROM pool_members WHERE pool_id = :p AND member = :m",
            {"p": pool["id"], "m": member.key},
        )
        if not removed:
            raise NotFound(f"{member.display} is not in pool {pool['name']}.")
        return {"pool": pool["name"]}

    r = await _pool_admin_change(ctx, args, op)
    return Reply(f"{_member_label(args)} removed from pool {r['pool']}",
                 ["Their past bids stay in the ledger."])


@handles("pool allowance")
async def pool_allowance(ctx: Context, args: dict[str, Any]) -> Reply:
    member = args["member"]

    async def op(tx: Tx, now: int, pool: Any) -> Result:
        changed = await tx.execute(
            "UPDATE pool_members SET allowance = :n WHERE pool_id = :p AND member = :m",
            {"n": args["connects"], "p": pool["id"], "m": member.key},
        )
        if not changed:
            raise NotFound(f"{member.display} is not in pool {pool['name']}; /pool add first.")
        spent = await ctx.ledger.spent_this_month(tx, int(pool["id"]), member.key, now)
        return {"pool": pool["name"], "allowance": args["connects"], "spent": spent}

    r = await _pool_admin_change(ctx, args, op)
    if r["allowance"] == 0:
        return Reply(f"{_member_label(args)}: no monthly limit in pool {r['pool']}")
    return Reply(f"{_member_label(args)}: {_plural(r['allowance'])} a month",
                 [f"Pool {r['pool']} · {r['spent']} spent this month"])


@handles("pool topup")
async def pool_topup(ctx: Context, args: dict[str, Any]) -> Reply:
    paid = None if args.get("paid") is None else cents(args["paid"])

    async def op(tx: Tx, now: int) -> Result:
        return await ctx.ledger.buy(tx, now, ctx.actor, args["connects"], paid, args["name"],
                                    ctx.request_id)

    r, _ = await _change(ctx, args, op)
    return render_purchase(r, f"Pool topped up: +{_plural(r['connects'])}")


@handles("pool info")
async def pool_info(ctx: Context, args: dict[str, Any]) -> Reply:
    now = ctx.ledger.clock()

    async def read(tx: Tx) -> Reply:
        pool = await ctx.ledger.pool(tx, ctx.actor, args["name"])
        await _authorize(ctx, tx, pool)
        return await _pool_info(ctx, tx, pool, now)

    return await ctx.ledger.store.read(read, quick=True)


@handles("pool threshold")
async def pool_threshold(ctx: Context, args: dict[str, Any]) -> Reply:
    async def op(tx: Tx, now: int, pool: Any) -> Result:
        channel = args.get("channel") or pool["channel"]
        await tx.execute("UPDATE pools SET threshold = :n, channel = :c WHERE id = :p",
                         {"n": args["connects"], "c": channel, "p": pool["id"]})
        return {"pool": pool["name"], "threshold": args["connects"], "channel": channel}

    r = await _pool_admin_change(ctx, args, op)
    if r["threshold"] == 0:
        return Reply(f"Pool {r['pool']}: low-balance warning off")
    where = f" in {_channel(r['channel'])}" if r["channel"] else " (no channel set yet)"
    return Reply(f"Pool {r['pool']}: warns below {r['threshold']}", [f"Announced{where}"])
