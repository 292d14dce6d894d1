"""The characters text may hold, decided once for every backend, how text is echoed, and how
text a user or a job post wrote is shown.

Text that reaches the ledger (an option value, a display name) may hold any character except the
C0 control characters other than tab and newline, DEL, and lone surrogates (what Python makes of
bytes that are not UTF-8). SQLite would store them but PostgreSQL refuses NUL, and none of them
is meant to be typed; refusing them at the boundary keeps both backends holding the same text.
"""

from __future__ import annotations

import re

#: One character text may not hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

#: How much of a value a refusal repeats.
ECHO = 40


def forbidden(text: str) -> str | None:
    """What ``text`` holds that text may not, for a refusal (``a control character
    (U+0000)``), or ``None`` when it holds nothing of the kind."""
    match = FORBIDDEN.search(text)
    if match is None:
        return None
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode, kept by surrogateescape
        return f"a byte that is not valid UTF-8 (0x{code - 0xDC00:02X})"
    if 0xD800 <= code <= 0xDFFF:
        return f"an unpaired surrogate (U+{code:04X})"
    return f"a control character (U+{code:04X})"


def scrub(text: str, instead: str = "") -> str:
    """``text`` with the characters text may not hold replaced by ``instead`` (dropped by
    default: names a platform gives)."""
    return FORBIDDEN.sub(instead, text)


def echo(text: str, limit: int = ECHO) -> str:
    """``text`` quoted for a refusal, cut to its first ``limit`` characters."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}…"


#: Characters that reorder the text around them (bidi embeddings, overrides, isolates and marks):
#: ``U+202E`` makes ``gpj.exe`` of ``exe.jpg``. Text shown in a reply never holds them.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Characters a platform or a terminal may act on rather than show: line and paragraph
#: separators (``U+2028``, ``U+2029``) and next line (``U+0085``) break lines, the other C1 and
#: C0 controls (``ESC``, ``CSI``) drive terminals. Shown text holds a space for each.
_ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHOWN = str.maketrans(dict.fromkeys(BIDI_CONTROLS, None))


def shown(text: str) -> str:
    """``text`` as a reply shows it: the characters as written, without the bidi controls that
    would reorder them and with a space for each character that would break a line or drive a
    terminal. Tab and newline stay (the core's own lines hold them)."""
    return _ACTING.sub(" ", text.translate(_SHOWN))
