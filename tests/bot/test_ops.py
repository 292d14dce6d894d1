"""The operator's endpoints and logs: /healthz, /readyz (database and platforms), /metrics
(commands, refusals, latency, backlog, fits, invariant checks), the ledger invariant check,
JSON log lines and the Sentry scrubber. On both databases where the store is read.

The attacks, beside the tests: a scrape or probe storm (the database answer is reused, so it
costs one query a second); a member who types their secrets or someone's id into a command
that fails (Sentry gets the code's template and the exception's type, never the text)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.served import Served
from bot import logs, reporting
from bot.ops import Ops, check_invariant
from bot.opsconfig import OpsConfig
from bot.settings import parse
from core.app import App
from core.base.config import ConfigError
from core.store.base import Tx
from tests.conftest import actor

ANA = actor("ana")


class Manual:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Waiting(Served):
    """A real :class:`Served` platform that takes requests until stopped."""

    name = "console"

    async def serve(self, stop: asyncio.Event) -> None:
        self.ready(None)
        await stop.wait()


@pytest.fixture
async def served(app: App) -> AsyncIterator[tuple[Ops, Waiting, Manual, str]]:
    clock = Manual()
    platform = Waiting()
    ops = Ops(app, OpsConfig(port=0, host="127.0.0.1"), [platform], clock)
    await ops.start()
    try:
        yield ops, platform, clock, f"http://127.0.0.1:{ops.port}"
    finally:
        await ops.stop()
        if not platform.stopping:
            await platform.stop()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_healthz_answers_while_the_process_runs(served: Any) -> None:
    """/healthz is 200 before any platform is up (a liveness probe must not wait on them)."""
    _, _, _, base = served
    assert await get(base + "/healthz") == (200, "ok\n")


async def test_readyz_needs_the_database_and_every_platform(served: Any) -> None:
    """/readyz is 503 naming the platform until it serves, then 200; 503 again once it
    stopped, and once the database stops answering."""
    _ops, platform, _clock, base = served
    status, body = await get(base + "/readyz")
    assert status == 503 and json.loads(body)["checks"]["console"] == "not running"
    await platform.start()
    status, body = await get(base + "/readyz")
    assert status == 200, body
    assert json.loads(body) == {"checks": {"console": "serving", "database": "ok"}, "ready": True}
    await platform.stop()
    assert (await get(base + "/readyz"))[0] == 503


async def test_readyz_fails_when_the_database_does_not_answer(
    app: App, served: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that refuses reads makes /readyz 503 once the last answer is stale."""
    _ops, platform, clock, base = served
    await platform.start()
    assert (await get(base + "/readyz"))[0] == 200

    async def refuse(fn: object, *, quick: bool = False) -> object:
        raise OSError("connection refused")

    monkeypatch.setattr(app.store, "read", refuse)
    assert (await get(base + "/readyz"))[0] == 200  # the answer of a moment ago stands
    clock.now += 1.5
    status, body = await get(base + "/readyz")
    assert status == 503 and "unreachable" in json.loads(body)["checks"]["database"]


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of metric ``name`` with ``labels`` in exposition ``text``."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return None


async def test_metrics_count_commands_refusals_and_latency(app: App, served: Any) -> None:
    """Commands by name and outcome, refusals and reply-time histograms are exported; no
    user key appears in the text."""
    _ops, _, _, base = served
    await app.run_text(ANA, "/buy connects:10", "m1")
    await app.run_text(ANA, "/balance", "m2")
    await app.run_text(ANA, "/bid job:x connects:999999", "m3")  # more than the wallet holds
    await app.run_text(ANA, "/forget", "m4")
    status, text = await get(base + "/metrics")
    assert status == 200
    assert sample(text, "connects_commands_total", command="buy", outcome="ok") == 1
    assert sample(text, "connects_commands_total", command="bid", outcome="refused") == 1
    assert sample(text, "connects_commands_total", command="forget", outcome="confirm") == 1
    assert sample(text, "connects_refusals_total", command="bid") == 1
    assert sample(text, "connects_reply_seconds_count", command="balance") == 1
    assert sample(text, "connects_notice_backlog") is not None
    assert "ana" not in text


async def test_metrics_show_fits_and_the_backlog(app: App, served: Any) -> None:
    """A fitted cost model's error and sample size and the notices waiting are exported."""
    _ops, _, clock, base = served

    async def seed(tx: Tx) -> None:
        await tx.execute(
            "INSERT INTO cost_models (scope, fitted_at, sample_size, mae_hundredths, "
            "heuristic_mae_hundredths, in_use) VALUES ('discord:1', 5, 120, 135, 290, 1)"
        )
        await tx.execute(
            "INSERT INTO notices (key, subject, platform, target_kind, target, text, "
            "created_at) VALUES ('k', 's', 'console', 'dm', 'console:x', 't', 1)"
        )

    await app.store.write(seed)
    clock.now += 60  # past the cached database figures
    _, text = await get(base + "/metrics")
    assert sample(text, "connects_fit_mae_connects", scope="discord:1") == 1.35
    assert sample(text, "connects_fit_heuristic_mae_connects", scope="discord:1") == 2.9
    assert sample(text, "connects_fit_samples", scope="discord:1") == 120
    assert sample(text, "connects_notice_backlog") == 1


async def test_the_invariant_check_finds_a_balance_changed_behind_the_ledger(
    app: App, served: Any
) -> None:
    """Every balance equals its entries: the check counts ok; a balance changed by hand (not
    through an entry) is found and counted as failed."""
    ops, _, _, base = served
    await app.run_text(ANA, "/buy connects:10", "i1")
    assert await check_invariant(app, ops.metrics) == 0

    async def tamper(tx: Tx) -> None:
        await tx.execute("UPDATE accounts SET balance = balance + 1")

    await app.store.write(tamper)
    assert await check_invariant(app, ops.metrics) >= 1
    _, text = await get(base + "/metrics")
    assert sample(text, "connects_ledger_invariant_checks_total", result="ok") == 1
    assert sample(text, "connects_ledger_invariant_checks_total", result="failed") == 1


def test_ops_and_log_settings_are_checked() -> None:
    """A bad port or log format is refused with the key named."""
    with pytest.raises(ConfigError, match="ops"):
        parse({"ops": {"port": 70000}}, env={})
    with pytest.raises(ConfigError, match=r"log\.format"):
        parse({"log": {"format": "xml"}}, env={})
    config = parse({"ops": {"port": 9300}, "log": {"format": "json"}}, env={"SENTRY_DSN": "x" * 9})
    assert config.section(OpsConfig).port == 9300
    assert "x" * 9 in config.secrets  # masked in every log line


def test_json_logs_are_one_object_a_line_with_the_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each record is one JSON line with its request id; a secret is masked; a traceback
    stays inside its line."""
    from core.app import REQUEST_ID

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    logs.setup("INFO", secrets=["hunter22"], fmt="json")
    token = REQUEST_ID.set("req-7")
    try:
        logging.getLogger("connects").info("/balance by %s with %s", "console:ana", "hunter22")
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            logging.getLogger("connects").exception("failed")
    finally:
        REQUEST_ID.reset(token)
        logging.getLogger().handlers.clear()
    lines = err.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["request_id"] == "req-7" and first["level"] == "INFO"
    assert first["message"] == "/balance by console:ana with ***"
    assert "ValueError" in second["traceback"] and second["time"].endswith("Z")


async def test_sentry_gets_no_user_text_or_ids() -> None:
    """Through the real sentry-sdk: a logged failure with a user key and typed text in its
    arguments and its exception arrives as template, type and stack only."""
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from sentry_sdk.transport import Transport

    sent: list[str] = []

    class Recorder(Transport):
        def capture_envelope(self, envelope: Any) -> None:
            sent.append(envelope.serialize().decode("utf-8", "replace"))

    secret_text = "call me at 555-0100"
    user = "discord:123456789012345678"
    assert reporting.setup("https://key@o0.ingest.invalid/1", "test", transport=Recorder)
    try:
        log = logging.getLogger("connects")
        log.info("/bid by %s: %s", user, secret_text)  # would be a breadcrumb
        try:
            raise ValueError(f"cannot read {secret_text!r} for {user}")
        except ValueError:
            log.exception("/%s failed for %s", "bid", user)
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
    assert sent, "no event reached the transport"
    body = "\n".join(sent)
    assert "ValueError" in body and "/%s failed for %s" in body
    for leaked in (secret_text, "555-0100", "123456789012345678"):
        assert leaked not in body


def test_scrub_drops_what_names_people() -> None:
    """The scrubber alone: user, request, tags, extra, breadcrumbs and contexts but runtime
    and os go; messages keep their template; frames lose their variables."""
    event: dict[str, Any] = {
        "user": {"id": "u1"},
        "request": {"data": "x"},
        "tags": {"who": "u1"},
        "extra": {"text": "hi"},
        "breadcrumbs": {"values": [{"message": "u1"}]},
        "contexts": {"runtime": {"name": "CPython"}, "custom": {"u": "u1"}},
        "logentry": {"message": "by %s", "params": ["u1"], "formatted": "by u1"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "u1 typed this",
                    "stacktrace": {"frames": [{"function": "f", "lineno": 3, "vars": {"a": 1}}]},
                }
            ]
        },
    }
    out = reporting.scrub(event)
    assert "u1" not in json.dumps(out)
    assert out["logentry"] == {"message": "by %s", "params": []}
    assert out["contexts"] == {"runtime": {"name": "CPython"}}
    assert out["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f", "lineno": 3}]
