"""Commands named in replies are tokens each platform writes its own way; text that only looks
like a command (a job title, a note, a pool owner's words) is never rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.console.once import render as console_render
from adapters.discord.render import text as discord_text
from adapters.slack import forms as slack_forms
from adapters.slack.blocks import mrkdwn, notice_text
from adapters.slack.text import SLASH_COMMANDS, catalog_command, command_text, slash
from core.commands.account import help_reply
from core.interface.catalog import COMMANDS, GROUPS, MESSAGE_ACTIONS, Command
from core.interface.reply import (
    CommandRef,
    Date,
    Markup,
    Mention,
    Renderer,
    Reply,
    Rich,
    cmd,
    render,
    restored,
    stored,
)

LINE = Rich("Top it up with ", cmd("pool topup", "name:agency connects:80"), ", or ", cmd("bid"))


def test_a_command_is_written_as_each_platform_types_it() -> None:
    assert discord_text(LINE) == "Top it up with /pool topup name:agency connects:80, or /bid"
    slack = "Top it up with /connects pool topup name:agency connects:80, or /bid"
    assert mrkdwn(LINE) == slack
    assert notice_text(LINE) == slack
    assert slack_forms.error_line(Reply(LINE, error=True)) == slack
    plain = "Top it up with /pool topup name:agency connects:80, or /bid"
    assert Reply(LINE).text() == plain and str(LINE) == plain
    out, _ = console_render(Reply("Pool low", [LINE]), files_dir=Path("/nonexistent"))
    assert plain in out


def test_a_commands_arguments_are_literal_text() -> None:
    """A pool name inside a command's arguments is what someone typed: escaped as text."""
    line = cmd("pool topup", "name:*bold*_<@U1>")
    assert "<@U1>" not in mrkdwn(line) and "&lt;@U1&gt;" in mrkdwn(line)
    assert mrkdwn(line).startswith("/connects pool topup name:")
    assert discord_text(line).startswith("/pool topup name:\\*bold\\*")


@pytest.mark.parametrize("name", sorted({c.name for c in COMMANDS} | set(GROUPS)))
def test_text_that_looks_like_a_command_is_not_rewritten(name: str) -> None:
    """The attack: a job titled ``/pool add`` (or a note, a pool owner's words) once came out
    on Slack as ``/connects pool add``: a third party's text changed by the bot. Literal text
    is now shown as written on every platform; only a token names a command."""
    typed = f"Job: /{name} now"
    assert mrkdwn(typed) == typed
    assert notice_text(typed) == typed
    assert slack_forms.error_line(Reply(typed, error=True)) == typed
    assert discord_text(typed) == typed
    mixed = Rich(typed, " · ", cmd(name))
    assert mrkdwn(mixed) == f"{typed} · {slash(name)}"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_what_slack_shows_is_what_slack_reads_back(command: Command) -> None:
    """Every catalog command, as Slack shows it, is a registered slash command that runs that
    same command: the reference a reply names works when typed."""
    shown = slash(command.name)
    head, _, rest = shown.partition(" ")
    assert head in SLASH_COMMANDS
    line = command_text(head, rest)
    found = catalog_command(line)
    assert found is not None and found.name == command.name


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.usage_example], ids=lambda c: c.name)
def test_each_usage_example_starts_with_its_command(command: Command) -> None:
    """Help writes an example as the command token and its arguments: the example must name
    its own command, or the token would name another."""
    assert str(cmd(command.name, command.example_args)) == command.usage_example


def test_help_is_built_from_tokens() -> None:
    """``/help`` names every command and group by token; message actions are listed only where
    the surface says where they are, before the closing example."""
    plain = help_reply(text_commands=True)
    assert not any("message menu" in line for line in plain.lines)
    for line in plain.lines:
        assert isinstance(line, Rich) and isinstance(line.parts[0], (CommandRef, str))
    assert mrkdwn(plain.lines[-1]) == "/connects help bid explains one command"
    slack = [mrkdwn(x) for x in plain.lines]
    assert "/connects help bid" in " ".join(slack)  # by its Slack name
    assert "pool" in " ".join([*slack, *plain.details]).split()  # the others named, plain
    assert any(x.startswith("/bid — ") for x in slack)
    there = help_reply(text_commands=False, message_actions="here")
    actions = [f"{a.name}: here" for a in MESSAGE_ACTIONS]
    assert there.lines[-1 - len(actions) : -1] == actions
    assert there.lines[-1] == plain.lines[-1]


PIECES = st.lists(
    st.one_of(
        st.text(alphabet="{}/whenapoldx ", max_size=12),
        st.sampled_from(["{when}", "{/pool add}", "{{", "}}", "{/", "}"]),
        st.builds(CommandRef, st.sampled_from(["pool add", "buy", "help"])),
        st.builds(Date, st.integers(0, 2_000_000_000)),
        st.builds(Mention, st.just("slack:T:U1")),
    ),
    max_size=8,
)
SHOW = Renderer(
    literal=lambda s: s,
    command=lambda c: f"<cmd {c.name}>",
    date=lambda d: "<at>",
    markup=lambda m: "<at>",
    mention=lambda m: m.plain(),
)


@given(PIECES)
def test_a_kept_notice_reads_back_as_it_was_written(parts: list[object]) -> None:
    """A notice waits in the database as one string: its date and commands come back as
    tokens, and literal text that spells ``{when}`` or ``{/pool add}`` (a job title in a ghost
    digest) comes back as the same literal text."""
    text = Rich(*parts)  # type: ignore[arg-type]
    back = restored(stored(text), Markup("<at>"))
    assert render(back, SHOW) == render(text, SHOW)
