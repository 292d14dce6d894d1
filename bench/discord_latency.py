"""Discord adapter latency: INTERACTION_CREATE to interaction callback, on the local stand-in.

Runs, in one go and on the same machine:

* the real bot (``python -m bot run --config FILE``, SQLite, default settings) in a process;
* a do-nothing discord.py bot in a process, answering ``/balance`` and ``/bid`` with "ok";
* a raw SQLite commit of one bid (``BEGIN IMMEDIATE``; conditional ``UPDATE``; ``INSERT``;
  ``COMMIT``, WAL, ``synchronous=FULL`` like the bot's default);

then prints the median and p99 of each, sequentially and with 200 interactions from 200 users in
flight at once (counting callbacks that missed Discord's 3-second deadline).

    .venv/bin/python bench/discord_latency.py [--rounds 300] [--burst 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.discord_standin import DiscordStandin, Guild, InteractionRecord, User  # noqa: E402

DEADLINE_MS = 3000.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), pct(values, 0.99)


# ------------------------------------------------------------------------------ bots


def do_nothing_bot(api_base: str, gateway: str, token: str) -> None:
    """A discord.py bot that answers /balance and /bid with one ephemeral word."""
    import discord
    import yarl
    from discord import app_commands
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    Route.BASE = api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    client = discord.Client(intents=discord.Intents(guilds=True))
    tree = app_commands.CommandTree(client)

    @tree.command(description="Do nothing")
    async def balance(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    @tree.command(description="Do nothing")
    async def bid(interaction: discord.Interaction, job: str, connects: int = 1) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    async def setup_hook() -> None:
        await tree.sync()

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    client.run(token, log_handler=None)


def constant_bot(api_base: str, gateway: str, token: str) -> None:
    """The real adapter in front of a core that answers at once with a fixed reply: what the
    adapter and discord.py cost on their own."""
    from adapters.discord import runner
    from adapters.discord.config import DiscordConfig
    from bot.settings import parse
    from core.interface.reply import Button, ButtonStyle, Choice, Reply

    class ConstantApp:
        notifiers: dict[str, object] = {}  # noqa: RUF012 - the adapter registers its notifier

        async def dispatch(
            self, actor: object, command: str, args: object, request_id: str
        ) -> Reply:
            if command == "bid":
                return Reply(
                    "Bid #1 placed",
                    ["Job", "1 Connect from your wallet · 59 left"],
                    buttons=[Button("Undo", "undo", f"1.{request_id}", ButtonStyle.DANGER)],
                )
            return Reply("60 Connects", ["Your wallet"])

        async def autocomplete(self, actor: object, kind: str, partial: str) -> list[Choice]:
            return []

    config = parse(
        {"discord": {"token": token, "api_base": api_base, "gateway_url": gateway}}, env={}
    ).section(DiscordConfig)

    async def serve() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        platform = runner.DiscordPlatform(ConstantApp(), config)  # type: ignore[arg-type]
        await platform.start()
        await stop.wait()
        await platform.stop()

    asyncio.run(serve())


async def spawn(*args: str) -> asyncio.subprocess.Process:
    # the bot must use the bench's own config: no tokens or database URL from the environment
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "CONNECTS_"))
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 15)
    except TimeoutError:
        proc.kill()
        await proc.wait()


# ------------------------------------------------------------------------------ measuring


async def latency(sd: DiscordStandin, rec: InteractionRecord) -> float:
    sent = await rec.first(timeout=30)
    return (sent.at - rec.dispatched_at) * 1000


async def sequential(
    sd: DiscordStandin, guild: Guild, command: str, rounds: int, users: list[User]
) -> list[float]:
    out = []
    for i in range(rounds):
        user = users[i // 50 % len(users)]  # 50 one-Connect bids fit the welcome grant
        options = {"job": f"Job {i}", "connects": 1} if command == "bid" else {}
        rec = await sd.slash(command, user, guild, **options)
        out.append(await latency(sd, rec))
    return out


async def burst(
    sd: DiscordStandin, guild: Guild, command: str, users: list[User]
) -> tuple[list[float], int]:
    """All users at once; latencies of answered ones and how many missed the deadline."""
    payloads = [
        sd.slash_payload(
            command,
            u,
            guild,
            **({"job": f"Burst {u.id}", "connects": 1} if command == "bid" else {}),
        )
        for u in users
    ]
    recs = await asyncio.gather(*(sd.send(p) for p in payloads))
    results = await asyncio.gather(*(latency(sd, r) for r in recs), return_exceptions=True)
    times = [r for r in results if isinstance(r, float)]
    missed = sum(
        1
        for r, rec in zip(results, recs, strict=True)
        if not isinstance(r, float) or r > DEADLINE_MS or rec.rejected
    )
    return times, missed


def raw_sqlite(path: Path, rounds: int) -> list[float]:
    """One bid as a bare SQLite transaction: the floor any ledger write pays."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
    db.execute(
        "CREATE TABLE entries (id INTEGER PRIMARY KEY, account INTEGER, delta INTEGER, "
        "request TEXT UNIQUE, at INTEGER)"
    )
    db.execute("INSERT INTO accounts VALUES (1, 1000000000)")
    out = []
    for i in range(rounds):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE accounts SET balance = balance - 1 WHERE id = 1 AND balance >= 1")
        db.execute(
            "INSERT INTO entries (account, delta, request, at) VALUES (1, -1, ?, ?)",
            (f"r{i}", int(time.time())),
        )
        db.execute("COMMIT")
        out.append((time.perf_counter() - t0) * 1000)
    db.close()
    return out


Figures = dict[str, tuple[float, ...]]


async def measure_bot(args: argparse.Namespace, tmp: Path, kind: str) -> Figures:
    async with DiscordStandin() as sd:
        owner = sd.add_user("Owner")
        guild = sd.add_guild("Bench", owner)
        if kind == "real":
            config = tmp / "bench.toml"
            config.write_text(
                f'[storage]\nurl = "sqlite:///{tmp}/bench.db"\n[log]\nlevel = "WARNING"\n'
                f'[discord]\ntoken = "{sd.token}"\napi_base = "{sd.api_base}"\n'
                f'gateway_url = "{sd.gateway_url}"\n',
                encoding="utf-8",
            )
            proc = await spawn("-m", "bot", "run", "--config", str(config))
        else:
            proc = await spawn(__file__, f"--{kind}", sd.api_base, sd.gateway_url, sd.token)
        try:
            ready = asyncio.ensure_future(sd.wait_ready(timeout=60))
            await asyncio.wait(
                {ready, asyncio.ensure_future(proc.wait())}, return_when=asyncio.FIRST_COMPLETED
            )
            if not ready.done():
                ready.cancel()
                raise SystemExit(f"the {kind} bot exited with code {proc.returncode}")
            await ready
            users = [sd.add_user(f"U{i}") for i in range(max(args.burst, 8))]
            # warm up: every user's first command (welcome grant), imports, caches
            for u in users:
                await (await sd.slash("balance", u, guild)).first(timeout=30)
            for u in users[:3]:  # a few bids with buttons, checked against Discord's schema
                await (await sd.slash("bid", u, guild, job="Checked", connects=1)).first()
            violations = len(sd.violations)
            # schema checks cost the stand-in milliseconds per body: off while timing
            sd.validate = False
            seq_users = users[: max(1, args.rounds // 50 + 1)]
            result: Figures = {}
            result["balance"] = summary(
                await sequential(sd, guild, "balance", args.rounds, seq_users)
            )
            fresh = [sd.add_user(f"B{i}") for i in range(args.rounds // 50 + 1)]
            for u in fresh:
                await (await sd.slash("balance", u, guild)).first(timeout=30)
            result["bid"] = summary(await sequential(sd, guild, "bid", args.rounds, fresh))
            crowd = users[: args.burst]
            # one untimed burst first: the bot opens its HTTP connections to "Discord" once,
            # as a long-running bot has them open already
            await burst(sd, guild, "balance", crowd)
            times, missed = await burst(sd, guild, "balance", crowd)
            result["burst balance"] = (*summary(times), missed)
            times, missed = await burst(sd, guild, "bid", crowd)
            result["burst bid"] = (*summary(times), missed)
            result["violations"] = (float(violations),)
            return result
        finally:
            await stop(proc)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        print(
            f"rounds {args.rounds} sequential, burst of {args.burst} users; "
            f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
        )
        base = await measure_bot(args, tmp, "do-nothing")
        adapter = await measure_bot(args, tmp, "constant")
        bot = await measure_bot(args, tmp, "real")
        raw = summary(raw_sqlite(tmp / "raw.db", args.rounds))

    def row(name: str, med: float, p99: float) -> None:
        print(f"| {name:<38} | {med:8.2f} | {p99:8.2f} |")

    print("\n| measure (ms, INTERACTION_CREATE -> callback) | median | p99 | notes")
    print("|---|---:|---:|---")
    row("do-nothing discord.py bot, /balance", *base["balance"])
    row("do-nothing discord.py bot, /bid", *base["bid"])
    row("raw SQLite commit of one bid", *raw)
    row("adapter, core answering at once, /balance", *adapter["balance"])
    row("adapter, core answering at once, /bid", *adapter["bid"])
    row("Connects bot, /balance", *bot["balance"])
    row("Connects bot, /bid", *bot["bid"])
    for name, data in (("do-nothing", base), ("adapter only", adapter), ("Connects bot", bot)):
        for cmd in ("balance", "bid"):
            med, p99, missed = data[f"burst {cmd}"]
            print(
                f"| {f'{name}, {args.burst} at once, /{cmd}':<38} | {med:8.2f} | {p99:8.2f} "
                f"| {int(missed)} missed the 3 s deadline"
            )
    b_med, b_p99 = bot["balance"]
    d_med = base["balance"][0]
    bid_med, bid_p99 = bot["bid"]
    db_med = base["bid"][0]
    print("\ntargets:")
    print(
        f"  /balance median {b_med:.2f} ms vs 2 x do-nothing {2 * d_med:.2f} ms: "
        f"{'met' if b_med <= 2 * d_med else 'MISSED'}"
    )
    print(
        f"  /bid median {bid_med:.2f} ms vs 2 x do-nothing + raw commit "
        f"{2 * db_med + raw[0]:.2f} ms: {'met' if bid_med <= 2 * db_med + raw[0] else 'MISSED'}"
    )
    print(
        f"  p99 under 50 ms: /balance {b_p99:.1f}, /bid {bid_p99:.1f}: "
        f"{'met' if max(b_p99, bid_p99) < 50 else 'MISSED'}"
    )
    worst = max(bot["burst balance"][1], bot["burst bid"][1])
    misses = int(bot["burst balance"][2] + bot["burst bid"][2])
    print(
        f"  burst: {misses} missed the deadline, p99 {worst:.1f} ms (target: 0, < 500 ms): "
        f"{'met' if misses == 0 and worst < 500 else 'MISSED'}"
    )
    print(f"  request bodies Discord would reject: {int(bot['violations'][0])}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--do-nothing":
        do_nothing_bot(*sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "--constant":
        constant_bot(*sys.argv[2:])
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--burst", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
