"""A kept bid from the shell (``connects-bot exec``, each line its own process): a pool's
duplicate is confirmed once however often ``/confirm`` runs, at the number its warning named,
and no code in the export places anything."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.bot.test_cli import cli


def test_confirm_from_the_shell_places_once_and_the_export_places_nothing(tmp_path: Path) -> None:
    for line in (
        "/pool create name:crew",
        "/pool topup name:crew connects:60",
        "/bid pool:crew job:Logo connects:5",
    ):
        assert cli(tmp_path, "exec", line).returncode == 0, line
    warned = cli(tmp_path, "exec", "/bid pool:crew job:Logo connects:7 boost:1")
    assert "confirm to bid 8 Connects anyway" in warned.stdout, warned.stdout
    match = re.search(r"/confirm token:(\w+)", warned.stdout)
    assert match, warned.stdout
    for _ in range(2):
        done = cli(tmp_path, "exec", f"/confirm token:{match.group(1)}")
        assert done.returncode == 0 and "Bid #2 placed" in done.stdout, done.stdout
        assert "7 Connects + 1 boost from pool crew\n47 Connects left" in done.stdout
    export = cli(tmp_path, "export")
    assert match.group(1) not in export.stdout
    requests = {r["request"] for r in csv.DictReader(io.StringIO(export.stdout.lstrip("\ufeff")))}
    for value in sorted(requests):
        for token in {value, value.split(":", 1)[-1]}:
            refused = cli(tmp_path, "exec", f"/confirm token:{token}")
            assert refused.returncode != 0, (token, refused.stdout)
    assert cli(tmp_path, "exec", "/balance pool:crew").stdout.startswith("Pool crew: 47 Connects")
