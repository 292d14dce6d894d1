"""Text typed in Slack, through the real slack-bolt app in both modes: the same readings as
the console, or the same one-line refusals."""

from __future__ import annotations

from typing import Any

from tests.adapters.slack.helpers import Bot
from tests.slack_standin import message_text

# (slash command, text as typed, what the stored bid's job and Connects must be)
BIDS = [
    ("/bid", "job:Logo for a bakery connects:3", "Logo for a bakery", 3),
    ("/bid", "job: Fix the payload parser connects: 2", "Fix the payload parser", 2),
    ("/bid", "Job:“Logo for Bob’s” Connects:1", "Logo for Bob’s", 1),
    ("/bid", "job:'single quotes' connects:1", "single quotes", 1),
    ("/bid", "job:Fix bug: urgent & fast connects:1", "Fix bug: urgent & fast", 1),
    ("/connects", "bid job:100% fit; rate=50+tip? connects:1", "100% fit; rate=50+tip?", 1),
]

# (slash command, text, a fragment of the one-line refusal)
REFUSALS = [
    ("/connects", "qoute price:5", "Did you mean /quote?"),
    ("/bid", "Logo for a bakery", "put the job in quotes or write job:"),
    ("/bid", "job:x conects:3", "did you mean connects:"),
    ("/connects", "buy connects:1,0", "not a whole number"),
    ("/connects", "buy connects:10 paid:1,5,0", "'1,5,0' is not valid"),
    ("/connects", "buy connects:10 paid:1.505", "1.505 or 1505?"),
    ("/connects", "buy connects:40 paid: €6", "'€6' is in Euro (EUR), not US dollars"),
    ("/connects", "buy connects:40 paid: 6 GBP", "'6 GBP' is in British Pound (GBP)"),
    ("/connects", "pool create name: Acme Agency", 'name:"Acme Agency"'),
]


async def _purchases(bot: Bot) -> list[int]:
    async def read(tx: Any) -> list[int]:
        rows = await tx.fetchall(
            "SELECT cost_cents FROM lots WHERE source = 'purchase' ORDER BY id"
        )
        return [int(r["cost_cents"]) for r in rows]

    result: list[int] = await bot.app.store.read(read)
    return result


async def test_typed_text_reads_as_on_the_console(bot: Bot) -> None:
    for slash, text, _job, _connects in BIDS:
        reply = await bot.driver.run("USAM", slash, text)
        assert "placed" in message_text(reply), (text, reply)
    bids = await bot.bids_of("USAM")
    assert [(b["job"], b["connects"]) for b in bids] == [(j, c) for _, _, j, c in BIDS]


async def test_numbers_read_exactly_or_are_refused(bot: Bot) -> None:
    for slash, text, fragment in REFUSALS:
        reply = await bot.driver.run("UKIM", slash, text)
        assert fragment in message_text(reply), (text, reply)
        assert reply.get("response_type") == "ephemeral"
    assert await _purchases(bot) == []
    for paid, _cents in (("1,50", 150), ("$1,500", 150_000), ("US$12k", 1_200_000)):
        await bot.driver.run("UKIM", "/connects", f"buy connects:10 paid:{paid}")
    assert await _purchases(bot) == [150, 150_000, 1_200_000]
    bid = await bot.driver.run("UKIM", "/bid", "job:Rated connects:9 rating:4,9 hire_rate:75%")
    assert "placed" in message_text(bid), bid

    async def read(tx: Any) -> list[Any]:
        return list(await tx.fetchall("SELECT rating_hundredths, hire_rate FROM bids"))

    [rated] = await bot.app.store.read(read)
    assert (rated["rating_hundredths"], rated["hire_rate"]) == (490, 75)


async def test_help_for_one_command(bot: Bot) -> None:
    reply = await bot.driver.run("USAM", "/connects", "help pool allowance")
    text = message_text(reply)
    # the options by name on a phone's first screen; what each takes in its details
    assert "unlimited" in text and "0: none at all" not in text
    assert "/connects pool allowance" in text  # command names as Slack users type them
    details = await bot.driver.run("USAM", "/connects", "help pool allowance details:true")
    assert "0: none at all" in message_text(details)


async def test_markup_typed_into_a_job_is_only_text(bot: Bot) -> None:
    """The date marker replies once used, and Slack markup, typed into a job: charged once,
    answered, shown as typed; /connects history still answers."""
    typed = "⟦t:999999999999⟧ <!here> <@UKIM>"
    reply = await bot.driver.run("USAM", "/bid", f'job:"{typed}" connects:1')
    assert "Bid #1 placed" in message_text(reply)
    assert "<!here>" not in str(reply) and "<@UKIM>" not in str(reply)
    history = await bot.driver.run("USAM", "/connects", "history chart:false")
    assert "⟦t:999999999999⟧" in message_text(history)
    assert await bot.balance_of("USAM") == 59
