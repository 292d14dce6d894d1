"""The app installed to a user's own account: run in servers without the bot, in private
channels and in the bot's DM, through discord.py against the stand-in, with the real core.

Discord says which installs authorized an interaction (``authorizing_integration_owners``);
only a server the bot is installed to is a community. Everywhere else a member acts from
their own scope: their wallet and their own learned model, never a server's pools or data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from adapters.discord.bot import NO_POOLS_HERE, ONLY_YOU
from core.base.keys import Actor
from core.interface.catalog import MESSAGE_ACTIONS
from core.interface.reply import Reply
from tests.adapters.discord.helpers import World, button
from tests.discord_standin import Guild, Private, Sent, User

QUOTE_THIS_JOB = MESSAGE_ACTIONS[0].name
Where = Guild | Private | None


async def run(world: World, command: str, user: User, where: Where, **options: Any) -> Sent:
    return await (await world.standin.slash(command, user, where, **options)).final()


def actors(world: World, monkeypatch: pytest.MonkeyPatch) -> list[Actor]:
    """Record the actor of every command the adapter sends the core (and run it)."""
    seen: list[Actor] = []
    real = world.app.dispatch

    async def dispatch(
        actor: Actor, command: str, args: Mapping[str, Any], *a: Any, **kw: Any
    ) -> Reply:
        seen.append(actor)
        return await real(actor, command, args, *a, **kw)

    monkeypatch.setattr(world.app, "dispatch", dispatch)
    return seen


async def agency_pool(world: World) -> None:
    """The owner's pool ``agency`` in the server with the bot: 40 Connects, Sam a member."""
    g, owner = world.guild, world.owner
    await run(world, "pool create", owner, g, name="agency")
    await run(world, "pool topup", owner, g, name="agency", connects=40)
    await run(world, "pool add", owner, g, name="agency", member=world.member)


async def pool_balance(world: World) -> str:
    return (await run(world, "pool info", world.owner, world.guild, name="agency")).text()


async def test_a_user_install_answers_in_a_server_without_the_bot(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sam installed the app to their account and runs /balance in a server the bot is not in:
    the answer is their own wallet, ephemeral, and the core saw no community and no admin
    (Sam owns that server, which makes them admin of nothing here)."""
    sd, sam = world.standin, world.member
    bare = sd.add_guild("Bare", sam, bot=False)
    sd.install_to(sam)
    seen = actors(world, monkeypatch)
    rec = await sd.slash("balance", sam, bare)
    assert rec.owners == {"1": str(sam.id)}  # only Sam's install authorizes it
    sent = await rec.final()
    assert sent.ephemeral and sent.embeds[0]["title"] == "60 Connects"
    assert [(a.scope, a.is_admin) for a in seen] == [(None, False)]


async def test_without_an_install_nothing_is_offered(world: World) -> None:
    """Discord offers no command where neither the bot nor the user's own install is: the
    stand-in will not send one."""
    bare = world.standin.add_guild("Bare", world.outsider, bot=False)
    with pytest.raises(LookupError, match="not installed"):
        await world.standin.slash("balance", world.member, bare)


async def test_a_user_install_never_reaches_a_servers_pools(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack: a member runs commands installed to their account in a server whose pool they
    belong to, after the bot left it (or in any server without the bot), hoping to read or
    spend the pool with no one there to see it. Discord names no server install, so the
    actor has no community: /balance lists no pool, pool: is refused, autocomplete suggests
    none, and the pool keeps every Connect."""
    sd, sam, g = world.standin, world.member, world.guild
    await agency_pool(world)
    before = await pool_balance(world)
    assert "40" in before
    in_server = (await run(world, "balance", sam, g)).text()
    assert "agency" in in_server
    sd.install_to(sam)
    g.bot = False  # the server removed the bot; Sam's own install still runs there
    seen = actors(world, monkeypatch)
    mine = await run(world, "balance", sam, g)
    assert mine.ephemeral and "agency" not in mine.text()
    spend = await run(world, "bid", sam, g, job="Pool drain", connects=5, pool="agency")
    assert spend.ephemeral and not spend.embeds
    assert spend.content == NO_POOLS_HERE
    look = await run(world, "balance", sam, g, pool="agency")
    assert look.content == NO_POOLS_HERE
    suggested = await (await sd.autocomplete("bid", "pool", sam, g)).first()
    assert suggested.choices == []
    assert {a.scope for a in seen} == {None}
    g.bot = True
    assert await pool_balance(world) == before
    wallet = await run(world, "balance", sam, g)
    assert wallet.embeds[0]["title"] == "60 Connects"


async def test_a_guild_only_command_in_a_dm_is_refused(world: World) -> None:
    """Attack: /pool is offered in servers only, but a client with a stale command list (synced
    before the change) could still send it from a DM or a server without the bot. Each gets
    one private line and no pool is created anywhere."""
    sd, sam = world.standin, world.member
    sd.install_to(sam)
    bare = sd.add_guild("Bare", sam, bot=False)
    with pytest.raises(LookupError, match="context 1"):
        await sd.slash("pool create", sam, None, name="mine")
    sd.check_offers = False  # what Discord would not send, sent anyway
    in_dm = await run(world, "pool create", sam, None, name="mine")
    assert in_dm.ephemeral and not in_dm.embeds  # the core's line: pools belong to a server
    assert "server" in in_dm.content.lower()
    bare_server = await run(world, "pool create", sam, bare, name="mine")
    assert bare_server.ephemeral and bare_server.content == NO_POOLS_HERE
    sd.check_offers = True
    info = await run(world, "pool info", world.owner, world.guild, name="mine")
    assert "No pool named 'mine'" in info.text()


async def test_private_channels_answer_privately(world: World) -> None:
    """In a group DM (context 2) the bot is no member: only Sam's own install runs there, and
    every answer is ephemeral; public:true is kept private and says so in one line."""
    sd, sam = world.standin, world.member
    friends = sd.add_private(sam, world.outsider, world.owner)
    with pytest.raises(LookupError, match="not installed"):
        await sd.slash("balance", sam, friends)
    sd.install_to(sam)
    rec = await sd.slash("stats", sam, friends, public=True)
    assert rec.payload["context"] == 2 and rec.owners == {"1": str(sam.id)}
    sent = await rec.final()
    assert sent.ephemeral
    assert ONLY_YOU in sent.text()
    balance = await run(world, "balance", sam, friends)
    assert balance.ephemeral and balance.embeds[0]["title"] == "60 Connects"
    with pytest.raises(LookupError, match="context 2"):
        await sd.slash("plan", sam, friends)  # installed with the bot only: not offered here


async def test_public_stays_public_where_the_bot_is(world: World) -> None:
    """In a server with the bot, a user install changes nothing: Discord names both installs,
    the server is the community, and public:true posts to the channel."""
    sd, sam = world.standin, world.member
    sd.install_to(sam)
    rec = await sd.slash("stats", sam, world.guild, public=True)
    assert rec.owners == {"0": str(world.guild.id), "1": str(sam.id)}
    sent = await rec.final()
    assert not sent.ephemeral and ONLY_YOU not in sent.text()


async def test_quote_this_job_in_a_group_dm(world: World) -> None:
    """Quote this job, installed to Sam's account, quotes a friend's message in a group DM,
    privately."""
    sd, sam = world.standin, world.member
    sd.install_to(sam)
    friends = sd.add_private(sam, world.outsider)
    post = sd.user_message(world.outsider, "https://www.upwork.com/jobs/~01f00dcafe", friends)
    sent = await (await sd.message_command(QUOTE_THIS_JOB, post, sam, friends)).final()
    assert sent.ephemeral and sent.text()


async def test_form_and_buttons_without_the_bot(world: World) -> None:
    """/paste's form opens and answers in a server without the bot (the submission carries the
    installs that opened it); a bid placed there is Sam's own, and its Undo button works
    once, all within the follow-ups Discord allows."""
    sd, sam = world.standin, world.member
    sd.install_to(sam)
    bare = sd.add_guild("Bare", world.outsider, bot=False)
    modal = await (await sd.slash("paste", sam, bare)).first()
    assert modal.type == 9 and modal.owners == {"1": str(sam.id)}
    answer = await (await sd.submit(modal, sam, bare, post="Logo design\nBudget: $500")).final()
    assert answer.ephemeral and answer.text()
    placed = await run(world, "bid", sam, bare, job="Logo design", connects=6)
    assert placed.ephemeral and placed.embeds
    undo = button(placed, "undo")
    first = await (await sd.click(placed, undo, sam, bare)).final()
    assert first.text()
    wallet = await run(world, "balance", sam, bare)
    assert wallet.embeds[0]["title"] == "60 Connects"
    assert all("follow-up" not in v for v in sd.violations)


@pytest.mark.parametrize(
    ("place", "installed", "owners", "community"),
    [
        ("server with the bot", False, {"0"}, True),
        ("server with the bot", True, {"0", "1"}, True),
        ("server without the bot", True, {"1"}, False),
        ("bot's DM", False, {"0"}, False),
        ("bot's DM", True, {"0", "1"}, False),
        ("group DM", True, {"1"}, False),
        ("DM between two people", True, {"1"}, False),
    ],
)
async def test_every_place_and_install(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    place: str,
    installed: bool,
    owners: set[str],
    community: bool,
) -> None:
    """Where /stats public:true runs and who installed what decide the scope and who sees
    the answer: a community only in a server with the bot; public only where the bot is a
    member (its servers and its own DM, where public shows no one else)."""
    sd, sam = world.standin, world.member
    if installed:
        sd.install_to(sam)
    where: Where = {
        "server with the bot": world.guild,
        "server without the bot": sd.add_guild("Bare", world.outsider, bot=False),
        "bot's DM": None,
        "group DM": sd.add_private(sam, world.outsider),
        "DM between two people": sd.add_private(sam, world.outsider, group=False),
    }[place]
    seen = actors(world, monkeypatch)
    rec = await sd.slash("stats", sam, where, public=True)
    assert set(rec.owners) == owners
    sent = await rec.final()
    [actor] = seen
    assert (actor.scope is not None) == community
    assert actor.scope in (None, f"discord:{world.guild.id}")
    bot_is_member = place in ("server with the bot", "bot's DM")
    assert sent.ephemeral != bot_is_member
    assert (ONLY_YOU in sent.text()) != bot_is_member
