"""/paste's form (a modal), its submission, and the "Quote this job" message command, through
discord.py against the stand-in, with the real core behind them."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from adapters.discord import forms, runner
from bot.platforms import serve
from core.app import App
from core.base.keys import Actor
from core.interface.catalog import BY_NAME, MESSAGE_ACTIONS
from core.interface.reply import Reply
from tests.adapters.discord.helpers import World, button, discord_config
from tests.discord_standin import DiscordStandin, Guild, SpecChecker, User, modal_problems

PASTE = BY_NAME["paste"]
FORM = PASTE.form
assert FORM is not None
QUOTE_THIS_JOB = MESSAGE_ACTIONS[0].name
POST = (
    'Senior Python developer: "async" APIs\n'
    "Budget: $500 — fixed price\n"
    "\n"
    "Questions: what's your rate? key:value pairs, 100% remote\n"
    "  indented line with trailing spaces   "
)
JOB_URL = "https://www.upwork.com/jobs/~01f00dcafe"


@dataclasses.dataclass
class Call:
    command: str
    args: dict[str, Any]
    request_id: str


def spy(world: World, monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Record every command the adapter sends the core (and run it)."""
    calls: list[Call] = []
    real = world.app.dispatch

    async def dispatch(
        actor: Actor, command: str, args: Mapping[str, Any], request_id: str, *a: Any, **kw: Any
    ) -> Reply:
        calls.append(Call(command, dict(args), request_id))
        return await real(actor, command, args, request_id, *a, **kw)

    monkeypatch.setattr(world.app, "dispatch", dispatch)
    return calls


async def open_paste(sd: DiscordStandin, user: User, guild: Guild | None) -> Any:
    modal = await (await sd.slash("paste", user, guild)).first()
    assert modal.type == 9, modal.data
    return modal


async def test_paste_opens_its_form_as_a_modal(world: World) -> None:
    """/paste takes no options on Discord: it answers with a modal (callback type 9) built from
    the catalog's form, two labels (Discord deprecated text inputs in action rows): a paragraph
    input and, under it, a file upload for screenshots (each optional: one or the other),
    checked against Discord's OpenAPI file."""
    sd = world.standin
    modal = await open_paste(sd, world.member, world.guild)
    assert modal.data["custom_id"] == "connects:form:paste"
    assert modal.data["title"] == FORM.title
    [label, upload] = modal.data["components"]
    assert upload["type"] == 18 and upload["component"]["type"] == 19  # a label, a file upload
    assert upload["component"]["custom_id"] == FORM.image
    assert upload["component"]["max_values"] == 4 and upload["component"]["required"] is False
    assert label["type"] == 18 and label["label"] == FORM.label
    field = {k: v for k, v in label["component"].items() if v is not None}
    assert field == {
        "type": 4,
        "custom_id": FORM.field,
        "style": 2,  # paragraph
        "placeholder": FORM.placeholder,
        "max_length": 4000,
        "required": False,
    }
    body = {"type": 9, "data": modal.data}
    assert SpecChecker().check("POST", "/interactions/1/t/callback", body, "application/json") == []
    assert modal_problems(modal.data) == []
    assert sd.violations == []


def test_the_old_layout_is_refused() -> None:
    """The stand-in holds the bot to the new layout: a text input in an action row, or a
    label on the input itself, is a problem, though the OpenAPI file still takes both."""
    row = {"type": 1, "components": [{"type": 4, "custom_id": "post", "style": 2, "label": "x"}]}
    assert modal_problems({"components": [row]})
    inner = {"type": 4, "custom_id": "post", "style": 2, "label": "twice"}
    assert modal_problems({"components": [{"type": 18, "label": "x", "component": inner}]})


async def test_submitted_post_reaches_the_core_as_typed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text typed into the form runs /quote post: exactly as typed (newlines, quotes,
    colons, spaces), keyed by the submission's interaction id; the answer is private."""
    sd = world.standin
    calls = spy(world, monkeypatch)
    modal = await open_paste(sd, world.member, world.guild)
    rec = await sd.submit(modal, world.member, world.guild, post=POST)
    sent = await rec.final()
    assert calls == [Call("quote", {"post": POST}, str(rec.id))]
    assert sent.kind == "callback" and sent.type == 4 and sent.ephemeral
    assert "post" in sent.text().lower()


async def test_form_in_a_dm(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The form works in a DM with the bot too."""
    calls = spy(world, monkeypatch)
    modal = await open_paste(world.standin, world.member, None)
    sent = await (await world.standin.submit(modal, world.member, None, post=JOB_URL)).final()
    assert [c.args for c in calls] == [{"post": JOB_URL}]
    assert sent.ephemeral and sent.text()


async def test_blank_form_is_one_line(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A form holding only spaces and line breaks gets one private line; the core is not asked."""
    calls = spy(world, monkeypatch)
    modal = await open_paste(world.standin, world.member, world.guild)
    sent = await (
        await world.standin.submit(modal, world.member, world.guild, post=" \n\t ")
    ).final()
    assert sent.ephemeral and sent.embeds == [] and "\n" not in sent.content
    assert "empty" in sent.content
    assert calls == []


async def test_form_the_bot_no_longer_has_is_one_line(world: World) -> None:
    """A form of a command the catalog no longer has (open in someone's client during an
    upgrade) gets one line saying to run the command again."""
    modal = await open_paste(world.standin, world.member, world.guild)
    retired = dataclasses.replace(modal, data={**modal.data, "custom_id": "connects:form:retired"})
    sent = await (await world.standin.submit(retired, world.member, world.guild, post="x")).final()
    assert sent.ephemeral and "run the command again" in sent.content


async def test_slow_answer_to_a_form_is_deferred_privately(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A submission the core is slow to answer is deferred (privately), then edited in."""
    real = world.app.dispatch
    gate = asyncio.Event()

    async def slow(*args: Any, **kwargs: Any) -> Reply:
        await gate.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(world.app, "dispatch", slow)
    modal = await open_paste(world.standin, world.member, world.guild)
    rec = await world.standin.submit(modal, world.member, world.guild, post=POST)
    first = await rec.first()
    assert first.type == 5 and first.ephemeral
    gate.set()
    final = await rec.final()
    assert final.kind == "edit" and final.ephemeral and "post" in final.text().lower()


async def test_form_opened_before_a_restart_still_answers(
    standin: DiscordStandin, discord_app: App
) -> None:
    """The modal's custom id routes its submission: a bot started after the form was opened
    answers it (nothing waits in the memory of the process that opened it)."""
    owner = standin.add_user("Olive")
    guild = standin.add_guild("Agency", owner)

    async def running() -> tuple[asyncio.Event, asyncio.Task[None]]:
        stop = asyncio.Event()
        platform = runner.DiscordPlatform(discord_app, discord_config(standin))
        task = asyncio.create_task(serve(discord_app, [platform], stop))
        await standin.wait_ready()
        return stop, task

    stop, task = await running()
    modal = await open_paste(standin, owner, guild)
    stop.set()
    await asyncio.wait_for(task, 10)
    await standin.wait_for(lambda: not standin.sessions)
    stop, task = await running()
    sent = await (await standin.submit(modal, owner, guild, post=POST)).final()
    assert sent.type == 4 and sent.ephemeral and "post" in sent.text().lower()
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_quote_this_job_on_a_pasted_post(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message command runs /quote post: with the message's text; the answer is private."""
    sd = world.standin
    calls = spy(world, monkeypatch)
    target = sd.user_message(world.owner, POST, world.guild)
    rec = await sd.message_command(QUOTE_THIS_JOB, target, world.member, world.guild)
    sent = await rec.final()
    assert calls == [Call("quote", {"post": POST}, str(rec.id))]
    assert sent.type == 4 and sent.ephemeral and "post" in sent.text().lower()


async def test_quote_this_job_on_an_unfurled_link(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message whose job link lives only in an embed (as Discord unfurls it, or a bot
    posts it) still gives the core the job's URL, with the embed's title and text."""
    sd = world.standin
    calls = spy(world, monkeypatch)
    embed = {
        "type": "link",
        "url": JOB_URL,
        "title": "Python developer for an API - Upwork",
        "description": "Hourly: $40-$60 · Expert · Est. time: 1 to 3 months",
        "fields": [{"name": "Client", "value": "Payment verified", "inline": True}],
    }
    target = sd.user_message(world.owner, "", world.guild, embeds=[embed])
    sent = await (
        await sd.message_command(QUOTE_THIS_JOB, target, world.member, world.guild)
    ).final()
    [call] = calls
    text = call.args["post"]
    assert JOB_URL in text and "Python developer for an API" in text
    assert "Hourly: $40-$60" in text and "Client: Payment verified" in text
    assert sent.ephemeral and sent.text()


async def test_quote_this_job_on_an_empty_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message without text (an image, a sticker) gets one private line; the core is not
    asked."""
    sd = world.standin
    calls = spy(world, monkeypatch)
    target = sd.user_message(world.owner, "", world.guild)
    sent = await (
        await sd.message_command(QUOTE_THIS_JOB, target, world.member, world.guild)
    ).final()
    assert sent.ephemeral and sent.embeds == [] and "\n" not in sent.content
    assert sent.content.startswith("That message holds no text to quote")
    assert "/paste" in sent.content
    assert calls == []


async def test_quote_this_job_in_a_dm(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The message command works on a message in a DM with the bot."""
    calls = spy(world, monkeypatch)
    target = world.standin.user_message(world.member, JOB_URL)
    sent = await (
        await world.standin.message_command(QUOTE_THIS_JOB, target, world.member, None)
    ).final()
    assert [c.args for c in calls] == [{"post": JOB_URL}] and sent.ephemeral


def bid_instead_of_quote(world: World, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Until the core reads posts, a post placed as a bid stands in for a reply with buttons
    (a bid's Undo); every press is recorded on its way to the core."""
    real_dispatch, real_press = world.app.dispatch, world.app.press
    pressed: list[tuple[str, str]] = []

    async def dispatch(
        actor: Actor, command: str, args: Mapping[str, Any], request_id: str, *a: Any, **kw: Any
    ) -> Reply:
        if command == "quote" and "post" in args:
            job = str(args["post"]).splitlines()[0][:80]
            return await real_dispatch(
                actor, "bid", {"job": job, "connects": 3}, request_id, *a, **kw
            )
        return await real_dispatch(actor, command, args, request_id, *a, **kw)

    async def press(actor: Actor, action: str, value: str, *a: Any, **kw: Any) -> Reply:
        pressed.append((action, value))
        return await real_press(actor, action, value, *a, **kw)

    monkeypatch.setattr(world.app, "dispatch", dispatch)
    monkeypatch.setattr(world.app, "press", press)
    return pressed


def layout(sent: Any) -> list[list[tuple[Any, ...]]]:
    """A message's buttons without their ids: rows of (type, style, label)."""
    return [
        [(c["type"], c["style"], c["label"]) for c in row["components"]]
        for row in sent.data.get("components") or []
    ]


@pytest.mark.parametrize("via", ["form", "message command"])
async def test_buttons_on_a_form_or_message_reply_reach_press(
    world: World, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    """A reply to a form or a message command shows its buttons as a slash command's reply
    does, and a click on one reaches the core's press."""
    sd, me, g = world.standin, world.member, world.guild
    pressed = bid_instead_of_quote(world, monkeypatch)
    slash = await (await sd.slash("bid", me, g, job="By slash", connects=3)).final()
    if via == "form":
        rec = await sd.submit(await open_paste(sd, me, g), me, g, post="Logo job\nmore")
    else:
        target = sd.user_message(world.owner, "Logo job\nmore", g)
        rec = await sd.message_command(QUOTE_THIS_JOB, target, me, g)
    reply = await rec.final()
    assert reply.ephemeral and reply.embeds[0]["title"].startswith("Bid #")
    assert layout(reply) == layout(slash) != []
    undo = button(reply, "undo")
    done = await (await sd.click(reply, undo, me, g)).final()
    assert pressed == [("undo", undo.split(":", 2)[2])]
    assert done.type == 7 and "undone" in done.text()


async def test_help_lists_paste_and_the_message_command(world: World) -> None:
    """/help on Discord names paste and the message command with where to find it on its
    first screen, every other command Discord offers in its details; /help paste explains
    the form instead of options."""
    sent = await (await world.standin.slash("help", world.member, world.guild)).final()
    lines = sent.embeds[0]["description"].splitlines()
    assert any("paste" in line.split() for line in lines) and len(lines) <= 8
    assert lines[-1] == "/help bid explains one command"
    action = MESSAGE_ACTIONS[0]
    assert lines[-2] == f"{action.name}: message menu → Apps"
    more = await (
        await world.standin.click(sent, button(sent, "details"), world.member, world.guild)
    ).final()
    assert "pool" in more.text().split() and "undo" not in more.text().split()
    one = await world.standin.slash("help", world.member, world.guild, command="paste")
    text = (await one.final()).text()
    assert text.startswith("/paste — ")
    assert "Opens a form" in text and "4,000 characters" in text
    assert "Quote this job (message menu → Apps)" in text
    assert "post (optional)" not in text  # no option to type on Discord
    other = await world.standin.slash("help", world.member, world.guild, command="bid")
    assert "job" in (await other.final()).text()


def test_submitted_text_is_found_in_either_layout() -> None:
    """A text input's value is read from an action row or from a label (Discord's newer
    modal layout); an input that is not there is None."""
    row = {
        "type": 1,
        "id": 1,
        "components": [{"type": 4, "id": 2, "custom_id": "post", "value": "a"}],
    }
    label = {
        "type": 18,
        "id": 1,
        "component": {"type": 4, "id": 2, "custom_id": "post", "value": "b"},
    }
    assert forms.submitted({"components": [row]}, "post") == "a"
    assert forms.submitted({"components": [{"type": 10, "id": 3}, label]}, "post") == "b"
    assert forms.submitted({"components": [row]}, "other") is None
    assert forms.submitted({}, "post") is None


def test_form_ids_name_catalog_forms_only() -> None:
    """Only a command that has a form is found by its modal's custom id."""
    assert forms.form_command(forms.form_id(PASTE)) is PASTE
    assert forms.form_command("connects:form:balance") is None  # no form
    assert forms.form_command("connects:form:") is None
    assert forms.form_command("cb:undo:1") is None


PAGE = (
    "Senior Python developer for a scraping tool\n"
    "Hourly: $25-$40\n"
    "Required Connects to submit a proposal: 13\n"
    "Available Connects: 11\n"
    "Payment method verified\n"
    "https://www.upwork.com/jobs/~01abcdef1234567890\n"
)


async def test_a_pasted_post_quotes_and_its_bid_button_bids_once(world: World) -> None:
    """The form's quote is the stated cost with Bid and Set-to buttons; Bid places exactly
    that bid (a second click replays it). Upwork showed 11 and the wallet held 60: after the
    bid of 13, matching Upwork would leave -2, so it is refused and changes nothing."""
    sd, me, g = world.standin, world.member, world.guild
    rec = await sd.submit(await open_paste(sd, me, g), me, g, post=PAGE)
    quote = await rec.final()
    assert quote.ephemeral
    assert quote.embeds[0]["title"] == "13 Connects, stated by the post"
    bid = button(quote, "bid")
    placed = await (await sd.click(quote, bid, me, g)).final()
    assert placed.type == 7 and placed.embeds[0]["title"] == "Bid #1 placed"
    again = await (await sd.click(quote, bid, me, g)).final()
    assert again.embeds[0]["title"] == "Bid #1 placed"
    assert "13 Connects from your wallet" in placed.text()
    reconcile = button(quote, "reconcile")
    done = await (await sd.click(quote, reconcile, me, g)).final()
    assert done.ephemeral and "Upwork showed 11 before bid #1" in done.text()
    assert "would leave -2" in done.text()
    assert sd.violations == []


async def test_quote_this_job_on_a_job_page_message(world: World) -> None:
    """The message command on a message holding a job page answers with its stated cost."""
    sd, me, g = world.standin, world.member, world.guild
    target = sd.user_message(world.owner, PAGE, g)
    reply = await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()
    assert reply.ephemeral and reply.embeds[0]["title"] == "13 Connects, stated by the post"
    assert button(reply, "bid")
