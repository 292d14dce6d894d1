"""The vocabulary's words in SQL: the enums of :mod:`core.base.vocabulary` as SQL lists, and the
ghosted rule (:func:`core.base.vocabulary.is_ghosted`) as the predicates every query that counts
outcomes uses, with the cutoff as ``:ghost`` (:func:`core.base.vocabulary.ghost_cutoff`)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.base.vocabulary import AWAITING, OUTCOMES, BidStatus


def sql_list(words: Iterable[StrEnum]) -> str:
    """``('a', 'b')``: the words as an SQL list. Only for these enums, whose values are plain
    lower-case words (checked), never for input."""
    values = [str(w.value) for w in words]
    assert values and all(v.replace("_", "").isalpha() and v.islower() for v in values)
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def unanswered_sql(alias: str = "") -> str:
    """SQL: a bid awaiting an answer since before ``:ghost`` (what becomes ghosted)."""
    a = f"{alias}." if alias else ""
    return f"({a}status IN {sql_list(AWAITING)} AND {a}updated_at < :ghost)"


def ghosted_sql(alias: str = "") -> str:
    """SQL of :func:`core.base.vocabulary.is_ghosted`, with the cutoff as ``:ghost``."""
    a = f"{alias}." if alias else ""
    return f"({a}status = '{BidStatus.GHOSTED.value}' OR {unanswered_sql(alias)})"


def outcome_sql(alias: str = "") -> str:
    """SQL: a bid with an outcome (hired, lost, or ghosted as of ``:ghost``)."""
    a = f"{alias}." if alias else ""
    return f"({a}status IN {sql_list(OUTCOMES)} OR {unanswered_sql(alias)})"
