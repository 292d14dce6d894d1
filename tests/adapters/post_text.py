"""A hostile job post shared by the platform tests of how a post's text is shown.

The attack: a client writes a post whose title holds platform formatting (a heading, bold,
code, a spoiler, mentions, ``@everyone``, a masked link), a right-to-left override that turns
the text around, and separators that break a line (U+2028, U+0085). Whoever pastes it must see
the characters that were written, as text: never formatting, a ping, a reordered title or a
title cut at the separator.
"""

from __future__ import annotations

import re

TITLE = (
    "# Logo *design* `x` ||s|| ~st~ _it_ <@U123> <@123> @everyone "
    "\u202eevil\u2028tail\u0085more [m](http://e.example)"
)
#: The title as shown: the characters written, without the override, a space per separator.
SHOWN = (
    "# Logo *design* `x` ||s|| ~st~ _it_ <@U123> <@123> @everyone evil tail more "
    "[m](http://e.example)"
)
POST = f"{TITLE}\n> quoted line\nRequired Connects to submit a proposal: 13\nHourly: $25-$40\n"
ZWSP = "\u200b"
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\u0085]")


#: A bare link, which both platforms link as written (left out of the checks for formatting).
URL = re.compile(r"(?:https?|mailto|steam):[^\s<>]+")
SLACK_DATE = re.compile(r"<!date\^\d+\^\{date_short\}\|\d{4}-\d\d-\d\d>")
DISCORD_DATE = re.compile(r"<t:\d+:d>")


def discord_plain(markdown: str) -> str:
    """What Discord shows of ``markdown`` that holds only escaped text: backslash escapes and
    zero-width spaces removed. Formatting left unescaped fails :func:`discord_inert`."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(ZWSP, "")


def discord_inert(markdown: str) -> bool:
    """No formatting character left unescaped, no mention, heading or quote (the core's own
    date tokens taken out first)."""
    # an escaped character (and a link, a date token) stands as a plain letter
    unescaped = re.sub(r"\\.", "x", URL.sub("x", DISCORD_DATE.sub("x", markdown)))
    return not re.search(r"[*_`|~]|^#|^>|<@|@everyone|\]\(", unescaped, re.MULTILINE)


def slack_plain(mrkdwn: str) -> str:
    """What Slack shows of escaped mrkdwn text: its three entities read, zero-width spaces
    removed."""
    text = mrkdwn.replace(ZWSP, "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_inert(mrkdwn: str) -> bool:
    """Every formatting character that could open or close formatting is flanked by zero-width
    spaces; no ``<`` (a mention, a link) and no line starting a quote. The core's own date
    tokens, in the exact form the renderer writes them, are taken out first."""
    mrkdwn = URL.sub("x", SLACK_DATE.sub("x", mrkdwn))
    for m in re.finditer(r"[*_~`]", mrkdwn):
        i = m.start()
        before, after = mrkdwn[i - 1 : i], mrkdwn[i + 1 : i + 2]
        if before.isalnum() and after.isalnum():
            continue
        if before != ZWSP or after != ZWSP:
            return False
    return "<" not in mrkdwn and not re.search(r"^\s*(&gt;|>)", mrkdwn, re.MULTILINE)
