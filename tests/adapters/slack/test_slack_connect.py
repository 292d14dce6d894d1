"""Slack Connect: a user from another organization, an admin there, administers nothing here.

``users.info`` answers for such a user with their home workspace's ``team_id`` and their
``is_admin``/``is_owner`` there. Admin rights over this workspace's pools need both the flag
and this workspace as home; otherwise the user is a plain member of this workspace.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.blocks import parse_button_value
from adapters.slack.identity import Profile
from tests.adapters.slack.helpers import Bot
from tests.slack_standin import buttons_of, message_text

OTHER_TEAM = "T0OTHER"


def one_line(message: dict[str, Any]) -> str:
    """The ephemeral text of a refusal: a line, or a headline and a short line under it."""
    assert message.get("response_type") == "ephemeral" and not message.get("blocks"), message
    assert message["text"].count("\n") <= 1
    return str(message["text"])


async def test_an_admin_of_another_team_cannot_administer_this_teams_pools(bot: Bot) -> None:
    d = bot.driver
    bot.slack.add_user("UEVE", "eve", is_admin=True, is_owner=True, team_id=OTHER_TEAM)
    assert "created" in message_text(await d.run("USAM", "/connects", "pool create name:agency"))
    await d.run("USAM", "/connects", "pool add name:agency member:<@UKIM|kim>")
    # an admin whose home is this workspace administers its pools
    topup = await d.run("UADMIN", "/connects", "pool topup name:agency connects:80")
    assert "+80" in message_text(topup)
    [void] = buttons_of(topup)  # Undo: void the top-up, for its author or a pool admin
    purchase = parse_button_value(void["value"])[1].split(".", 1)[0]
    placed = await d.run("UKIM", "/bid", 'job:"Kim\'s pool bid" pool:agency connects:6')
    assert "Bid #1 placed" in message_text(placed)
    # eve is a plain member of this workspace: a wallet, her own bids and refunds
    assert "60 Connects" in message_text(await d.run("UEVE", "/balance"))
    mine = await d.run("UEVE", "/bid", "job:Eve's own connects:2")
    assert "Bid #2 placed" in message_text(mine)
    assert "Refunded 2" in message_text(await d.run("UEVE", "/refund", "bid:#2 reason:completed"))
    before = await bot.ledger()

    refusals = [
        ("/connects", "pool topup name:agency connects:500", "Only the owner or an admin"),
        ("/connects", "pool add name:agency member:<@UEVE|eve>", "Only the owner or an admin"),
        ("/connects", "pool add name:agency member:<@USAM|sam>", "Only the owner or an admin"),
        ("/connects", "pool remove name:agency member:<@UKIM|kim>", "Only the owner or an admin"),
        ("/connects", "pool allowance name:agency member:<@UEVE|eve> connects:80", "Only the"),
        ("/connects", "pool threshold name:agency connects:10 channel:<#C0EVE|x>", "Only the"),
        ("/refund", "bid:#1 reason:client_cancelled", "another member's"),
        ("/connects", f"void purchase:#{purchase}", f"No purchase #{purchase} of yours"),
        ("/bid", "job:Drain pool:agency connects:74", "not a member of pool agency"),
    ]
    for slash, text, fragment in refusals:
        line = one_line(await d.run("UEVE", slash, text))
        assert fragment in line, (text, line)
    assert await bot.ledger() == before
    assert "74 Connects" in message_text(await d.run("USAM", "/connects", "pool info name:agency"))
    # the lookup did say she is an admin, of her own workspace
    [user] = [u for u in bot.slack.users.values() if u.id == "UEVE"]
    assert (user.team_id, user.is_admin) == (OTHER_TEAM, True)


def test_admin_rights_need_the_request_workspace_as_home() -> None:
    assert Profile("ada", True, "T1").admin_of("T1")
    assert not Profile("eve", True, "T2").admin_of("T1")
    assert not Profile("kim", False, "T1").admin_of("T1")
    assert not Profile("old", True, None).admin_of("T1")  # no home team given: no rights
    assert not Profile("ada", True, "T1").admin_of("")
