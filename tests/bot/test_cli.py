"""The connects-bot command line, run as a real subprocess."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

ENV_KEYS = (
    "CONNECTS_DATABASE_URL",
    "DISCORD_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
)


def cli(
    tmp: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` in ``tmp`` as user ana."""
    full_env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    full_env.update(env or {})
    argv = [sys.executable, "-m", "bot", *args]
    if args and args[0] in ("exec", "run"):
        argv += ["--user", "ana"]
    return subprocess.run(
        argv,
        cwd=tmp,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def test_exec_story(tmp_path: Path) -> None:
    """quote, bid, balance, refund, balance from the shell, with exit codes."""
    quote = cli(tmp_path, "exec", "/quote price:500 size:small")
    assert quote.returncode == 0, quote.stderr
    assert quote.stdout.startswith("about 7-26 Connects, heuristic")  # no stated cost
    bid = cli(tmp_path, "exec", '/bid job:"Logo for a bakery" connects:4')
    assert bid.returncode == 0
    assert "Bid #1 placed" in bid.stdout and "[Undo] /undo bid:#1" in bid.stdout
    assert cli(tmp_path, "exec", "/balance").stdout.startswith("56 Connects")
    refund = cli(tmp_path, "exec", "/refund", "bid:#1", "reason:client_cancelled")
    assert refund.returncode == 0 and "Refunded 4 Connects" in refund.stdout
    assert cli(tmp_path, "exec", "/balance").stdout.startswith("60 Connects")
    assert (tmp_path / "connects.db").exists()


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("/bid job:x connects:99", "Not enough Connects"),
        ("/refund bid:#1 reason:withdrawn", "does not refund"),
        ("/quote price:cheap", "price:"),
        ("/quote colour:red", "no option 'colour'"),
        ("/teleport", "No command 'teleport'"),
    ],
)
def test_exec_refusals_exit_nonzero(tmp_path: Path, line: str, fragment: str) -> None:
    """Every refusal prints one line (or a headline and a short line) and exits non-zero; no
    traceback."""
    assert cli(tmp_path, "exec", "/bid job:seed connects:1").returncode == 0
    result = cli(tmp_path, "exec", line)
    assert result.returncode == 1
    assert fragment in result.stdout
    assert len(result.stdout.strip().splitlines()) <= 2
    assert "Traceback" not in result.stdout + result.stderr


def test_second_refund_exits_nonzero(tmp_path: Path) -> None:
    """A second refund of the same bid is refused."""
    cli(tmp_path, "exec", "/bid job:x connects:3")
    assert cli(tmp_path, "exec", "/refund bid:1 reason:completed").returncode == 0
    again = cli(tmp_path, "exec", "/refund bid:1 reason:completed")
    assert again.returncode == 1 and "refunds once" in again.stdout


def test_exec_saves_files(tmp_path: Path) -> None:
    """Charts and exports are saved next to the user, one file per account: a pool's chart
    does not overwrite the wallet's."""
    cli(tmp_path, "exec", "/bid job:x connects:3")
    cli(tmp_path, "exec", "/pool create name:agency")
    cli(tmp_path, "exec", "/pool topup name:agency connects:80")
    history = cli(tmp_path, "exec", "/history", "--files", str(tmp_path))
    assert history.returncode == 0
    assert f"Saved to {tmp_path / 'balance.png'} (" in history.stdout
    pool = cli(tmp_path, "exec", "/history pool:agency", "--files", str(tmp_path))
    assert pool.returncode == 0, pool.stdout
    assert f"Saved to {tmp_path / 'balance-pool-agency.png'} (" in pool.stdout
    wallet_png = (tmp_path / "balance.png").read_bytes()
    pool_png = (tmp_path / "balance-pool-agency.png").read_bytes()
    assert wallet_png.startswith(b"\x89PNG") and pool_png.startswith(b"\x89PNG")
    assert wallet_png != pool_png
    export = cli(tmp_path, "exec", "/export")
    assert export.returncode == 0
    assert (tmp_path / "wallet.csv").read_bytes().startswith(b"\xef\xbb\xbfentry,time,")


def test_export_deterministic(tmp_path: Path) -> None:
    """connects-bot export prints the whole ledger as CSV, the same bytes every time."""
    cli(tmp_path, "exec", '/bid job:"a, b" connects:3')
    cli(tmp_path, "exec", "/buy connects:10")
    first = cli(tmp_path, "export")
    second = cli(tmp_path, "export")
    assert first.returncode == 0
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[0].startswith("\ufeffentry,time,account")  # UTF-8 with a BOM, for Excel
    assert len(lines) == 4


def test_config_file_and_env(tmp_path: Path) -> None:
    """--config selects the database; CONNECTS_DATABASE_URL overrides it."""
    (tmp_path / "c.toml").write_text(
        '[storage]\nurl = "sqlite:///from-config.db"\n[wallet]\nwelcome_grant = 7\n'
    )
    result = cli(tmp_path, "exec", "/balance", "--config", "c.toml")
    assert result.stdout.startswith("7 Connects")
    assert (tmp_path / "from-config.db").exists()
    cli(
        tmp_path,
        "exec",
        "/balance",
        "--config",
        "c.toml",
        env={"CONNECTS_DATABASE_URL": "sqlite:///from-env.db"},
    )
    assert (tmp_path / "from-env.db").exists()


@pytest.mark.parametrize("sub", [["exec", "/balance"], ["run"], ["db", "upgrade"], ["export"]])
def test_broken_config_named(tmp_path: Path, sub: list[str]) -> None:
    """Every subcommand names a missing or broken config file and key in one line."""
    missing = cli(tmp_path, *sub, "--config", "absent.toml")
    assert missing.returncode == 2
    assert "absent.toml: config file not found" in missing.stderr
    (tmp_path / "bad.toml").write_text("[wallet]\nwelcome_grant = -3\n")
    bad = cli(tmp_path, *sub, "--config", "bad.toml")
    assert bad.returncode == 2 and "wallet.welcome_grant" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_db_upgrade(tmp_path: Path) -> None:
    """db upgrade applies the migrations and reports the version."""
    result = cli(tmp_path, "db", "upgrade")
    assert result.returncode == 0 and "schema at version" in result.stdout


def test_console_session(tmp_path: Path) -> None:
    """run with no platform credentials reads console commands from stdin."""
    result = cli(tmp_path, "run", stdin='/bid job:"A job" connects:2\n/balance\nquit\n')
    assert result.returncode == 0, result.stderr
    assert "Bid #1 placed" in result.stdout
    assert "58 Connects" in result.stdout
    logged = cli(tmp_path, "run", "--log-level", "INFO", stdin="/balance\n")
    assert "stopped; database closed" in logged.stderr


def test_logs_carry_request_id_and_hide_secrets(tmp_path: Path) -> None:
    """Log lines carry the request id; configured secrets never appear."""
    secret = "xoxb-very-secret-token-123"
    (tmp_path / "c.toml").write_text(
        f'[log]\nlevel = "DEBUG"\n[slack]\nsigning_secret = "{secret}"\n'
    )
    result = cli(tmp_path, "exec", "/balance", "--config", "c.toml", "--log-level", "DEBUG")
    assert "[console:" in result.stderr
    assert secret not in result.stderr + result.stdout


def _bids(db: Path) -> int:
    """How many bids the database at ``db`` holds (0 while it or its tables do not exist)."""
    if not db.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM bids").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0


@pytest.mark.slow
def test_sigterm_stops_cleanly(tmp_path: Path) -> None:
    """SIGTERM stops run cleanly: the database closes and the exit code is 0."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--user", "ana", "--log-level", "INFO"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write("/bid job:x connects:2\n")
    proc.stdin.flush()
    # signal once the bid is committed (not after a fixed pause, which a busy machine outruns)
    deadline = time.monotonic() + 60
    while _bids(tmp_path / "connects.db") < 1:
        assert proc.poll() is None and time.monotonic() < deadline, "no bid was stored"
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Bid #1 placed" in out
    assert "stopped; database closed" in err
    check = cli(tmp_path, "exec", "/balance")
    assert check.stdout.startswith("58 Connects")


def test_exec_says_where_it_saved(tmp_path: Path) -> None:
    """A saved file is named by its absolute path, the same as ``run`` names it, and the reply
    never says "attached" for a file the console saved."""
    cli(tmp_path, "exec", "/bid job:x connects:3")
    result = cli(tmp_path, "exec", "/export")
    assert result.returncode == 0, result.stderr
    assert f"Saved to {tmp_path.resolve() / 'wallet.csv'} (" in result.stdout
    assert "attached" not in result.stdout


def test_a_platform_section_without_its_token_says_it_was_skipped(tmp_path: Path) -> None:
    """A ``[discord]`` section without a token does not start the console silently: stderr
    names the platform skipped and the key it lacks."""
    config = tmp_path / "c.toml"
    config.write_text("[discord]\nguild_ids = [1]\n")
    result = cli(tmp_path, "run", "--config", str(config), stdin="")
    assert result.returncode == 0, result.stderr
    assert "[discord] has no token (or DISCORD_TOKEN): Discord is not started." in result.stderr
    assert "[slack]" not in result.stderr
