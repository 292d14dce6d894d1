"""One bot process for the concurrency tests: ``python -m tests.core._bidder SPEC_JSON``.

It opens the real application on the database named in the spec, prints ``ready``, reads a start
time (epoch seconds) on stdin and waits for it, so that every process starts bidding at the same
moment, fires all its bids at once with ``asyncio.gather``, and prints one JSON list: for each
bid, its request id and reply.
Log records go to stderr, where a test can look for "database is locked".
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from typing import Any

from bot.bootstrap import create_app
from core.base.config import parse
from core.base.keys import Actor, UserRef
from core.interface.reply import Reply


def as_json(rid: str, reply: Reply) -> dict[str, Any]:
    return {
        "rid": rid,
        "title": reply.title,
        "lines": reply.lines,
        "error": reply.error,
        "buttons": [b.value for b in reply.buttons],
        "repr": repr(reply),
    }


async def main(spec: dict[str, Any]) -> None:
    config = parse(
        {
            "storage": {"url": spec["url"], "synchronous": spec.get("sync", "NORMAL")},
            "wallet": {"welcome_grant": spec["welcome"]},
        },
        env={},
    )
    app = await create_app(config)
    actor = Actor(UserRef(f"console:{spec['user']}", spec["user"]), "console")
    try:
        print("ready", flush=True)
        start = float(await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
        await asyncio.sleep(max(0.0, start - time.time()))
        bids = spec["bids"]
        replies = await asyncio.gather(
            *(
                app.dispatch(actor, "bid", {"job": b["job"], "connects": b["connects"]}, b["rid"])
                for b in bids
            )
        )
    finally:
        await app.close()
    print(
        json.dumps([as_json(b["rid"], r) for b, r in zip(bids, replies, strict=True)]), flush=True
    )


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s"
    )
    asyncio.run(main(json.loads(sys.argv[1])))
