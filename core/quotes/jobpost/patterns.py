"""The labels and values of a job post, as compiled patterns (case-insensitive, over plain
lines: single spaces, ``-`` for dashes, ``'`` for apostrophes).

A ``*_LABEL`` is matched at the start of a segment and ends where its value begins (after an
optional colon); a ``*_VALUE`` is matched at the start of what follows, on the same segment or,
when the label stands alone, on the next line.
"""

from __future__ import annotations

import re

from core.quotes.jobpost.values import (
    DATE_PATTERN,
    INT_PATTERN,
    MONEY_PATTERN,
    RATING_PATTERN,
    TIME_PATTERN,
)

_I = re.IGNORECASE
INT = INT_PATTERN
MONEY = MONEY_PATTERN
_END = r"(?:\s*:\s*|\s+|$)"  # between a label and its value
_WORD_START = r"(?:^|(?<=[^\w,.]))"  # not inside a word or a number


def label(words: str) -> re.Pattern[str]:
    """A label (an alternation of phrases) and what separates it from its value."""
    return re.compile(rf"(?:{words})\b{_END}", _I)


def value(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# ------------------------------------------------------------------------------- the job

TITLE_LABEL = re.compile(
    r"(?:subject:\s*)?(?:new job|job title|upwork job|title|job)\s*:\s*(?P<title>.+)", _I
)
SHARE = re.compile(r".{0,60}\b(?:job|gig) (?:on|from) upwork\b[^:]{0,40}:\s*(?P<title>.+)", _I)
LINK = re.compile(r"https?://\S+", _I)
PATH = re.compile(r"upwork\.com/[^\s?#\"'<>]*", _I)
ID_IN_PATH = re.compile(r"~0[0-9a-f]{12,30}(?![0-9a-z])", _I)
BARE_ID = re.compile(r"(?:^|(?<=[^\w~/]))~0[12][0-9a-f]{14,30}(?![0-9a-z])", _I)
CANONICAL = "https://www.upwork.com/jobs/"
#: A job link standing as a value: alone on its segment or after a link label.
LINK_SEGMENT = re.compile(
    r"(?:(?:job link|job url|link|url|view job|see job|apply here)\s*:?\s*)?"
    r"(?:(?P<url>(?:https?://)?(?:[\w-]+\.)*upwork\.com/\S*)"
    r"|(?P<id>(?:job id:?\s*)?~0[12][0-9a-f]{14,30}))",
    _I,
)

AMOUNT = rf"{MONEY}(?: ?(?:-|to) ?{MONEY})?(?: ?/ ?(?:hr|hour))?"
BUDGET_LABEL = re.compile(
    r"(?:(?P<hourly>hourly(?: range| rate)?)|(?P<fixed>fixed[- ]?price(?: budget)?|fixed)"
    rf"|(?:est\.?|estimated) budget|budget)\b{_END}",
    _I,
)
AMOUNT_VALUE = value(AMOUNT)
MONEY_VALUE = value(MONEY)
BUDGET_MARK = re.compile(r"(?P<hourly>hourly)|(?P<fixed>fixed[- ]?price)", _I)

EXPERIENCE_LABEL = label(r"experience level|experience|level")
EXPERIENCE_VALUE = value(
    r"(?:(?P<entry>entry(?:[- ]level)?)|(?P<intermediate>intermediate(?: level)?)"
    r"|(?P<expert>expert(?: level)?))(?: ?\(\$+\))?$"
)
EXPERIENCE_ALONE = value(r"(?!entry$).+")  # a bare "Entry" needs its label

LENGTH_LABEL = label(
    r"project length|project duration|duration|length|est\. time|estimated time|time"
)
LENGTH_VALUE = value(
    r"(?:(?P<under_1_month>less than (?:1|one|a) month)"
    r"|(?P<_1_to_3_months>(?:1|one) (?:to|-) (?:3|three) months|1-3 months)"
    r"|(?P<_3_to_6_months>(?:3|three) (?:to|-) (?:6|six) months|3-6 months)"
    r"|(?P<over_6_months>(?:more than|over) (?:6|six) months|6\+ months))$"
)
HOURS_LABEL = label(r"hours needed|hours per week|weekly hours|workload|hours")
_WEEK = r" ?(?:hrs?|hours)(?: ?/ ?| per | a )(?:week|wk)"
HOURS_VALUE = value(
    rf"(?:(?P<under_30>less than 30{_WEEK})|(?P<_30_plus>(?:more than 30|30\+|over 30){_WEEK}))$"
)

POSTED_LABEL = label(r"posted on|posted")

# ---------------------------------------------------------------- the cost and the activity

CONNECTS_LABEL = label(
    r"required connects to submit a proposal|required connects|connects required"
    r"|send a proposal for|this proposal requires|proposal requires|connects to apply"
)
CONNECTS_VALUE = value(rf"(?P<n>{INT})(?: connects?\b)?")
AVAILABLE_LABEL = label(r"available connects|your available connects|connects available")
INT_VALUE = value(rf"(?P<n>{INT})")
REMAINING = value(
    rf"(?:when you submit this proposal, )?you(?:'ll| will) have (?P<n>{INT}) connects? "
    r"(?:remaining|left)"
)
BID_RANGE = "bid range"
BID = {
    "high": value(rf"\bhigh:? (?P<m>{MONEY})"),
    "avg": value(rf"\b(?:avg\.?|average):? (?P<m>{MONEY})"),
    "low": value(rf"\blow:? (?P<m>{MONEY})"),
}

PROPOSALS_LABEL = label(r"proposals")
PROPOSALS_VALUE = value(
    rf"(?:(?:less|fewer) than (?P<below>{INT})|(?P<lo>{INT}) ?(?:to|-) ?(?P<hi>{INT})"
    rf"|(?P<plus>{INT})\+|(?P<one>{INT}))(?!\w|\+)"
)
PROPOSALS_AFTER = value(r"(?P<value>.{1,20}?) proposals$")
INTERVIEWING_LABEL = label(r"interviewing")
INVITES_LABEL = label(r"invites sent")
UNANSWERED_LABEL = label(r"unanswered invites")
LAST_VIEWED_LABEL = label(r"last viewed by (?:the )?client|last viewed")
TIME_VALUE = value(rf"(?P<time>{TIME_PATTERN})")

# ------------------------------------------------------------------------------ the client

VERIFIED = value(r"\bpayment (?:method )?(?P<word>not verified|unverified|verified)\b")
_RATING_LABEL = r"(?:(?:client )?rating:? )?"
REVIEWS_OF = value(rf"{_RATING_LABEL}(?P<rating>{RATING_PATTERN}) of (?P<reviews>{INT}) reviews?\b")
REVIEWS_PAREN = value(rf"(?P<rating>{RATING_PATTERN}) \((?P<reviews>{INT}) reviews?\)")
RATING_IS = value(rf"rating is (?P<rating>{RATING_PATTERN}) out of 5")
RATING_LABEL = label(r"client rating|rating")
RATING_VALUE = value(
    rf"(?P<rating>{RATING_PATTERN})(?: out of 5(?: stars)?| ?/ ?5| stars?| of 5 stars?)?(?!\w)"
)
_STARS = "\u2605\u2606"  # ★ ☆
#: A rating without its count of reviews, as Upwork prints it.
RATINGS = (
    RATING_IS,
    value(rf"{_RATING_LABEL}(?P<rating>{RATING_PATTERN}) (?:out )?of 5(?: stars?)?"),
    value(rf"{_RATING_LABEL}(?P<rating>{RATING_PATTERN}) ?/ ?5(?: stars?)?"),
    value(rf"{_RATING_LABEL}(?P<rating>{RATING_PATTERN}) stars?"),
    value(rf"[{_STARS}]{{1,5}} ?(?P<rating>{RATING_PATTERN})"),
    value(rf"(?P<rating>{RATING_PATTERN}) ?[{_STARS}]{{1,5}}"),
)
NO_REVIEWS = value(r"\bno (?:reviews|feedback) yet\b")
SPENT = value(rf"(?P<m>{MONEY})\+? (?:total )?spent\b")
SPENT_LABEL = label(r"total spent|spent")
SPENT_VALUE = value(rf"(?P<m>{MONEY})\+?")
HIRES = value(rf"(?P<hires>{INT}) hires?(?:, (?P<active>{INT}) active)?$")
HIRES_ACTIVE = value(rf"{_WORD_START}(?P<hires>{INT}) hires?, (?P<active>{INT}) active\b")
JOBS_POSTED = value(rf"{_WORD_START}(?P<n>{INT}) jobs? posted\b")
JOBS_POSTED_LABEL = label(r"jobs posted")
HIRE_RATE = value(rf"{_WORD_START}(?P<rate>{INT}) ?% hire rate(?:, (?P<open>{INT}) open jobs?)?")
HIRE_RATE_LABEL = label(r"hire rate")
PERCENT_VALUE = value(rf"(?P<n>{INT}) ?%")
OPEN_JOBS = value(rf"(?P<n>{INT}) open jobs?$")
OPEN_JOBS_LABEL = label(r"open jobs")
AVG_HOURLY = value(rf"(?P<m>{MONEY}) ?/ ?hr avg\.? hourly rate paid\b")
AVG_HOURLY_LABEL = label(r"avg\.? hourly rate paid|average hourly rate paid|avg hourly rate")
HOURS_BILLED = value(rf"(?P<n>{INT}) (?:total )?hours?(?: billed)?$")
HOURS_BILLED_LABEL = label(r"hours billed|total hours")
MEMBER_SINCE = value(rf"\bmember since:? (?P<date>{DATE_PATTERN})")
COUNTRY_LABEL = label(r"client location|client country|location|country")

#: Every label that may stand alone on its line with its value on the next.
LABELS = (
    BUDGET_LABEL,
    EXPERIENCE_LABEL,
    LENGTH_LABEL,
    HOURS_LABEL,
    POSTED_LABEL,
    CONNECTS_LABEL,
    AVAILABLE_LABEL,
    PROPOSALS_LABEL,
    INTERVIEWING_LABEL,
    INVITES_LABEL,
    UNANSWERED_LABEL,
    LAST_VIEWED_LABEL,
    RATING_LABEL,
    SPENT_LABEL,
    JOBS_POSTED_LABEL,
    HIRE_RATE_LABEL,
    OPEN_JOBS_LABEL,
    AVG_HOURLY_LABEL,
    HOURS_BILLED_LABEL,
    COUNTRY_LABEL,
    label(r"project type|experience level|bid range|activity on this job|about the client"),
)

#: How a segment that states a fact may begin, besides a label of :data:`LABELS` or one of
#: Upwork's labels and values (:data:`core.quotes.jobpost.parts.ANCHOR`): a figure, a link, a value
#: that names itself.
FACT_START = re.compile(
    r"[$\d\u2605\u2606~]|https?:|www\.|upwork\.com|(?:when )?you(?:'ll| will) have"
    r"|payment|rating|no (?:reviews|feedback)|member since|hourly|fixed|(?:est\.?|estimated) "
    r"|entry|intermediate|expert|less than|more than|over|job|title|new job|subject"
    r"|required|send|this proposal|proposal|connects|available|hours|hire|open jobs|total"
    r"|avg|average|client|location|country|posted|last viewed|interviewing|invites"
    r"|unanswered|bid range|high|avg|low|duration|project|experience|level|time|budget",
    _I,
)
