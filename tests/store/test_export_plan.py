"""A one-account export reads by index: entries by account, and each entry's owner (the user
or pool of its account), acting user, bid and lot by key. No table is scanned whole, on
SQLite (``EXPLAIN QUERY PLAN``) and on PostgreSQL (``EXPLAIN``)."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from core.store import open_store
from core.store.base import Store, Tx
from core.store.copy import copy_ledger
from core.store.tables.export import export_page_sql
from tests.store.generate import create_schema, generate

# the export's tables, by the alias the query gives them
ALIASES = {"e": "entries", "a": "accounts", "u": "users", "p": "pools", "m": "users"}
ALIASES |= {"l": "lots", "b": "bids"}
PAGES = [(True, True), (True, False)]  # an account's first page, and any later one


class Rollback(Exception):
    """Ends a write transaction without committing it."""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "generated.db"
    asyncio.run(create_schema(f"sqlite:///{path}"))
    generate(str(path), 20_000)
    return path


async def _accounts(store: Store) -> dict[str, int]:
    async def read(tx: Tx) -> dict[str, int]:
        pool = await tx.fetchone("SELECT account_id FROM pools ORDER BY id LIMIT 1")
        user = await tx.fetchone("SELECT account_id FROM users ORDER BY key LIMIT 1")
        assert pool is not None and user is not None
        return {"pool": int(pool["account_id"]), "user": int(user["account_id"])}

    return await store.read(read)


# ---------------------------------------------------------------------------------- SQLite


async def sqlite_plan(tx: Tx, account: int, first: bool) -> list[str]:
    rows = await tx.fetchall(
        "EXPLAIN QUERY PLAN " + export_page_sql(True, first),
        {"a": account, "after": 0, "n": 1000},
    )
    return [str(r["detail"]) for r in rows]


def sqlite_scans(plan: list[str]) -> list[str]:
    """The steps of ``plan`` that read a whole table (or build a throwaway index of one), and
    the export's tables that no step reads by key."""
    searched = {step.split()[1] for step in plan if step.startswith("SEARCH")}
    return [step for step in plan if step.startswith("SCAN") or "AUTOMATIC" in step] + [
        f"no index for {alias} ({table})"
        for alias, table in ALIASES.items()
        if alias not in searched
    ]


async def test_sqlite_reads_a_one_account_export_by_index(tmp_path: Path, generated: Path) -> None:
    """On an empty database and on an analyzed 20,000-entry ledger, every step of a pool's or
    a wallet's export page is an index search; without migration 0005 the owner joins scan."""
    empty = await open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        for first in (True, False):
            plan = await empty.read(lambda tx, f=first: sqlite_plan(tx, 1, f))
            assert not sqlite_scans(plan), plan
    finally:
        await empty.close()

    shutil.copyfile(generated, tmp_path / "big.db")
    store = await open_store(f"sqlite:///{tmp_path / 'big.db'}")
    try:

        async def analyze(tx: Tx) -> None:
            await tx.execute("ANALYZE")

        await store.write(analyze)
        for kind, account in (await _accounts(store)).items():
            for first in (True, False):
                plan = await store.read(lambda tx, a=account, f=first: sqlite_plan(tx, a, f))
                assert not sqlite_scans(plan), (kind, plan)

        seen: list[list[str]] = []

        async def without_indexes(tx: Tx) -> None:
            await tx.execute("DROP INDEX users_account")
            await tx.execute("DROP INDEX pools_account")
            seen.append(await sqlite_plan(tx, 1, False))
            raise Rollback

        with pytest.raises(Rollback):
            await store.write(without_indexes)
        assert sqlite_scans(seen[0]), seen[0]  # the check sees what 0005 fixes
    finally:
        await store.close()


# ---------------------------------------------------------------------------------- PostgreSQL


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", []) for n in _nodes(child))]


async def postgres_plan(tx: Tx, account: int, first: bool) -> list[dict[str, Any]]:
    # A table of a page or two (the users and pools of a small ledger) is cheaper to read
    # whole than through an index, so the planner would scan it at this size whatever the
    # indexes: with scans priced out, a scan left in the plan means no index can serve it.
    await tx.execute("SET LOCAL enable_seqscan = off")
    row = await tx.fetchone(
        "EXPLAIN (FORMAT JSON) " + export_page_sql(True, first),
        {"a": account, "after": 0, "n": 1000},
    )
    assert row is not None
    plan = row["QUERY PLAN"]
    top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return _nodes(top)


def postgres_scans(nodes: list[dict[str, Any]]) -> list[str]:
    """The export's tables read whole in a plan (a sequential scan), the owner joins not read
    by account through their index, and the export's tables read through no index at all."""
    tables = set(ALIASES.values())
    bad = [
        f"{n['Node Type']} on {n['Relation Name']}"
        for n in nodes
        if n.get("Relation Name") in tables and n["Node Type"] == "Seq Scan"
    ]
    for table, index in (("users", "users_account"), ("pools", "pools_account")):
        if not any(
            n.get("Index Name") == index and "account_id" in n.get("Index Cond", "") for n in nodes
        ):
            bad.append(f"{table} not read by account through {index}")
    indexed = {
        n.get("Relation Name")
        for n in nodes
        if "Index Name" in n or n["Node Type"] == "Bitmap Heap Scan"  # over a bitmap index scan
    }
    return bad + [f"no index for {t}" for t in sorted(tables - indexed)]


@pytest.mark.postgres
async def test_postgres_reads_a_one_account_export_by_index(pg_url: str, generated: Path) -> None:
    """On PostgreSQL too every table of a pool's or a wallet's export page is read through an
    index (users and pools by account, with migration 0005), a wallet's entries through
    ``entries_account``; without 0005 the owner joins have no index to use."""
    await copy_ledger(f"sqlite:///{generated}", pg_url)
    store = await open_store(pg_url)
    try:

        async def analyze(tx: Tx) -> None:
            await tx.execute("ANALYZE")

        await store.write(analyze)
        accounts = await _accounts(store)

        async def plans(tx: Tx) -> dict[tuple[str, bool], list[dict[str, Any]]]:
            return {
                (kind, first): await postgres_plan(tx, account, first)
                for kind, account in accounts.items()
                for first in (True, False)
            }

        for (kind, first), nodes in (await store.read(plans)).items():
            assert not postgres_scans(nodes), (kind, first, nodes)
            if kind == "user":  # a pool's entries may come in id order through the key
                # either index that leads with the account (the spend caps' one too)
                by_account = {"entries_account", "entries_spender"}
                assert by_account & {n.get("Index Name") for n in nodes}, nodes

        seen: list[list[dict[str, Any]]] = []

        async def without_indexes(tx: Tx) -> None:
            await tx.execute("DROP INDEX users_account")
            await tx.execute("DROP INDEX pools_account")
            seen.append(await postgres_plan(tx, accounts["user"], False))
            raise Rollback

        with pytest.raises(Rollback):
            await store.write(without_indexes)
        assert postgres_scans(seen[0]), seen[0]
    finally:
        await store.close()
