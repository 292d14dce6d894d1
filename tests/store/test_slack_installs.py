"""The Slack installation tables on both backends: installs, OAuth states, rotation claims and
the deletion of a departed workspace's data (and nothing else)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.installs import InstallationStore, StateStore
from adapters.slack.sealing import Sealer, new_key, parse_key
from bot.bootstrap import create_app
from core.base.config import parse
from core.base.keys import Actor, UserRef
from core.store import open_store
from core.store.base import Store, Tx
from core.store.tables import slack_installs as table
from tests.conftest import Clock

NOW = 1_790_000_000


def _new(team: str, sealed: str = "v1:sealed") -> table.NewInstall:
    return table.NewInstall(team, None, "A1", "B1", "U1", "commands", "UINST", sealed, NOW + 100)


@pytest.fixture
async def store(migrated_db_url: str) -> AsyncIterator[Store]:
    s = await open_store(migrated_db_url)
    try:
        yield s
    finally:
        await s.close()


async def test_install_remove_and_install_again(store: Store) -> None:
    """Removing drops the tokens and starts the retention period at the first removal;
    installing again clears it and keeps the first install time."""
    await store.write(lambda tx: table.save(tx, _new("TA"), NOW))
    await store.write(lambda tx: table.remove(tx, "TA", NOW + 10))
    await store.write(lambda tx: table.remove(tx, "TA", NOW + 20))
    row = await store.read(lambda tx: table.find(tx, "TA"))
    assert row is not None and row.sealed is None and row.removed_at == NOW + 10
    assert await store.read(lambda tx: table.removed_before(tx, NOW + 11)) == ["TA"]
    await store.write(lambda tx: table.save(tx, _new("TA", "v1:again"), NOW + 30))
    row = await store.read(lambda tx: table.find(tx, "TA"))
    assert row is not None and row.sealed == "v1:again" and row.removed_at is None
    assert row.installed_at == NOW
    assert await store.read(lambda tx: table.removed_before(tx, NOW + 99)) == []


async def test_a_workspaces_bot_is_its_installations_and_only_its_own(store: Store) -> None:
    """Bolt asks for a workspace's bot and for its installation: both are one reading of the
    stored row, so they agree, and a bot id the install did not give is unknown (``None``) in
    both. Attack: a database writer copies workspace A's sealed tokens onto workspace B's row
    so that B's requests are served with A's token: B has no bot at all. A removed workspace
    has none either."""
    installs = InstallationStore(store, Sealer(parse_key(new_key())), Clock(NOW))
    for team, bot_id in (("TA", "BA"), ("TC", None)):
        await installs.async_save(
            Installation(
                app_id="A1",
                team_id=team,
                user_id="UINST",
                bot_token=f"xoxb-{team}",
                bot_refresh_token=f"xoxe-{team}",
                bot_token_expires_at=NOW + 3600,
                bot_id=bot_id,
                bot_user_id=f"UBOT{team}",
                bot_scopes=["commands", "chat:write"],
            )
        )
    for team, bot_id in (("TA", "BA"), ("TC", None)):
        bot = await installs.async_find_bot(enterprise_id=None, team_id=team)
        whole = await installs.async_find_installation(enterprise_id=None, team_id=team)
        assert bot is not None and whole is not None
        assert bot.bot_id == whole.bot_id == bot_id
        assert (bot.team_id, bot.bot_token, bot.bot_refresh_token) == (
            team,
            f"xoxb-{team}",
            f"xoxe-{team}",
        )
        assert (bot.bot_user_id, bot.bot_scopes, bot.bot_token_expires_at) == (
            whole.bot_user_id,
            whole.bot_scopes,
            whole.bot_token_expires_at,
        )
        assert bot.bot_scopes == ["commands", "chat:write"] and bot.installed_at == NOW
    row = await store.read(lambda tx: table.find(tx, "TA"))
    assert row is not None and row.sealed is not None
    await store.write(lambda tx: table.save(tx, _new("TB", row.sealed or ""), NOW))
    assert await installs.async_find_bot(enterprise_id=None, team_id="TB") is None
    assert await installs.async_find_installation(enterprise_id=None, team_id="TB") is None
    assert await installs.remove("TA")
    assert await installs.async_find_bot(enterprise_id=None, team_id="TA") is None
    assert await installs.async_find_bot(enterprise_id=None, team_id=None) is None


async def test_oauth_state_is_used_once_and_expires(store: Store) -> None:
    """Attack: a forged state (never issued), a state replayed (a second redirect with the
    same link) and an old one are all refused; only an issued fresh state passes, once."""
    clock = Clock(NOW)
    states = StateStore(store, clock, ttl=600)
    state = await states.async_issue()
    assert not await states.async_consume("forged-" + state)
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
    old = await states.async_issue()
    clock.advance(601)
    assert not await states.async_consume(old)
    assert not await states.async_consume("")


async def test_expired_states_do_not_pile_up(store: Store) -> None:
    """Attack: opening /slack/install again and again (a crawler, a flood) leaves only the
    states of the last ten minutes stored."""
    clock = Clock(NOW)
    states = StateStore(store, clock, ttl=600)
    for _ in range(5):
        await states.async_issue()
    clock.advance(601)
    await states.async_issue()
    rows = await store.read(lambda tx: tx.fetchall("SELECT state FROM slack_oauth_states"))
    assert len(rows) == 1


async def test_one_rotation_claim_per_version(store: Store) -> None:
    """Of two claims on the same version only one wins; storing over a version that changed
    meanwhile stores nothing; a released claim can be taken again."""
    await store.write(lambda tx: table.save(tx, _new("TA"), NOW))
    row = await store.read(lambda tx: table.find(tx, "TA"))
    assert row is not None
    v = row.version

    async def claim(name: str) -> bool:
        return await store.write(lambda tx: table.claim_rotation(tx, "TA", v, name, NOW, NOW + 60))

    won = await asyncio.gather(claim("one"), claim("two"))
    assert sorted(won) == [False, True]
    await store.write(lambda tx: table.release_rotation(tx, "TA", "one"))
    await store.write(lambda tx: table.release_rotation(tx, "TA", "two"))
    assert await claim("three")
    assert await store.write(lambda tx: table.store_rotation(tx, "TA", v, "v1:new", None, NOW))
    # a late writer of the same version finds it changed
    assert not await store.write(lambda tx: table.store_rotation(tx, "TA", v, "v1:late", None, NOW))
    row = await store.read(lambda tx: table.find(tx, "TA"))
    assert row is not None and row.sealed == "v1:new" and row.version == v + 1


def _member(team: str, user: str, admin: bool = False) -> Actor:
    return Actor(UserRef(f"slack:{team}:{user}", user), f"slack:{team}", admin)


async def _fill(app: Any, team: str) -> None:
    """A workspace with a wallet, a pool with a member and an allowance, bids and refunds."""
    owner, member = _member(team, "UOWN", admin=True), _member(team, "UMEM")
    for n, (who, line) in enumerate(
        [
            (owner, "/buy connects:100"),
            (owner, "/pool create name:crew"),
            (owner, f"/pool add pool:crew member:<@slack:{team}:UMEM> allowance:20"),
            (owner, "/pool topup pool:crew connects:50"),
            (member, "/balance"),
            (owner, "/bid job:first connects:4"),
            (member, "/bid job:second connects:3 pool:crew"),
            (owner, "/refund bid:#1 reason:client_cancelled"),
            (owner, "/plan name:plus day:1"),
            (owner, "/limits daily:20 weekly:80"),
            (owner, f"/pool limits name:crew member:<@slack:{team}:UMEM> daily:10"),
        ]
    ):
        await app.run_text(who, line, f"{team}-{n}")


async def _rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    async def read(tx: Tx) -> dict[str, list[dict[str, Any]]]:
        names = await tx.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            if store.url.startswith("sqlite")
            else "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema()"
        )
        out = {}
        for r in names:
            name = str(r["name"])
            out[name] = [dict(x) for x in await tx.fetchall(f'SELECT * FROM "{name}"')]
        return out

    return await store.read(read)


def _mentions(rows: dict[str, list[dict[str, Any]]], needle: str) -> list[str]:
    return [
        f"{table_name}: {row}"
        for table_name, table_rows in rows.items()
        for row in table_rows
        if any(needle in str(v) for v in row.values())
    ]


async def test_purge_deletes_the_workspace_and_only_it(migrated_db_url: str) -> None:
    """After the retention period every row naming the removed workspace is gone from every
    table (whatever a later migration adds, the scan reads them all); the other workspace's
    rows are exactly as they were, and its wallet still equals the sum of its entries."""
    config = parse({"storage": {"url": migrated_db_url, "synchronous": "NORMAL"}}, env={})
    clock = Clock(NOW)
    app = await create_app(config, clock)
    try:
        await _fill(app, "TGONE")
        await _fill(app, "TKEPT")
        store = app.store
        assert _mentions(await _rows(store), "slack:TGONE")
        await store.write(lambda tx: table.save(tx, _new("TGONE"), NOW))
        await store.write(lambda tx: table.save(tx, _new("TKEPT"), NOW))
        before = await _rows(store)
        kept_before = {t: _naming(r, "TKEPT") for t, r in before.items()}
        await store.write(lambda tx: table.remove(tx, "TGONE", NOW))
        await store.write(lambda tx: table.purge(tx, "TGONE"))
        after = await _rows(store)
        assert _mentions(after, "TGONE") == []
        kept_after = {t: _naming(r, "TKEPT") for t, r in after.items()}
        assert kept_after == kept_before
        assert kept_after["entries"] and kept_after["bids"] and kept_after["pool_members"]
        assert kept_after["spend_caps"] and kept_after["plans"]
        # the rows that name no workspace (lots, lot usage) of the kept accounts all stay
        kept_accounts = {r["id"] for r in after["accounts"]}
        assert [r for r in before["lots"] if r["account_id"] in kept_accounts] == after["lots"]
        balance = await app.run_text(_member("TKEPT", "UOWN"), "/balance", "check")
        assert not balance.error
        # accounts have no key: each kept account is still referenced, none left orphaned
        referenced = {r["account_id"] for r in after["users"]} | {
            r["account_id"] for r in after["pools"]
        }
        assert {r["id"] for r in after["accounts"]} == referenced
        for account in after["accounts"]:
            entries = [e for e in after["entries"] if e["account_id"] == account["id"]]
            assert account["balance"] == sum(e["delta"] for e in entries)
    finally:
        await app.close()


def _naming(rows: list[dict[str, Any]], team: str) -> list[dict[str, Any]]:
    """The rows of one table that name ``team`` anywhere."""
    return [r for r in rows if any(team in str(v) for v in r.values())]


async def test_entries_stay_append_only_outside_a_purge(migrated_db_url: str) -> None:
    """Attack: a statement deleting or changing a live account's entries (a bug, an injected
    statement) is still refused by the database; only accounts listed for a purge, in the
    purge's own transaction, lose theirs."""
    config = parse({"storage": {"url": migrated_db_url, "synchronous": "NORMAL"}}, env={})
    app = await create_app(config, Clock(NOW))
    try:
        await _fill(app, "TLIVE")
        for sql in ("DELETE FROM entries", "UPDATE entries SET delta = 0"):
            with pytest.raises(Exception, match="append-only"):
                await app.store.write(lambda tx, sql=sql: tx.execute(sql))
        rows = await _rows(app.store)
        assert rows["entries"] and rows["ledger_purges"] == []
    finally:
        await app.close()
