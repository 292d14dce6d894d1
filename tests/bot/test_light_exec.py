"""``connects-bot exec "/balance"`` and ``exec "/quote"`` stay light: no platform, chart or
numeric library (numpy, scikit-learn, scipy) is imported on the one-shot path (docs/benchmarks.md,
Figures: "Discord, Slack or matplotlib imported by exec "/balance": none"), even with a
learned cost model in the ledger; reading that model and predicting from it is pure Python.

The command runs in a fresh interpreter through the real entry point (``bot.cli.main``, what
the ``connects-bot`` script calls) on a temporary SQLite database, with HOME and the working
directory in a temporary folder. The wrapper records ``sys.modules`` when ``main`` returns;
``-X importtime`` tells, for a failure, which import chain pulled a heavy module in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "discord",
    "slack_bolt",
    "slack_sdk",
    "matplotlib",
    "numpy",
    "sklearn",
    "scipy",
    "lightgbm",
    "aiohttp",
    "asyncpg",
    "prompt_toolkit",
    "babel",
    "rapidfuzz",
    "prometheus_client",  # /metrics: `run` with [ops] port only
    "sentry_sdk",  # [ops] sentry_dsn: `run` only
    # the screenshot reader's: only an image brings them in
    "PIL",
    "rapidocr_onnxruntime",
    "onnxruntime",
    "cv2",
)
# the project's own modules that /balance does not use: the other command areas, the job-post
# reader, learning, bids, charts, exports, win rates, notices, PostgreSQL, the interactive console,
# the results of the ledger's changes, history and statistics, and quoting (pricing)
UNUSED_BY_BALANCE = (
    "core.commands.account",
    "core.commands.stats",
    "core.commands.money",
    "core.commands.quotes",
    "core.commands.quotebuttons",
    "core.commands.pools",
    "core.commands.purchases",
    "core.commands.learned",
    "core.quotes.jobquote",
    "core.quotes.jobpost",
    "core.quotes.screens",
    "core.quotes.learning",
    "core.quotes.estimates",
    "core.ledger.bids",
    "core.quotes.bidrecords",
    "core.reads.chart",
    "core.reads.export",
    "core.quotes.winrates",
    "core.notices",
    "core.store.postgres",
    "core.store.copy",
    "adapters.console.interactive",
    "adapters.console.console",
    "adapters.served",
    "bot.notices",
    "core.ledger.idempotency",
    "core.ledger.results",
    "core.reads.insight",
    "core.store.tables.insight",
    "core.quotes.pricing",
    "core.quotes.radar",
    "core.store.tables.reposts",
    "bot.ops",
    "bot.metrics",
    "bot.reporting",
    "core.commands.forget",
    "core.store.tables.forget",
    "core.store.tables.health",
)
# standard-library modules /balance does not use: the TOML parser (no config file is given),
# uuid (its import reads the platform), secrets, and the hashing and JSON of idempotent changes;
# and, on SQLite, no event loop: the command runs on the direct store (core.store.direct)
# without asyncio (nor what it imports: sockets, subprocesses, ssl, thread pools) or aiosqlite
STDLIB_UNUSED_BY_BALANCE = ("tomllib", "uuid", "platform", "secrets", "hashlib", "json")
# nor what argparse's help width (shutil, and the compression modules it imports) or the
# days of a month (calendar) would import: both are read without them
STDLIB_UNUSED_BY_BALANCE += ("shutil", "bz2", "lzma", "calendar")
NO_EVENT_LOOP = (
    "asyncio",
    "aiosqlite",
    "core.store.sqlite",
    "concurrent",
    "socket",
    "subprocess",
    "ssl",
    "selectors",
)
ENV_KEYS = (
    "CONNECTS_DATABASE_URL",
    "DISCORD_TOKEN",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "PYTHONSTARTUP",
    "PYTHONINSPECT",
)

# argv: OUT_FILE, then connects-bot's own arguments
WRAPPER = """
import sys
out, argv = sys.argv[1], sys.argv[2:]
from bot.cli import main
try:
    code = main(argv)
finally:
    modules = sorted(sys.modules)
    import json
    with open(out, "w", encoding="utf-8") as f:
        json.dump(modules, f)
sys.exit(code)
"""


def import_chains(importtime: str, wanted: set[str]) -> list[str]:
    """For each ``wanted`` top-level package in ``-X importtime`` output, the chain of imports
    that first loaded it, innermost first."""
    rows: list[tuple[int, str]] = []
    for line in importtime.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].split(":")[1].strip().isdigit():
            continue  # the header line
        field = parts[2].rstrip()
        rows.append((len(field) - len(field.lstrip()), field.strip()))
    chains = []
    for i, (depth, name) in enumerate(rows):
        if name not in wanted:
            continue
        chain, level = [name], depth
        for later_depth, later in rows[i + 1 :]:  # a parent is logged after its children
            if later_depth < level:
                chain.append(later)
                level = later_depth
        chains.append(" <- ".join(chain))
    return chains


def test_exec_balance_imports_no_platform_chart_or_numeric_library(tmp_path: Path) -> None:
    """A one-shot /balance answers with the wallet's balance and imports none of discord,
    slack_bolt, slack_sdk, matplotlib, numpy, sklearn, scipy, lightgbm, aiohttp, asyncpg,
    prompt_toolkit, babel or rapidfuzz, nor the project's modules it does not use (other
    command areas, the job-post reader, learning, bids, charts, exports, PostgreSQL, idempotent
    changes, the repost radar), nor the standard library's TOML parser, uuid, secrets, hashlib
    or json; and on SQLite no asyncio or aiosqlite: it runs on the direct store without an
    event loop."""
    home = tmp_path / "home"
    home.mkdir()
    db = tmp_path / "ledger" / "connects.db"
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(HOME=str(home), CONNECTS_DATABASE_URL=f"sqlite:///{db}")
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            WRAPPER,
            str(out),
            "exec",
            "--user",
            "ana",
            "/balance",
        ],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert result.stdout.splitlines()[:2] == ["60 Connects", "Your wallet"], result.stdout
    assert db.exists()  # the database came from CONNECTS_DATABASE_URL ...
    assert not (home / "connects.db").exists()  # ... not the default in the working directory

    modules = json.loads(out.read_text(encoding="utf-8"))
    top = {m.split(".")[0] for m in modules}
    # the record is real: the modules /balance needs are in it
    assert {"bot", "core", "adapters", "sqlite3"} <= top, sorted(top)
    assert "core.ledger.postings" in modules and "adapters.console.once" in modules
    assert "core.store.direct" in modules and "bot.inline" in modules
    heavy = sorted(top & set(HEAVY))
    assert not heavy, f"exec /balance imported {heavy}:\n  " + "\n  ".join(
        import_chains(result.stderr, set(heavy))
    )
    unused = sorted(
        m for m in (*UNUSED_BY_BALANCE, *STDLIB_UNUSED_BY_BALANCE, *NO_EVENT_LOOP) if m in modules
    )
    assert not unused, f"exec /balance imported {unused}:\n  " + "\n  ".join(
        import_chains(result.stderr, set(unused))
    )


def test_import_chains_name_who_imported_a_module() -> None:
    """The failure message's chain is read from ``-X importtime``'s nesting."""
    sample = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |       matplotlib.colors",
            "import time:        20 |         30 |     matplotlib",
            "import time:         5 |         35 |   core.reads.insight",
            "import time:         5 |         40 | adapters.console.console",
            "import time:         1 |          1 | json",
        ]
    )
    assert import_chains(sample, {"matplotlib", "numpy"}) == [
        "matplotlib <- core.reads.insight <- adapters.console.console",
    ]


def _ledger_with_a_model(db: Path) -> None:
    """A ledger whose console scope has a fitted cost model (fitted here, in the test's own
    process, which may import scikit-learn)."""
    import asyncio

    from core.base.config import parse
    from core.quotes import learning
    from core.store import open_store
    from tests.core.learning.synthetic import community, insert

    now = 1_790_000_000
    config = parse(
        {"storage": {"url": f"sqlite:///{db}"}, "learning": {"min_bids": 20, "folds": 2}},
        env={},
    )

    async def fill() -> None:
        store = await open_store(config.storage.url)
        try:
            await insert(store, community(40, now, seed=1), "console")
            model = await learning.fit(store, config, "console", now)
            assert model.in_use
        finally:
            await store.close()

    asyncio.run(fill())


def test_exec_quote_imports_no_numeric_library(tmp_path: Path) -> None:
    """A one-shot /quote on a ledger holding a fitted cost model imports none of the heavy
    packages either (a quote reads the model; only a fit trains)."""
    home = tmp_path / "home"
    home.mkdir()
    db = tmp_path / "ledger" / "connects.db"
    db.parent.mkdir()
    _ledger_with_a_model(db)
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(HOME=str(home), CONNECTS_DATABASE_URL=f"sqlite:///{db}")
    result = subprocess.run(
        [
            *(sys.executable, "-X", "importtime", "-c", WRAPPER, str(out)),
            *("exec", "--user", "ana", "/quote price:500 size:small"),
        ],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert "Connects" in result.stdout.splitlines()[0], result.stdout
    top = {m.split(".")[0] for m in json.loads(out.read_text(encoding="utf-8"))}
    heavy = sorted(top & (set(HEAVY) - {"babel"}))  # a quote reads numbers with babel
    assert not heavy, f"exec /quote imported {heavy}:\n  " + "\n  ".join(
        import_chains(result.stderr, set(heavy))
    )


PREDICT = """
import asyncio, json, sys
from core.quotes import learning
from core.quotes.bidrecords import BidFactors
from core.store import open_store

async def main():
    store = await open_store(sys.argv[1])
    try:
        async def read(tx):
            return await learning.current(tx, "console")
        model = await store.read(read, quick=True)
    finally:
        await store.close()
    job = BidFactors(budget_type="fixed", price_cents=100_000, verified=True)
    return learning.predict(model, job, 1_790_000_000)

value = asyncio.run(main())
print(json.dumps({"value": value, "modules": sorted(sys.modules)}))
"""


def test_reading_the_model_and_predicting_import_no_numeric_library(tmp_path: Path) -> None:
    """``core.quotes.learning``'s current model and its predict run in pure Python: a fresh
    interpreter that reads a fitted model and predicts from it loads no numpy, scikit-learn
    or scipy."""
    db = tmp_path / "connects.db"
    _ledger_with_a_model(db)
    result = subprocess.run(
        [sys.executable, "-c", PREDICT, f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout)
    assert 10 < found["value"] < 26, found["value"]
    top = {m.split(".")[0] for m in found["modules"]}
    assert "core" in top and not top & {"numpy", "sklearn", "scipy", "threadpoolctl"}, sorted(top)
