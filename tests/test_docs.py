"""The README stays a page for users, and no link in the documentation leads nowhere.

README.md is at most 250 lines; everything longer lives under docs/, each file linked from the
README. Every relative link in README.md and docs/*.md names a file that exists and, with a
``#fragment``, a heading of that file as GitHub spells its anchor.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

FENCE = re.compile(r"^(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose_lines(text: str) -> list[str]:
    """The lines of a Markdown page outside fenced code blocks."""
    lines: list[str] = []
    fenced = False
    for line in text.split("\n"):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.lower()
    kept = []
    for char in text:
        if char in " -_" or unicodedata.category(char)[0] in "LN":
            kept.append(char)
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor the headings of a page make, duplicates numbered as GitHub numbers them."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The targets of the inline links of a page, outside code blocks and code spans."""
    targets: list[str] = []
    for line in prose_lines(path.read_text(encoding="utf-8")):
        targets.extend(LINK.findall(CODE_SPAN.sub("", line)))
    return targets


def broken_links(path: Path) -> list[str]:
    """The relative links of a page that lead to no file, or to no heading of their file."""
    broken: list[str] = []
    for target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, fragment = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target}: no file {file_part}")
        elif fragment and (dest.suffix != ".md" or fragment not in anchors(dest)):
            broken.append(f"{target}: no heading #{fragment} in {dest.name}")
    return broken


def test_the_readme_is_at_most_250_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move detail to docs/"


def test_there_are_docs_and_the_readme_links_every_one() -> None:
    assert DOCS, "docs/ holds no page"
    linked = {
        (README.parent / t.partition("#")[0]).resolve()
        for t in links(README)
        if not EXTERNAL.match(t)
    }
    assert [d.name for d in DOCS if d.resolve() not in linked] == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_a_link_to_a_missing_file_or_heading_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other page\n\n## Set up\n\n## Set up\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# A page: `db copy` and more\n\n"
        "[ok](other.md#set-up) [ok](other.md#set-up-1) [ok](#a-page-db-copy-and-more)\n"
        "[ok](https://example.org/x) `[not a link](missing.md)`\n"
        "```\n[not a link](missing.md)\n```\n"
        "[gone](missing.md) [no heading](other.md#set-up-2) [no heading](#nowhere)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no file missing.md",
        "other.md#set-up-2: no heading #set-up-2 in other.md",
        "#nowhere: no heading #nowhere in page.md",
    ]


def test_anchors_follow_github_spelling() -> None:
    assert slug("Moving off SQLite: `db copy`") == "moving-off-sqlite-db-copy"
    assert slug("What the reader reads, and from where") == "what-the-reader-reads-and-from-where"
    assert slug("Worked example: Discord in two processes, Slack on two HTTP replicas") == (
        "worked-example-discord-in-two-processes-slack-on-two-http-replicas"
    )
