"""/forget: a member's personal data become a tombstone after a Confirm, once, and every
amount stays, so each balance stays the sum of its entries and a pool owner's history stays
whole. On both databases.

The attacks, beside the tests: another member presses (or types ``/confirm`` with) someone's
Forget button to erase them: refused, nothing changes; a member who forgot themselves tries
to rewrite the ledger's amounts the same way the tombstone is written: the store refuses any
change to an entry but its actor, and any deletion."""

from __future__ import annotations

import itertools

import pytest

from core.app import App
from core.base.keys import Actor
from core.interface.reply import Reply
from core.store.base import Tx
from core.store.tables import forget as table
from tests.conftest import Clock, actor

ANA, BEN = actor("ana"), actor("ben")
_ids = itertools.count()


async def run(app: App, who: Actor, text: str) -> Reply:
    return await app.run_text(who, text, f"r{next(_ids)}")


async def ok(app: App, who: Actor, text: str) -> Reply:
    reply = await run(app, who, text)
    assert not reply.error, (text, reply.title, reply.lines)
    return reply


async def rows(app: App, sql: str) -> list[dict[str, object]]:
    async def read(tx: Tx) -> list[dict[str, object]]:
        return [dict(r) for r in await tx.fetchall(sql)]

    return await app.store.read(read)


async def sums(app: App) -> dict[object, tuple[object, object]]:
    """Each account's cached balance beside the sum of its entries."""
    found = await rows(
        app,
        "SELECT a.id, a.balance, COALESCE(SUM(e.delta), 0) AS total FROM accounts a "
        "LEFT JOIN entries e ON e.account_id = a.id GROUP BY a.id, a.balance ORDER BY a.id",
    )
    return {r["id"]: (int(str(r["balance"])), int(str(r["total"]))) for r in found}


async def mentions(app: App, key: str) -> int:
    async def read(tx: Tx) -> int:
        return await table.mentions(tx, key)

    return await app.store.read(read)


async def history(app: App) -> None:
    """Ana owns a pool Ben bids from; both keep wallets, notes and a kept Confirm."""
    await ok(app, ANA, "/buy connects:40")
    await ok(app, ANA, '/bid job:"Logo for a bakery" connects:4 note:"call Tue"')
    await ok(app, ANA, "/pool create name:agency")
    await ok(app, ANA, "/pool topup name:agency connects:80")
    await ok(app, ANA, "/pool add name:agency member:ben")
    await ok(app, ANA, "/bid job:https://www.upwork.com/jobs/~01ab connects:6 pool:agency")
    await ok(app, BEN, '/bid job:"Ben site" connects:5 pool:agency note:"ben note"')
    await ok(app, ANA, "/plan name:plus day:3")
    await ok(app, ANA, "/limits daily:20")
    await ok(app, ANA, "/pool limits name:agency member:ben daily:10")
    await ok(app, ANA, "/outcome bid:#1 status:interviewing")
    await ok(app, ANA, "/interview bid:#1")
    # Ben bids on Ana's job: kept as a Confirm of Ben's, which stays Ben's
    await run(app, BEN, "/bid job:https://www.upwork.com/jobs/~01ab connects:6 pool:agency")


def token_of(reply: Reply) -> str:
    [button] = [b for b in reply.buttons if b.action == "confirm"]
    return button.value


async def test_forget_asks_first_and_changes_nothing(app: App) -> None:
    """/forget alone deletes nothing: it says what goes and what stays, with one Confirm."""
    await history(app)
    before = await rows(app, "SELECT * FROM bids ORDER BY id")
    reply = await ok(app, ANA, "/forget")
    assert reply.needs_confirmation
    assert "agency" in reply.text()  # the pool she owns is named
    [button] = reply.buttons
    assert button.only_user == ANA.user.key and button.label == "Forget me"
    assert await rows(app, "SELECT * FROM bids ORDER BY id") == before
    assert await mentions(app, ANA.user.key) > 0


async def test_confirm_forgets_every_row_and_keeps_every_amount(app: App) -> None:
    """After the Confirm no row names Ana; amounts, balances and Ben's data are unchanged;
    her rows carry one tombstone; her job text, notes and kept buttons are gone."""
    await history(app)
    balances = await sums(app)
    entries = await rows(
        app, "SELECT id, account_id, delta, balance_after, kind FROM entries ORDER BY id"
    )
    bens = await rows(app, "SELECT * FROM bids WHERE bidder = 'console:ben' ORDER BY id")
    token = token_of(await ok(app, ANA, "/forget"))

    done = await app.press(ANA, "confirm", token, "press-1")
    assert not done.error and done.title == "Forgotten", done.text()

    assert await mentions(app, ANA.user.key) == 0
    assert await sums(app) == balances
    assert all(cached == total for cached, total in balances.values())
    after = await rows(
        app, "SELECT id, account_id, delta, balance_after, kind FROM entries ORDER BY id"
    )
    assert after == entries
    assert await rows(app, "SELECT * FROM bids WHERE bidder = 'console:ben' ORDER BY id") == bens
    tombstones = {str(r["actor"]) for r in await rows(app, "SELECT actor FROM entries")} - {
        BEN.user.key
    }
    [tomb] = tombstones
    assert tomb.startswith("forgotten:") and "ana" not in tomb
    hers = await rows(app, f"SELECT job, job_key, title, note FROM bids WHERE bidder = '{tomb}'")
    assert len(hers) == 2
    assert all(r["job"] == table.TOMBSTONE_JOB and r["note"] is None for r in hers)
    assert all(r["title"] is None for r in hers)
    assert "call Tue" not in str(await rows(app, "SELECT * FROM requests"))
    [owner] = await rows(app, "SELECT owner FROM pools")
    assert owner["owner"] == tomb
    users = await rows(app, "SELECT key, display FROM users ORDER BY key")
    assert {u["key"] for u in users} == {BEN.user.key, tomb}
    # Ben's kept Confirm is his, and still works; his history of the pool is whole
    assert (await rows(app, "SELECT COUNT(*) AS n FROM confirmations"))[0]["n"] == 1
    pool = await ok(app, BEN, "/pool info name:agency")
    assert "forgotten-" in pool.text() or "ana" not in pool.text()


async def test_the_confirm_works_once(app: App) -> None:
    """The Confirm again (button, retry, /confirm) replays; a new wallet is not forgotten."""
    await history(app)
    token = token_of(await ok(app, ANA, "/forget"))
    first = await app.press(ANA, "confirm", token, "p1")
    await ok(app, ANA, "/buy connects:10")  # Ana comes back: a new member
    again = await app.press(ANA, "confirm", token, "p2")
    typed = await run(app, ANA, f"/confirm token:{token}")
    assert again.text() == first.text() == typed.text()
    assert await mentions(app, ANA.user.key) > 0  # the new member was not forgotten


async def test_another_member_cannot_forget_anyone(app: App) -> None:
    """Ben pressing Ana's Forget, or typing its code, is refused and changes nothing."""
    await history(app)
    token = token_of(await ok(app, ANA, "/forget"))
    bids = await rows(app, "SELECT * FROM bids ORDER BY id")
    for reply in (
        await app.press(BEN, "confirm", token, "b1"),
        await run(app, BEN, f"/confirm token:{token}"),
    ):
        assert reply.error and "unknown or not yours" in reply.title
    assert await rows(app, "SELECT * FROM bids ORDER BY id") == bids
    assert await mentions(app, ANA.user.key) > 0


async def test_an_old_confirm_forgets_nothing(app: App, clock: Clock) -> None:
    """A Confirm pressed after its hour is refused; /forget again gives a fresh one."""
    await ok(app, ANA, "/buy connects:5")
    token = token_of(await ok(app, ANA, "/forget"))
    clock.advance(3601)
    reply = await app.press(ANA, "confirm", token, "late")
    assert reply.error and "expired" in reply.title
    assert await mentions(app, ANA.user.key) > 0


async def test_entries_change_only_their_actor(app: App) -> None:
    """The store lets an entry's actor be rewritten (what forgetting needs) and nothing else;
    no entry can be deleted."""
    await ok(app, ANA, "/buy connects:5")
    for sql in (
        "UPDATE entries SET delta = delta + 1",
        "UPDATE entries SET memo = 'x'",
        "UPDATE entries SET actor = 'x', balance_after = 0",
        "DELETE FROM entries",
    ):

        async def change(tx: Tx, sql: str = sql) -> None:
            await tx.execute(sql)

        with pytest.raises(Exception, match="append-only"):
            await app.store.write(change)

    async def rename(tx: Tx) -> int:
        return await tx.execute("UPDATE entries SET actor = 'forgotten:x'")

    assert await app.store.write(rename) >= 1


@pytest.mark.parametrize("who", [ANA, BEN], ids=["pool owner", "pool member"])
async def test_only_the_forgotten_members_rows_change(app: App, who: Actor) -> None:
    """Whoever forgets, every row that does not name them is byte for byte as before, and
    every account keeps its balance."""
    await history(app)
    other = BEN if who is ANA else ANA
    tables = ("bids", "entries", "users", "pool_members", "confirmations", "pools")

    async def theirs() -> dict[str, list[dict[str, object]]]:
        k = other.user.key
        where = {
            "bids": f"bidder = '{k}'",
            "entries": f"actor = '{k}'",
            "users": f"key = '{k}'",
            "pool_members": f"member = '{k}'",
            "confirmations": f"actor = '{k}'",
            "pools": f"owner = '{k}'",
        }
        return {
            t: await rows(app, f"SELECT * FROM {t} WHERE {where[t]} ORDER BY 1") for t in tables
        }

    before, balances = await theirs(), await sums(app)
    token = token_of(await ok(app, who, "/forget"))
    assert not (await app.press(who, "confirm", token, "go")).error
    assert await theirs() == before
    assert await sums(app) == balances
    assert await mentions(app, who.user.key) == 0


async def test_notices_go_by_exact_key_only(app: App) -> None:
    """Ana's notices (to her, or about her) are deleted; those of ``console:anabel`` and of
    ``console:a_a`` (a key LIKE would match with ``_`` as a wildcard) stay; her snapshot rows
    move to the tombstone."""
    await ok(app, ANA, "/buy connects:5")

    async def seed(tx: Tx) -> None:
        for n, (subject, target) in enumerate(
            [
                ("outcomes:console:ana", "console:ana"),
                ("grant:console:ana", "console:zed"),
                ("outcomes:console:anabel", "console:anabel"),
                ("outcomes:console:a_a", "console:a_a"),
                ("low:1", "chan"),
            ]
        ):
            await tx.execute(
                "INSERT INTO notices (key, subject, platform, target_kind, target, text, "
                "created_at) VALUES (:k, :s, 'console', 'dm', :t, 'x', 1)",
                {"k": f"n{n}", "s": subject, "t": target},
            )
        await tx.execute(
            "INSERT INTO outcome_snapshot (scope, bidder, hired, created_at) "
            "VALUES ('console', 'console:ana', 1, 1)"
        )

    await app.store.write(seed)
    token = token_of(await ok(app, ANA, "/forget"))
    assert not (await app.press(ANA, "confirm", token, "go")).error
    left = await rows(app, "SELECT subject FROM notices ORDER BY id")
    assert [r["subject"] for r in left] == [
        "outcomes:console:anabel",
        "outcomes:console:a_a",
        "low:1",
    ]
    [snap] = await rows(app, "SELECT bidder FROM outcome_snapshot")
    assert str(snap["bidder"]).startswith("forgotten:")


async def test_a_slack_installer_is_forgotten_in_the_installation(app: App) -> None:
    """The member who installed a Slack workspace is named by its installation: forgetting
    them clears it there too (the installation, its tokens and its workspace stay)."""
    from core.store.tables import slack_installs

    key = "slack:T1:U1"
    new = slack_installs.NewInstall("T1", None, "A1", "B1", "UB", "commands", "U1", "x", None)
    other = slack_installs.NewInstall("T2", None, "A1", "B1", "UB", "commands", "U1", "y", None)

    async def install(tx: Tx) -> None:
        await slack_installs.save(tx, new, 1)
        await slack_installs.save(tx, other, 1)  # the same user id in another workspace

    await app.store.write(install)
    assert await mentions(app, key) == 1

    async def forget(tx: Tx) -> None:
        await table.forget(tx, key, "gone:1")

    await app.store.write(forget)
    assert await mentions(app, key) == 0

    async def read(tx: Tx) -> tuple[str | None, str | None]:
        one, two = await slack_installs.find(tx, "T1"), await slack_installs.find(tx, "T2")
        assert one is not None and two is not None
        return one.installer, two.installer

    assert await app.store.read(read) == (None, "U1")
