"""What a phone shows first of a reply, on each platform, and a story that makes every command
answer with realistic state (shared by tests/adapters/test_phone_screens.py and
bench/phone_width.py).

A reply's first screen is what lands before anyone presses Details: its headline, then its
lines and fields as each platform lays them out (the console's text, Discord's embed, Slack's
Block Kit sections). Each is read back as a reader sees it (escapes and zero-width spaces
removed), one entry per line on the screen.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.discord import render as discord_render
from adapters.slack import blocks as slack_blocks
from core.app import App
from core.base.keys import Actor
from core.interface.reply import Reply
from tests.adapters.post_text import discord_plain, slack_plain

POSTS = Path(__file__).parents[1] / "core" / "jobposts"
PLATFORMS = ("console", "discord", "slack")


@dataclass(frozen=True)
class Screen:
    """A reply's first screen on one platform: its headline and the lines under it."""

    command: str
    platform: str
    headline: str
    lines: tuple[str, ...]

    @property
    def widest(self) -> int:
        return max((len(x) for x in (self.headline, *self.lines)), default=0)


def console_screen(reply: Reply) -> tuple[str, list[str]]:
    """The console's text of the reply (buttons are lines of their own after it)."""
    text = reply.text().split("\n")
    return text[0], text[1:]


def discord_screen(reply: Reply) -> tuple[str, list[str]]:
    """Discord's embed: its title, the description's lines, then one line per field (name
    and value, as a phone stacks them: inline fields wrap to one a line on a narrow screen)."""
    msg = discord_render.message(reply)
    if msg.embed is None:  # a refusal: its line, or a headline and a line under it
        head, *rest = discord_plain(msg.content or "").split("\n")
        return head, rest
    embed = msg.embed
    lines = discord_plain(embed.description or "").split("\n") if embed.description else []
    for f in embed.fields:
        lines.append(discord_plain(f"{f.name}  {f.value}"))
    return discord_plain(embed.title or ""), lines


_SLACK_DATE = re.compile(r"<!date\^\d+\^\{date_short\}\|([^>]*)>")


def _slack_text(mrkdwn: str) -> str:
    return slack_plain(_SLACK_DATE.sub(r"\1", mrkdwn))


def slack_screen(reply: Reply) -> tuple[str, list[str]]:
    """Slack's blocks: the bold title, each section's lines, then one line per field."""
    msg = slack_blocks.render(reply)
    blocks: list[dict[str, Any]] = msg.get("blocks") or []
    if not blocks:  # a refusal: its line, or a headline and a line under it
        head, *rest = _slack_text(msg["text"]).split("\n")
        return head, rest
    headline = _slack_text(blocks[0]["text"]["text"]).strip("*")
    lines: list[str] = []
    for block in blocks[1:]:
        if block["type"] != "section":
            continue
        if "text" in block:
            lines.extend(_slack_text(block["text"]["text"]).split("\n"))
        for f in block.get("fields", []):
            name, _, value = _slack_text(f["text"]).partition("\n")
            lines.append(f"{name.strip('*')}  {value}")
    return headline, lines


SCREENS: dict[str, Callable[[Reply], tuple[str, list[str]]]] = {
    "console": console_screen,
    "discord": discord_screen,
    "slack": slack_screen,
}


def screens(command: str, reply: Reply) -> list[Screen]:
    """``reply``'s first screen on every platform."""
    out = []
    for platform, screen in SCREENS.items():
        headline, lines = screen(reply)
        out.append(Screen(command, platform, headline, tuple(lines)))
    return out


def post(name: str) -> str:
    return (POSTS / f"{name}.txt").read_text(encoding="utf-8")


#: Every command of the catalog, as a member with history types it: (label, command line).
#: The label names the case in reports (a command may appear more than once).
def story() -> list[tuple[str, str]]:
    return [
        ("quote typed", "/quote price:1500 size:large budget_type:fixed verified:true"),
        ("quote bare", "/quote"),
        ("quote post", f"/quote post:{post('desktop_current')}"),
        ("paste", f"/paste {post('mobile_app')}"),
        ("bid", '/bid job:"Logo for a bakery" connects:4 boost:2 rate_type:fixed rate:250'),
        ("bid post", f"/bid post:{post('desktop_fixed')}"),
        ("buy", "/buy connects:40"),
        ("reconcile", "/reconcile connects:100"),
        ("pool create", "/pool create name:agency"),
        ("pool topup", "/pool topup name:agency connects:80"),
        ("pool add", "/pool add name:agency member:ben"),
        ("pool allowance", "/pool allowance name:agency member:ben connects:20"),
        ("pool limits", "/pool limits name:agency member:ben daily:10"),
        ("pool threshold", "/pool threshold name:agency connects:20"),
        ("bid pool", '/bid job:"Landing page" pool:agency connects:5'),
        ("pool info", "/pool info name:agency"),
        ("refund", "/refund bid:{b1} reason:outbid"),
        ("outcome", "/outcome bid:{b2} status:viewed"),
        ("interview", "/interview bid:{b2}"),
        ("outcomes", "/outcomes"),
        ("spend", "/spend on:badge connects:10"),
        ("plan", "/plan name:plus day:15"),
        ("limits set", "/limits daily:20 weekly:80 boost:10"),
        ("limits", "/limits"),
        ("balance", "/balance"),
        ("history", "/history"),
        ("stats", "/stats"),
        ("model", "/model"),
        ("help", "/help"),
        ("help bid", "/help bid"),
        ("export", "/export"),
        ("notices", "/notices state:off"),
        ("undo", "/undo bid:{b3}"),
        ("void", "/void purchase:#2"),
        ("pool remove", "/pool remove name:agency member:ben"),
        ("error unknown", "/frob"),
        ("error option", "/quote size:huge"),
        ("error refund", "/refund bid:#99 reason:outbid"),
    ]


async def run_story(
    app: App, actor: Actor, run: Callable[[str, str], Awaitable[Reply]] | None = None
) -> list[tuple[str, Reply]]:
    """Every command of :func:`story` run in turn by ``actor`` (``{b1}``: the first bid it
    placed); (label, reply)."""
    out = []
    bids: dict[str, str] = {}
    for i, (label, template) in enumerate(story()):
        line = template.format(**bids) if "{b" in template else template
        if run is None:
            reply = await app.run_text(actor, line, f"phone-{i}")
        else:
            reply = await run(line, f"phone-{i}")
        if label.startswith("bid") and (m := re.match(r"Bid (#\d+)", reply.title)):
            bids[f"b{len(bids) + 1}"] = m.group(1)
        out.append((label, reply))
    return out
