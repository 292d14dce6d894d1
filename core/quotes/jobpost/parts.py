"""The parts of a post: which lines are Upwork's own blocks and which are the client's words.

Upwork's page is a title, the client's description, then Upwork's blocks (job terms, activity
on this job, the Connects block, about the client, the job link) and, last, other jobs. The
description is a third party's text: facts are read only from the other parts.

Two steps, both linear in the text:

* :func:`unflatten` splits a long line (a post whose newlines became spaces, or a description
  paragraph) where Upwork's own labels and values stand, so that each becomes a line of its
  own, as on the page. A label or value *inside a sentence* (a lower-case word before it and
  one after it: ``our last agency quoted $40K total spent on design alone``) is left where it
  is, as words of that sentence.
* :func:`description` finds the description: every line shaped like a sentence that states no
  fact, and every line between two such lines (at most :data:`GAP` apart, no block heading
  between them). A fact phrase planted on a line of its own inside the description stays
  inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Lines longer than this are looked at for Upwork's labels and values inside them.
FLAT_MIN = 150
#: At most this many lines between two sentences of the description are the description's.
GAP = 4

_MONEY = r"\$ ?\d[\d,]*(?:\.\d{1,2})?[KkMm]?(?!\w|[.,]\d)"
_INT = r"\d[\d,]*"
_RATING = r"[0-5](?:\.\d{1,2})?"
_DATE = (
    r"[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}(?:,? (?:at )?\d{1,2}:\d{2}(?: ?[AP]M)?(?: [A-Z]{2,4})?)?"
)
_TIME = (
    r"(?:(?:over|about|almost|more than) )?(?:\d{1,3}\+?|an?|one|a few|few) "
    r"(?:second|minute|hour|day|week|month|year)s? ago|yesterday|today|just now"
)
# Upwork's labels and values as it prints them (case as on the page): what a long line is split
# around. Longer forms first where two begin alike.
ANCHORS = "|".join(
    (
        rf"Posted(?: on)?:? (?:{_TIME}|{_DATE})",
        r"(?:Upwork )?Hi [A-Z][a-z]+,",
        r"(?:Subject: )?New job:|Job title:|Skip to main content|Find Work|Deliver Work"
        r"|Manage Finances|Messages|Job details|Submit a proposal|View job posting|View job:"
        r"|Saved jobs|Best matches|Most recent|My jobs|Proposals(?= (?-i:[A-Z]))"
        r"|Skills(?! and)(?= (?-i:[A-Z]))"
        r"|Here is a new job that matches your skills\.",
        r"(?:Location|Country|Client location|Total spent|Jobs posted|Hire rate|Open jobs"
        r"|Avg hourly rate paid|Hours billed|Hours per week|Hours needed|Client rating"
        r"|Member since|Posted|Experience level|Project length|Est\. time|Job link|Link):",
        r"Summary",
        r"(?:Less|More) than 30 hrs/week|30\+ hrs/week",
        r"(?:Less than (?:1|one|a) month|(?:1|one) ?(?:to|-) ?(?:3|three) months"
        r"|(?:3|three) ?(?:to|-) ?(?:6|six) months|(?:More than|over) (?:6|six) months"
        r"|6\+ months)",
        rf"(?:Hourly|Fixed[- ]price|Est\. [Bb]udget|Budget)(?::? {_MONEY}(?: ?- ?{_MONEY})?"
        r"(?: ?/ ?hr)?)?",
        r"Duration|Project [Ll]ength|Experience [Ll]evel|Expert|Intermediate|Entry level",
        r"I am (?:willing to pay higher rates for the most experienced freelancers"
        r"|looking for freelancers with the lowest rates"
        r"|looking for a mix of experience and value)",
        r"Remote Job|One-time project|Ongoing project|Complex project|Project Type",
        r"Skills and Expertise|Activity on this job|About the client|Job link|Skills:",
        r"Proposals:? (?:Less than \d+|\d+ to \d+|\d+\+)",
        rf"Last viewed by client:? (?:{_TIME})",
        rf"(?:Interviewing|Invites sent|Unanswered invites):? {_INT}",
        rf"Bid range(?: ?-? ?(?:(?:High|Avg|Low):? {_MONEY} ?\|? ?){{1,3}})?",
        r"Apply now|Save job|Flag as inappropriate",
        rf"(?:Send a proposal for|Required Connects to submit a proposal|Available Connects):? "
        rf"{_INT}(?: Connects)?",
        rf"This proposal requires {_INT} Connects",
        rf"When you submit this proposal, you'll have {_INT} Connects remaining\.?",
        r"Payment (?:method )?(?:verified|not verified|unverified)",
        rf"Rating is {_RATING} out of 5\.?|No reviews yet",
        rf"[\u2605\u2606]{{1,5}} ?{_RATING}|{_RATING} ?(?:/ ?5|of 5 stars?|stars?)",
        rf"{_RATING} of {_INT} reviews?|{_RATING} \({_INT} reviews?\)",
        rf"{_MONEY}\+? (?:total )?spent",
        rf"{_MONEY} ?/ ?hr avg hourly rate paid",
        rf"{_MONEY}(?: ?- ?{_MONEY})?(?: ?/ ?hr)?\+?",
        rf"{_INT} jobs? posted|{_INT}% hire rate(?:, {_INT} open jobs?)?",
        rf"{_INT} hires?(?:, {_INT} active)?(?! rate)|{_INT} hours\b",
        r"Member since:? [A-Z][a-z]{2,8}\.? (?:\d{1,2}, )?\d{4}",
        r"https?://\S+",
        r"Client's recent history|Explore similar jobs|Other open jobs by this client",
    )
)
ANCHOR = re.compile(rf"(?:^|(?<=[^\w$.,]))(?:{ANCHORS})(?=\W|$)", re.IGNORECASE)
#: The first word (lower case, without a final ``:`` or ``.``) of each of :data:`ANCHORS`
#: that does not begin with a figure, ``$``, a star or ``http``: only where such a word
#: begins is a label or value looked for, which keeps the split fast.
_FIRST_WORDS = (
    "new subject job skip find deliver manage messages submit view saved best most my "
    "proposals skills here hi upwork location country client total jobs hire open avg hours "
    "member posted experience project est link summary less more over one three hourly fixed "
    "fixed-price budget duration expert intermediate entry i remote one-time ongoing complex "
    "activity about last interviewing invites unanswered bid apply save flag send required "
    "available this when payment rating no explore other client's"
)
FIRST_WORDS = frozenset(_FIRST_WORDS.split(" "))
# searched in the line in lower case (quicker than ignoring case)
_WORD = re.compile(
    r"(?:^|(?<=[^\w$.,]))(?:[\d$\u2605\u2606]|https?:"
    rf"|(?:{'|'.join(sorted(map(re.escape, FIRST_WORDS), key=len, reverse=True))})(?![\w'-]))"
)
_LOWER_WORD_BEFORE = re.compile(r"(?:(?:^|\s)[a-z][a-z']*|,)$")
_LOWER_WORD_AFTER = re.compile(r"[a-z]")
#: How far around a label or value the words of a sentence are looked for.
_LOOK = 120
_LINK_LABEL = re.compile(r"job link|view job:?|link:?", re.IGNORECASE)
_SPACES = re.compile(r" {2,}")


def _lowered(line: str) -> str:
    """``line`` in lower case, each character at its place."""
    low = line.lower()
    if len(low) != len(line):  # a letter whose lower case is longer: lower it one by one
        low = "".join(c.lower()[0] for c in line)
    return low


def _in_sentence(line: str, found: re.Match[str], last: int) -> int | None:
    """Where the words of a sentence that ``found`` stands inside go on to (past a label's
    value), or ``None`` when it stands as Upwork's own: next to Upwork's last label or value
    (ending at ``last``), or without a lower-case word on one side."""
    start, end = found.span()
    if last > 0 and not line[last:start].strip():
        return None
    # a bounded look either side keeps the whole split linear in the line
    before = line[max(0, start - _LOOK) : start].rstrip()
    ahead = line[end : end + _LOOK]
    after = ahead.lstrip(" :")
    value_end = end + len(ahead) - len(after)
    if found.group().endswith(":") or _LINK_LABEL.fullmatch(found.group()):
        value, _, after = after.partition(" ")  # after the label's value
        value_end += len(value)
    if _LOWER_WORD_BEFORE.search(before) and _LOWER_WORD_AFTER.match(after):
        return value_end
    return None


def _anchors(line: str) -> list[re.Match[str]]:
    """Upwork's labels and values in ``line``, in order, less those inside a sentence."""
    out: list[re.Match[str]] = []
    skip = last = scanned = 0
    for word in _WORD.finditer(_lowered(line)):
        start = word.start()
        if start < max(scanned, skip):
            continue  # inside a value found, or the value of a label read as words
        found = ANCHOR.match(line, start)
        if found is None:
            continue
        scanned = found.end()
        inside = _in_sentence(line, found, last)
        if inside is not None:
            skip = inside
            continue
        last = found.end()
        out.append(found)
    return out


def _paired(pieces: list[str]) -> list[str]:
    """Each label that stands alone joined with the value after it, as on one line."""
    joined: list[str] = []
    label = False  # whether the last piece is a label waiting for its value
    for piece in pieces:
        if label or (joined and piece.startswith(":")):
            joined[-1] += " " + piece
            label = False
        else:
            joined.append(piece)
            label = piece.endswith(":") or bool(_LINK_LABEL.fullmatch(piece))
    return joined


def unflatten(line: str) -> list[str]:
    """``line`` split around each of Upwork's labels and values in it that is not inside a
    sentence; a short line as it is."""
    if len(line) <= FLAT_MIN:
        return [line]
    out: list[str] = []
    at = 0
    for found in _anchors(line):
        start, end = found.span()
        if start > at:
            out.append(line[at:start])
        if found.group().endswith(":"):
            at = start  # a label: its value follows it on its line
        else:
            out.append(found.group())
            at = end
    out.append(line[at:])
    return _paired([piece for piece in (p.strip(" -|,\u00b7\u2022") for p in out) if piece])


#: Lines that begin a block of Upwork's page: the description never runs across them.
HEADINGS = re.compile(
    r"(?:summary|skills and expertise|activity on this job|about the client|job link|skills:.*"
    r"|project type|bid range|apply now|submit a proposal|view job posting|job details"
    r"|new job:.*|job title:.*|posted .*)",
    re.IGNORECASE,
)
#: The lines of the job's terms on the desktop page, between the description and the next
#: heading: whatever else stands there before them (a Connects line, a link, a client fact) is
#: the description's.
TERMS = re.compile(
    r"(?:(?:less|more) than 30 hrs/week|30\+ hrs/week|hourly|fixed[- ]price|duration"
    r"|project length|experience level|expert|intermediate|entry level|remote job"
    r"|one-time project|ongoing project|complex project|-"
    r"|less than (?:1|one|a) month|\d ?(?:to|-) ?\d months|more than 6 months|6\+ months"
    r"|\$ ?[\d,.]+[km]?(?: ?- ?\$ ?[\d,.]+[km]?)?(?: ?/ ?hr)?"
    r"|i am (?:willing to pay|looking for).*|only freelancers located in .*|worldwide)",
    re.IGNORECASE,
)
#: Upwork's own sentences: never the client's words.
CHROME_SENTENCES = re.compile(
    r"(?:i am (?:willing to pay|looking for).*|only freelancers located in .*"
    r"|when you submit this proposal.*|you are receiving this email.*"
    r"|a new job matching .*|here is a new job .*|new jobs? (?:that )?match.*|hi [^ ]+,?)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[a-z]{2}[.!?] [A-Z]")


def sentence(line: str) -> bool:
    """Shaped like a sentence of prose: several words, mostly lower case, ending as one does
    or long."""
    words = line.split()
    if len(words) < 5:
        return False
    lower = sum(1 for w in words if w[:1].islower())
    if lower * 3 < len(words) * 2:
        return False
    return line[-1] in ".!?;,\"'" or len(words) >= 14 or bool(_SENTENCE_END.search(line))


def _marked(
    lines: list[str], prose: list[bool], out: list[bool], states: Callable[[str], bool]
) -> None:
    """The description where the page marks it: on the desktop page after ``Summary`` up to
    the job's terms (to its last line that is a sentence or states a fact the terms never
    do: a Connects line planted there is the description's); on a proposal's job details
    between ``Posted ...`` and ``View job posting``. A list of short lines inside it stays
    the description's."""
    for i, line in enumerate(lines):
        low = line.lower()
        if low == "summary":
            stop = next(
                (j for j in range(i + 1, len(lines)) if HEADINGS.fullmatch(lines[j])), len(lines)
            )
            end = stop - 1  # back over the job's terms and lines that state nothing
            while (
                end > i
                and not prose[end]
                and (TERMS.fullmatch(lines[end]) or not states(lines[end]))
            ):
                end -= 1
            out[i + 1 : end + 1] = [True] * (end - i)
        elif low == "view job posting":
            for j in range(i - 1, -1, -1):
                if lines[j].lower().startswith("posted "):
                    out[j + 1 : i] = [True] * (i - j - 1)
                    break


def description(lines: list[str], states: Callable[[str], bool]) -> list[bool]:
    """For each line, whether it is the client's description: a sentence that, read alone,
    ``states`` nothing, every line between two of them at most :data:`GAP` lines apart with
    no heading between, and the span a page marks as the description (:func:`_marked`)."""
    prose = [
        sentence(line) and not CHROME_SENTENCES.fullmatch(line) and not states(line)
        for line in lines
    ]
    out = list(prose)
    _marked(lines, prose, out, states)
    last = -1
    for i, line in enumerate(lines):
        if HEADINGS.fullmatch(line):
            last = i if prose[i] else -1
            continue
        if prose[i]:
            if last >= 0 and i - last - 1 <= GAP:
                for j in range(last + 1, i):
                    out[j] = True
            last = i
    return out


def spaced(line: str) -> tuple[str, ...]:
    """The pieces of a line between runs of spaces (an e-mail sets its values apart so:
    ``Payment verified   4.6 stars   $65K+ spent   Germany``), each with its spaces made
    single."""
    return tuple(" ".join(piece.split()) for piece in _SPACES.split(line) if piece.strip())
