"""A number beyond what the ledger keeps, from a post a reader did not bound: on Slack (HTTP
and Socket Mode) /bid is refused in one ephemeral line, with nothing charged."""

from __future__ import annotations

from tests.adapters.slack.helpers import Bot
from tests.adapters.slack.test_slack_adapter import ephemeral_line
from tests.store.test_wide_values import big_post, unbounded_reader

__all__ = ["unbounded_reader"]


async def test_an_unstorable_factor_is_one_line_on_slack(bot: Bot, unbounded_reader: None) -> None:
    reply = await bot.driver.run("USAM", "/bid", f"post:{big_post()}")
    line = ephemeral_line(reply)
    assert line.startswith("invites 100,000,000,000,000,000,000 is more than the ledger")
    assert await bot.balance_of("USAM") == 60
    assert await bot.bids_of("USAM") == []
