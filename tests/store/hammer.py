"""Several OS processes spending from one pool at once, and the invariants they must keep.

:func:`worker` runs in a process of its own (multiprocessing, spawn): it builds the real
application on the shared database and fires a seeded random mix of pool bids (some on the same
job, some re-delivered), undos, refunds, outcomes, top-ups and wallet purchases and bids. Every
reply is appended to a journal file and flushed before the next request, so after a SIGKILL the
journal lists exactly what the process was told had happened.

:func:`check_invariants` reads the ledger afterwards with plain SQL (through the store, so the
same queries run on SQLite and PostgreSQL) and returns every violation found.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.base.keys import Actor, UserRef
from core.store.base import Tx

SCOPE = "console"
POOL = "agency"
MEMBERS = [f"m{i}" for i in range(6)]
ALLOWANCE = 40
START_POOL = 150
SHARED = 12  # requests every worker delivers, with the same id and arguments
REASONS = ("completed", "client_cancelled", "outbid", "withdrawn")


def owner() -> Actor:
    return Actor(UserRef("console:owner", "owner"), SCOPE, True)


def member(name: str) -> Actor:
    return Actor(UserRef(f"console:{name}", name), SCOPE, False)


async def setup(url: str) -> None:
    """The pool, its members and their monthly allowances, through the application."""
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:
        steps: list[tuple[str, dict[str, Any]]] = [
            ("pool create", {"name": POOL}),
            ("pool topup", {"name": POOL, "connects": START_POOL}),
        ]
        for name in MEMBERS:
            steps.append(("pool add", {"name": POOL, "member": member(name).user}))
            steps.append(
                (
                    "pool allowance",
                    {"name": POOL, "member": member(name).user, "connects": ALLOWANCE},
                )
            )
        for i, (command, args) in enumerate(steps):
            reply = await app.dispatch(owner(), command, args, f"setup-{i}")
            assert not reply.error, (command, reply.title)
    finally:
        await app.close()


def worker(url: str, index: int, ops: int, journal: str, start: Any) -> None:
    """Process entry point: wait for ``start`` (a barrier), then run ``ops`` random requests."""
    asyncio.run(_work(url, index, ops, Path(journal), start))


async def _work(url: str, index: int, ops: int, journal: Path, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    rng = random.Random(1000 + index)
    app = await create_app(parse({"storage": {"url": url}}, env={}))
    sent: list[tuple[str, str, str, dict[str, Any]]] = []
    with journal.open("a", encoding="utf-8") as log:

        async def send(who: Actor, command: str, args: dict[str, Any], rid: str) -> None:
            reply = await app.dispatch(who, command, args, rid)
            plain = {k: (v.key if isinstance(v, UserRef) else v) for k, v in args.items()}
            log.write(
                json.dumps(
                    {
                        "rid": rid,
                        "who": who.user.display,
                        "command": command,
                        "args": plain,
                        "error": reply.error,
                        "confirm": reply.needs_confirmation,
                        "title": reply.title,
                        "worker": index,
                    }
                )
                + "\n"
            )
            log.flush()
            sent.append((who.user.display, command, rid, args))

        async def recent_bids() -> Sequence[Any]:
            async def read(tx: Tx) -> Sequence[Any]:
                return await tx.fetchall(
                    "SELECT id, bidder FROM bids ORDER BY id DESC LIMIT :n", {"n": 12}
                )

            rows: Sequence[Any] = await app.store.read(read)
            return rows

        start.wait()
        try:
            # the same requests delivered by every process at once: each must apply once
            for k in range(SHARED):
                name = MEMBERS[k % len(MEMBERS)]
                await send(
                    member(name),
                    "bid",
                    {"job": f"shared job {k}", "connects": 2, "pool": POOL},
                    f"shared-{k}",
                )
            for i in range(ops):
                roll = rng.random()
                rid = f"w{index}-{i}"
                name = rng.choice(MEMBERS)
                if roll < 0.45:
                    hot = rng.random() < 0.1
                    job = f"~01hot{rng.randrange(3)}abc" if hot else f"job {index}-{i}"
                    await send(
                        member(name),
                        "bid",
                        {
                            "job": job,
                            "connects": rng.randint(1, 4),
                            "boost": rng.choice((0, 0, 1, 2)),
                            "pool": POOL,
                        },
                        rid,
                    )
                elif roll < 0.58:
                    bids = await recent_bids()
                    if bids:
                        bid = rng.choice(bids)
                        who = member(str(bid["bidder"]).split(":", 1)[1])
                        await send(who, "undo", {"bid": f"#{bid['id']}"}, rid)
                elif roll < 0.72:
                    bids = await recent_bids()
                    if bids:
                        bid = rng.choice(bids)
                        await send(
                            owner(),
                            "refund",
                            {"bid": f"#{bid['id']}", "reason": rng.choice(REASONS)},
                            rid,
                        )
                elif roll < 0.78:
                    bids = await recent_bids()
                    if bids:
                        bid = rng.choice(bids)
                        await send(
                            owner(),
                            "outcome",
                            {
                                "bid": f"#{bid['id']}",
                                "status": rng.choice(("viewed", "hired", "lost")),
                            },
                            rid,
                        )
                elif roll < 0.86:
                    await send(
                        owner(), "pool topup", {"name": POOL, "connects": rng.randint(3, 12)}, rid
                    )
                elif roll < 0.93:
                    if rng.random() < 0.5:
                        await send(member(name), "buy", {"connects": rng.randint(1, 10)}, rid)
                    else:
                        await send(
                            member(name),
                            "bid",
                            {"job": f"own job {index}-{i}", "connects": rng.randint(1, 6)},
                            rid,
                        )
                elif sent:
                    # a platform re-delivering an earlier request
                    who_name, command, old, args = rng.choice(sent)
                    who = owner() if who_name == "owner" else member(who_name)
                    await send(who, command, args, old)
        finally:
            await app.close()


def read_journal(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Every reply the workers were given (a torn last line of a killed worker is skipped)."""
    out = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


async def check_invariants(store: Any, journal: Sequence[dict[str, Any]]) -> list[str]:
    """Every broken promise of the ledger, as readable lines (empty when all hold)."""
    from core.base.dates import month_start

    problems: list[str] = []

    async def read(tx: Any) -> dict[str, Sequence[Any]]:
        q = {
            "accounts": "SELECT id, kind, balance FROM accounts ORDER BY id",
            "entries": "SELECT id, account_id, delta, balance_after, kind, bid_id, lot_id, "
            "request_id "
            "FROM entries ORDER BY id",
            "lots": "SELECT account_id, COALESCE(SUM(remaining), 0) AS r FROM lots "
            "GROUP BY account_id",
            "bids": "SELECT * FROM bids ORDER BY id",
            "usage": "SELECT bid_id, COALESCE(SUM(amount), 0) AS n FROM lot_usage GROUP BY bid_id",
            "requests": "SELECT id, result FROM requests",
            "members": "SELECT m.member, m.allowance, p.id AS pool_id FROM pool_members m "
            "JOIN pools p ON p.id = m.pool_id",
        }
        return {k: await tx.fetchall(sql) for k, sql in q.items()}

    data = await store.read(read)
    entries_by_account: dict[int, list[Any]] = defaultdict(list)
    for e in data["entries"]:
        entries_by_account[int(e["account_id"])].append(e)
    lots = {int(r["account_id"]): int(r["r"]) for r in data["lots"]}
    for acc in data["accounts"]:
        aid, balance = int(acc["id"]), int(acc["balance"])
        rows = entries_by_account.get(aid, [])
        total = sum(int(e["delta"]) for e in rows)
        if balance < 0:
            problems.append(f"account {aid}: negative balance {balance}")
        if total != balance:
            problems.append(f"account {aid}: balance {balance} but entries sum to {total}")
        if lots.get(aid, 0) != balance:
            problems.append(f"account {aid}: balance {balance} but lots hold {lots.get(aid, 0)}")
        running = 0
        for e in rows:  # entries of one account are written under its row lock, in id order
            running += int(e["delta"])
            if running != int(e["balance_after"]) or running < 0:
                problems.append(
                    f"entry {e['id']}: balance_after {e['balance_after']}, running sum {running}"
                )
                break

    by_bid: dict[int, list[Any]] = defaultdict(list)
    for e in data["entries"]:
        if e["bid_id"] is not None:
            by_bid[int(e["bid_id"])].append(e)
    usage = {int(r["bid_id"]): int(r["n"]) for r in data["usage"]}
    requests = {str(r["id"]): r["result"] for r in data["requests"]}
    seen_rid: set[str] = set()
    spent: dict[tuple[int, str, int], int] = defaultdict(int)
    for bid in data["bids"]:
        bid_id, total = int(bid["id"]), int(bid["connects"]) + int(bid["boost"])
        rows = by_bid.get(bid_id, [])
        debits = [e for e in rows if e["kind"] in ("bid", "boost")]
        credits = [e for e in rows if e["kind"] in ("refund", "undo")]
        if -sum(int(e["delta"]) for e in debits) != total:
            problems.append(f"bid {bid_id}: costs {total}, debit entries {debits}")
        if len(credits) > 1:
            problems.append(f"bid {bid_id}: refunded {len(credits)} times")
        back = sum(int(e["delta"]) for e in credits)
        if back != int(bid["refunded"]) or back > total:
            problems.append(f"bid {bid_id}: refunded {bid['refunded']}, entries give {back}")
        if (int(bid["refunded"]) > 0) != (bid["status"] in ("refunded", "undone")):
            problems.append(f"bid {bid_id}: status {bid['status']}, refunded {bid['refunded']}")
        if usage.get(bid_id, 0) != total:
            problems.append(f"bid {bid_id}: costs {total}, drew {usage.get(bid_id, 0)} from lots")
        rid = str(bid["request_id"])
        if rid in seen_rid:
            problems.append(f"request {rid}: more than one bid")
        seen_rid.add(rid)
        if requests.get(rid) is None:
            problems.append(f"bid {bid_id}: request {rid} not recorded as done")
        if bid["pool_id"] is not None:
            key = (int(bid["pool_id"]), str(bid["bidder"]), month_start(int(bid["created_at"])))
            spent[key] += total - int(bid["refunded"])
    for m in data["members"]:
        for (pool_id, who, _month), net in spent.items():
            if (
                pool_id == int(m["pool_id"])
                and who == m["member"]
                and m["allowance"] is not None
                and net > int(m["allowance"])
            ):
                problems.append(f"{who}: spent {net} of a {m['allowance']} allowance")
    expired: dict[int, int] = defaultdict(int)
    for e in data["entries"]:
        if e["kind"] == "expiry":
            expired[int(e["lot_id"])] += 1
    problems.extend(f"lot {lot}: expired {n} times" for lot, n in expired.items() if n > 1)
    for rid, result in requests.items():
        if result is None:
            problems.append(f"request {rid}: claimed but never finished")

    # what each process was told must be exactly what the ledger holds
    bids_by_rid = {str(b["request_id"]): b for b in data["bids"]}
    for item in journal:
        match = re.match(r"Bid #(\d+) placed", item["title"])
        if match and not item["error"]:
            bid = bids_by_rid.get(item["rid"])
            if bid is None or int(bid["id"]) != int(match.group(1)):
                problems.append(
                    f"reply {item['rid']} said bid #{match.group(1)}, ledger has "
                    f"{None if bid is None else bid['id']}"
                )
        if not item["error"] and not item["confirm"] and item["rid"] not in requests:
            problems.append(f"reply {item['rid']} ({item['command']}) succeeded, no request row")
    return problems


EXPIRY_USERS = [f"x{i}" for i in range(16)]


async def setup_expired_lots(url: str, now: int) -> None:
    """Users whose purchased lots expired a year before ``now`` and are not swept yet."""
    from bot.bootstrap import create_app
    from core.base.config import parse

    two_years_ago = now - 2 * 366 * 86400
    app = await create_app(parse({"storage": {"url": url}}, env={}), lambda: two_years_ago)
    try:
        for name in EXPIRY_USERS:
            for k in range(3):
                reply = await app.dispatch(
                    member(name), "buy", {"connects": 10}, f"old-buy-{name}-{k}"
                )
                assert not reply.error, reply.title
    finally:
        await app.close()


def expiry_worker(url: str, index: int, journal: str, start: Any) -> None:
    """Each user's first request after the lots expired, from every process at once."""
    asyncio.run(_expiry_work(url, index, Path(journal), start))


async def _expiry_work(url: str, index: int, journal: Path, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    with journal.open("a", encoding="utf-8") as log:
        start.wait()
        try:
            for name in EXPIRY_USERS:
                rid = f"x-{index}-{name}"
                args = {"job": f"job {rid}", "connects": 1}
                reply = await app.dispatch(member(name), "bid", args, rid)
                log.write(
                    json.dumps(
                        {
                            "rid": rid,
                            "who": name,
                            "command": "bid",
                            "args": args,
                            "error": reply.error,
                            "confirm": False,
                            "title": reply.title,
                            "worker": index,
                        }
                    )
                    + "\n"
                )
                log.flush()
        finally:
            await app.close()


async def setup_exact(url: str, pool_connects: int, allowance: int | None) -> None:
    """Pool ``agency`` holding ``pool_connects``; member m0 with a monthly ``allowance``
    (``None``: no limit)."""
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:
        steps: list[tuple[str, dict[str, Any]]] = [
            ("pool create", {"name": POOL}),
            ("pool topup", {"name": POOL, "connects": pool_connects}),
            ("pool add", {"name": POOL, "member": member("m0").user}),
            (
                "pool allowance",
                {
                    "name": POOL,
                    "member": member("m0").user,
                    **({"unlimited": True} if allowance is None else {"connects": allowance}),
                },
            ),
        ]
        for i, (command, args) in enumerate(steps):
            reply = await app.dispatch(owner(), command, args, f"setup-{i}")
            assert not reply.error, (command, reply.title)
    finally:
        await app.close()


def exact_worker(url: str, index: int, bids: int, journal: str, start: Any) -> None:
    """``bids`` one-Connect pool bids as m0, each on its own job, as fast as possible."""
    asyncio.run(_exact_work(url, index, bids, Path(journal), start))


async def _exact_work(url: str, index: int, bids: int, journal: Path, start: Any) -> None:
    from bot.bootstrap import create_app
    from core.base.config import parse

    app = await create_app(parse({"storage": {"url": url}}, env={}))
    with journal.open("a", encoding="utf-8") as log:
        start.wait()
        try:
            for i in range(bids):
                rid = f"e-{index}-{i}"
                args = {"job": f"job {rid}", "connects": 1, "pool": POOL}
                reply = await app.dispatch(member("m0"), "bid", args, rid)
                log.write(
                    json.dumps(
                        {
                            "rid": rid,
                            "who": "m0",
                            "command": "bid",
                            "args": args,
                            "error": reply.error,
                            "confirm": reply.needs_confirmation,
                            "title": reply.title,
                            "worker": index,
                        }
                    )
                    + "\n"
                )
                log.flush()
        finally:
            await app.close()
