"""Screenshots quoted on Slack, in both modes: uploaded in the paste form's ``file_input`` and
shared in the app's DM (``message.im``, ``file_share``), through slack-bolt against the
stand-in, which hosts the files behind the bot token as Slack does.

Attacks, each next to its test: a member hands the bot another member's file, a file of another
workspace, or a file object whose ``url_private`` points at a server of their choosing (to make
the bot fetch it with its token, or probe an internal address); a file too large (stated,
declared by Content-Length, or a stream that does not stop); a decompression bomb; a document
dressed as a screenshot. Each is refused in one line, and nothing is fetched that need not be.
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters.slack import shares
from adapters.slack.config import SlackConfig
from adapters.slack.manifest import METHOD_SCOPES
from adapters.slack.runner import manifest
from adapters.slack.shares import READING
from core.interface.uploads import MAX_BYTES
from tests.adapters.slack.helpers import Bot
from tests.core.screens_corpus import CORPUS
from tests.slack_standin import (
    OpenedView,
    SlackStandIn,
    dm_channel,
    event_body,
    file_share_event,
    message_text,
)

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels over a few bytes of data: what
    a decompression bomb looks like before it is decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return PNG_HEAD + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


async def open_paste(bot: Bot) -> OpenedView:
    """The paste form, opened by its global shortcut (its answer goes to the app's DM)."""
    before = len(bot.slack.views)
    await bot.driver.shortcut("USAM", "paste")
    views = await bot.slack.wait_views(before + 1)
    return views[-1]


async def dm_answers(bot: Bot, count: int = 1, within: float = 30.0) -> list[dict[str, Any]]:
    """The messages the bot posted (in a DM) as they read now, once ``count`` of them are
    answers (a placeholder counts once it was replaced by its answer)."""

    def answers() -> list[dict[str, Any]]:
        return [m.params for m in bot.slack.messages if m.params.get("text") != READING]

    await bot.slack.wait_for(lambda: len(answers()) >= count, within)
    return answers()


def only_line(message: dict[str, Any]) -> str:
    text = message_text(message).strip()
    assert "\n" not in text, text
    return text


@pytest.fixture
async def elsewhere() -> AsyncIterator[tuple[str, list[str]]]:
    """A server that is not Slack (an attacker's, or an internal service): its base URL and
    the paths anyone requested from it."""
    hits: list[str] = []

    async def record(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=(CORPUS / "phone-light-2x-c-1.png").read_bytes())

    app = web.Application()
    app.router.add_get("/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = getattr(site._server, "sockets", [])[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        await runner.cleanup()


# -- the form -----------------------------------------------------------------------------------


async def test_the_paste_form_offers_four_screenshots_under_its_text_box(bot: Bot) -> None:
    """The paste modal holds a file_input for up to four images (png, jpg, jpeg, webp, gif)
    under the text box, both optional (one or the other); the stand-in checked the modal
    against Slack's limits when it opened."""
    opened = await open_paste(bot)
    blocks = {b["block_id"]: b for b in opened.view["blocks"]}
    upload = blocks["image"]["element"]
    assert upload["type"] == "file_input" and upload["max_files"] == 4
    assert set(upload["filetypes"]) == {"png", "jpg", "jpeg", "webp", "gif"}
    assert blocks["post"]["optional"] is True and blocks["image"]["optional"] is True


async def test_the_form_submitted_empty_is_one_line_under_the_text(bot: Bot) -> None:
    """Neither text nor a screenshot: refused under the text box; the modal stays open."""
    ex = await bot.driver.submit_view(await open_paste(bot), {})
    assert ex.ack["response_action"] == "errors"
    assert "screenshots" in ex.ack["errors"]["post"]
    assert not bot.slack.calls_of("chat.postMessage")


async def test_text_and_screenshots_together_are_one_line_under_the_text(bot: Bot) -> None:
    """A post typed and screenshots uploaded in one submission: one or the other, said under
    the text box; nothing read."""
    shot = bot.slack.host_file("USAM", "a.png", png_bomb(10, 10))
    ex = await bot.driver.submit_view(await open_paste(bot), {"post": "A job", "image": [shot]})
    assert "not both" in ex.ack["errors"]["post"]
    assert not bot.app.services.screens.started


async def test_a_document_named_like_a_screenshot_is_refused_under_the_upload(bot: Bot) -> None:
    """Attack: a PDF renamed job.png (Slack's client takes it by its extension) to make the
    bot's workers decode it. Fetched with the token, refused by its bytes under the upload
    in one line; no worker starts."""
    doc = bot.slack.host_file("USAM", "job.png", b"%PDF-1.7 pretending", mimetype="image/png")
    ex = await bot.driver.submit_view(await open_paste(bot), {"image": [doc]})
    assert ex.ack["response_action"] == "errors"
    assert "job.png is not an image" in ex.ack["errors"]["image"]
    assert [f.authorized for f in bot.slack.fetches_of(doc["id"])] == [True]
    assert not bot.app.services.screens.started


async def test_another_members_upload_is_not_fetched(bot: Bot) -> None:
    """Attack: a member submits a file object of someone else's upload (kim's screenshot,
    say of a job kim keeps private). Refused by its uploader; never fetched."""
    theirs = bot.slack.host_file(
        "UKIM", "kims.png", (CORPUS / "phone-light-2x-c-1.png").read_bytes()
    )
    ex = await bot.driver.submit_view(await open_paste(bot), {"image": [theirs]})
    assert "kims.png was not shared by you" in ex.ack["errors"]["image"]
    assert bot.slack.fetches_of(theirs["id"]) == []


@pytest.mark.parametrize(
    "where",
    [
        "elsewhere",
        "https://files.slack.com.evil.test/files-pri/T0STAND-{id}/x.png",
        "http://files.slack.com/files-pri/T0STAND-{id}/x.png",
        "https://slack.com/files-pri/T0STAND-{id}/x.png",
        "{slack}/api/chat.postMessage?channel=DSAM&text=spam&x=/files-pri/T0STAND-{id}/",
        "{slack}/files-pri/T0STAND-{id}/../../api/auth.test",
        "{slack}/files-pri/T0STAND-{kims}/kims.png",
    ],
)
async def test_a_url_private_off_slacks_file_host_is_never_requested(
    bot: Bot, elsewhere: tuple[str, list[str]], where: str
) -> None:
    """Attack (SSRF): a file object whose url_private points at another server (one the
    member runs, or an internal address), at a look-alike host, at Slack's host without TLS
    or at Slack's API host, or, on the host the bot trusts, at a Web API method (a GET with
    the token would post a message) or another person's file. Refused in one line; no
    request leaves for it, so the bot token goes nowhere."""
    base, hits = elsewhere
    shot = bot.slack.host_file("USAM", "x.png", b"\x89PNG")
    kims = bot.slack.host_file("UKIM", "kims.png", b"\x89PNG")
    url = (
        f"{base}/files-pri/T0STAND-{shot['id']}/x.png"
        if where == "elsewhere"
        else where.format(slack=bot.slack.base_url, id=shot["id"], kims=kims["id"])
    )
    forged = {**shot, "url_private": url, "url_private_download": url}
    ex = await bot.driver.submit_view(await open_paste(bot), {"image": [forged]})
    assert "x.png is not on Slack's file host" in ex.ack["errors"]["image"]
    assert hits == [] and bot.slack.file_fetches == []
    # no link followed: slack_sdk GETs users.info, and POSTs auth.test and chat.postMessage
    assert {c.method for c in bot.slack.calls if c.verb == "GET"} <= {"users.info"}


# -- a share in the app's DM --------------------------------------------------------------------


async def test_a_shared_document_is_refused_unfetched(bot: Bot) -> None:
    """A PDF shared in the app's DM: refused by its type in one line, posted in that DM,
    never downloaded."""
    doc = bot.slack.host_file("USAM", "job.pdf", b"%PDF-1.7")
    await bot.driver.share_in_dm("USAM", [doc])
    [answer] = await dm_answers(bot)
    assert answer["channel"] == dm_channel("USAM")
    assert "job.pdf is not an image" in only_line(answer)
    assert bot.slack.fetches_of(doc["id"]) == []


async def test_only_a_persons_message_in_the_apps_dm_is_answered(bot: Bot) -> None:
    """The bot's own post, another bot's, an edit and a file shared in a channel are not
    answered, and nothing is fetched for them; a person's plain message in the DM gets one
    line saying what the DM is for, and a share is answered, each once."""
    shot = bot.slack.host_file("USAM", "a.gif", b"GIF89a", mimetype="application/zip")
    d, slack = bot.driver, bot.slack
    own = file_share_event(slack, "UBOT", [shot])
    by_bot = {**file_share_event(slack, "USAM", [shot]), "bot_id": "BOTHER"}
    edited = {**file_share_event(slack, "USAM", [shot]), "subtype": "message_changed"}
    in_channel = file_share_event(
        slack, "USAM", [shot], channel="C0GENERAL", channel_type="channel"
    )
    own_text = plain_event(slack, "UBOT", "Bid #1 placed")
    for event in (own, by_bot, edited, in_channel, own_text):
        assert await d.event(event_body(slack, event)) == 200
    assert await d.event(event_body(slack, plain_event(slack, "USAM", "hello?"))) == 200
    [hint] = await dm_answers(bot)
    assert "screenshots of an Upwork job page" in only_line(hint)
    assert "/connects help" in only_line(hint)
    await d.share_in_dm("USAM", [shot])
    [_, answer] = await dm_answers(bot, 2)
    assert "a.gif is not an image" in only_line(answer)
    assert slack.file_fetches == []


def plain_event(slack: SlackStandIn, user_id: str, text: str) -> dict[str, Any]:
    """A plain message (no subtype, no files) by ``user_id`` in the app's DM."""
    event = file_share_event(slack, user_id, [], text=text)
    for key in ("subtype", "files", "upload"):
        event.pop(key)
    return event


async def test_a_redelivered_share_is_answered_once(bot: Bot) -> None:
    """Slack redelivers an event it thinks was not acknowledged: one answer."""
    doc = bot.slack.host_file("USAM", "job.pdf", b"%PDF-1.7")
    body = await bot.driver.share_in_dm("USAM", [doc])
    await bot.driver.event(body, retry_num=1)
    await dm_answers(bot)
    await bot.driver.share_in_dm("USAM", [bot.slack.host_file("USAM", "b.txt", b"x")])
    answers = await dm_answers(bot, 2)
    assert [("job.pdf" in message_text(a), "b.txt" in message_text(a)) for a in answers] == [
        (True, False),
        (False, True),
    ]


async def test_more_than_four_images_in_one_message_are_refused_unfetched(bot: Bot) -> None:
    """Five images in one message: one line asking for up to four; none downloaded."""
    data = (CORPUS / "phone-light-2x-c-1.png").read_bytes()
    shots = [bot.slack.host_file("USAM", f"s{i}.png", data) for i in range(5)]
    await bot.driver.share_in_dm("USAM", shots)
    [answer] = await dm_answers(bot)
    assert "up to 4 screenshots" in only_line(answer)
    assert bot.slack.file_fetches == []


async def test_a_member_flooding_shares_is_refused_past_four_files_in_flight(bot: Bot) -> None:
    """Attack: a member shares message after message of 10 MB files to fill the bot's
    memory. With four of their files still being fetched (a slow download), their next
    share is refused in one line, unfetched; another member's share is not held up."""
    slack, gate = bot.slack, asyncio.Event()
    held = [slack.host_file("USAM", f"h{i}.png", b"%PDF", mimetype="image/png") for i in range(4)]
    for h in held:
        slack.hosted[h["id"]].hold = gate
    await bot.driver.share_in_dm("USAM", held)
    await slack.wait_for(lambda: len(slack.file_fetches) == 1)  # the first is downloading
    more = slack.host_file("USAM", "more.png", b"%PDF", mimetype="image/png")
    await bot.driver.share_in_dm("USAM", [more])
    kims = slack.host_file("UKIM", "kims.png", b"%PDF", mimetype="image/png")
    await bot.driver.share_in_dm("UKIM", [kims])
    texts = [message_text(m) for m in await dm_answers(bot, 2)]
    assert any("still being fetched" in t for t in texts), texts
    assert any("kims.png is not an image" in t for t in texts), texts
    gate.set()
    texts = [message_text(m) for m in await dm_answers(bot, 3)]
    assert any("h0.png is not an image" in t for t in texts), texts
    assert slack.fetches_of(more["id"]) == []


async def test_a_share_without_links_is_described_by_files_info(bot: Bot) -> None:
    """Slack leaves a file's links out of some events (``check_file_info``, as for a Slack
    Connect user's share): the bot asks files.info with the workspace's token, then fetches
    the file it describes; the bytes are then checked like any others."""
    doc = bot.slack.host_file("USAM", "job.png", b"%PDF-1.7", mimetype="image/png")
    bare = {"id": doc["id"], "mode": "file_access", "file_access": "check_file_info"}
    await bot.driver.share_in_dm("USAM", [{**bare, "created": 0, "timestamp": 0, "user": ""}])
    [answer] = await dm_answers(bot)
    assert "job.png is not an image" in only_line(answer)
    [info] = bot.slack.calls_of("files.info")
    assert info.params["file"] == doc["id"]
    assert [f.authorized for f in bot.slack.fetches_of(doc["id"])] == [True]


async def test_a_file_of_another_workspace_is_not_fetched(bot: Bot) -> None:
    """Attack: a member names a file id of another workspace in a share Slack left without
    links (``check_file_info``, as for a Slack Connect user): files.info with this
    workspace's token does not find it, and nothing is downloaded. A full file object whose
    uploader's workspace is another one is refused by it, unfetched."""
    other = bot.slack.host_file("USAM", "other.png", b"\x89PNG", team_id="T0OTHER")
    bare = {
        "id": other["id"],
        "mode": "file_access",
        "file_access": "check_file_info",
        "created": 0,
        "timestamp": 0,
        "user": "",
    }
    await bot.driver.share_in_dm("USAM", [bare])
    [first] = await dm_answers(bot)
    assert "could not be read from Slack" in only_line(first)
    [info] = bot.slack.calls_of("files.info")
    assert info.params["file"] == other["id"] and info.token == bot.slack.bot_token
    await bot.driver.share_in_dm("USAM", [other])
    [_, second] = await dm_answers(bot, 2)
    assert "other.png comes from another workspace" in only_line(second)
    assert bot.slack.file_fetches == []


async def test_a_file_the_token_does_not_open_is_refused_and_the_token_never_shown(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """A file object claiming this workspace for a file Slack keeps in another: Slack
    redirects the download to its sign-in page, which the bot does not follow; one line.
    The bot token is in no log line and no reply, through this and every refusal above."""
    caplog.set_level(logging.DEBUG)
    other = bot.slack.host_file("USAM", "locked.png", b"\x89PNG", team_id="T0OTHER")
    lying = {
        **other,
        "user_team": bot.slack.team_id,
        "url_private_download": other["url_private_download"].replace("T0OTHER", "T0STAND"),
    }
    await bot.driver.share_in_dm("USAM", [lying])
    [answer] = await dm_answers(bot)
    assert "locked.png could not be fetched from Slack" in only_line(answer)
    [fetch] = bot.slack.file_fetches
    assert fetch.authorized is False and bot.slack.sign_ins == 0  # the redirect not followed
    logged = "\n".join(r.getMessage() + repr(r.args) + (r.exc_text or "") for r in caplog.records)
    assert bot.slack.bot_token not in logged
    assert bot.slack.bot_token not in json.dumps(answer)


async def test_a_file_stated_over_ten_megabytes_is_refused_unfetched(bot: Bot) -> None:
    """Slack states the file's size: over 10 MB is refused before any download."""
    big = bot.slack.host_file("USAM", "big.png", b"\x89PNG", size=MAX_BYTES + 1)
    await bot.driver.share_in_dm("USAM", [big])
    [answer] = await dm_answers(bot)
    assert "big.png is over 10 MB" in only_line(answer)
    assert bot.slack.file_fetches == []


@pytest.mark.parametrize("how", ["declared", "endless"])
async def test_a_body_over_ten_megabytes_is_cut_at_ten(bot: Bot, how: str) -> None:
    """Attack: a file whose size Slack states small but whose body is not: a Content-Length
    over 10 MB is refused unread; a stream without a length that keeps going is cut at 10 MB
    (the server sends little past it: the bot hangs up)."""
    if how == "declared":
        shot = bot.slack.host_file("USAM", "lie.png", PNG_HEAD * 8, length=MAX_BYTES + 1)
    else:
        shot = bot.slack.host_file("USAM", "lie.png", PNG_HEAD, length=None, endless=True)
    await bot.driver.share_in_dm("USAM", [shot])
    [answer] = await dm_answers(bot)
    assert "lie.png is over 10 MB" in only_line(answer)
    hosted = bot.slack.hosted[shot["id"]]
    await asyncio.sleep(0)  # the server's last write finishes
    assert hosted.sent < 3 * MAX_BYTES, hosted.sent  # far short of its 64 MB
    assert not bot.app.services.screens.started


async def test_a_decompression_bomb_is_refused_undecoded(bot: Bot) -> None:
    """Attack: a PNG of a few bytes whose header claims 100,000 x 100,000 pixels. Refused
    by its header in one line; no worker starts, nothing is unpacked."""
    bomb = bot.slack.host_file("USAM", "bomb.png", png_bomb(100_000, 100_000))
    await bot.driver.share_in_dm("USAM", [bomb])
    [answer] = await dm_answers(bot)
    assert "bomb.png is over 40 megapixels" in only_line(answer)
    assert not bot.app.services.screens.started


def test_the_manifest_asks_for_what_screenshots_need() -> None:
    """The Messages tab takes messages (where screenshots are shared), the app hears its DM
    (message.im, with im:history), and may read files (files:read: files.info, url_private,
    a form's file_input)."""
    for config in (
        SlackConfig(mode="socket", bot_token="xoxb-1", app_token="xapp-1"),
        SlackConfig(mode="http", bot_token="xoxb-1", signing_secret="s"),
    ):
        m = manifest(config)
        assert m["features"]["app_home"]["messages_tab_read_only_enabled"] is False
        assert "message.im" in m["settings"]["event_subscriptions"]["bot_events"]
        assert {"files:read", "im:history"} <= set(m["oauth_config"]["scopes"]["bot"])
        assert METHOD_SCOPES["files.info"] == "files:read"


# -- read for real (seconds of recognition each) ------------------------------------------------


@pytest.mark.slow
async def test_screenshots_uploaded_in_the_paste_form_are_quoted(bot: Bot) -> None:
    """Two phone screens of one job uploaded in the form, no text typed: the modal closes,
    the screens are fetched with the token and read in order as one post, and the answer in
    the app's DM states the cost the job page shows."""
    case = json.loads((CORPUS / "phone-light-3x-a.json").read_text())
    shots = [bot.slack.host_file("USAM", n, (CORPUS / n).read_bytes()) for n in case["screens"]]
    ex = await bot.driver.submit_view(await open_paste(bot), {"image": shots})
    assert ex.ack == {"response_action": "clear"}
    [answer] = await dm_answers(bot, within=180)
    assert answer["channel"] == dm_channel("USAM")  # posted to USAM: Slack puts it in the DM
    want = case["truth"]["connects"]
    assert f"{want} Connects, stated by the post" in message_text(answer)
    assert [f.file_id for f in bot.slack.file_fetches] == [s["id"] for s in shots]
    assert all(f.authorized for f in bot.slack.file_fetches)


@pytest.mark.slow
async def test_a_screenshot_shared_in_the_apps_dm_is_quoted_there(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone screenshot shared in the app's DM: the event is acked at once, the image
    downloaded with the token and read; a placeholder says so meanwhile, and the answer
    replaces it in that DM, stating the cost the screenshot shows."""
    monkeypatch.setattr(shares, "PLACEHOLDER_AFTER", 0.0)  # however fast this machine reads
    case = json.loads((CORPUS / "phone-dark-3x-b.json").read_text())
    name = case["screens"][1]  # its last line states the cost
    shot = bot.slack.host_file("USAM", name, (CORPUS / name).read_bytes())
    await bot.driver.share_in_dm("USAM", [shot])
    [answer] = await dm_answers(bot, within=180)
    [posted] = bot.slack.messages
    assert posted.edits == 1 and len(bot.slack.calls_of("chat.postMessage")) == 1
    assert answer["channel"] == dm_channel("USAM")
    want = case["truth"]["connects"]
    assert f"{want} Connects, stated by the post" in message_text(answer)
    assert [f.authorized for f in bot.slack.fetches_of(shot["id"])] == [True]
