"""Screenshots on Discord beyond /quote: ``/bid`` with its ``image`` attachment option, and
"Quote this job" on a message with images, through discord.py against the stand-in (attachments
as Discord resolves them, bytes from its CDN route). Attachments are fetched only from the
configured CDN origins, never past 10 MB: the attacks are here beside the stories."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.discord import cdn
from core.interface.uploads import MAX_BYTES
from tests.adapters.discord.helpers import World
from tests.core.screens_corpus import CORPUS, COST_DIGITS, smudged

QUOTE_THIS_JOB = "Quote this job"
A = json.loads((CORPUS / "phone-light-3x-a.json").read_text())
B = json.loads((CORPUS / "phone-dark-3x-b.json").read_text())
JOB_URL = "https://www.upwork.com/jobs/~01f00dcafe12345678"


async def balance(world: World) -> str:
    sent = await (await world.standin.slash("balance", world.member, world.guild)).final()
    return sent.text()


@pytest.mark.slow
async def test_bid_with_a_screenshot_spends_the_cost_it_states(world: World) -> None:
    """/bid job:… image:<the screen with the cost>: deferred privately at once, then placed
    at the cost the screenshot states, and the wallet down by exactly that."""
    sd, me, g = world.standin, world.member, world.guild
    shot = sd.upload(B["screens"][1], (CORPUS / B["screens"][1]).read_bytes())
    rec = await sd.slash("bid", me, g, job=JOB_URL, image=shot)
    first = await rec.first()
    assert first.type == 5  # deferred before the image is even fetched
    final = await rec.final(timeout=120)
    cost = B["truth"]["connects"]
    assert "Bid #1 placed" in final.text(), final.text()
    assert f"{cost} Connects from your wallet" in final.text()
    assert sd.cdn_fetches == [shot["id"]]
    assert f"{60 - cost} Connects" in await balance(world)
    assert sd.violations == []


@pytest.mark.slow
async def test_bid_on_a_smudged_cost_is_refused_and_nothing_is_spent(world: World) -> None:
    """Attack: the cost's digits blurred, hoping the bot spends a guess. One private line
    naming the cost's line and asking for connects:; the wallet keeps its 60."""
    sd, me, g = world.standin, world.member, world.guild
    data = smudged((CORPUS / A["screens"][1]).read_bytes(), COST_DIGITS)
    shot = sd.upload("blurred.png", data)
    final = await (await sd.slash("bid", me, g, job=JOB_URL, image=shot)).final(timeout=120)
    said = final.text()
    assert "Not read clearly: 'Required Connects to submit a proposal:" in said, said
    assert "add connects:" in said and final.ephemeral
    assert "60 Connects" in await balance(world)
    assert sd.violations == []


@pytest.mark.slow
async def test_quote_this_job_reads_a_messages_screenshots_with_its_text(world: World) -> None:
    """A message with the job's link and two screenshots: both fetched, read in order after
    the text, quoted as one post (the stated cost, and the link as the Bid button's job);
    the answer is private."""
    sd, me, g = world.standin, world.member, world.guild
    shots = [sd.upload(n, (CORPUS / n).read_bytes()) for n in A["screens"]]
    target = sd.user_message(me, f"this one? {JOB_URL}", g, attachments=shots)
    rec = await sd.message_command(QUOTE_THIS_JOB, target, me, g)
    assert (await rec.first()).type == 5
    final = await rec.final(timeout=180)
    cost = A["truth"]["connects"]
    assert final.embeds[0]["title"] == f"{cost} Connects, stated by the post", final.text()
    assert final.ephemeral
    assert sd.cdn_fetches == [s["id"] for s in shots]
    bid = [b for b in final.buttons() if b.get("label") == f"Bid {cost} Connects"]
    assert bid, final.buttons()
    assert sd.violations == []


async def test_a_message_with_files_that_are_not_images_is_quoted_by_its_text(
    world: World,
) -> None:
    """Only image attachments are screenshots: a message's PDF is not fetched; without text
    the message gets the one line it got before."""
    sd, me, g = world.standin, world.member, world.guild
    pdf = sd.upload("brief.pdf", b"%PDF-1.7", content_type="application/pdf")
    target = sd.user_message(me, "", g, attachments=[pdf])
    final = await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()
    assert final.content.startswith("That message holds no text to quote")
    assert sd.cdn_fetches == []


@pytest.fixture
async def elsewhere() -> AsyncIterator[tuple[str, list[str]]]:
    """A server on the bot's own network that is not Discord's CDN (an internal service, a
    cloud metadata endpoint): its origin, and every path asked of it."""
    asked: list[str] = []

    async def serve(request: web.Request) -> web.Response:
        asked.append(request.path)
        return web.Response(body=b"secret internal data", content_type="image/png")

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        await runner.cleanup()


async def test_an_attachment_url_off_the_cdn_is_never_fetched(
    world: World, elsewhere: tuple[str, list[str]]
) -> None:
    """Attack (server-side request forgery): an attachment whose URL points at another host
    on the bot's network, in a message and in /quote's option, hoping the bot fetches it and
    shows what it read. One line each; the other host is never asked; no worker starts."""
    sd, me, g = world.standin, world.member, world.guild
    origin, asked = elsewhere
    shot = sd.upload("job.png", (CORPUS / A["screens"][1]).read_bytes())
    forged = {**shot, "url": f"{origin}/latest/meta-data/", "proxy_url": f"{origin}/x"}
    target = sd.user_message(me, "", g, attachments=[forged])
    final = await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()
    assert "job.png is not on Discord's CDN, so it was not fetched" in final.text()
    assert "\n" not in final.text().strip()
    final = await (await sd.slash("quote", me, g, image=forged)).final()
    assert "not on Discord's CDN" in final.text()
    assert asked == [] and sd.cdn_fetches == []
    assert not world.app.services.screens.started


async def test_a_message_image_over_ten_megabytes_is_refused_unfetched(world: World) -> None:
    """A message's screenshot Discord says is over 10 MB is refused by its stated size: the
    bot does not download it."""
    sd, me, g = world.standin, world.member, world.guild
    huge = sd.upload("huge.png", b"\x89PNG", size=MAX_BYTES + 1)
    target = sd.user_message(me, JOB_URL, g, attachments=[huge])
    final = await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()
    assert "huge.png is over 10 MB" in final.text() and final.ephemeral
    assert sd.cdn_fetches == []


async def test_a_download_past_ten_megabytes_is_cut_off(world: World) -> None:
    """Attack: an attachment whose stated size is small but whose bytes are not (a CDN, or
    whatever answers for it, sending more than was said), to fill the bot's memory. The
    download stops past 10 MB; one line; no worker decodes anything."""
    sd, me, g = world.standin, world.member, world.guild
    shot = sd.upload("job.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 1), size=2048)
    final = await (await sd.slash("bid", me, g, job=JOB_URL, image=shot)).final()
    assert "job.png is over 10 MB" in final.text()
    assert not world.app.services.screens.started
    assert "60 Connects" in await balance(world)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cdn.discordapp.com/attachments/1/2/shot.png", True),
        ("https://media.discordapp.net/attachments/1/2/shot.png?width=400", True),
        ("https://CDN.discordapp.com:443/attachments/1/2/shot.png", True),
        ("http://cdn.discordapp.com/attachments/1/2/shot.png", False),  # not over TLS
        ("https://cdn.discordapp.com.evil.example/shot.png", False),
        ("https://cdn.discordapp.com@169.254.169.254/latest/meta-data/", False),
        ("https://user:pw@cdn.discordapp.com/shot.png", False),
        ("https://cdn.discordapp.com:8443/shot.png", False),
        ("https://169.254.169.254/latest/meta-data/", False),
        ("file:///etc/passwd", False),
        ("//cdn.discordapp.com/shot.png", False),
        ("not a url", False),
    ],
)
def test_only_discords_cdn_origins_are_allowed(url: str, ok: bool) -> None:
    """An attachment URL is fetched only on one of the CDN's origins: scheme, host and port
    exactly (a look-alike host, a user name before an internal host, another port or scheme
    are not)."""
    assert cdn.allowed(url, cdn.DISCORD_CDN) is ok


async def test_a_refused_attachment_stops_every_fetch(world: World) -> None:
    """Of a message's screenshots, one off the CDN refuses them all before any is fetched."""
    sd, me, g = world.standin, world.member, world.guild
    good = sd.upload("a.png", (CORPUS / A["screens"][0]).read_bytes())
    bad = {**sd.upload("b.png", b"x"), "url": "https://example.com/b.png"}
    target = sd.user_message(me, "", g, attachments=[good, bad])
    final = await (await sd.message_command(QUOTE_THIS_JOB, target, me, g)).final()
    assert "b.png is not on Discord's CDN" in final.text()
    await asyncio.sleep(0)
    assert sd.cdn_fetches == []
