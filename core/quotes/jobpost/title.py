"""The job's title: after ``New job:``/``Title:``, in a share text (``... job on Upwork:
<title>``), or the line a page shows it on: above ``Posted 2 weeks ago`` on the desktop page,
below it on a feed tile, else the first line. A line of the page's chrome (``Find work``,
``Save job``), a label, a value or a sentence of the description is not a title."""

from __future__ import annotations

import re
from collections.abc import Callable

import core.quotes.jobpost.patterns as p
from core.quotes.jobpost.countries import country
from core.quotes.jobpost.page import Page

#: How many lines above ``Posted`` a title is looked for (the terms of a flattened feed
#: tile stand between them, each on a line of its own once split).
TERMS = 6
#: Longest title taken (Upwork's are shorter).
MAX_TITLE = 150
#: Lines of a page's chrome, lower case, without a trailing colon.
CHROME = frozenset(
    {
        "skip to main content",
        "skip to content",
        "upwork",
        "upwork home",
        "home",
        "find work",
        "deliver work",
        "manage finances",
        "my jobs",
        "reports",
        "messages",
        "search",
        "jobs",
        "talent",
        "projects",
        "help",
        "notifications",
        "log in",
        "sign up",
        "back",
        "go back",
        "close",
        "job details",
        "job post",
        "job link",
        "view job posting",
        "open job in a new window",
        "featured",
        "featured job",
        "new",
        "save",
        "save job",
        "saved",
        "apply now",
        "submit a proposal",
        "flag as inappropriate",
        "share",
        "copy link",
        "more",
        "less",
        "more/less",
        "view more",
        "worldwide",
        "summary",
        "remote job",
        "one-time project",
        "ongoing project",
        "complex project",
        "project type",
        "about the client",
        "activity on this job",
        "skills and expertise",
        "mandatory skills",
        "nice-to-have skills",
        "best matches",
        "most recent",
        "u.s. only",
    }
)
_CHROME_LIKE = re.compile(
    r"only freelancers located in .* may apply\.?|.* located freelancers only|"
    r"\d+ (?:minutes?|hours?|days?) ago|posted .*|renewed .*",
    re.IGNORECASE,
)
# lines that begin like a label or a value of a post, not like a title: these anywhere at the
# start (a sum, a link, a phrase only a post's blocks use) ...
_FACT_PREFIX = (
    "$",
    "est.",
    "last viewed",
    "entry level",
    "required connects",
    "available connects",
    "send a proposal",
    "this proposal",
    "payment method",
    "payment verified",
    "payment unverified",
    "payment not verified",
    "rating is",
    "member since",
    "bid range",
    "less than",
    "more than",
    "experience level",
    "http",
    "www.",
)
# ... and these words when alone or followed by punctuation (``Expert``, ``Hourly: $25``,
# ``Fixed-price``, ``Proposals: 5 to 10``, ``Expert - Est. Time: ...``), not when a title
# begins with them (``Expert React developer``, ``Payments integration``, ``Budget app``)
_FACT_WORD = re.compile(
    r"(?:hourly|fixed|budget|estimated|proposals|interviewing|invites|unanswered|experience"
    r"|intermediate|expert|payment|rating)(?:\s*$|\s*[^\w\s])",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[a-z]{2}[.!?] [A-Z]|:$")


def _chrome(line: str) -> bool:
    low = line.lower().rstrip(":").strip()
    return low in CHROME or bool(_CHROME_LIKE.fullmatch(low))


def _label(line: str) -> bool:
    """A label standing alone (``Duration``, ``Hours needed:``)."""
    for label in p.LABELS:
        found = label.match(line)
        if found is not None and found.end() == len(line):
            return True
    return False


def _plausible(line: str, is_fact: Callable[[str], bool]) -> bool:
    low = line.lower()
    return (
        2 <= len(line) <= MAX_TITLE
        and any(c.isalpha() for c in line)
        and not low.startswith(_FACT_PREFIX)
        and not _FACT_WORD.match(line)
        and not _SENTENCE.search(line)
        and not (line.endswith(".") and len(line.split()) > 8)
        and "upwork.com" not in low
        and not (any(c.isdigit() for c in line) and len(line.split()) <= 3 and low[0].isdigit())
        and country(line) is None
        and not _label(line)
        and not is_fact(line)
    )


def _clean(title: str) -> str | None:
    """A labeled title, unless it runs on into a sentence (a flattened paste)."""
    title = p.LINK.sub("", title).strip(" -:|")
    if _SENTENCE.search(title) or (title.endswith(".") and len(title.split()) > 8):
        return None
    return title if 2 <= len(title) <= MAX_TITLE and any(c.isalpha() for c in title) else None


def stated(page: Page) -> str | None:
    """A title the text labels as one: ``New job: ...``, ``Title: ...``, a share text."""
    for i in page.having("job", "title", "gig"):
        line = page.lines[i]
        found = p.TITLE_LABEL.fullmatch(line) or p.SHARE.fullmatch(line)
        if found:
            title = _clean(found["title"])
            if title:
                return title
    return None


def shown(page: Page, posted_line: int | None, is_fact: Callable[[str], bool]) -> str | None:
    """The title where the page layout puts it (see the module's docstring): a line that
    is no chrome, no label and, read alone, no fact (``is_fact``)."""
    lines = page.lines
    if posted_line is None:
        for line in lines[:5]:
            if not _chrome(line):
                return line if _plausible(line, is_fact) else None
        return None
    for i in range(posted_line - 1, max(-1, posted_line - TERMS), -1):
        if _chrome(lines[i]) or is_fact(lines[i]):
            continue
        return lines[i] if _plausible(lines[i], is_fact) else None
    for line in lines[posted_line + 1 : posted_line + 3]:
        if not _chrome(line):
            return line if _plausible(line, is_fact) else None
    return None
