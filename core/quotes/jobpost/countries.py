"""Country names and codes as a post shows a client's location, from CLDR through Babel:
the English name of each ISO 3166-1 country (``United States``, ``Hong Kong SAR China`` or
``Hong Kong``, ``St. Lucia`` or ``Saint Lucia``, ``Côte d’Ivoire`` or ``Cote d'Ivoire``) and
its alpha-3 code in capitals (``USA``, ``GBR``), to its alpha-2 code. Loaded on first use.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_CLOCK = re.compile(r"(?:[^\W\d_][\w.' -]*? )?\d{1,2}:\d{2}(?: ?[ap]\.?m\.?)?", re.IGNORECASE)
_SAR = re.compile(r" sar china$", re.IGNORECASE)
_BRACKETS = re.compile(r"^(.*?) \((.*)\)$")
# user-assigned and reserved codes CLDR also names: not countries (Kosovo, XK, is kept)
_NOT_COUNTRIES = re.compile(r"AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN")
#: CLDR's other English names (its ``alt="variant"`` and ``alt="short"`` forms, which Babel
#: does not carry) and the former names Upwork still prints for some clients.
OTHER_NAMES = {
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Turkiye": "TR",
    "Ivory Coast": "CI",
    "Swaziland": "SZ",
    "Macedonia": "MK",
    "Cabo Verde": "CV",
    "Congo (DRC)": "CD",
    "Congo (Republic)": "CG",
    "East Timor": "TL",
    "Burma": "MM",
    "Palestine": "PS",
    "Macao": "MO",
    "Hong Kong": "HK",
    "UK": "GB",
    "US": "US",
    "Falkland Islands (Islas Malvinas)": "FK",
}


def key(name: str) -> str:
    """The form names are compared in: case, accents, ``&``/``and``, ``St.``/``Saint``,
    dots, commas and hyphens made alike."""
    plain = name.casefold()
    if not plain.isascii():
        folded = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in folded if not unicodedata.combining(c))
    for old, new in (("&", " and "), ("\u2019", "'"), (".", " "), (",", " "), ("-", " ")):
        plain = plain.replace(old, new)
    return " ".join("saint" if word == "st" else word for word in plain.split())


def _variants(name: str) -> set[str]:
    out = {name, _SAR.sub("", name)}
    bracketed = _BRACKETS.match(name)
    if bracketed:
        out.update(bracketed.groups())
    return out


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(name key -> alpha-2, alpha-3 -> alpha-2)."""
    from babel import Locale
    from babel.core import get_global

    aliases = get_global("territory_aliases")
    alpha3 = {
        code: targets[0]
        for code, targets in aliases.items()
        if len(code) == 3 and code.isalpha() and code.isupper() and len(targets) == 1
    }
    countries = {c for c in alpha3.values() if len(c) == 2 and not _NOT_COUNTRIES.fullmatch(c)}
    names: dict[str, str] = {}
    clashes: set[str] = set()
    for code, name in Locale("en").territories.items():
        if code not in countries:
            continue
        for variant in _variants(name):
            k = key(variant)
            if names.get(k, code) != code:
                clashes.add(k)
            names[k] = code
    for k in clashes:
        del names[k]
    for name, code in OTHER_NAMES.items():
        names.setdefault(key(name), code)
    return names, {a3: a2 for a3, a2 in alpha3.items() if a2 in countries}


def country(text: str) -> str | None:
    """The alpha-2 code of a whole country name or a capitalised alpha-3 code, else ``None``."""
    text = text.strip()
    if not 3 <= len(text) <= 60 or not text[0].isalpha():
        return None
    return _country(text)


@lru_cache(maxsize=2048)
def _country(text: str) -> str | None:
    names, alpha3 = _tables()
    if len(text) == 3 and text in alpha3:
        return alpha3[text]
    return names.get(key(text))


def country_line(line: str) -> str | None:
    """The country of a line that is a country, maybe followed by a city and its local time
    (``Australia Sydney 10:42 AM``), else ``None``."""
    found = country(line)
    if found is not None or len(line) > 80 or ":" not in line:
        return found
    words = line.split()
    for n in range(min(len(words) - 1, 6), 0, -1):
        rest = " ".join(words[n:])
        if _CLOCK.fullmatch(rest):
            found = country(" ".join(words[:n]))
            if found is not None:
                return found
    return None


_CITY = re.compile(r"[^\W\d_][\w.' -]{0,40}")


def located(text: str, *, city: bool = True) -> str | None:
    """The country of a location as a post shows it: a country alone, with a local time
    (``Australia Sydney 10:42 AM``) or, when ``city``, with a city before or after it on the
    same line (``Canada, Vancouver``, ``Vancouver, Canada``, ``Canada · Vancouver``); ``None``
    unless exactly one part is a country and the other can be a city."""
    found = country_line(text)
    if found is not None or not city:
        return found
    for sep in (", ", " · ", " - ", " | "):
        if sep in text:
            parts = [part.strip() for part in text.split(sep)]
            if len(parts) != 2:
                return None
            codes = [country_line(part) for part in parts]
            if (codes[0] is None) == (codes[1] is None):
                return None
            other = parts[1] if codes[0] is not None else parts[0]
            if not _CITY.fullmatch(other) and country_line(other) is None:
                return None
            return codes[0] or codes[1]
    return None
