"""Processes answer from the model the database holds: one process fits, others quote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from core.base.config import Config
from core.quotes import learning
from core.store import open_store
from tests.bot.test_cli import ENV_KEYS
from tests.core.learning.synthetic import community, insert


def _exec(tmp: Path, url: str, line: str) -> str:
    # the seed heuristic, which a fit of 40 bids beats (the default range's middle takes more)
    (tmp / "c.toml").write_text(
        '[learning]\nmin_bids = 20\nfolds = 2\n[pricing]\nprofile = "seed"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(HOME=str(tmp), CONNECTS_DATABASE_URL=url)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "exec", "--config", "c.toml", "--user", "ana", line],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    return result.stdout


async def test_other_processes_quote_from_the_fitted_model(
    tmp_path: Path, db_url: str, make_config: Callable[..., Config]
) -> None:
    """Fitted here, the model answers /quote and /model in separate processes on the same
    database (SQLite and PostgreSQL); before the fit they answer from the heuristic."""
    config = make_config(learning={"min_bids": 20, "folds": 2}, pricing={"profile": "seed"})
    store = await open_store(db_url)
    try:
        now = int(time.time())
        await insert(store, community(40, now, seed=2), "console")
        before = _exec(tmp_path, db_url, "/quote price:1000 verified:yes")
        assert before.splitlines()[0].endswith(" Connects, heuristic")
        model = await learning.fit(store, config, "console", now)
        assert model.in_use, model.reason
    finally:
        await store.close()
    quoted = _exec(tmp_path, db_url, "/quote price:1000 verified:yes details:true")
    assert quoted.splitlines()[0].endswith(" Connects, learned")
    assert "learned from 40 bids in this community" in quoted
    shown = _exec(tmp_path, db_url, "/model")
    assert shown.startswith("Learned quotes: in use")
