"""The command line builds only the subcommand its argv names (a start-up saving); that parser
must read every argument list exactly as the whole parser does."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import COMMANDS, build_parser


def test_commands_are_the_whole_parsers_subcommands() -> None:
    parser = build_parser()
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(subs) == 1
    assert tuple(subs[0].choices) == COMMANDS


@pytest.mark.parametrize(
    "argv",
    [
        ["exec", "/balance"],
        ["exec", "/quote", "price:500", "--files", "out", "--user", "ann", "--log-level", "INFO"],
        ["run", "--no-sync", "--console", "--config", "c.toml"],
        ["db", "upgrade"],
        ["db", "copy", "sqlite:///a", "sqlite:///b", "--force"],
        ["model", "fit", "--scope", "console"],
        ["model", "show"],
        ["export"],
        ["discord-invite"],
        ["slack-manifest", "--request-url", "https://x.example/slack"],
    ],
)
def test_one_subcommand_parses_as_the_whole_parser(argv: list[str]) -> None:
    assert build_parser(argv[0]).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize("argv", [["exec"], ["db"], ["exec", "/balance", "--bogus"]])
def test_one_subcommand_refuses_as_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as whole:
        build_parser().parse_args(argv)
    expected = capsys.readouterr().err
    with pytest.raises(SystemExit) as one:
        build_parser(argv[0]).parse_args(argv)
    assert (one.value.code, capsys.readouterr().err) == (whole.value.code, expected)
