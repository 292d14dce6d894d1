"""The PostgreSQL store itself: parameters, migrations, locks, retries, connections."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest

from bot.bootstrap import create_app
from core.base.config import parse
from core.interface.errors import BadInput
from core.store import open_store
from core.store.base import Tx
from core.store.postgres import PostgresStore, to_positional
from core.store.schema import available
from tests.conftest import actor


@pytest.mark.parametrize(
    ("sql", "expected", "names"),
    [
        (
            "SELECT * FROM t WHERE a = :a AND b = :b",
            "SELECT * FROM t WHERE a = $1 AND b = $2",
            ("a", "b"),
        ),
        ("VALUES (:n, :n, :now)", "VALUES ($1, $1, $2)", ("n", "now")),
        (
            "SELECT x::text, ':nope' FROM t WHERE y = :y",
            "SELECT x::text, ':nope' FROM t WHERE y = $1",
            ("y",),
        ),
        (
            "SELECT 'it''s :no', \"col:x\" FROM t -- :c\nWHERE z = :z",
            "SELECT 'it''s :no', \"col:x\" FROM t -- :c\nWHERE z = $1",
            ("z",),
        ),
        ("SELECT /* :c */ 1", "SELECT /* :c */ 1", ()),
        (
            "SELECT p.scope || '/' || p.name FROM p LIMIT :n",
            "SELECT p.scope || '/' || p.name FROM p LIMIT $1",
            ("n",),
        ),
    ],
)
def test_named_parameters_become_positional(
    sql: str, expected: str, names: tuple[str, ...]
) -> None:
    """``:name`` becomes ``$n`` (one number per name); casts, strings, identifiers and comments
    are left alone."""
    assert to_positional(sql) == (expected, names)


async def test_migrations_apply_once_when_processes_start_together(pg_url: str) -> None:
    """Eight stores opening an empty schema at once all end at the latest version, and each
    migration is recorded once."""
    stores = await asyncio.gather(*(open_store(pg_url) for _ in range(8)))
    try:
        versions = {await s.migrate() for s in stores}
        latest = max(v for v, _ in available())
        assert versions == {latest}

        async def read(tx: Tx) -> list[int]:
            return [
                int(r["version"])
                for r in await tx.fetchall("SELECT version FROM schema_version ORDER BY version")
            ]

        assert await stores[0].read(read) == [v for v, _ in available()]
    finally:
        for s in stores:
            await s.close()


async def test_tables_live_in_the_urls_schema(pg_url: str) -> None:
    """``?search_path=`` in the URL is honoured: the ledger is created in that schema."""
    store = await open_store(pg_url)
    schema = pg_url.rsplit("search_path=", 1)[1]
    try:

        async def read(tx: Tx) -> list[str]:
            rows = await tx.fetchall(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :s "
                "ORDER BY table_name",
                {"s": schema},
            )
            return [str(r["table_name"]) for r in rows]

        assert {"accounts", "entries", "bids", "requests"} <= set(await store.read(read))
    finally:
        await store.close()


async def test_database_refuses_negative_balances_and_edited_entries(pg_url: str) -> None:
    """The schema itself keeps balances >= 0 and entries append-only."""
    app = await create_app(parse({"storage": {"url": pg_url}}, env={}))
    try:
        await app.dispatch(actor("ana"), "balance", {}, "r1")
        for sql, error in [
            ("UPDATE accounts SET balance = -1", asyncpg.CheckViolationError),
            ("UPDATE entries SET delta = delta + 1", asyncpg.RaiseError),
            ("DELETE FROM entries", asyncpg.RaiseError),
        ]:

            async def change(tx: Tx, sql: str = sql) -> int:
                return await tx.execute(sql)

            with pytest.raises(error):
                await app.store.write(change)
    finally:
        await app.close()


async def test_deadlocks_are_retried(pg_url: str) -> None:
    """Two transactions locking two accounts in opposite orders deadlock; the loser is rolled
    back and run again, and both finish."""
    store = await open_store(pg_url)
    assert isinstance(store, PostgresStore)
    try:

        async def accounts(tx: Tx) -> list[int]:
            out = []
            for _ in range(2):
                row = await tx.fetchone(
                    "INSERT INTO accounts (kind, balance, created_at) "
                    "VALUES ('user', 0, 0) RETURNING id"
                )
                assert row is not None
                out.append(int(row["id"]))
            return out

        a, b = await store.write(accounts)
        both_hold_one = asyncio.Barrier(2)
        runs = {"first": 0, "second": 0}

        def crossing(name: str, one: int, two: int) -> Any:
            async def fn(tx: Tx) -> str:
                runs[name] += 1
                await tx.lock_account(one)
                if runs[name] == 1:
                    await both_hold_one.wait()
                await tx.lock_account(two)
                await tx.execute(
                    "UPDATE accounts SET balance = balance + 1 WHERE id = :a", {"a": one}
                )
                return name

            return fn

        done = await asyncio.gather(
            store.write(crossing("first", a, b)), store.write(crossing("second", b, a))
        )
        assert list(done) == ["first", "second"]
        assert sorted(runs.values()) == [1, 2]  # one of them ran twice
        assert store.retries == 1

        async def balances(tx: Tx) -> list[int]:
            rows = await tx.fetchall(
                "SELECT balance FROM accounts WHERE id IN (:a, :b) ORDER BY id", {"a": a, "b": b}
            )
            return [int(r["balance"]) for r in rows]

        assert await store.read(balances) == [1, 1]
    finally:
        await store.close()


async def test_a_refusal_is_rolled_back_and_not_retried(pg_url: str) -> None:
    """A domain error inside a write rolls it back once; it is not run again."""
    store = await open_store(pg_url)
    calls = 0
    try:

        async def fn(tx: Tx) -> None:
            nonlocal calls
            calls += 1
            await tx.execute(
                "INSERT INTO accounts (kind, balance, created_at) VALUES ('user', 5, 0)"
            )
            raise BadInput("no")

        with pytest.raises(BadInput):
            await store.write(fn)

        async def count(tx: Tx) -> int:
            row = await tx.fetchone("SELECT COUNT(*) AS n FROM accounts")
            assert row is not None
            return int(row["n"])

        assert calls == 1
        assert await store.read(count) == 0
    finally:
        await store.close()


async def test_one_request_delivered_many_times_at_once_applies_once(pg_url: str) -> None:
    """Eight concurrent deliveries of one request id on eight connections: one bid, eight
    identical replies."""
    config = parse({"storage": {"url": pg_url, "pool_max": 8}}, env={})
    app = await create_app(config)
    try:
        await app.dispatch(actor("ana"), "balance", {}, "warm-up")
        replies = await asyncio.gather(
            *(
                app.dispatch(actor("ana"), "bid", {"job": "Logo", "connects": 3}, "same-id")
                for _ in range(8)
            )
        )
        assert {r.title for r in replies} == {"Bid #1 placed"}
        assert len({tuple(r.lines) for r in replies}) == 1

        async def read(tx: Tx) -> tuple[int, int]:
            bids = await tx.fetchone("SELECT COUNT(*) AS n FROM bids")
            bal = await tx.fetchone(
                "SELECT balance FROM accounts a JOIN users u "
                "ON u.account_id = a.id WHERE u.key = 'console:ana'"
            )
            assert bids is not None and bal is not None
            return int(bids["n"]), int(bal["balance"])

        assert await app.store.read(read) == (1, 57)
    finally:
        await app.close()


async def test_first_sight_of_a_user_in_many_processes_gives_one_welcome(pg_url: str) -> None:
    """A new user's first requests arriving at once on several connections create one user
    with one welcome grant."""
    app = await create_app(parse({"storage": {"url": pg_url, "pool_max": 6}}, env={}))
    try:
        replies = await asyncio.gather(
            *(app.dispatch(actor("new"), "buy", {"connects": 10}, f"buy-{i}") for i in range(6))
        )
        assert not [r for r in replies if r.error]

        async def read(tx: Tx) -> tuple[int, int]:
            users = await tx.fetchone("SELECT COUNT(*) AS n FROM users")
            welcome = await tx.fetchone("SELECT COUNT(*) AS n FROM entries WHERE kind = 'welcome'")
            assert users is not None and welcome is not None
            return int(users["n"]), int(welcome["n"])

        assert await app.store.read(read) == (1, 1)
        balance = await app.dispatch(actor("new"), "balance", {}, "after")
        assert balance.title == "120 Connects"
    finally:
        await app.close()


async def test_a_one_shot_process_holds_one_connection(pg_url: str) -> None:
    """With the default pool settings, opening, migrating, writing and reading hold a single
    server connection (so dozens of one-shot commands fit the server's limit)."""
    name = f"probe-{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={name}"
    app = await create_app(parse({"storage": {"url": url}}, env={}))
    try:
        steps: list[tuple[str, dict[str, Any]]] = [
            ("balance", {}),
            ("bid", {"job": "x", "connects": 2}),
            ("history", {}),
            ("quote", {"price": 100}),
        ]
        for i, (command, args) in enumerate(steps):
            await app.dispatch(actor("ana"), command, args, f"one-{i}")

        async def read(tx: Tx) -> int:
            row = await tx.fetchone(
                "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = :a",
                {"a": name},
            )
            assert row is not None
            return int(row["n"])

        assert await app.store.read(read) == 1
    finally:
        await app.close()


async def test_unreachable_server_is_one_line_without_the_password() -> None:
    """A server that does not answer gives a ConnectionError naming the URL, password hidden."""
    with pytest.raises(ConnectionError) as info:
        await open_store("postgresql://bot:s3cret@127.0.0.1:1/connects")
    text = str(info.value)
    assert "127.0.0.1:1" in text and "s3cret" not in text and "\n" not in text


async def test_a_stalled_transaction_does_not_hold_a_pool_forever(pg_url: str) -> None:
    """A process that stops inside a transaction has its session ended by the server (after
    ``idle_in_transaction_session_timeout``, 60 s by default, 0.3 s here), which frees its
    locks for the others."""
    stalled = await open_store(f"{pg_url}&idle_in_transaction_session_timeout=300")
    other = await open_store(pg_url)
    try:

        async def account(tx: Tx) -> int:
            row = await tx.fetchone(
                "INSERT INTO accounts (kind, balance, created_at) "
                "VALUES ('pool', 0, 0) RETURNING id"
            )
            assert row is not None
            return int(row["id"])

        pool = await other.write(account)
        locked = asyncio.Event()

        async def stall(tx: Tx) -> None:
            await tx.lock_account(pool)
            locked.set()
            await asyncio.sleep(3)  # a stuck process, holding the pool's row lock
            await tx.execute("UPDATE accounts SET balance = 99 WHERE id = :a", {"a": pool})

        async def top_up(tx: Tx) -> int:
            await tx.lock_account(pool)
            row = await tx.fetchone(
                "UPDATE accounts SET balance = balance + 5 WHERE id = :a RETURNING balance",
                {"a": pool},
            )
            assert row is not None
            return int(row["balance"])

        stuck = asyncio.create_task(stalled.write(stall))
        await locked.wait()
        assert await asyncio.wait_for(other.write(top_up), timeout=2.5) == 5
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
            await stuck
    finally:
        await stalled.close()
        await other.close()


async def test_racing_pool_creations_get_one_pool_and_plain_refusals(pg_url: str) -> None:
    """Four admins creating the same pool at once: one pool, and the others are told it
    exists (a unique-key race is rerun, not answered with an apology)."""
    app = await create_app(parse({"storage": {"url": pg_url, "pool_max": 4}}, env={}))
    try:
        replies = await asyncio.gather(
            *(
                app.dispatch(
                    actor(f"admin{i}", admin=True), "pool create", {"name": "agency"}, f"create-{i}"
                )
                for i in range(4)
            )
        )
        titles = [r.title for r in replies]
        assert titles.count("Pool agency created") == 1, titles
        assert sum("already exists" in t for t in titles) == 3, titles
    finally:
        await app.close()
