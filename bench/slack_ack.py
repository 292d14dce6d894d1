"""Slack ack times: ``/balance`` and ``/bid`` served by ``connects-bot run``, next to a
do-nothing bolt app, on the local Slack stand-in, in HTTP and Socket Mode.

    .venv/bin/python bench/slack_ack.py [--n 300] [--burst 200]

Both bots run as subprocesses; this process runs the stand-in and plays Slack: it signs and
POSTs slash commands (HTTP) or sends envelopes and waits for their acks (Socket Mode), and
times each from send to ack. Also timed: one raw SQLite write transaction (``BEGIN IMMEDIATE``,
an insert, ``COMMIT``; WAL, ``synchronous=FULL``) on the same disk, the floor for any command
that changes state. Then ``--burst`` commands are sent at once and each ack is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.slack_standin import SlackStandIn, command_payload, sign  # noqa: E402

SECRET = "bench-signing-secret"
USERS = [f"UB{i:04d}" for i in range(200)]
_trigger = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# -- the do-nothing bolt app (run as a subprocess by this script) ----------------------------


async def serve_do_nothing(
    mode: str, api_base: str, port: int, bot_token: str, app_token: str
) -> None:
    """A default bolt AsyncApp whose listeners only ack."""
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.server import HttpServer, SocketHandler

    client = AsyncWebClient(token=bot_token, base_url=api_base)
    app = AsyncApp(
        client=client, signing_secret=SECRET, request_verification_enabled=(mode == "http")
    )

    async def just_ack(ack: Any) -> None:
        await ack()

    app.command("/balance")(just_ack)
    app.command("/bid")(just_ack)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    if mode == "http":
        server = HttpServer(app, "127.0.0.1", port, "/slack/events")
        await server.start()
        await stop.wait()
        await server.stop()
    else:
        handler = SocketHandler(app, app_token)
        await handler.start(stop)
        await stop.wait()
        await handler.stop()


# -- playing Slack ----------------------------------------------------------------------------


class Target:
    """One bot process and how to reach it."""

    def __init__(
        self, name: str, mode: str, proc: asyncio.subprocess.Process, url: str, slack: SlackStandIn
    ) -> None:
        self.name = name
        self.mode = mode
        self.proc = proc
        self.url = url
        self.slack = slack
        self.session: Any = None

    async def ack_time(self, user: str, command: str, text: str) -> float:
        """Seconds from sending the command to receiving its ack."""
        fields = command_payload(
            self.slack, user, command, text, trigger_id=f"{next(_trigger)}.bench.{time.time_ns()}"
        )
        if self.mode == "http":
            body = urllib.parse.urlencode(fields).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
            start = time.perf_counter()
            async with self.session.post(self.url, data=body, headers=headers) as resp:
                await resp.read()
                elapsed = time.perf_counter() - start
                assert resp.status == 200, resp.status
            return elapsed
        start = time.perf_counter()
        await self.slack.send_envelope("slash_commands", fields, within=30)
        return time.perf_counter() - start

    async def stop(self) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.proc.wait(), 30)


async def start(name: str, mode: str, slack: SlackStandIn, tmp: Path) -> Target:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_", "CONNECTS_DATABASE_URL"))
    }
    env["PYTHONPATH"] = str(ROOT)
    if name == "do-nothing bolt":
        argv = [
            sys.executable,
            __file__,
            "--serve-do-nothing",
            mode,
            "--api-base",
            slack.api_base,
            "--port",
            str(port),
        ]
    else:
        config = tmp / f"{mode}.toml"
        section = [
            f'mode = "{mode}"',
            f'bot_token = "{slack.bot_token}"',
            f'api_base = "{slack.api_base}"',
        ]
        if mode == "http":
            section += [f'signing_secret = "{SECRET}"', 'host = "127.0.0.1"', f"port = {port}"]
        else:
            section += [f'app_token = "{slack.app_token}"']
        config.write_text(
            f'[storage]\nurl = "sqlite:///{tmp}/bench-{mode}.db"\n\n[slack]\n'
            + "\n".join(section)
            + "\n"
        )
        argv = [sys.executable, "-m", "bot", "run", "--config", str(config)]
    before = slack.socket_connections
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=str(tmp),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    target = Target(name, mode, proc, f"http://127.0.0.1:{port}/slack/events", slack)
    import aiohttp

    target.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if mode == "http":
            try:
                async with target.session.get(f"http://127.0.0.1:{port}/healthz") as r:
                    if r.status == 200:
                        return target
            except aiohttp.ClientConnectionError:
                pass
        elif slack.socket_connections > before:
            return target
        await asyncio.sleep(0.05)
    raise SystemExit(f"{name} ({mode}) did not start")


def raw_sqlite_commit(tmp: Path, n: int) -> list[float]:
    """Seconds per raw write transaction: BEGIN IMMEDIATE, INSERT, COMMIT (WAL, FULL)."""
    db = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    out = []
    for i in range(n):
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
        db.execute("COMMIT")
        out.append(time.perf_counter() - start)
    db.close()
    return out


def ms(values: list[float]) -> tuple[float, float, float]:
    """(median, p99, max) in milliseconds."""
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000, ordered[-1] * 1000


async def bench(n: int, burst: int) -> dict[str, Any]:
    results: dict[str, Any] = {"n": n, "burst": burst, "rows": []}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        raw = raw_sqlite_commit(tmp, n)
        results["sqlite_commit_ms"] = ms(raw)
        async with SlackStandIn() as slack:
            for user in USERS:
                slack.add_user(user, user.lower())
            for mode in ("http", "socket"):
                for name in ("do-nothing bolt", "connects-bot"):
                    target = await start(name, mode, slack, tmp)
                    try:
                        # warm up: every user gets a wallet, users.info is cached
                        for user in USERS:
                            await target.ack_time(user, "/balance", "")
                        for command in ("/balance", "/bid"):
                            times = []
                            for i in range(n):
                                user = USERS[i % len(USERS)]
                                text = (
                                    ""
                                    if command == "/balance"
                                    else f'job:"bench {mode} {i}" connects:1'
                                )
                                times.append(await target.ack_time(user, command, text))
                            results["rows"].append((mode, name, command, "sequential", ms(times)))
                        # a burst: every user bids at the same moment
                        times = await asyncio.gather(
                            *(
                                target.ack_time(
                                    user, "/bid", f'job:"burst {mode} {user}" connects:1'
                                )
                                for user in USERS[:burst]
                            )
                        )
                        results["rows"].append(
                            (mode, name, "/bid", f"{burst} at once", ms(list(times)))
                        )
                    finally:
                        await target.session.close()
                        await target.stop()
    return results


def report(results: dict[str, Any]) -> None:
    med, p99, _ = results["sqlite_commit_ms"]
    print(f"raw SQLite commit (WAL, synchronous=FULL): median {med:.2f} ms, p99 {p99:.2f} ms")
    print(f"{'mode':7} {'app':16} {'command':9} {'load':12} {'median':>9} {'p99':>9} {'max':>9}")
    for mode, name, command, load, (m, p, x) in results["rows"]:
        print(f"{mode:7} {name:16} {command:9} {load:12} {m:7.2f}ms {p:7.2f}ms {x:7.2f}ms")
    print(
        f"({results['n']} sequential requests per row; the burst row sends "
        f"{results['burst']} at once)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="sequential requests per row")
    parser.add_argument("--burst", type=int, default=200, help="requests sent at once")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve-do-nothing", choices=("http", "socket"), help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_do_nothing:
        asyncio.run(
            serve_do_nothing(
                args.serve_do_nothing,
                args.api_base,
                args.port,
                "xoxb-standin-bot",
                "xapp-standin-app",
            )
        )
        return
    results = asyncio.run(bench(args.n, min(args.burst, len(USERS))))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)


if __name__ == "__main__":
    main()
