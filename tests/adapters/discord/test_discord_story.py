"""The bot through discord.py against the stand-in, with the real core behind it."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from core.app import App
from core.base.keys import scope_of
from core.interface.reply import Reply
from core.quotes import learning
from tests.adapters.discord.helpers import Clock, World, button
from tests.core.learning.synthetic import community, insert
from tests.discord_standin import Guild, Sent, User


async def run(
    world: World, command: str, user: User, guild: Guild | None, /, **options: object
) -> Sent:
    """Run a slash command and return what the user finally sees."""
    rec = await world.standin.slash(command, user, guild, **options)
    return await rec.final()


def balance_of(sent: Sent) -> int:
    title = sent.embeds[0]["title"]
    match = re.match(r"(-?\d+) Connects?", title)
    assert match, title
    return int(match[1])


async def test_quote_is_a_private_embed(world: World) -> None:
    """/quote answers at once with a private embed naming the Connects a job costs."""
    sent = await (
        await world.standin.slash("quote", world.member, world.guild, price=500, size="large")
    ).first()
    assert sent.type == 4
    assert sent.ephemeral
    assert sent.embeds[0]["title"].endswith(" Connects, heuristic")
    assert sent.embeds[0]["title"].startswith("about ")  # today's default: a rough range
    assert "Rough: paste the post for its cost" in sent.text()
    # how rough, on request: a private answer beside it
    details = [b["custom_id"] for b in sent.buttons() if b["custom_id"].startswith("cb:details:")]
    more = await (await world.standin.click(sent, details[0], world.member, world.guild)).final()
    assert more.ephemeral and "recent posts state" in more.text()


async def test_quote_bid_balance_refund_balance(world: World) -> None:
    """The whole story: a bid costs its quote, a refund gives it back, balances follow."""
    quote = await run(world, "quote", world.member, world.guild, price=500, size="small")
    assert quote.embeds[0]["title"].startswith("about ")  # no stated cost: a range
    cost = 9  # the cost the job page states, typed
    before = balance_of(await run(world, "balance", world.member, world.guild))
    assert before == 60  # the welcome grant

    bid = await run(
        world,
        "bid",
        world.member,
        world.guild,
        job="Logo for a bakery",
        connects=cost,
        price=500,
        size="small",
    )
    assert bid.ephemeral
    assert bid.embeds[0]["title"].startswith("Bid #")
    assert button(bid, "undo")  # Undo offered on a fresh bid
    after_bid = balance_of(await run(world, "balance", world.member, world.guild))
    assert after_bid == before - cost

    bid_id = bid.embeds[0]["title"].split("#")[1].split()[0]
    refund = await run(
        world, "refund", world.member, world.guild, bid=f"#{bid_id}", reason="client_cancelled"
    )
    assert refund.embeds[0]["title"] == f"Refunded {cost} Connect{'s' if cost != 1 else ''}"
    assert balance_of(await run(world, "balance", world.member, world.guild)) == before


async def test_undo_button_changes_state_once(world: World) -> None:
    """Undo gives the Connects back and updates the message; a second click changes nothing."""
    sd = world.standin
    bid = await run(world, "bid", world.member, world.guild, job="Shop", connects=4)
    undo = button(bid, "undo")
    first = await (await sd.click(bid, undo, world.member, world.guild)).final()
    assert first.type == 7  # the bid message itself now says it was undone
    assert "undone" in first.text()
    assert first.buttons() == []
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 60
    await (await sd.click(bid, undo, world.member, world.guild)).final()
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 60


async def test_overspend_is_refused_with_one_private_line(world: World) -> None:
    """A bid above the balance changes nothing and gets one ephemeral line, no embed."""
    for i in range(6):
        await run(world, "bid", world.member, world.guild, job=f"Job {i}", connects=10)
    refused = await run(world, "bid", world.member, world.guild, job="One more", connects=5)
    assert refused.ephemeral
    assert refused.embeds == []
    assert "\n" not in refused.content and refused.content
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 0


async def test_bad_options_get_one_line(world: World) -> None:
    """Unknown bids, other people's bids and pools outside the server are plain refusals."""
    bid = await run(world, "bid", world.member, world.guild, job="Mine", connects=2)
    bid_id = bid.embeds[0]["title"].split("#")[1].split()[0]
    for sent in (
        await run(world, "refund", world.member, world.guild, bid="#999999", reason="completed"),
        await run(
            world, "refund", world.outsider, world.guild, bid=f"#{bid_id}", reason="completed"
        ),
        await run(world, "refund", world.member, world.guild, bid="twelve", reason="completed"),
        await run(world, "bid", world.member, world.guild, job="x", connects=2, pool="nope"),
    ):
        assert sent.ephemeral and sent.embeds == [] and sent.content
        assert sent.content.count("\n") <= 1  # a line, or a headline and a short line
        assert "Traceback" not in sent.content


async def test_same_interaction_twice_charges_once(world: World) -> None:
    """One interaction delivered twice at the same moment spends once; the bot keeps going."""
    sd = world.standin
    payload = sd.slash_payload("bid", world.member, world.guild, job="Twice", connects=7)
    rec = await sd.send(payload, times=2)
    await rec.first()
    await sd.wait_for(lambda: rec.rejected, timeout=10)
    assert rec.rejected == ["already acknowledged"]
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 53


async def test_pool_story_two_members_and_an_outsider(world: World) -> None:
    """Owner creates and funds a pool, adds a member; the outsider cannot use it; a second bid
    on the same job asks to confirm first and the Confirm button places it."""
    owner, member, outsider, g = world.owner, world.member, world.outsider, world.guild
    created = await run(world, "pool create", owner, g, name="agency")
    assert created.embeds[0]["title"] == "Pool agency created"
    await run(world, "pool topup", owner, g, name="agency", connects=80)
    added = await run(world, "pool add", owner, g, name="agency", member=member)
    assert "added to pool agency" in added.text()

    bid = await run(world, "bid", member, g, job="Agency site", connects=6, pool="agency")
    assert "from pool agency" in bid.text() or "agency" in bid.text()

    refused = await run(world, "bid", outsider, g, job="Sneaky", connects=1, pool="agency")
    assert refused.embeds == [] and refused.ephemeral
    not_admin = await run(world, "pool add", member, g, name="agency", member=outsider)
    assert not_admin.embeds == []

    dup = await run(world, "bid", owner, g, job="Agency site", connects=6, pool="agency")
    assert dup.embeds[0]["title"] == "Already bid on this job"
    info = await run(world, "pool info", owner, g, name="agency")
    assert info.embeds[0]["title"] == "Pool agency: 74 Connects"  # nothing spent yet
    confirm = button(dup, "confirm")
    placed = await (await world.standin.click(dup, confirm, owner, g)).final()
    assert placed.embeds[0]["title"].startswith("Bid #")
    info = await run(world, "pool info", owner, g, name="agency")
    assert info.embeds[0]["title"] == "Pool agency: 68 Connects"


async def test_manage_server_members_are_pool_admins(world: World) -> None:
    """A member with Manage Server may add members to a pool they do not own."""
    g = world.guild
    await run(world, "pool create", world.owner, g, name="team")
    added = await run(world, "pool add", world.admin, g, name="team", member=world.member)
    assert added.embeds and "added to pool team" in added.embeds[0]["title"]


async def test_personal_wallet_is_the_same_everywhere(world: World) -> None:
    """A bid in one server shows in the wallet in a DM and in another server; pools do not."""
    await run(world, "bid", world.member, world.guild, job="Anywhere", connects=5)
    assert balance_of(await run(world, "balance", world.member, None)) == 55
    assert balance_of(await run(world, "balance", world.member, world.other_guild)) == 55
    in_dm = await run(world, "bid", world.member, None, job="From a DM", connects=1, pool="x")
    assert in_dm.embeds == [] and in_dm.content  # no pools in a DM


async def test_autocomplete_bids_newest_first_and_pools(world: World) -> None:
    """Bid suggestions read '#N job, cost', newest first; pool suggestions list the user's."""
    sd, g = world.standin, world.guild
    await run(world, "bid", world.member, g, job="First job", connects=2)
    await run(world, "bid", world.member, g, job="Second job", connects=3, boost=1)
    rec = await sd.autocomplete("refund", "bid", world.member, g)
    sent = await rec.first()
    assert sent.type == 8
    names = [c["name"] for c in sent.choices]
    assert re.fullmatch(r"#\d+ Second job, 4", names[0])
    assert re.fullmatch(r"#\d+ First job, 2", names[1])
    assert sent.choices[0]["value"].startswith("#")

    await run(world, "pool create", world.owner, g, name="alpha")
    pools = await (await sd.autocomplete("bid", "pool", world.owner, g, job="x")).first()
    assert [c["value"] for c in pools.choices] == ["alpha"]
    none = await (await sd.autocomplete("bid", "pool", world.outsider, g, job="x")).first()
    assert none.choices == []


async def test_history_chart_is_deferred_and_attached(world: World) -> None:
    """/history defers first, then edits the reply with a PNG chart shown in the embed."""
    await run(world, "bid", world.member, world.guild, job="Charted", connects=3)
    rec = await world.standin.slash("history", world.member, world.guild, chart=True)
    assert (await rec.first()).type == 5
    final = await rec.final()
    assert final.kind == "edit"
    assert final.ephemeral
    name, _, data = final.files[0]
    assert name.endswith(".png") and data.startswith(b"\x89PNG")
    assert final.embeds[0]["image"]["url"] == f"attachment://{name}"


async def test_export_is_a_private_csv(world: World) -> None:
    """/export defers, then sends the ledger as a CSV file."""
    await run(world, "bid", world.member, world.guild, job="Exported job", connects=3)
    rec = await world.standin.slash("export", world.member, world.guild)
    assert (await rec.first()).type == 5
    final = await rec.final()
    name, _, data = final.files[0]
    assert name.endswith(".csv")
    assert b"Exported job" in data


async def test_public_stats_are_visible_to_the_channel(world: World) -> None:
    """/stats public:true is not ephemeral; by default it is."""
    public = await run(world, "stats", world.member, world.guild, public=True)
    private = await run(world, "stats", world.member, world.guild)
    assert not public.ephemeral
    assert private.ephemeral


async def test_unexpected_exception_gets_an_apology(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash in the core is logged with the interaction id; the user sees a short apology."""

    async def broken(*args: object, **kwargs: object) -> Reply:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(world.app, "dispatch", broken)
    with caplog.at_level(logging.ERROR, logger="connects.discord"):
        rec = await world.standin.slash("balance", world.member, world.guild)
        sent = await rec.final()
    assert sent.ephemeral and sent.content.startswith("Sorry")
    assert "fire" not in sent.content
    assert any(str(rec.id) in r.getMessage() for r in caplog.records)


async def test_slow_core_is_deferred(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply not ready in time is deferred, then delivered by editing the original."""
    real = world.app.dispatch
    gate = asyncio.Event()

    async def slow(*args: object, **kwargs: object) -> Reply:
        await gate.wait()
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(world.app, "dispatch", slow)
    rec = await world.standin.slash("balance", world.member, world.guild)
    assert (await rec.first()).type == 5  # deferred while the core is still busy
    gate.set()
    final = await rec.final()
    assert final.kind == "edit" and balance_of(final) == 60


async def test_failed_response_is_not_fatal(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """An expired interaction token is logged and the bot answers the next command."""
    world.standin.fail_next_callbacks = 1
    with caplog.at_level(logging.WARNING, logger="connects.discord"):
        rec = await world.standin.slash("balance", world.member, world.guild)
        await world.standin.wait_for(lambda: rec.rejected)
        async with asyncio.timeout(10):
            while not any(str(rec.id) in r.getMessage() for r in caplog.records):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    assert not world.task.done()
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 60


async def test_token_never_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing the adapter or discord.py logs contains the bot token."""
    with caplog.at_level(logging.DEBUG):
        await run(world, "balance", world.member, world.guild)
    assert world.standin.token not in caplog.text


def test_app_is_real(world: World) -> None:
    """These tests run the real core, not a double."""
    assert type(world.app) is App


async def test_someone_elses_undo_changes_nothing(world: World) -> None:
    """Only the author can undo: another user's click is refused and the bid stands."""
    sd = world.standin
    bid = await run(world, "bid", world.member, world.guild, job="Mine only", connects=4)
    other = await (await sd.click(bid, button(bid, "undo"), world.owner, world.guild)).final()
    assert other.ephemeral and other.embeds == [] and other.content
    assert other.type == 4  # a private line; the author's message is left as it was
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 56


async def test_unknown_command_gets_one_line(world: World) -> None:
    """A command Discord still shows but the bot no longer has gets a friendly line."""
    sd = world.standin
    payload = sd.slash_payload("help", world.member, world.guild)
    payload["data"]["name"] = "retired"
    sent = await (await sd.send(payload)).final()
    assert sent.ephemeral and "changed" in sent.content


async def test_gateway_drop_is_survived(world: World) -> None:
    """When Discord closes the gateway connection the bot reconnects and keeps answering."""
    sd = world.standin
    await sd.drop_sessions()
    await sd.wait_ready(timeout=30)
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 60
    assert not world.task.done()


async def test_undo_only_for_a_few_minutes(world: World, clock: Clock) -> None:
    """After the undo window a click on Undo is refused in one line and the bid stands."""
    sd = world.standin
    bid = await run(world, "bid", world.member, world.guild, job="Too late", connects=4)
    clock.now += 6 * 60
    late = await (await sd.click(bid, button(bid, "undo"), world.member, world.guild)).final()
    assert late.type == 4 and late.ephemeral and late.embeds == [] and late.content
    assert balance_of(await run(world, "balance", world.member, world.guild)) == 56


async def test_help_lists_only_what_discord_offers(world: World) -> None:
    """/help on Discord names the slash commands Discord has; /undo and /confirm are buttons
    here, so they are not listed (the console and Slack list them)."""
    sent = await run(world, "help", world.member, world.guild)
    text = sent.text()
    assert "/quote" in text and "/bid" in text and " paste" in text
    assert "undo" not in text.split() and "confirm" not in text.split()


async def test_pool_members_and_channel_render_as_mentions(world: World) -> None:
    """The core names members and channels as tokens; Discord shows them as mentions."""
    g, owner = world.guild, world.owner
    channel = 1_250_000_000_000_000_778
    await run(world, "pool create", owner, g, name="crew")
    await run(world, "pool add", owner, g, name="crew", member=world.member)
    await run(world, "pool threshold", owner, g, name="crew", connects=5, channel=channel)
    info = await run(world, "pool info", owner, g, name="crew")
    names = [f["name"] for f in info.embeds[0]["fields"]]
    assert f"<@{owner.id}> (owner)" in names and f"<@{world.member.id}>" in names
    assert f"Warns below 5 in <#{channel}>" in info.embeds[0]["description"]


async def test_typed_values_read_exactly_or_are_refused(world: World) -> None:
    """Discord sends typed values: a job title with every special character is stored as
    typed; an amount with more precision than cents is refused in one line, nothing bought."""
    title = 'Fix the payload parser: 100% & "more" — ¿qué? 🥐'
    bid = await run(world, "bid", world.member, world.guild, job=title, connects=2)
    assert bid.embeds[0]["title"].startswith("Bid #")
    assert bid.embeds[0]["description"].splitlines()[0] == title
    refused = await run(world, "buy", world.member, world.guild, connects=10, paid=1.505)
    assert refused.ephemeral and "more precision than cents" in refused.content
    assert "\n" not in refused.content
    bought = await run(world, "buy", world.member, world.guild, connects=10, paid=1.5)
    assert "$1.50 paid" in bought.embeds[0]["description"]
    help_reply = await run(world, "help", world.member, world.guild, command="pool allowance")
    assert "unlimited" in help_reply.text()


async def test_a_server_with_a_fitted_model_gets_learned_quotes(world: World) -> None:
    """Once the server's own stated bids are fitted, /quote is labelled learned, with its
    sample and error; another server still gets the heuristic."""
    scope = scope_of("discord", str(world.guild.id))
    now = world.app.services.clock()
    await insert(world.app.store, community(60, now, seed=5), scope)
    model = await learning.fit(world.app.store, world.app.config, scope, now)
    assert model.in_use, model.reason
    sent = await run(world, "quote", world.member, world.guild, price=1000, verified=True)
    assert sent.embeds[0]["title"].endswith(" Connects, learned")
    assert ", 60 bids" in sent.text() and "Typical error ±" in sent.text()
    other = await run(world, "quote", world.outsider, world.other_guild, price=1000)
    assert other.embeds[0]["title"].endswith(" Connects, heuristic")
