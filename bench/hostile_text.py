"""How fast hostile text is refused, and that reading text stays linear.

(a) ``App.run_text`` on lines far beyond the bound (400,000 ``<``, a 1.5 MB unknown command,
    unclosed quotes and mentions): each refused in well under 50 ms;
(b) the worst shapes that fit the bound (4,000 characters): parsed or refused quickly;
(c) the tokenizer and the option parser, without the bound, on 100,000 to 800,000 characters
    of each shape: the time per character stays flat (linear), where it used to grow with the
    length (quadratic: 53 s for 60,000 characters of unclosed quotes).

    .venv/bin/python bench/hostile_text.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a file, this script's folder comes first on sys.path: look in the project instead
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from bot.bootstrap import create_app  # noqa: E402
from core.base.config import parse  # noqa: E402
from core.base.keys import Actor, UserRef  # noqa: E402
from core.interface.catalog import BY_NAME  # noqa: E402
from core.interface.errors import BadInput  # noqa: E402
from core.interface.textparse import MAX_LINE, parse_options  # noqa: E402
from core.interface.textreader import tokenize  # noqa: E402

ANA = Actor(UserRef("console:ana", "ana"), "console")

HUGE = {
    "400,000 '<'": "<" * 400_000,
    "'/bid ' and 400,000 '<'": "/bid " + "<" * 400_000,
    "1.5 MB unknown command": "/" + "x" * 1_500_000,
    "400,000 chars of unclosed ' quotes": "/bid job:" + "'a " * 133_330,
    "400,000 chars of unclosed <": "/bid " + "<@ " * 133_330,
}

# shapes, repeated to any length
SHAPES = {
    "unclosed '": "'a ",
    "unclosed ‘": "‘a ",
    "'<' without '>'": "<",
    "'<a ' without '>'": "<a ",
    "keyless words": "a ",
}


def _best(fn: Callable[[], object], runs: int = 5) -> float:
    """The best of ``runs`` timings of ``fn``, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def _quietly(fn: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        try:
            return fn()
        except BadInput as exc:
            return exc

    return run


async def refusals() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = parse({"storage": {"url": f"sqlite:///{Path(tmp) / 'b.db'}"}}, env={})
        app = await create_app(config)
        try:
            print("(a) App.run_text beyond the bound: refused in")
            for name, text in HUGE.items():
                times = []
                for i in range(7):
                    started = time.perf_counter()
                    reply = await app.run_text(ANA, text, f"huge-{i}")
                    times.append(time.perf_counter() - started)
                    assert reply.error and "at most" in reply.title
                print(
                    f"    {name:<38} median {statistics.median(times) * 1000:7.3f} ms, "
                    f"max {max(times) * 1000:7.3f} ms (target < 50 ms)"
                )
            print(f"(b) the worst shapes at the bound ({MAX_LINE:,} characters), run_text:")
            for name, shape in SHAPES.items():
                line = ("/bid " + shape * MAX_LINE)[:MAX_LINE]
                times = []
                for i in range(7):
                    started = time.perf_counter()
                    await app.run_text(ANA, line, f"bound-{name}-{i}")
                    times.append(time.perf_counter() - started)
                print(f"    {name:<38} median {statistics.median(times) * 1000:7.3f} ms")
        finally:
            await app.close()


def linearity() -> None:
    bid = BY_NAME["bid"]
    print("(c) without the bound: nanoseconds per character, best of 3 (flat = linear)")
    sizes = (100_000, 200_000, 400_000, 800_000)
    print(f"    {'shape':<22}{'reader':<14}" + "".join(f"{n:>11,}" for n in sizes))
    for name, shape in SHAPES.items():
        for reader, fn in (("tokenize", tokenize), ("parse_options", None)):
            cells = []
            for n in sizes:
                text = (shape * (n // len(shape) + 1))[:n]

                def run(text: str = text, fn: Callable[[str], object] | None = fn) -> object:
                    return fn(text) if fn else parse_options(bid, text)

                seconds = _best(_quietly(run), runs=3)
                cells.append(f"{seconds / n * 1e9:>11.1f}")
            print(f"    {name:<22}{reader:<14}" + "".join(cells))


def main() -> None:
    print(f"Python {sys.version.split()[0]}")
    asyncio.run(refusals())
    linearity()


if __name__ == "__main__":
    main()
