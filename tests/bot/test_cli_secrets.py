"""Credentials at the command line: a database URL's password in any form it can take, in
log lines, connection errors, copy summaries and tracebacks; and secrets of the wrong type in
the config file. Each refusal is one line and no secret is ever shown."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from core.commands import HANDLERS
from tests import conftest as root
from tests.bot.test_cli import cli
from tests.bot.test_console_run import bot


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """``main`` sends logs to the stderr of the moment: give the next tests theirs back."""
    root_logger = logging.getLogger()
    handlers, level = list(root_logger.handlers), root_logger.level
    yield
    root_logger.handlers[:] = handlers
    root_logger.setLevel(level)


def rows(db: Path) -> list[tuple[object, ...]]:
    """Every row of every table of a SQLite ledger (empty when there is no file)."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [(t, *r) for t in sorted(tables) for r in conn.execute(f'SELECT * FROM "{t}"')]


def seeded(tmp: Path) -> list[tuple[object, ...]]:
    """A ledger with one bid in ``tmp``, and its rows."""
    assert cli(tmp, "exec", "/bid job:seed connects:1").returncode == 0
    return rows(tmp / "connects.db")


def _pg(user_password: str, query: str, port: str | None = None) -> str:
    """The test server's URL with a password in its user info and ``query`` added."""
    base, _, own_query = root.PG_URL.partition("?")
    scheme, rest = base.split("://", 1)
    host_db = rest.rsplit("@", 1)[-1]
    host, db = host_db.split("/", 1)
    if port is not None:
        host = f"{host.rsplit(':', 1)[0]}:{port}"
    params = "&".join(p for p in (own_query, query) if p)
    return f"{scheme}://postgres:{user_password}@{host}/{db}?{params}"


def _needs_postgres() -> None:
    if "postgres" not in root.BACKENDS:
        pytest.skip("CONNECTS_TEST_BACKENDS does not include postgres")
    import asyncio

    reason = asyncio.run(root._postgres_unavailable())
    if reason:
        pytest.skip(reason)


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema name on the test server, dropped afterwards."""
    _needs_postgres()
    import asyncio
    import uuid

    import asyncpg

    name = f"t_{uuid.uuid4().hex[:16]}"

    async def drop() -> None:
        conn = await asyncpg.connect(root.PG_URL)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        finally:
            await conn.close()

    yield name
    asyncio.run(drop())


SECRETS = ("pw-in-userinfo", "SECRET-query-pw", "SECRET-ssl-pw")


def _assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, text


def test_run_logs_the_database_url_masked(tmp_path: Path, pg_schema: str) -> None:
    """The server trusts local logins, so the password is ignored and the bot starts: the
    INFO line naming the storage shows no credential in any form."""
    url = _pg(
        "pw-in-userinfo",
        f"password=SECRET-query-pw&sslpassword=SECRET-ssl-pw&sslmode=disable&"
        f"search_path={pg_schema}",
    )
    with open(os.devnull, "rb") as null:
        result = bot(
            tmp_path,
            "run",
            "--user",
            "ana",
            "--log-level",
            "INFO",
            stdin=null.fileno(),
            env={"CONNECTS_DATABASE_URL": url},
        )
    assert result.returncode == 0, result.stderr
    assert "storage postgresql://postgres:***@" in result.stderr
    assert "password=***&sslpassword=***&sslmode=disable&search_path=" in result.stderr
    _assert_no_secret(result.stdout + result.stderr)


@pytest.mark.parametrize(
    ("port", "query"),
    [
        ("1", "password=SECRET-query-pw"),  # nothing listens there
        (None, "password:SECRET-query-pw"),  # a query the driver cannot read
        (None, "PASSWORD=SECRET-query-pw"),  # a setting the server refuses
    ],
)
def test_connection_errors_are_one_line_without_credentials(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    port: str | None,
    query: str,
) -> None:
    _needs_postgres()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTS_DATABASE_URL", _pg("pw-in-userinfo", query, port))
    code = main(["exec", "/balance", "--user", "ana", "--log-level", "DEBUG"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "connects-bot: PostgreSQL at postgresql://postgres:***@" in err
    assert "Traceback" not in err
    _assert_no_secret(out + err)


def test_db_copy_masks_both_urls(
    tmp_path: Path, pg_schema: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded(tmp_path)
    src = f"sqlite:///{tmp_path / 'connects.db'}"
    dst = _pg("pw-in-userinfo", f"password=SECRET-query-pw&search_path={pg_schema}")
    assert main(["db", "copy", src, dst]) == 0
    out, err = capsys.readouterr()
    assert "-> postgresql://postgres:***@" in out and "password=***" in out
    _assert_no_secret(out + err)
    unreachable = _pg("pw-in-userinfo", "sslpassword=SECRET-ssl-pw", port="1")
    assert main(["db", "copy", src, unreachable]) == 1
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and "sslpassword=***" in err
    _assert_no_secret(out + err)


def test_logged_errors_mask_the_database_url(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_schema: str,
) -> None:
    """An unexpected error whose text quotes the URL (as drivers' errors may) is logged with
    its traceback, and every credential in both is masked."""
    url = _pg("pw-in-userinfo", f"password=SECRET-query-pw&search_path={pg_schema}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTS_DATABASE_URL", url)

    class Broken:
        async def run(self, *_: object) -> object:
            raise RuntimeError(f"lost the connection to {url} (password SECRET-query-pw)")

    monkeypatch.setitem(HANDLERS, "balance", Broken())
    assert main(["exec", "/balance", "--user", "ana"]) == 1
    out, err = capsys.readouterr()
    assert "Sorry, something went wrong" in out
    assert "Traceback" in err and "RuntimeError: lost the connection to postgresql://" in err
    _assert_no_secret(out + err)


@pytest.mark.parametrize(
    ("config", "key", "kind"),
    [
        ('[slack]\nbot_token = ["xoxb-SECRET-token"]\n', "slack.bot_token", "a list"),
        ("[slack]\nsigning_secret = 123456789\n", "slack.signing_secret", "a whole number"),
        ('[discord]\ntoken = { v = "SECRET-token" }\n', "discord.token", "a table"),
        ('[storage]\nurl = ["postgresql://u:SECRET-pw@h/db"]\n', "storage.url", "a list"),
    ],
)
def test_a_secret_of_the_wrong_type_is_named_never_shown(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config: str,
    key: str,
    kind: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bot.toml").write_text(config)
    assert main(["exec", "--config", "bot.toml", "/balance", "--user", "ana"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == (
        f"connects-bot: bot.toml: {key}: expected a string, got {kind} "
        "(not shown: the key holds a secret)"
    )
    assert "SECRET" not in err and "123456789" not in err
    assert not (tmp_path / "connects.db").exists()


def test_other_wrongly_typed_values_are_still_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bot.toml").write_text('[wallet]\nwelcome_grant = "lots"\n')
    assert main(["exec", "--config", "bot.toml", "/balance", "--user", "ana"]) == 2
    assert "wallet.welcome_grant: expected a whole number, got 'lots'" in capsys.readouterr().err
