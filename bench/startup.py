"""How fast a one-shot command starts: ``connects-bot exec "/balance"`` against a bare
interpreter start (``python -c pass``), side by side.

Runs alternate, bare then exec, pair after pair, so a machine whose speed drifts (other
processes, frequency) affects both sides of a pair alike; the figure to quote is the ratio.
Each process's CPU time (user + system, the kernel's own accounting of the finished child) and
wall time are taken; the script prints the medians and the median of the per-pair ratios.
Target: exec "/balance" at most 4x a bare interpreter start.

The database is a fresh SQLite file in a temporary folder (its migrations are applied by the
warm-up run; ``--fresh-each`` gives every exec a new file, so each run applies them). Both
commands run with the same interpreter and environment. By default both read compiled bytecode
from a cache in the temporary folder (filled by the warm-up runs), as an installed bot does;
``--no-bytecode-cache`` runs them as the environment says (with PYTHONDONTWRITEBYTECODE set,
the project's modules are compiled on every start).

    .venv/bin/python bench/startup.py [--pairs 40] [--fresh-each] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET = 4.0


def exec_command() -> list[str]:
    """``connects-bot`` from this interpreter's environment, else ``python -m bot``."""
    script = Path(sys.executable).parent / "connects-bot"
    if script.exists():
        return [str(script)]
    found = shutil.which("connects-bot")
    return [found] if found else [sys.executable, "-m", "bot"]


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of ``argv``; raises if it
    fails."""
    start = os.times().elapsed
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = os.times().elapsed - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err.decode()[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=40, help="counted pairs (default 40)")
    parser.add_argument("--warmup", type=int, default=3, help="pairs not counted (default 3)")
    parser.add_argument(
        "--fresh-each", action="store_true", help="a new database file for every exec"
    )
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run as the environment says, without a bytecode cache of the bench's own",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="connects-startup-") as tmp:
        root = Path(tmp)
        home = root / "home"
        home.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CONNECTS_", "DISCORD_", "SLACK_")) and k != "PYTHONSTARTUP"
        }
        env["HOME"] = str(home)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        bare = [sys.executable, "-c", "pass"]
        one_shot = [*exec_command(), "exec", "--user", "ana", "/balance"]

        def run_pair(i: int) -> tuple[float, float, float, float]:
            name = f"ledger-{i}.db" if args.fresh_each else "ledger.db"
            env["CONNECTS_DATABASE_URL"] = f"sqlite:///{root / name}"
            b_cpu, b_wall = timed(bare, env, home)
            a_cpu, a_wall = timed(one_shot, env, home)
            return b_cpu, b_wall, a_cpu, a_wall

        for i in range(args.warmup):
            run_pair(-1 - i)
        rows = [run_pair(i) for i in range(args.pairs)]

    b_cpu, b_wall, a_cpu, a_wall = (list(col) for col in zip(*rows, strict=True))
    cpu_ratio = statistics.median(a / b for a, b in zip(a_cpu, b_cpu, strict=True) if b > 0)
    wall_ratio = statistics.median(a / b for a, b in zip(a_wall, b_wall, strict=True))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load {load:.1f}; "
        f"{args.pairs} pairs after {args.warmup} warm-up; "
        f"{'a new database each run' if args.fresh_each else 'one fresh database'}; "
        f"{'no bytecode cache' if args.no_bytecode_cache else 'bytecode cached'}"
    )
    print(f"{'':34}{'cpu s':>9}{'wall s':>9}   (medians)")
    print(f"{'python -c pass':34}{statistics.median(b_cpu):9.3f}{statistics.median(b_wall):9.3f}")
    print(
        f"{'connects-bot exec /balance':34}"
        f"{statistics.median(a_cpu):9.3f}{statistics.median(a_wall):9.3f}"
    )
    print(f"{'ratio (median of pairs)':34}{cpu_ratio:9.2f}{wall_ratio:9.2f}   target ≤ {TARGET:g}")


if __name__ == "__main__":
    main()
