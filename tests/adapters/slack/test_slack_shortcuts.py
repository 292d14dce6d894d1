"""Pasting a job post on Slack, in both modes, through the real bolt app and the real core:
the "Paste a job post" global shortcut and ``/connects paste`` open a modal, its submission runs
``/quote post:``, and the "Quote this job" message shortcut quotes a message's text.

The core does not read job posts yet (it refuses every post in one line), so the refusal is
what a submission gets, under the modal's input. The delivery of an answer that is not a
refusal, with its buttons, is tested with the real core's answer to another command (a bid,
whose Undo button reaches ``App.press``), and ``test_quote_of_a_pasted_post_once_the_core_reads
_posts`` covers the quote itself as soon as the core answers posts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pytest

from adapters.slack import interactions
from adapters.slack.blocks import parse_button_value
from core.base.keys import Actor
from core.interface.catalog import find
from core.interface.reply import Reply
from core.quotes.jobquote import NOT_A_POST
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import OpenedView, buttons_of, message_text

PASTE = find("paste")
assert PASTE is not None and PASTE.form is not None
FORM = PASTE.form

# What a user pastes: line breaks, quotes, colons that look like options, markup characters.
TYPED = (
    'Logo for a "bakery" – “rebrand”\n'
    "Budget: $500 fixed price: yes\n"
    "\n"
    "  Client: payment verified: yes, 4.9 ★ & <b>hires</b> *often*\n"
    "https://www.upwork.com/jobs/~01abcdef0123456789?source=rss&x=1"
)


class Calls:
    """What the adapter asked of the core (``App.dispatch``), in order."""

    def __init__(self) -> None:
        self.dispatched: list[tuple[str, dict[str, Any], str]] = []
        self.pressed: list[tuple[str, str]] = []


def spy(bot: Bot, monkeypatch: pytest.MonkeyPatch, *, post_as_bid: bool = False) -> Calls:
    """Record every dispatch and press of the real core. With ``post_as_bid`` a post is
    answered as the real core answers ``/bid`` of its first line (a reply with an Undo
    button), standing in for the quote the core does not give yet."""
    calls = Calls()
    dispatch, press = bot.app.dispatch, bot.app.press

    async def spied_dispatch(
        actor: Actor, command: str, args: Mapping[str, Any], request_id: str, *a: Any, **kw: Any
    ) -> Reply:
        calls.dispatched.append((command, dict(args), request_id))
        if post_as_bid and "post" in args:
            job = args["post"].splitlines()[0]
            return await dispatch(actor, "bid", {"job": job, "connects": 3}, request_id)
        return await dispatch(actor, command, args, request_id, *a, **kw)

    async def spied_press(actor: Actor, action: str, value: str, *a: Any, **kw: Any) -> Reply:
        calls.pressed.append((action, value))
        return await press(actor, action, value, *a, **kw)

    monkeypatch.setattr(bot.app, "dispatch", spied_dispatch)
    monkeypatch.setattr(bot.app, "press", spied_press)
    return calls


def text_input(opened: OpenedView) -> dict[str, Any]:
    """The form's text box: its first input (the screenshots' upload follows it,
    test_slack_screens.py)."""
    block, upload = opened.view["blocks"]
    assert block["type"] == upload["type"] == "input"
    assert upload["element"]["type"] == "file_input"
    return block


async def open_by_shortcut(bot: Bot) -> OpenedView:
    ex = await bot.driver.shortcut("USAM", "paste")
    assert (ex.status, ex.ack) == (200, {})
    [opened] = await bot.slack.wait_views()
    assert opened.trigger_id == ex.trigger_id
    return opened


async def open_by_command(bot: Bot, channel_id: str = "C0BIDS") -> OpenedView:
    ex = await bot.driver.command("USAM", "/connects", "paste", channel_id=channel_id)
    assert (ex.status, ex.ack) == (200, {}), ex.raw
    [opened] = await bot.slack.wait_views()
    assert opened.trigger_id == ex.trigger_id
    return opened


async def test_global_shortcut_opens_the_paste_modal(bot: Bot) -> None:
    """ "Paste a job post" opens the form as a modal: a multiline input named after the
    form's field, within Slack's 3,000 characters, with no channel to answer in."""
    opened = await open_by_shortcut(bot)
    view = opened.view
    assert view["callback_id"] == "paste"
    assert view["title"]["text"] == FORM.title
    assert view["submit"]["text"] == "Quote" and view["close"]["text"] == "Cancel"
    block = text_input(opened)
    element = block["element"]
    assert block["block_id"] == element["action_id"] == FORM.field == "post"
    assert block["label"]["text"] == FORM.label
    assert element["type"] == "plain_text_input" and element["multiline"] is True
    assert element["max_length"] == min(FORM.max_length, 3000) == 3000
    assert element["placeholder"]["text"] == FORM.placeholder
    assert "3,000" in block["hint"]["text"]  # the form takes more than Slack's input does
    assert json.loads(view["private_metadata"]) == {}
    [call] = bot.slack.calls_of("views.open")
    assert call.token == bot.slack.bot_token


async def test_connects_paste_without_text_opens_the_modal_for_its_channel(bot: Bot) -> None:
    """``/connects paste`` alone opens the same modal, remembering the channel it was typed
    in; with a post after it, the core reads the post as usual (no modal)."""
    opened = await open_by_command(bot, "C0BIDS")
    assert json.loads(opened.view["private_metadata"]) == {"channel": "C0BIDS"}
    assert text_input(opened)["block_id"] == "post"
    typed = await bot.driver.run("USAM", "/connects", "paste Logo for a bakery, $500")
    assert typed["response_type"] == "ephemeral" and "\n" not in typed["text"]
    assert len(bot.slack.views) == 1


async def test_a_form_that_cannot_open_says_so(bot: Bot) -> None:
    """When Slack refuses the modal (an expired trigger id), the command answers in one
    line how else to paste the post."""
    bot.slack.fail_next("views.open", "expired_trigger_id")
    ex = await bot.driver.command("USAM", "/connects", "paste")
    [line] = await bot.slack.wait_posts(ex.response_url)
    assert "expired_trigger_id" in line["text"] and "/connects paste" in line["text"]
    assert bot.slack.views == []


@pytest.mark.parametrize("opener", ["shortcut", "command"])
async def test_the_submission_reaches_the_core_as_typed(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, opener: str
) -> None:
    """The typed post reaches ``/quote post:`` exactly (line breaks, quotes, colons, markup),
    with the submission's trigger id as the request id; the modal closes and the quote is
    delivered once."""
    calls = spy(bot, monkeypatch)
    opened = await (open_by_shortcut(bot) if opener == "shortcut" else open_by_command(bot))
    ex = await bot.driver.submit_view(opened, {"post": TYPED})
    assert ex.status == 200
    assert calls.dispatched == [("quote", {"post": TYPED}, ex.trigger_id)]
    assert ex.ack == {"response_action": "clear"}  # a post: the quote is delivered
    where = "chat.postMessage" if opener == "shortcut" else "chat.postEphemeral"  # DM / channel
    [quote] = await bot.slack.wait_calls(where)
    assert "Logo for a" in quote.params["text"]


@pytest.mark.parametrize("opener", ["shortcut", "command"])
async def test_a_refusal_stays_in_the_modal(bot: Bot, opener: str) -> None:
    """The core's refusal of a text that is no job post comes back as ``response_action:
    errors`` on the input, in one line; nothing is posted and nothing changes."""
    opened = await (open_by_shortcut(bot) if opener == "shortcut" else open_by_command(bot))
    before = await bot.ledger()
    refused = await bot.driver.submit_view(opened, {"post": "Hi <b>all</b>, any tips?"})
    assert refused.ack["response_action"] == "errors" and list(refused.ack["errors"]) == ["post"]
    line = refused.ack["errors"]["post"]
    assert line == NOT_A_POST and "\n" not in line and "&lt;" not in line
    assert await bot.ledger() == before
    assert not bot.slack.calls_of("chat.postEphemeral")
    assert not bot.slack.calls_of("chat.postMessage")


async def test_a_late_answer_closes_the_modal_then_arrives_in_the_channel(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer not ready within the submission's budget closes the modal at once and comes
    after it: here the refusal, as one private line in the channel."""
    dispatch = bot.app.dispatch

    async def slow(*args: Any, **kwargs: Any) -> Reply:
        await asyncio.sleep(0.2)
        return await dispatch(*args, **kwargs)

    monkeypatch.setattr(bot.app, "dispatch", slow)
    monkeypatch.setattr(interactions, "SUBMIT_BUDGET", 0.05)
    opened = await open_by_command(bot, "C0BIDS")
    ex = await bot.driver.submit_view(opened, {"post": "A post"})
    assert ex.ack == {"response_action": "clear"}
    [posted] = await bot.slack.wait_calls("chat.postEphemeral")
    assert posted.params["channel"] == "C0BIDS" and posted.params["user"] == "USAM"
    assert posted.params["text"] == NOT_A_POST and not posted.params.get("blocks")


def same_buttons(delivered: dict[str, Any], typed: dict[str, Any]) -> None:
    """The delivered reply's buttons are laid out as the slash command's reply's are."""
    ours, theirs = buttons_of(delivered), buttons_of(typed)
    assert [(b["text"], b.get("style"), b["action_id"]) for b in ours] == [
        (b["text"], b.get("style"), b["action_id"]) for b in theirs
    ]
    assert [parse_button_value(b["value"])[0] for b in ours] == [
        parse_button_value(b["value"])[0] for b in theirs
    ]
    assert [b["type"] for b in delivered["blocks"]] == [b["type"] for b in typed["blocks"]]


@pytest.mark.parametrize("opener", ["shortcut", "command"])
async def test_an_answer_is_delivered_with_buttons_that_reach_the_core(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, opener: str
) -> None:
    """A submission the core answers (here with the real reply to a bid) closes the modal and
    is delivered privately, in the channel of ``/connects paste`` or the user's DM for the
    global shortcut, rendered as the slash command's reply is; its Undo reaches
    ``App.press``."""
    calls = spy(bot, monkeypatch, post_as_bid=True)
    opened = await (open_by_shortcut(bot) if opener == "shortcut" else open_by_command(bot))
    ex = await bot.driver.submit_view(opened, {"post": "Logo for a bakery\nBudget: $500"})
    assert ex.ack == {"response_action": "clear"}
    if opener == "command":
        [call] = await bot.slack.wait_calls("chat.postEphemeral")
        assert (call.params["channel"], call.params["user"]) == ("C0BIDS", "USAM")
    else:
        [call] = await bot.slack.wait_calls("chat.postMessage")
        assert call.params["channel"] == "USAM"  # Slack posts it in the app's DM
    delivered = call.params
    assert "Bid #1 placed" in message_text(delivered) and "Logo for a bakery" in message_text(
        delivered
    )
    assert await bot.balance_of("USAM") == 57
    typed = await bot.driver.run("USAM", "/bid", "job:Other connects:1")
    same_buttons(delivered, typed)
    [undo] = buttons_of(delivered)
    click = await bot.driver.click("USAM", undo)
    [undone] = await bot.slack.wait_posts(click.response_url)
    assert undone["replace_original"] is True and "Bid #1" in message_text(undone)
    assert calls.pressed and calls.pressed[0][0] == "undo"
    assert await bot.balance_of("USAM") == 59


async def test_a_channel_slack_refuses_gets_the_answer_in_the_dm(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the channel refuses the private answer (the app is not in it), the answer goes
    to the user's direct messages instead."""
    spy(bot, monkeypatch, post_as_bid=True)
    opened = await open_by_command(bot, "G0PRIVATE")
    bot.slack.fail_next("chat.postEphemeral", "channel_not_found")
    await bot.driver.submit_view(opened, {"post": "Banner"})
    [dm] = await bot.slack.wait_calls("chat.postMessage")
    assert dm.params["channel"] == "USAM" and "Bid #1 placed" in message_text(dm.params)
    assert buttons_of(dm.params)


async def test_a_redelivered_submission_is_one_request(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same submission delivered twice (one trigger id, one envelope in Socket Mode)
    is one request: a change it makes happens once, and it is answered once."""
    calls = spy(bot, monkeypatch, post_as_bid=True)
    opened = await open_by_command(bot)
    for retry in (0, 1):
        ex = await bot.driver.submit_view(
            opened,
            {"post": "Twice"},
            trigger_id="42.42.same",
            envelope_id="env-same",
            retry_num=retry,
        )
        assert ex.ack == {"response_action": "clear"}
    await bot.slack.wait_calls("chat.postEphemeral", 1)
    with pytest.raises(TimeoutError):
        await bot.slack.wait_calls("chat.postEphemeral", 2, within=1.0)
    assert [r for _, _, r in calls.dispatched] == ["42.42.same", "42.42.same"]
    assert await bot.balance_of("USAM") == 57
    assert len(await bot.bids_of("USAM")) == 1


UNFURLED = {
    "text": (
        "Logo &amp; brand for a bakery &lt;urgent&gt;\n"
        "Budget: $500 <https://www.upwork.com/jobs/~01abcdef0123456789|job post> cc <@UKIM|kim>"
    ),
    "attachments": [
        {
            "fallback": "Upwork: Logo design for a bakery",
            "service_name": "Upwork",
            "title": "Logo design for a bakery - Upwork",
            "title_link": "https://www.upwork.com/jobs/~01abcdef0123456789",
            "from_url": "https://www.upwork.com/jobs/~01abcdef0123456789",
            "text": "Fixed price: $500 · Payment verified · $20K+ spent",
        }
    ],
}
UNFURLED_TEXT = (
    "Logo & brand for a bakery <urgent>\n"
    "Budget: $500 https://www.upwork.com/jobs/~01abcdef0123456789 cc @kim\n"
    "Logo design for a bakery - Upwork\n"
    "Fixed price: $500 · Payment verified · $20K+ spent"
)


async def test_message_shortcut_quotes_the_message_through_response_url(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Quote this job" on a message sends its text, as people read it, with what its link's
    unfurl adds, to ``/quote post:``; the answer comes privately through the shortcut's
    ``response_url``."""
    calls = spy(bot, monkeypatch)
    ex = await bot.driver.message_shortcut("USAM", "quote_message", UNFURLED)
    assert (ex.status, ex.ack) == (200, {})
    [answer] = await bot.slack.wait_posts(ex.response_url)
    assert calls.dispatched == [("quote", {"post": UNFURLED_TEXT}, ex.trigger_id)]
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert answer["text"].startswith("about 7-26 Connects, heuristic")  # states no cost
    assert answer.get("blocks")


async def test_message_shortcut_reads_blocks_when_a_message_has_no_text(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message made only of rich text blocks is read from them, links as their URLs."""
    calls = spy(bot, monkeypatch)
    message = {
        "text": "",
        "blocks": [
            {
                "type": "rich_text",
                "block_id": "b1",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "Shop redesign\nBudget: "},
                            {"type": "text", "text": "$1,500", "style": {"bold": True}},
                        ],
                    },
                    {
                        "type": "rich_text_list",
                        "style": "bullet",
                        "elements": [
                            {
                                "type": "rich_text_section",
                                "elements": [
                                    {"type": "link", "url": "https://www.upwork.com/jobs/~02"}
                                ],
                            }
                        ],
                    },
                ],
            }
        ],
    }
    ex = await bot.driver.message_shortcut("USAM", "quote_message", message)
    await bot.slack.wait_posts(ex.response_url)
    [(_, args, _)] = calls.dispatched
    assert args == {"post": "Shop redesign\nBudget: $1,500\nhttps://www.upwork.com/jobs/~02"}


async def test_message_shortcut_on_a_message_without_text_says_so(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message with nothing to read (an image) gets one private line saying how else to
    paste the post; the core is not asked."""
    calls = spy(bot, monkeypatch)
    message = {"text": "", "files": [{"id": "F1", "name": "screenshot.png"}]}
    ex = await bot.driver.message_shortcut("USAM", "quote_message", message)
    [answer] = await bot.slack.wait_posts(ex.response_url)
    assert answer["response_type"] == "ephemeral" and "\n" not in answer["text"]
    assert "no text" in answer["text"] and "Paste a job post" in answer["text"]
    assert "/connects paste" in answer["text"] and "screenshots in my DM" in answer["text"]
    assert calls.dispatched == []


async def test_message_shortcut_answer_keeps_its_buttons(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A message shortcut's answer that is not a refusal (here the real reply to a bid) is
    rendered as the slash command's reply is, and its Undo reaches ``App.press``."""
    calls = spy(bot, monkeypatch, post_as_bid=True)
    ex = await bot.driver.message_shortcut("USAM", "quote_message", {"text": "Poster design"})
    [answer] = await bot.slack.wait_posts(ex.response_url)
    assert "Bid #1 placed" in message_text(answer)
    same_buttons(answer, await bot.driver.run("USAM", "/bid", "job:Other connects:1"))
    [undo] = buttons_of(answer)
    click = await bot.driver.click("USAM", undo)
    await bot.slack.wait_posts(click.response_url)
    assert calls.pressed[0][0] == "undo"
    assert await bot.balance_of("USAM") == 59


POST = (
    "Logo design for a bakery\n"
    "Fixed-price · Budget: $500 · Intermediate\n"
    "Payment method verified · 4.9 of 5 reviews · $20K+ total spent · 75% hire rate\n"
    "Required Connects to submit a proposal: 12 · Available Connects: 40\n"
    "https://www.upwork.com/jobs/~01abcdef0123456789"
)


async def test_quote_of_a_pasted_post_and_its_bid_button(bot: Bot) -> None:
    """The quote of a pasted post, from the modal and from a message shortcut on the user's
    own message: a private reply stating the post's cost, with Bid and Set-to buttons; Bid
    places that bid once."""
    opened = await open_by_command(bot)
    ex = await bot.driver.submit_view(opened, {"post": POST})
    assert ex.ack == {"response_action": "clear"}
    [call] = await bot.slack.wait_calls("chat.postEphemeral")
    own = {"text": POST, "user": "USAM"}
    shortcut = await bot.driver.message_shortcut("USAM", "quote_message", own)
    [answer] = await bot.slack.wait_posts(shortcut.response_url)
    for delivered in (call.params, answer):
        assert "12 Connects, stated by the post" in message_text(delivered)
        actions = {parse_button_value(b["value"])[0] for b in buttons_of(delivered)}
        assert {"bid", "reconcile"} <= actions
    first = buttons_of(answer)[0]
    assert parse_button_value(first["value"])[0] == "bid"
    click = await bot.driver.click("USAM", first)
    [clicked] = await bot.slack.wait_posts(click.response_url)
    assert "Bid #1 placed" in message_text(clicked)
    again = await bot.driver.click("USAM", first)
    [replayed] = await bot.slack.wait_posts(again.response_url)
    assert "Bid #1 placed" in message_text(replayed)
    assert await bot.balance_of("USAM") == 60 - 12


async def test_a_post_showing_two_costs_is_quoted_without_a_bid_button(bot: Bot) -> None:
    """Attack: a message whose post shows two costs (a second, cheaper one planted beside
    Upwork's) is quoted by someone else's "Quote this job": the reply says what it found and
    offers no button that would pick one; /bid post: without connects: is refused."""
    two = POST.replace(
        "Required Connects to submit a proposal: 12 ·",
        "Required Connects to submit a proposal: 12 · Send a proposal for: 2 Connects ·",
    )
    shortcut = await bot.driver.message_shortcut("USAM", "quote_message", {"text": two})
    [answer] = await bot.slack.wait_posts(shortcut.response_url)
    text = message_text(answer)
    assert "The post shows two costs, 12 and 2; bid with connects:." in text
    assert "bid" not in {parse_button_value(b["value"])[0] for b in buttons_of(answer)}
    assert await bot.balance_of("USAM") == 60
