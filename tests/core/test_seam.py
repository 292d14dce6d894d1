"""The store's seam stays: outside ``core/store/`` no module writes SQL, runs a statement on a
transaction, or sees a database row. Tables are read and written by ``core.store.tables``,
which returns typed records; everything else works with those."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "core" / "store"
#: every package of the product; tests and benches may write SQL to set up or inspect a store
PRODUCT = ("core", "adapters", "bot")

SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\b(?:CREATE|ALTER|DROP)\s+(?:TABLE|INDEX|TRIGGER|SCHEMA)\b|\bRETURNING\b"
    # a predicate's fragment: an SQL keyword before a named parameter (``status IN ... :ghost``)
    r"|\b(?:WHERE|AND|OR|IN|NOT)\b[^\n]*\s:[a-z_]+\b"
)
#: the transaction's statement methods (:class:`core.store.base.Tx`)
STATEMENTS = {"fetchone", "fetchall", "execute", "executemany", "stream", "scan"}


def _text(node: ast.AST) -> str | None:
    """The literal text of a string constant or f-string (placeholders as ``?``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "?"
            for v in node.values
        )
    return None


def offences(source: str) -> list[str]:
    """What in ``source`` belongs behind the seam: SQL text, a ``Row`` import, a statement
    run on a transaction."""
    found: list[str] = []
    tree = ast.parse(source)
    fstring_parts = {
        id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
    }
    # docstrings may describe a statement; only code that could run one is looked at
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        if id(node) in fstring_parts or id(node) in docstrings:
            continue
        text = _text(node)
        if text is not None and SQL.search(text):
            found.append(f"line {node.lineno}: SQL {text.strip()[:50]!r}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("core.store"):
            found += [f"line {node.lineno}: imports Row" for a in node.names if a.name == "Row"]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in STATEMENTS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"tx", "conn", "db"}
        ):
            found.append(f"line {node.lineno}: runs {node.func.value.id}.{node.func.attr}()")
    return found


def product_modules() -> list[Path]:
    paths = [p for pkg in PRODUCT for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in paths if STORE not in p.parents]


def test_no_sql_and_no_row_outside_the_store() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} {what}"
        for path in product_modules()
        for what in offences(path.read_text(encoding="utf-8"))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "source",
    [
        'await tx.fetchone("SELECT id FROM bids WHERE id = :id", {"id": 1})',
        'q = f"UPDATE bids SET status = {s} WHERE id = :id"',
        'q = ("INSERT INTO lots (a) "\n     "VALUES (:a) RETURNING id")',
        "from core.store.base import Row, Tx",
        "n = await tx.execute(statement)",
        'p = f"({a}status IN {words} AND {a}updated_at < :ghost)"',
    ],
)
def test_the_check_sees_what_belongs_behind_the_seam(source: str) -> None:
    assert offences(source)


@pytest.mark.parametrize(
    "source",
    [
        '"Select a pool from the list, then update its settings."',
        "from core.store.tables import bids",
        "from core.store.base import Tx",
        "await bids.by_id(tx, 12)",
        '"Refund it with /refund bid:12 reason:ghosted, or keep it AND wait."',
        'def f():\n    """Refused by ``UPDATE ... WHERE balance >= :n``."""',
    ],
)
def test_the_check_lets_prose_and_typed_calls_be(source: str) -> None:
    assert offences(source) == []
