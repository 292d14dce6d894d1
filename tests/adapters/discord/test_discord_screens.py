"""A screenshot quoted on Discord: the ``image`` attachment option of /quote, through
discord.py against the stand-in (attachments resolved as Discord resolves them, bytes fetched
from its CDN route). The reply is deferred first; nothing of the image is kept."""

from __future__ import annotations

import json

import pytest

from tests.adapters.discord.helpers import World
from tests.adapters.discord.test_discord_forms import open_paste
from tests.core.screens_corpus import CORPUS

# the second screen of a phone case: its last line states the cost
CASE = json.loads((CORPUS / "phone-dark-3x-b.json").read_text())
SHOT = CORPUS / CASE["screens"][1]


@pytest.mark.slow
async def test_a_screenshot_attached_to_quote_is_quoted_from_its_stated_cost(
    world: World,
) -> None:
    """/quote image:<screenshot>: deferred privately at once, then the cost the screenshot
    states, as a pasted post's quote says it, with a Bid button."""
    sd, me, g = world.standin, world.member, world.guild
    shot = sd.upload(SHOT.name, SHOT.read_bytes())
    rec = await sd.slash("quote", me, g, image=shot)
    first = await rec.first()
    assert first.type == 5 and first.ephemeral  # deferred before the image is even fetched
    final = await rec.final(timeout=120)
    want = CASE["truth"]["connects"]
    assert final.embeds[0]["title"] == f"{want} Connects, stated by the post", final.text()
    assert sd.cdn_fetches == [shot["id"]]
    assert sd.violations == []


async def test_a_file_that_is_not_an_image_is_refused_in_one_line(world: World) -> None:
    """Attack: a member attaches a document named like a screenshot to make the bot's
    workers decode it. One private line; no worker starts."""
    sd, me, g = world.standin, world.member, world.guild
    shot = sd.upload("job.png", b"%PDF-1.7 pretending", content_type="image/png")
    final = await (await sd.slash("quote", me, g, image=shot)).final()
    assert final.ephemeral
    assert "job.png is not an image" in final.text() and "\n" not in final.text()
    assert not world.app.services.screens.started  # no worker decoded it


async def test_an_attachment_over_ten_megabytes_is_refused_unfetched(world: World) -> None:
    """An attachment Discord says is over 10 MB is refused by its stated size: the bot does not
    download it."""
    sd, me, g = world.standin, world.member, world.guild
    shot = sd.upload("huge.png", b"\x89PNG", size=11 * 1024 * 1024)
    final = await (await sd.slash("quote", me, g, image=shot)).final()
    assert "huge.png is over 10 MB" in final.text()
    assert sd.cdn_fetches == []


@pytest.mark.slow
async def test_screenshots_uploaded_in_the_paste_form_are_quoted(world: World) -> None:
    """/paste's form takes screenshots under its text box (discord.py's FileUpload in a
    label): two screens of one job uploaded, no text typed, quoted as one post."""
    sd, me, g = world.standin, world.member, world.guild
    form = await open_paste(sd, me, g)
    case = json.loads((CORPUS / "phone-light-3x-a.json").read_text())
    shots = [sd.upload(n, (CORPUS / n).read_bytes()) for n in case["screens"]]
    rec = await sd.submit(form, me, g, files={"image": shots})
    assert (await rec.first()).type == 5
    final = await rec.final(timeout=180)
    want = case["truth"]["connects"]
    assert final.embeds[0]["title"] == f"{want} Connects, stated by the post", final.text()
    assert sorted(sd.cdn_fetches) == sorted(s["id"] for s in shots)
    assert sd.violations == []


async def test_the_paste_form_without_text_or_screenshots_is_one_line(world: World) -> None:
    """Submitting the form empty (both fields are optional, one or the other) is one line."""
    sd, me, g = world.standin, world.member, world.guild
    final = await (await sd.submit(await open_paste(sd, me, g), me, g)).final()
    assert final.ephemeral and "\n" not in final.text().strip()
