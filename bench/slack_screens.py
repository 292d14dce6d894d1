"""A screenshot shared in the Slack app's DM: how soon Slack gets its ack, and how soon the
answer is there, with ``connects-bot run`` in Socket Mode on the local Slack stand-in.

    .venv/bin/python bench/slack_screens.py [--runs 5]

The bot runs as a subprocess; this process runs the stand-in (which hosts the screenshot at
``url_private`` behind the bot token) and plays Slack: it sends the ``message.im`` event of a
``file_share`` as an ``events_api`` envelope and times (a) send to ack (Slack redelivers an
event not acked within 3 s) and (b) send to the answer in the DM (the placeholder replaced, or
the answer itself), for both screens of a phone case of the corpus (1080x2400 and 1080x520,
shared in one message: one job, read as one post). The first share also starts the
recogniser's workers; it is reported apart (cold).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a file, this script's folder comes first on sys.path: look in the project instead
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from adapters.slack.shares import READING  # noqa: E402
from tests.core.screens_corpus import CORPUS  # noqa: E402
from tests.slack_standin import SlackStandIn, event_body, file_share_event  # noqa: E402

CASE = "phone-dark-3x-b"


async def start_bot(slack: SlackStandIn, tmp: Path) -> asyncio.subprocess.Process:
    config = tmp / "bot.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{tmp}/bench.db"\n\n[slack]\nmode = "socket"\n'
        f'bot_token = "{slack.bot_token}"\napp_token = "{slack.app_token}"\n'
        f'api_base = "{slack.api_base}"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=str(tmp),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await slack.wait_socket(within=60)
    return proc


async def share(
    slack: SlackStandIn, shots: list[tuple[str, bytes]], want: str
) -> tuple[float, float]:
    """Seconds to the ack and to the answer of one share of ``shots``."""
    files = [slack.host_file("USAM", name, data) for name, data in shots]
    body = event_body(slack, file_share_event(slack, "USAM", files))
    before = len(slack.messages)
    start = time.perf_counter()
    await slack.send_envelope("events_api", body, within=30)
    acked = time.perf_counter() - start

    def answered() -> bool:
        return any(m.params.get("text") != READING for m in slack.messages[before:])

    await slack.wait_for(answered, within=180)
    took = time.perf_counter() - start
    text = json.dumps([m.params for m in slack.messages[before:]])
    assert want in text, text
    return acked, took


async def main(runs: int) -> None:
    case = json.loads((CORPUS / f"{CASE}.json").read_text())
    shots = [(name, (CORPUS / name).read_bytes()) for name in case["screens"]]
    want = f"{case['truth']['connects']} Connects, stated by the post"
    async with SlackStandIn() as slack:
        slack.add_user("USAM", "sam")
        with tempfile.TemporaryDirectory() as tmp:
            proc = await start_bot(slack, Path(tmp))
            try:
                cold = await share(slack, shots, want)
                warm = [await share(slack, shots, want) for _ in range(runs)]
            finally:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), 60)
    acks = [a for a, _ in warm]
    answers = [t for _, t in warm]
    size = sum(len(d) for _, d in shots) // 1024
    print(
        f"screens: {', '.join(n for n, _ in shots)} ({size} KB), {runs} warm shares after one cold"
    )
    print(f"cold share: ack {cold[0] * 1000:.1f} ms, answer {cold[1]:.2f} s")
    print(
        f"warm ack: p50 {statistics.median(acks) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms"
        " (Slack redelivers after 3 s)"
    )
    print(
        f"warm answer: p50 {statistics.median(answers):.2f} s, min {min(answers):.2f} s,"
        f" max {max(answers):.2f} s (fetch, recognition, the quote, the DM post)"
    )
    fetched = [f for f in slack.file_fetches if f.authorized]
    print(f"downloads: {len(fetched)} of {len(slack.file_fetches)} requests let in")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
