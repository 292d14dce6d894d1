"""The container's files: the Dockerfile takes its base as an argument and drops root; compose
starts the bot after a healthy database. Building the image and asking it for
``exec "/balance"`` and ``/readyz`` takes minutes (a base made from Debian's packages, then the
build): that check is ``tools/container_check.sh`` (as root, with podman), not part of the
test suite, which skips nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_dockerfile_takes_its_base_and_drops_root() -> None:
    """Two stages on the base given as an argument; the runtime stage runs as uid 10001."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    assert lines[0].startswith("ARG BASE=")
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms == ["FROM ${BASE} AS build", "FROM ${BASE}"]
    runtime = lines[lines.index(froms[1]) :]
    assert "USER 10001:10001" in runtime
    assert runtime[-1].startswith("CMD") and runtime[-2].startswith("ENTRYPOINT")


def test_compose_starts_the_bot_after_a_healthy_database() -> None:
    """compose.yaml: PostgreSQL with a query as its healthcheck, the bot waiting for it, a
    read-only bot, named volumes."""
    yaml = pytest.importorskip("yaml", reason="PyYAML reads compose.yaml")
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert "SELECT 1" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["read_only"] is True and "/tmp" in bot["tmpfs"]
    assert set(compose["volumes"]) == {"pgdata", "botdata"}
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
