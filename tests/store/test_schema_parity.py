"""The packaged migrations build the same schema on SQLite and on PostgreSQL.

Each side is migrated from empty with :func:`core.store.base.open_store` and then read back from
its own catalog only (SQLite: ``sqlite_master`` and the ``pragma_*`` table functions, CHECK
constraints and trigger bodies parsed from the stored ``CREATE`` text; PostgreSQL:
``information_schema`` and ``pg_catalog``). What is compared, per table: columns in order (name,
nullability, type family, default, whether the database assigns the value), the primary key,
unique constraints, foreign keys with their actions, CHECK constraints (expression text
normalized: casts dropped, ``= ANY (ARRAY[...])`` read as ``IN (...)``, parentheses made
canonical by parsing), indexes (name, key columns, order, uniqueness, partial predicate) and
triggers (timing, event, row level, condition, and what the body does).

Differences that are the two databases' own way of saying the same thing are normalized, never
skipped: SQLite's one trigger per event versus PostgreSQL's one trigger for several; an
``INTEGER PRIMARY KEY`` (SQLite's rowid: assigned when omitted, never NULL) versus an identity
column. :data:`BY_DESIGN` lists the only accepted difference, with its reason.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from core.store import open_store
from core.store.base import Store, Tx
from core.store.schema import migrations

# ---------------------------------------------------------------------- the normalized model


@dataclass(frozen=True)
class Column:
    family: str  # integer (64-bit), integer32, integer16, text, bool, real, blob, numeric, other:…
    nullable: bool
    default: str | None  # normalized expression text
    generated: bool  # the database assigns a value when the insert leaves it out


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_update: str
    on_delete: str


@dataclass(frozen=True)
class Index:
    columns: tuple[str, ...]  # a key column's name, or its normalized expression; " DESC" if so
    unique: bool
    where: str | None


@dataclass(frozen=True)
class Trigger:
    timing: str  # BEFORE, AFTER, INSTEAD OF
    event: str  # INSERT, UPDATE, UPDATE OF a, b, DELETE
    row_level: bool
    when: str | None
    action: str  # "raises 'message'" when the body only raises, else the body's text


@dataclass
class Table:
    columns: dict[str, Column] = field(default_factory=dict)  # in column order
    primary_key: tuple[str, ...] = ()
    uniques: set[tuple[str, ...]] = field(default_factory=set)
    foreign_keys: set[ForeignKey] = field(default_factory=set)
    checks: Counter[str] = field(default_factory=Counter)
    indexes: dict[str, Index] = field(default_factory=dict)
    triggers: Counter[Trigger] = field(default_factory=Counter)


Schema = dict[str, Table]

#: Accepted differences, as (table, what): each is a difference by design, with its reason.
BY_DESIGN: dict[tuple[str, str], str] = {
    # The store code (not a migration) creates this bookkeeping table. On SQLite every
    # INTEGER PRIMARY KEY is the rowid, which SQLite assigns when an insert omits it; migrate()
    # always names the version, so PostgreSQL's plain INTEGER key behaves the same for it.
    (
        "schema_version",
        "column version: generated",
    ): "SQLite's INTEGER PRIMARY KEY is always a rowid; migrate() always gives the version",
}


# ---------------------------------------------------------------------- expressions

_TOKEN = re.compile(
    r"\s+"
    r"|(?P<str>'(?:[^']|'')*')"
    r"|(?P<qid>\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[A-Za-z_][^\]]*\])"
    r"|(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)"
    r"|(?P<op><=|>=|<>|!=|==|\|\||::|[-+*/%=<>(),\[\].])"
)
_MULTIWORD_TYPES = {
    "character": ("varying",),
    "double": ("precision",),
    "timestamp": ("with", "without", "time", "zone"),
    "time": ("with", "without", "time", "zone"),
    "bit": ("varying",),
}
_COMPARE = {"=", "==", "<>", "!=", "<", "<=", ">", ">=", "like", "glob"}


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read {text[pos : pos + 20]!r}")
        pos = m.end()
        if m.group("str") is not None:
            out.append(m.group("str"))
        elif m.group("qid") is not None:
            out.append(m.group("qid")[1:-1].replace('""', '"').lower())
        elif m.group("num") is not None:
            out.append(m.group("num"))
        elif m.group("word") is not None:
            out.append(m.group("word").lower())
        elif m.group("op") is not None:
            out.append(m.group("op"))
    return _drop_casts(out)


def _drop_casts(tokens: list[str]) -> list[str]:
    """``x::text``, ``'a'::character varying(5)``, ``ARRAY[...]::text[]``: the casts go."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] != "::":
            out.append(tokens[i])
            i += 1
            continue
        i += 1
        name = tokens[i] if i < len(tokens) else ""
        i += 1
        while i < len(tokens) and tokens[i] in _MULTIWORD_TYPES.get(name, ()):
            i += 1
        if i < len(tokens) and tokens[i] == "(":  # varchar(5), numeric(10, 2)
            while i < len(tokens) and tokens[i] != ")":
                i += 1
            i += 1
        while i + 1 < len(tokens) and tokens[i] == "[" and tokens[i + 1] == "]":
            i += 2
    return out


class _Parser:
    """Enough of SQL's expression grammar for constraints, defaults and predicates; the result
    is printed with every operation in parentheses, so both databases' spellings meet."""

    def __init__(self, tokens: list[str]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self, k: int = 0) -> str:
        return self.t[self.i + k] if self.i + k < len(self.t) else ""

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if expected is not None and tok != expected:
            raise ValueError(f"expected {expected!r}, found {tok!r}")
        if not tok:
            raise ValueError("unexpected end")
        self.i += 1
        return tok

    def parse(self) -> str:
        out = self.expr()
        if self.i != len(self.t):
            raise ValueError(f"left over: {self.t[self.i :]}")
        return out

    def expr(self) -> str:
        return self._chain("or", self.conj)

    def conj(self) -> str:
        return self._chain("and", self.neg)

    def _chain(self, word: str, part: Any) -> str:
        items = [part()]
        while self.peek() == word:
            self.take()
            items.append(part())
        if len(items) == 1:
            return str(items[0])
        flat: list[str] = []
        for item in items:  # (a AND b) AND c is a AND b AND c
            inner = _strip_chain(item, word)
            flat.extend(inner if inner is not None else [item])
        return "(" + f" {word.upper()} ".join(flat) + ")"

    def neg(self) -> str:
        if self.peek() == "not":
            self.take()
            return f"(NOT {self.neg()})"
        return self.comparison()

    def comparison(self) -> str:
        left = self.additive()
        tok = self.peek()
        negated = False
        if tok == "not" and self.peek(1) in ("in", "between", "like", "glob"):
            self.take()
            negated, tok = True, self.peek()
        if tok in _COMPARE:
            op = {"==": "=", "!=": "<>"}.get(self.take(), tok)
            if op in ("=", "<>") and self.peek() in ("any", "all"):
                quantifier = self.take()
                self.take("(")
                items = self.array_items()
                self.take(")")
                if (op, quantifier) in (("=", "any"), ("<>", "all")):
                    return f"({left} {'NOT IN' if op == '<>' else 'IN'} ({', '.join(items)}))"
                return f"({left} {op} {quantifier.upper()} ({', '.join(items)}))"
            right = self.additive()
            return f"({left} {'NOT ' if negated else ''}{op.upper()} {right})"
        if tok == "in":
            self.take()
            self.take("(")
            items = [self.expr()]
            while self.peek() == ",":
                self.take()
                items.append(self.expr())
            self.take(")")
            return f"({left} {'NOT IN' if negated else 'IN'} ({', '.join(items)}))"
        if tok == "between":
            self.take()
            low = self.additive()
            self.take("and")
            high = self.additive()
            inside = f"(({left} >= {low}) AND ({left} <= {high}))"
            return f"(NOT {inside})" if negated else inside
        if tok == "is":
            self.take()
            neg = ""
            if self.peek() == "not":
                self.take()
                neg = "NOT "
            what = self.take()
            if what not in ("null", "true", "false"):
                raise ValueError(f"IS {what}")
            return f"({left} IS {neg}{what.upper()})"
        if tok in ("isnull", "notnull"):
            self.take()
            return f"({left} IS {'NOT ' if tok == 'notnull' else ''}NULL)"
        return left

    def array_items(self) -> list[str]:
        self.take("array")
        self.take("[")
        items = [self.expr()]
        while self.peek() == ",":
            self.take()
            items.append(self.expr())
        self.take("]")
        return items

    def additive(self) -> str:
        left = self.multiplicative()
        while self.peek() in ("+", "-", "||"):
            op = self.take()
            left = f"({left} {op} {self.multiplicative()})"
        return left

    def multiplicative(self) -> str:
        left = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()
            left = f"({left} {op} {self.unary()})"
        return left

    def unary(self) -> str:
        if self.peek() in ("-", "+"):
            op = self.take()
            operand = self.unary()
            if op == "+":
                return operand
            return f"-{operand}" if operand[:1].isdigit() else f"(- {operand})"
        return self.primary()

    def primary(self) -> str:
        tok = self.take()
        if tok == "(":
            inner = self.expr()
            self.take(")")
            return inner
        if tok == "array" and self.peek() == "[":
            self.i -= 1
            return "(" + ", ".join(self.array_items()) + ")"
        if tok[:1] == "'" or tok[:1].isdigit():
            return tok
        if tok in ("null", "true", "false", "current_timestamp", "current_date"):
            return tok.upper()
        if self.peek() == "(":  # a function call
            self.take()
            args: list[str] = []
            if self.peek() != ")":
                args.append(self.expr())
                while self.peek() == ",":
                    self.take()
                    args.append(self.expr())
            self.take(")")
            return f"{tok}({', '.join(args)})"
        if self.peek() == ".":  # table.column
            self.take()
            return self.take()
        return tok


def _strip_chain(text: str, word: str) -> list[str] | None:
    """The parts of ``(a WORD b WORD c)``, or None when ``text`` is not such a chain."""
    sep = f" {word.upper()} "
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner, depth, parts, start = text[1:-1], 0, [], 0
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == "'":
            i = inner.index("'", i + 1) + 1
            while i < len(inner) and inner[i] == "'":
                i = inner.index("'", i + 1) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and inner.startswith(sep, i):
            parts.append(inner[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    if not parts:
        return None
    return [*parts, inner[start:]]


def normalize(expr: str | None) -> str | None:
    """``expr`` in one canonical spelling (see :class:`_Parser`); text it cannot parse is kept,
    lower-cased with its spaces collapsed, so it is still compared."""
    if expr is None:
        return None
    try:
        return _Parser(_tokens(expr)).parse()
    except (ValueError, IndexError):
        return "unparsed: " + " ".join(expr.lower().split())


def _names_in(expr: str) -> list[str]:
    """The column-like names an expression mentions, for messages."""
    words = re.findall(r"'(?:[^']|'')*'|\b[a-z_][a-z0-9_]*\b", expr)
    keywords = {"and", "or", "not", "in", "is", "null", "between", "like", "glob"}
    return sorted({w for w in words if not w.startswith("'") and w not in keywords})


# ---------------------------------------------------------------------- SQLite's catalog

_SQLITE_SQL_TOKEN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/"
    r"|[A-Za-z_][A-Za-z0-9_$]*|\s+|.",
    re.DOTALL,
)


def sqlite_checks(create_sql: str) -> list[str]:
    """The expressions of every CHECK in a ``CREATE TABLE`` statement (column or table
    constraint, named or not, including columns added later by ``ALTER TABLE``), as written."""
    tokens = [
        (m.group(0), m.start(), m.end())
        for m in _SQLITE_SQL_TOKEN.finditer(create_sql)
        if not m.group(0).isspace() and not m.group(0).startswith(("--", "/*"))
    ]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i][0].upper() == "CHECK" and i + 1 < len(tokens) and tokens[i + 1][0] == "(":
            depth, j = 0, i + 1
            while j < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[j][0], 0)
                if depth == 0:
                    break
                j += 1
            found.append(create_sql[tokens[i + 1][2] : tokens[j][1]].strip())
            i = j
        i += 1
    return found


def sqlite_family(declared: str) -> str:
    """SQLite's type affinity of a declared type (its own rules, section 3.1 of datatype3),
    with booleans told apart."""
    d = declared.upper()
    if d in ("BOOL", "BOOLEAN"):
        return "bool"
    if "INT" in d:
        return "integer"
    if any(k in d for k in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if d == "" or "BLOB" in d:
        return "blob"
    if any(k in d for k in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "numeric"


_SQLITE_TRIGGER = re.compile(
    r"CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+"
    r"(?P<timing>BEFORE|AFTER|INSTEAD\s+OF)?\s*"
    r"(?P<event>DELETE|INSERT|UPDATE(?:\s+OF\s+(?P<cols>.+?))?)\s+ON\s+\S+\s*"
    r"(?P<row>FOR\s+EACH\s+ROW)?\s*(?:WHEN\s+(?P<when>.+?)\s+)?BEGIN\s+(?P<body>.*?)\s*END\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SQLITE_RAISE = re.compile(
    r"^SELECT\s+RAISE\s*\(\s*(?:ABORT|FAIL|ROLLBACK)\s*,\s*'((?:[^']|'')*)'\s*\)\s*;?$",
    re.IGNORECASE | re.DOTALL,
)
_PG_RAISE = re.compile(
    r"^BEGIN\s+RAISE\s+EXCEPTION\s+'((?:[^']|'')*)'\s*;\s*END\s*;?$", re.IGNORECASE | re.DOTALL
)
_INDEX_WHERE = re.compile(r"\bWHERE\b(.*)$", re.IGNORECASE | re.DOTALL)


def _update_of(cols: str | None) -> str:
    if not cols:
        return "UPDATE"
    return "UPDATE OF " + ", ".join(sorted(c.strip().strip('"').lower() for c in cols.split(",")))


async def read_sqlite(store: Store) -> Schema:
    async def fn(tx: Tx) -> Schema:
        schema: Schema = {}
        tables = await tx.fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        for t in tables:
            name = str(t["name"])
            table = schema[name] = Table()
            cols = await tx.fetchall(
                "SELECT * FROM pragma_table_info(:t) ORDER BY cid", {"t": name}
            )
            pk = sorted((int(c["pk"]), str(c["name"])) for c in cols if int(c["pk"]))
            table.primary_key = tuple(n for _, n in pk)
            rowid_key = len(pk) == 1 and next(
                str(c["type"]).upper() == "INTEGER" for c in cols if c["name"] == pk[0][1]
            )
            for c in cols:
                is_rowid = rowid_key and c["name"] == pk[0][1]
                table.columns[str(c["name"])] = Column(
                    family=sqlite_family(str(c["type"] or "")),
                    # a rowid alias can never hold NULL: inserting NULL assigns the next id
                    nullable=not (int(c["notnull"]) or is_rowid),
                    default=normalize(c["dflt_value"]),
                    generated=bool(is_rowid),
                )
            for fk_id in sorted(
                {
                    int(r["id"])
                    for r in await tx.fetchall(
                        "SELECT id FROM pragma_foreign_key_list(:t)", {"t": name}
                    )
                }
            ):
                rows = await tx.fetchall(
                    "SELECT * FROM pragma_foreign_key_list(:t) WHERE id = :i ORDER BY seq",
                    {"t": name, "i": fk_id},
                )
                ref = str(rows[0]["table"])
                ref_cols = tuple(str(r["to"]) for r in rows if r["to"] is not None)
                if not ref_cols:  # REFERENCES parent without columns: the parent's key
                    parent = await tx.fetchall(
                        "SELECT name, pk FROM pragma_table_info(:t) WHERE pk > 0 ORDER BY pk",
                        {"t": ref},
                    )
                    ref_cols = tuple(str(p["name"]) for p in parent)
                table.foreign_keys.add(
                    ForeignKey(
                        tuple(str(r["from"]) for r in rows),
                        ref,
                        ref_cols,
                        str(rows[0]["on_update"]).upper(),
                        str(rows[0]["on_delete"]).upper(),
                    )
                )
            table.checks.update(
                n for n in map(normalize, sqlite_checks(str(t["sql"]))) if n is not None
            )
            for ix in await tx.fetchall("SELECT * FROM pragma_index_list(:t)", {"t": name}):
                keys = await tx.fetchall(
                    "SELECT * FROM pragma_index_xinfo(:i) WHERE key = 1 ORDER BY seqno",
                    {"i": ix["name"]},
                )
                if ix["origin"] == "pk":
                    continue
                if ix["origin"] == "u":
                    table.uniques.add(tuple(str(k["name"]) for k in keys))
                    continue
                sql_row = await tx.fetchone(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :i",
                    {"i": ix["name"]},
                )
                sql = str(sql_row["sql"]) if sql_row else ""
                where = _INDEX_WHERE.search(sql) if int(ix["partial"]) else None
                table.indexes[str(ix["name"])] = Index(
                    tuple(
                        (str(k["name"]) if k["name"] is not None else "(expression)")
                        + (" DESC" if int(k["desc"]) else "")
                        for k in keys
                    ),
                    bool(int(ix["unique"])),
                    normalize(where.group(1)) if where else None,
                )
        for trig in await tx.fetchall(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        ):
            m = _SQLITE_TRIGGER.match(str(trig["sql"]).strip())
            if m is None:
                raise AssertionError(f"cannot read trigger {trig['name']}: {trig['sql']}")
            body = m.group("body").strip()
            raised = _SQLITE_RAISE.match(body)
            event = m.group("event").split()[0].upper()
            schema[str(trig["tbl_name"])].triggers[
                Trigger(
                    timing=" ".join((m.group("timing") or "BEFORE").upper().split()),
                    event=_update_of(m.group("cols")) if event == "UPDATE" else event,
                    row_level=True,  # SQLite has only row-level triggers
                    when=normalize(m.group("when")),
                    action=(
                        f"raises '{raised.group(1)}'"
                        if raised
                        else "runs " + " ".join(body.split())
                    ),
                )
            ] += 1
        return schema

    return await store.read(fn)


# ---------------------------------------------------------------------- PostgreSQL's catalog

_PG_FAMILY = {
    # SQLite's INTEGER holds 64 bits: only BIGINT holds the same
    "smallint": "integer16",
    "integer": "integer32",
    "bigint": "integer",
    "text": "text",
    "character varying": "text",
    "character": "text",
    "boolean": "bool",
    "bytea": "blob",
    "real": "real",
    "double precision": "real",
    "numeric": "numeric",
}
_PG_ACTION = {
    " ": "",
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}

_PG_CONSTRAINTS = """
SELECT con.contype::text AS contype, cl.relname AS tbl, pg_get_constraintdef(con.oid) AS def,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS cols,
       fcl.relname AS ref_table,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS ref_cols,
       con.confupdtype::text AS confupdtype, con.confdeltype::text AS confdeltype
FROM pg_constraint con
JOIN pg_class cl ON cl.oid = con.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
LEFT JOIN pg_class fcl ON fcl.oid = con.confrelid
WHERE n.nspname = current_schema()
"""

_PG_INDEXES = """
SELECT ic.relname AS name, tc.relname AS tbl, x.indisunique AS uniq,
       pg_get_expr(x.indpred, x.indrelid) AS pred,
       ARRAY(SELECT pg_get_indexdef(x.indexrelid, k, true)
             FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS keys,
       ARRAY(SELECT (x.indoption[k - 1] & 1) = 1
             FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS descs,
       EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
               AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) AS backs_constraint
FROM pg_index x
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_class tc ON tc.oid = x.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
WHERE n.nspname = current_schema()
"""

_PG_TRIGGERS = """
SELECT t.tgname, c.relname AS tbl, t.tgtype, t.tgenabled::text AS tgenabled, p.prosrc, p.proname,
       pg_get_triggerdef(t.oid) AS def,
       ARRAY(SELECT a.attname FROM unnest(t.tgattr::int2[]) AS k(attnum)
             JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum) AS of_cols
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE n.nspname = current_schema() AND NOT t.tgisinternal
"""


async def read_postgres(store: Store) -> Schema:
    async def fn(tx: Tx) -> Schema:
        schema: Schema = {}
        for t in await tx.fetchall(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        ):
            schema[str(t["table_name"])] = Table()
        for c in await tx.fetchall(
            "SELECT table_name, column_name, is_nullable, data_type, column_default, "
            "is_identity FROM information_schema.columns WHERE table_schema = "
            "current_schema() ORDER BY table_name, ordinal_position"
        ):
            if c["table_name"] not in schema:
                continue
            default = c["column_default"]
            serial = default is not None and str(default).startswith("nextval(")
            schema[str(c["table_name"])].columns[str(c["column_name"])] = Column(
                family=_PG_FAMILY.get(str(c["data_type"]), f"other:{c['data_type']}"),
                nullable=c["is_nullable"] == "YES",
                default=None if serial else normalize(default),
                generated=c["is_identity"] == "YES" or serial,
            )
        for con in await tx.fetchall(_PG_CONSTRAINTS):
            table = schema.get(str(con["tbl"]))
            if table is None:
                continue
            cols = tuple(str(c) for c in con["cols"])
            kind = con["contype"]
            if kind == "p":
                table.primary_key = cols
            elif kind == "u":
                table.uniques.add(cols)
            elif kind == "f":
                table.foreign_keys.add(
                    ForeignKey(
                        cols,
                        str(con["ref_table"]),
                        tuple(str(c) for c in con["ref_cols"]),
                        _PG_ACTION[con["confupdtype"]],
                        _PG_ACTION[con["confdeltype"]],
                    )
                )
            elif kind == "c":
                definition = str(con["def"])
                m = re.match(r"CHECK \((.*)\)( NOT VALID)?$", definition, re.DOTALL)
                assert m is not None, definition
                check = normalize(m.group(1))
                assert check is not None
                table.checks[check] += 1
            elif kind == "x":
                table.checks[f"exclusion: {con['def']}"] += 1
        for ix in await tx.fetchall(_PG_INDEXES):
            table = schema.get(str(ix["tbl"]))
            if table is None or ix["backs_constraint"]:
                continue
            table.indexes[str(ix["name"])] = Index(
                tuple(
                    (k if re.fullmatch(r"[a-z_][a-z0-9_]*", k) else "(expression)")
                    + (" DESC" if d else "")
                    for k, d in zip(ix["keys"], ix["descs"], strict=True)
                ),
                bool(ix["uniq"]),
                normalize(ix["pred"]),
            )
        for trig in await tx.fetchall(_PG_TRIGGERS):
            tgtype = int(trig["tgtype"])
            timing = "INSTEAD OF" if tgtype & 64 else "BEFORE" if tgtype & 2 else "AFTER"
            when = re.search(r"\bWHEN \((.*)\) EXECUTE ", str(trig["def"]), re.DOTALL)
            raised = _PG_RAISE.match(str(trig["prosrc"]).strip())
            action = (
                f"raises '{raised.group(1)}'"
                if raised
                else f"runs {trig['proname']}(): " + " ".join(str(trig["prosrc"]).split())
            )
            if trig["tgenabled"] == "D":
                action = "disabled: " + action
            events = [
                e
                for bit, e in ((4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE"))
                if tgtype & bit
            ]
            for event in events:
                if event == "UPDATE":
                    event = _update_of(", ".join(str(c) for c in trig["of_cols"]))
                schema[str(trig["tbl"])].triggers[
                    Trigger(
                        timing,
                        event,
                        bool(tgtype & 1),
                        normalize(when.group(1)) if when else None,
                        action,
                    )
                ] += 1
        return schema

    return await store.read(fn)


# ---------------------------------------------------------------------- comparing


def differences(
    a: Schema,
    b: Schema,
    a_name: str = "SQLite",
    b_name: str = "PostgreSQL",
    allowed: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """Every way ``a`` and ``b`` differ, one line each, naming table, column or object and
    what each side has; ``allowed`` (table, what) pairs are left out."""
    out: list[str] = []
    for name in sorted(set(a) - set(b)):
        out.append(f"table {name}: only in {a_name}")
    for name in sorted(set(b) - set(a)):
        out.append(f"table {name}: only in {b_name}")
    for name in sorted(set(a) & set(b)):
        ta, tb = a[name], b[name]
        lines: list[tuple[str, str]] = []

        def add(what: str, detail: str, lines: list[tuple[str, str]] = lines) -> None:
            lines.append((what, detail))

        for col in [c for c in ta.columns if c not in tb.columns]:
            add(f"column {col}", f"only in {a_name}")
        for col in [c for c in tb.columns if c not in ta.columns]:
            add(f"column {col}", f"only in {b_name}")
        shared = [c for c in ta.columns if c in tb.columns]
        if shared != [c for c in tb.columns if c in ta.columns]:
            add("column order", f"{a_name} {list(ta.columns)}, {b_name} {list(tb.columns)}")
        for col in shared:
            ca, cb = ta.columns[col], tb.columns[col]
            for attr in ("family", "nullable", "default", "generated"):
                va, vb = getattr(ca, attr), getattr(cb, attr)
                if va != vb:
                    add(f"column {col}: {attr}", f"{a_name} {va!r}, {b_name} {vb!r}")
        if ta.primary_key != tb.primary_key:
            add("primary key", f"{a_name} {ta.primary_key}, {b_name} {tb.primary_key}")
        for cols in sorted(ta.uniques - tb.uniques):
            add(f"unique {cols}", f"only in {a_name}")
        for cols in sorted(tb.uniques - ta.uniques):
            add(f"unique {cols}", f"only in {b_name}")
        for fk in sorted(ta.foreign_keys - tb.foreign_keys, key=repr):
            add(f"foreign key {fk}", f"only in {a_name}")
        for fk in sorted(tb.foreign_keys - ta.foreign_keys, key=repr):
            add(f"foreign key {fk}", f"only in {b_name}")
        for check in sorted(set(ta.checks) | set(tb.checks)):
            if ta.checks[check] != tb.checks[check]:
                add(
                    f"check {check} on {', '.join(_names_in(check))}",
                    f"{a_name} has {ta.checks[check]}, {b_name} {tb.checks[check]}",
                )
        for ix in sorted(set(ta.indexes) - set(tb.indexes)):
            add(f"index {ix}", f"only in {a_name}: {ta.indexes[ix]}")
        for ix in sorted(set(tb.indexes) - set(ta.indexes)):
            add(f"index {ix}", f"only in {b_name}: {tb.indexes[ix]}")
        for ix in sorted(set(ta.indexes) & set(tb.indexes)):
            if ta.indexes[ix] != tb.indexes[ix]:
                add(f"index {ix}", f"{a_name} {ta.indexes[ix]}, {b_name} {tb.indexes[ix]}")
        for trig in sorted(set(ta.triggers) | set(tb.triggers), key=repr):
            if ta.triggers[trig] != tb.triggers[trig]:
                add(
                    f"trigger {trig}",
                    f"{a_name} has {ta.triggers[trig]}, {b_name} {tb.triggers[trig]}",
                )
        out.extend(
            f"{name}: {what}: {detail}"
            for what, detail in lines
            if (name, what) not in (allowed or {})
        )
    return out


# ---------------------------------------------------------------------- tests


async def _schema(url: str, reader: Any) -> Schema:
    store = await open_store(url, synchronous="OFF")
    try:
        schema: Schema = await reader(store)
        return schema
    finally:
        await store.close()


@pytest.mark.postgres
async def test_sqlite_and_postgresql_migrations_build_the_same_schema(
    tmp_path: Path, pg_url: str
) -> None:
    """Tables, columns, keys, constraints, indexes and triggers agree on both backends."""
    lite = await _schema(f"sqlite:///{tmp_path / 'parity.db'}", read_sqlite)
    pg = await _schema(pg_url, read_postgres)
    found = differences(lite, pg, allowed=BY_DESIGN)
    assert not found, (
        f"{len(found)} differences between the SQLite and PostgreSQL "
        "migrations:\n  " + "\n  ".join(found)
    )
    every = differences(lite, pg)
    stale = [
        key for key in BY_DESIGN if not any(d.startswith(f"{key[0]}: {key[1]}:") for d in every)
    ]
    assert not stale, f"accepted differences that no longer exist (remove them): {stale}"


def _known_facts(schema: Schema, side: str) -> None:
    """What the migrations declare, seen by one reader: guards against a reader that sees
    nothing (two empty schemas would compare equal)."""
    assert {
        "accounts",
        "users",
        "pools",
        "pool_members",
        "lots",
        "bids",
        "lot_usage",
        "entries",
        "requests",
        "confirmations",
        "notices",
        "cost_models",
        "schema_version",
    } <= set(schema)
    accounts = schema["accounts"]
    assert list(accounts.columns) == ["id", "kind", "balance", "created_at"], side
    assert accounts.columns["balance"] == Column("integer", False, "0", False), side
    assert accounts.columns["id"].generated, side
    assert accounts.primary_key == ("id",), side
    assert accounts.checks == Counter({"(balance >= 0)": 1, "(kind IN ('user', 'pool'))": 1})
    assert schema["lots"].checks["((remaining >= 0) AND (remaining <= connects))"] == 1, side
    assert schema["pools"].uniques == {("scope", "name")}, side
    assert schema["pool_members"].primary_key == ("pool_id", "member"), side
    assert (
        ForeignKey(("pool_id",), "pools", ("id",), "NO ACTION", "NO ACTION")
        in schema["pool_members"].foreign_keys
    ), side
    assert schema["lots"].indexes["lots_open"] == Index(
        ("account_id", "acquired_at", "id"), False, "(remaining > 0)"
    ), side
    assert schema["notices"].uniques == {("key",)}, side
    for table in ("users", "pools"):  # the export's owner joins (0005)
        assert schema[table].indexes[f"{table}_account"] == Index(("account_id",), False, None)
    assert schema["entries"].columns["memo"].default == "''", side
    # the learned cost models (0007): the bid's scope, the fit's read, one row per scope
    assert "scope" in schema["bids"].columns, side
    assert schema["bids"].indexes["bids_scope_stated"] == Index(
        ("scope", "connects_stated", "created_at"), False, None
    ), side
    assert schema["cost_models"].primary_key == ("scope",), side
    assert not schema["cost_models"].columns["scope"].nullable, side
    assert schema["cost_models"].checks["(in_use IN (0, 1))"] == 1, side
    # kept bids are swept by age (0008)
    assert schema["confirmations"].indexes["confirmations_created"] == Index(
        ("created_at",), False, None
    ), side
    raises = "raises 'ledger entries are append-only'"
    assert schema["entries"].triggers == Counter(
        {
            Trigger("BEFORE", "UPDATE", True, None, raises): 1,
            Trigger("BEFORE", "DELETE", True, None, raises): 1,
        }
    ), side


async def test_the_sqlite_reader_sees_what_the_migrations_declare(tmp_path: Path) -> None:
    """SQLite's catalog, as read here, holds the tables, keys, checks, indexes and triggers
    the migrations declare."""
    _known_facts(await _schema(f"sqlite:///{tmp_path / 'c.db'}", read_sqlite), "SQLite")


@pytest.mark.postgres
async def test_the_postgres_reader_sees_what_the_migrations_declare(pg_url: str) -> None:
    """PostgreSQL's catalog, as read here, holds what the migrations declare."""
    _known_facts(await _schema(pg_url, read_postgres), "PostgreSQL")


async def test_each_kind_of_difference_is_named(tmp_path: Path) -> None:
    """A schema that drifted in a column, a check, an index, a foreign key, a unique
    constraint and a trigger is reported line by line, naming each."""
    base = tmp_path / "base.db"
    await _schema(f"sqlite:///{base}", read_sqlite)
    shutil.copy(base, tmp_path / "drift.db")
    drift = await open_store(f"sqlite:///{tmp_path / 'drift.db'}", synchronous="OFF")
    try:

        async def change(tx: Tx) -> None:
            for sql in (
                "ALTER TABLE notices ADD COLUMN channel TEXT CHECK (channel <> '')",
                "CREATE INDEX bids_note ON bids (note DESC)",
                "DROP INDEX notices_subject",
                "CREATE TABLE extra (id INTEGER PRIMARY KEY, "
                "bid_id INTEGER REFERENCES bids (id) ON DELETE CASCADE, "
                "code TEXT NOT NULL UNIQUE)",
                "CREATE TRIGGER bids_no_delete BEFORE DELETE ON bids "
                "BEGIN SELECT RAISE(ABORT, 'no'); END",
            ):
                await tx.execute(sql)

        await drift.write(change)
        drifted = await read_sqlite(drift)
    finally:
        await drift.close()
    original = await _schema(f"sqlite:///{base}", read_sqlite)
    found = differences(drifted, original, "drifted", "original")
    assert found == [
        "table extra: only in drifted",
        "bids: index bids_note: only in drifted: Index(columns=('note DESC',), unique=False, "
        "where=None)",
        "bids: trigger Trigger(timing='BEFORE', event='DELETE', row_level=True, when=None, "
        "action=\"raises 'no'\"): drifted has 1, original 0",
        "notices: column channel: only in drifted",
        "notices: check (channel <> '') on channel: drifted has 1, original 0",
        "notices: index notices_subject: only in original: Index(columns=('subject', "
        "'created_at'), unique=False, where=None)",
    ], found
    extra = drifted["extra"]
    assert extra.uniques == {("code",)}
    assert extra.foreign_keys == {ForeignKey(("bid_id",), "bids", ("id",), "NO ACTION", "CASCADE")}


@pytest.mark.postgres
async def test_a_postgres_side_drift_is_named(tmp_path: Path, pg_url: str) -> None:
    """A difference made on the PostgreSQL side (a dropped check, a nullable column, another
    default, a type) is named against SQLite."""
    store = await open_store(pg_url)
    try:

        async def change(tx: Tx) -> None:
            for sql in (
                "ALTER TABLE accounts DROP CONSTRAINT accounts_balance_check",
                "ALTER TABLE bids ALTER COLUMN job DROP NOT NULL",
                "ALTER TABLE bids ALTER COLUMN boost SET DEFAULT 1",
                "ALTER TABLE lots ALTER COLUMN source TYPE BOOLEAN USING false",
            ):
                await tx.execute(sql)

        await store.write(change)
        pg = await read_postgres(store)
    finally:
        await store.close()
    lite = await _schema(f"sqlite:///{tmp_path / 'c.db'}", read_sqlite)
    found = differences(lite, pg)
    for expected in (
        "accounts: check (balance >= 0) on balance: SQLite has 1, PostgreSQL 0",
        "bids: column job: nullable: SQLite False, PostgreSQL True",
        "bids: column boost: default: SQLite '0', PostgreSQL '1'",
        "lots: column source: family: SQLite 'text', PostgreSQL 'bool'",
    ):
        assert expected in found, found


@pytest.mark.parametrize(
    ("sqlite_text", "postgres_text"),
    [
        ("kind IN ('user', 'pool')", "(kind = ANY (ARRAY['user'::text, 'pool'::text]))"),
        (
            "remaining >= 0 AND remaining <= connects",
            "((remaining >= 0) AND (remaining <= connects))",
        ),
        (
            "refunded >= 0 AND refunded <= connects + boost",
            "((refunded >= 0) AND (refunded <= (connects + boost)))",
        ),
        ("a BETWEEN 1 AND 3", "((a >= 1) AND (a <= 3))"),
        ("x != 'a''b'", "(x <> 'a''b'::character varying)"),
        ("sent_at IS NULL", "(sent_at IS NULL)"),
        ("a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
        ("''", "''::text"),
    ],
)
def test_expressions_meet_in_one_spelling(sqlite_text: str, postgres_text: str) -> None:
    """SQLite keeps a constraint as written; PostgreSQL prints its own form: they normalize to
    the same text."""
    assert normalize(sqlite_text) == normalize(postgres_text)
    assert not str(normalize(sqlite_text)).startswith("unparsed")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("a AND (b OR c)", "(a AND b) OR c"),
        ("a + b * c", "(a + b) * c"),
        ("kind IN ('user', 'pool')", "kind IN ('user', 'team')"),
        ("a >= 0", "a > 0"),
    ],
)
def test_different_expressions_stay_different(one: str, other: str) -> None:
    """Normalizing does not make different constraints look alike."""
    assert normalize(one) != normalize(other)


def test_both_backends_have_the_same_migration_files() -> None:
    """Every migration exists for both backends under one name, so a ledger copied between
    them is at the same version on both sides."""
    names = {d: [name for _, name, _ in migrations(d)] for d in ("sqlite", "postgres")}
    assert names["sqlite"] == names["postgres"], names
