"""How fast a job post is read, and that reading stays linear on hostile text.

(a) ``read_post`` on a 10,000-character desktop post (the corpus's full post, its description
    grown to the length): p50 and p99 over many runs (target < 5 ms for both); (a') the same
    post flattened to one line;
(b) each post of the corpus (``tests/core/jobposts``): p50;
(c) the largest hostile inputs: ``MAX_CHARS`` characters of one shape (``$``, digits, spaces,
    lone labels, client lines...), and 1 MB beyond the bound: p50 and the slowest run;
(d) the same shapes at 2,500 to 20,000 characters: microseconds per 1,000 characters, best
    of 5 (flat = linear);
(e) posts generated from a structured job in every layout and shape: fields read right, and
    planted costs, balances and links read from the description (target 0);
(f) the same with one fact (cost, balance, link, spend) shown twice with different values in
    Upwork's lines: refused (neither read, the contradiction recorded).

    .venv/bin/python bench/jobpost.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a file, this script's folder comes first on sys.path: look in the project instead
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from core.quotes.jobpost import MAX_CHARS, read_post  # noqa: E402

CORPUS = ROOT / "tests" / "core" / "jobposts"
TARGET_MS = 5.0

PARAGRAPH = (
    "We are a small lending startup and our loan officers need a faster dashboard: the "
    "current one loads every application at once and takes twenty seconds on a slow laptop. "
    "You will split it into pages, add filters by branch and status, and chart the weekly "
    "volume. Our API is documented and stable; tests run in CI on every push."
)

# shapes, repeated to any length
SHAPES: dict[str, str] = {
    "'$'": "$",
    "digits": "7",
    "spaces": " ",
    "digits and commas": "1,",
    "money": "$1,0",
    "lines of '$'": "$\n",
    "dashes between digits": "1 - ",
    "lone labels": "Proposals:\nInterviewing:\nInvites sent:\nLast viewed by client:\n",
    "client lines": "$1 spent\n1% hire rate\nUnited Stat\n",
    "'Hourly' and amounts": "Hourly\n$1\n",
    "'Posted' alone": "Posted\n",
    "links": "upwork.com/~0",
    "ids": "~01a",
    "newlines": "\n",
    "CRLF": "\r\n",
    "sentences": "Accuracy matters. ",
    # one line: a flattened paste is split where Upwork's labels and values stand
    "labels on one line": "Hourly Posted 1 hour ago Job link: ",
    "values on one line": "$1 4.6 stars 12 hires ",
    "stars on one line": "\u2605",
    "planted in a sentence": "we saw Total spent: $4 on it ",
    "label soup": "Required Connects to submit a proposal: ",
}


def post_of(length: int) -> str:
    """The full desktop post with its description grown to ``length`` characters."""
    lines = (CORPUS / "desktop_hourly_full.txt").read_text(encoding="utf-8").splitlines()
    at = lines.index("Summary") + 1
    text = "\n".join(lines)
    description: list[str] = []
    while len(text) + sum(len(p) + 1 for p in description) < length:
        description.append(PARAGRAPH)
    grown = "\n".join(lines[:at] + description + lines[at:])
    return grown[: max(length, len(text))] if len(grown) > length else grown


def _times(
    fn: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    out = []
    for _ in range(runs):
        started = clock()
        fn()
        out.append(clock() - started)
    return out


def _both(label: str, fn: Callable[[], object], runs: int) -> None:
    """p50 and p99 by the wall clock and by this process's CPU time: on a machine shared with
    other work the wall clock's tail is mostly waiting for a core, not reading."""
    for _ in range(20):
        fn()
    wall = _times(fn, runs)
    cpu = _times(fn, runs, time.process_time)
    print(label)
    for name, times in (("wall", wall), ("cpu ", cpu)):
        p50, p99 = _p(times, 0.50), _p(times, 0.99)
        verdict = "ok" if p99 < TARGET_MS else "OVER"
        print(
            f"    {name} p50 {p50:6.3f} ms   p99 {p99:6.3f} ms   max {max(times) * 1000:6.3f} ms"
            f"   (target < {TARGET_MS} ms: {verdict})"
        )


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def typical() -> None:
    text = post_of(10_000)
    # the cut keeps whole lines: the description's last line may be shortened, no more
    assert read_post(text).connects == 13 and read_post(text).country == "US"
    _both(f"(a) a {len(text):,}-character desktop post, 2,000 runs:", lambda: read_post(text), 2000)


def flattened() -> None:
    text = " ".join(post_of(10_000).split())
    assert read_post(text).connects == 13 and read_post(text).country == "US"
    label = f"(a') the same post flattened to one line ({len(text):,} characters), 1,000 runs:"
    _both(label, lambda: read_post(text), 1000)


def generated(count: int = 300) -> None:
    """Fields read right on posts generated from a structured job (tests/core/jobpost_gen),
    per layout, over every shape; facts read from the description."""
    import random

    sys.path.insert(0, str(ROOT))
    from tests.core.jobpost_gen import FACTS, LAYOUTS, PLANTED, SHAPES, generated

    print(f"(e) generated posts, {count} per layout and shape:")
    print(f"    {'layout':<20}{'posts':>7}{'fields':>9}{'right':>9}{'from desc.':>12}")
    planted = {"connects": {1, 3}, "available": {9999}, "job_id": {"~01ffffffffffffffff"}}
    assert PLANTED
    for layout in LAYOUTS:
        posts = fields = right = leaked = 0
        for shape in SHAPES:
            for seed in range(count):
                post = generated(random.Random(f"{layout}/{shape}/{seed}"), layout, shape)
                got = read_post(post.text)
                posts += 1
                for name in FACTS:
                    fields += 1
                    right += getattr(got, name) == post.truth[name]
                    leaked += getattr(got, name) in planted.get(name, ())
        print(f"    {layout:<20}{posts:>7,}{fields:>9,}{right:>9,}{leaked:>12}")
    print(f"(f) a fact shown twice with different values, {count} per layout and shape:")
    print(f"    {'layout':<20}{'posts':>7}{'refused':>9}{'others right':>14}")
    for layout in LAYOUTS:
        posts = refused = others = 0
        for shape in SHAPES:
            for seed in range(count):
                r = random.Random(f"c/{layout}/{shape}/{seed}")
                post = generated(r, layout, shape, contradict=True)
                got = read_post(post.text)
                posts += 1
                refused += [c.group for c in got.conflicts] == [post.conflict]
                others += all(getattr(got, name) == post.truth[name] for name in FACTS)
        print(f"    {layout:<20}{posts:>7,}{refused:>9,}{others:>14,}")


def corpus() -> None:
    print("(b) the corpus, p50 of 300 runs:")
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_bytes().decode("utf-8")
        times = _times(lambda text=text: read_post(text), 300)
        print(f"    {path.stem:<22} {len(text):>6,} chars  {_p(times, 0.5):6.3f} ms")


def hostile() -> None:
    print(f"(c) the largest hostile inputs (all {MAX_CHARS:,} characters read), 30 runs:")
    inputs = {name: (shape * MAX_CHARS)[:MAX_CHARS] for name, shape in SHAPES.items()}
    # beyond the bound: the first MAX_CHARS are read, less the line the bound cuts
    inputs["1 MB of 'Payment verified'"] = "Payment verified\n" * 62_000
    inputs["1 MB of '$1 spent' lines"] = "$1 spent\n" * 110_000
    inputs["1 MB on one line"] = "x" * 1_000_000
    for name, text in inputs.items():
        read_post(text)
        times = _times(lambda text=text: read_post(text), 30)
        print(
            f"    {name:<30} {len(text):>9,} chars  p50 {_p(times, 0.5):7.3f} ms  "
            f"max {max(times) * 1000:7.3f} ms"
        )


def linearity() -> None:
    sizes = (2_500, 5_000, 10_000, 20_000)
    print("(d) microseconds per 1,000 characters, best of 5 (flat = linear):")
    print(f"    {'shape':<26}" + "".join(f"{n:>10,}" for n in sizes))
    for name, shape in {"a post": "", **SHAPES}.items():
        cells = []
        for n in sizes:
            text = post_of(n) if not shape else (shape * (n // len(shape) + 1))[:n]
            best = min(_times(lambda text=text: read_post(text), 5))
            cells.append(f"{best * 1e6 / (n / 1000):>10.1f}")
        print(f"    {name:<26}" + "".join(cells))


def main() -> None:
    print(f"Python {sys.version.split()[0]}")
    typical()
    flattened()
    corpus()
    hostile()
    linearity()
    generated()


if __name__ == "__main__":
    main()
