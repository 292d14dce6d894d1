"""The Home tab's view and the many-workspaces manifest, without a running bot."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import home, manifest
from adapters.slack.config import SlackConfig
from core.base.keys import Actor, UserRef
from core.interface.reply import Button, ButtonStyle, Reply
from tests.slack_standin import validate_blocks

ACTOR = Actor(UserRef("slack:T1:U1", "u1"), "slack:T1")


class FakeCore:
    """Two replies as large as asked (a stand-in for the core's; the view is what is tested)."""

    def __init__(self, lines: int, buttons: int, fields: int) -> None:
        self.lines, self.buttons, self.fields = lines, buttons, fields

    async def run_text(self, actor: Actor, line: str, request_id: str) -> Reply:
        return Reply(
            f"{line}: 57 Connects",
            [f"pool {i} · 12 left of 20" for i in range(self.lines)],
            fields=[(f"field {i}", "1") for i in range(self.fields)],
        )

    async def latest_bids(self, actor: Actor, request_id: str) -> Reply:
        buttons = [
            Button(f"#{i} Hired", "outcome", f"{i:010x}-hired", ButtonStyle.PRIMARY, row=i)
            for i in range(self.buttons)
        ]
        return Reply(
            "Your bids awaiting news", [f"#{i}" for i in range(self.lines)], buttons=buttons
        )


@given(lines=st.integers(0, 400), buttons=st.integers(0, 25), fields=st.integers(0, 40))
async def test_the_home_view_is_valid_and_at_most_100_blocks(
    lines: int, buttons: int, fields: int
) -> None:
    """Whatever the size of the replies it is made of, the view is a home view of at most
    100 valid blocks (slack_sdk's models) with unique block ids, starting with the paste
    button, and says when it was shortened."""
    view = await home.view(FakeCore(lines, buttons, fields), ACTOR, "r1")  # type: ignore[arg-type]
    blocks: list[dict[str, Any]] = view["blocks"]
    assert view["type"] == "home" and len(blocks) <= home.MAX_BLOCKS
    validate_blocks(blocks, home.MAX_BLOCKS)
    ids = [b["block_id"] for b in blocks]
    assert len(ids) == len(set(ids))
    assert blocks[1]["elements"][0]["action_id"] == home.PASTE_ACTION
    if len(blocks) == home.MAX_BLOCKS:
        assert blocks[-1]["block_id"] == "home-shortened"


def test_the_manifest_for_many_workspaces() -> None:
    """With a client id the manifest asks for token rotation and names the OAuth redirect
    URL; either way it subscribes to the Home tab and removal events and enables the tab."""
    one = manifest.build(SlackConfig(mode="http"))
    many = manifest.build(
        SlackConfig(mode="http", client_id="1.2", public_url="https://bot.example.org/")
    )
    assert not one["settings"]["token_rotation_enabled"]
    assert "redirect_urls" not in one["oauth_config"]
    assert many["settings"]["token_rotation_enabled"]
    assert many["oauth_config"]["redirect_urls"] == ["https://bot.example.org/slack/oauth_redirect"]
    for m in (one, many):
        events = set(m["settings"]["event_subscriptions"]["bot_events"])
        assert {"app_home_opened", "app_uninstalled", "tokens_revoked"} <= events
        assert m["features"]["app_home"]["home_tab_enabled"]
