"""Any text in any free-text option, through the text syntax and through typed dispatch,
rendered by every platform: never an exception after a commit, never markup made from what a
user typed."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.once import render as console_render
from adapters.discord import render as discord_render
from adapters.slack import blocks
from core.app import App
from core.interface.reply import Reply
from tests.conftest import actor

ANA = actor("ana")
MARKUP = [
    "⟦t:999999999999⟧",
    "⟦t:0⟧",
    "<t:1:R>",
    "<@123>",
    "<#456>",
    "<!here>",
    "<!channel>",
    "<@U1|sam>",
    "<!date^1^{date}|x>",
    "**b**",
    "[x](https://evil)",
    "@everyone",
    "<https://evil|ok>",
    "&amp;",
    "\\",
    '"',
    "“",
    "’",
    ":",
    "\n",
]
texts = st.lists(st.sampled_from(MARKUP) | st.text(max_size=12), min_size=1, max_size=6).map(
    "".join
)

# markup each platform would act on, if any came from user text (the core's own date tokens,
# in the exact form the renderers write them, are taken out first)
DISCORD_MARKUP = re.compile(r"<[@#t:a!]|@everyone|@here|\]\(")
SLACK_MARKUP = re.compile(r"<[@#!]|<https?:")
DISCORD_DATE = re.compile(r"<t:\d+:d>")
SLACK_DATE = re.compile(r"<!date\^\d+\^\{date_short\}\|\d{4}-\d\d-\d\d>")


def _render_everywhere(reply: Reply) -> None:
    msg = discord_render.message(reply)
    shown = "\n".join(
        filter(
            None, [msg.content, msg.embed and msg.embed.title, msg.embed and msg.embed.description]
        )
    )
    assert not DISCORD_MARKUP.search(DISCORD_DATE.sub("", shown)), shown
    slack = blocks.render(reply)
    assert not SLACK_MARKUP.search(str(slack["text"])), slack["text"]
    assert not SLACK_MARKUP.search(SLACK_DATE.sub("", str(slack.get("blocks", "")))), slack
    console_render(reply, files_dir=__import__("pathlib").Path("/nonexistent"))


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(job=texts, note=texts)
async def test_any_text_renders_safely(app: App, job: str, note: str) -> None:
    rid = f"h-{abs(hash((job, note)))}"
    typed = await app.dispatch(ANA, "bid", {"job": job, "connects": 1, "note": note}, rid)
    _render_everywhere(typed)
    if not typed.error:
        assert typed.title.startswith("Bid #") and typed.lines[0] == job.strip()
        history = await app.run_text(ANA, "/history chart:false", rid + "-h")
        assert not history.error, history.title
        _render_everywhere(history)
    quoted = '"' + job.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = await app.run_text(ANA, f"/bid job:{quoted} connects:1", rid + "-t")
    _render_everywhere(text)


async def test_a_date_marker_in_a_title_is_only_text(app: App) -> None:
    """The marker replies once used for dates, typed into a job, charges once and stays text."""
    bid = await app.run_text(ANA, '/bid job:"⟦t:999999999999⟧" connects:1', "m-1")
    assert bid.title == "Bid #1 placed" and bid.lines[0] == "⟦t:999999999999⟧"
    history = await app.run_text(ANA, "/history chart:false", "m-2")
    assert not history.error and "⟦t:999999999999⟧" in history.text()
    assert discord_render.message(bid).embed is not None
