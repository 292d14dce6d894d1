"""The one schema source builds the same schema on SQLite and on PostgreSQL.

Statements outside a dialect-only section are the same text on both databases, so what can
still differ is what that text cannot say: the placeholders' two spellings (``{{bigint}}`` is
64-bit on both, a plain ``INTEGER`` only on SQLite), the dialect-only sections (SQLite's table
rebuilds and triggers against PostgreSQL's ALTERs and trigger function), and what the same words
mean to each database (a ``TEXT PRIMARY KEY`` holds NULL on SQLite unless declared NOT NULL).
So each side is migrated from empty and read back from its own catalog (SQLite: ``sqlite_master``
and the ``pragma_*`` functions; PostgreSQL: ``information_schema`` and ``pg_catalog``), and
compared per table: columns in order (name, nullability, type family, default, whether the
database assigns the value), the primary key, unique constraints, foreign keys, CHECK
constraints, indexes (key columns, uniqueness, partial predicate) and triggers.

SQLite keeps an expression as written and PostgreSQL prints its own form, so PostgreSQL reads
SQLite's too (:func:`in_postgres_words`): each CHECK, default and index predicate is declared on
a scratch copy of the PostgreSQL table and printed back. :data:`BY_DESIGN` lists the only
accepted difference, with its reason.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from core.store import open_store
from core.store.base import Store, Tx

#: The entry columns no UPDATE may touch (every column but ``actor``), in name order.
GUARDED = "account_id, balance_after, bid_id, created_at, delta, id, kind, lot_id, memo, request_id"


# ---------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Column:
    family: str  # integer (64-bit), integer32, integer16, text, bool, real, blob, numeric, other:…
    nullable: bool
    default: str | None  # expression text, as the database prints it
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
    columns: tuple[str, ...]  # a key column's name, or "(expression)"; " DESC" if so
    unique: bool
    where: str | None


@dataclass(frozen=True)
class Trigger:
    timing: str  # BEFORE, AFTER, INSTEAD OF
    event: str  # INSERT, UPDATE, UPDATE OF a, b, DELETE, TRUNCATE
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
    ("schema_version", "column version: generated"): (
        "SQLite's INTEGER PRIMARY KEY is always a rowid; migrate() always gives the version"
    ),
}


def _words(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


_CAST = re.compile(r"::(?:character varying|double precision|[a-z_]+)(?:\[\])?")
_NUMBER_IN_PARENS = re.compile(r"\((-?\d+)\)")


def _pg_words(text: str | None) -> str | None:
    """PostgreSQL's print of an expression without its casts: how it prints a constant
    depends on the column's type when the expression was declared (``ARRAY[0, 1]`` on an
    INTEGER column widened later by 0009, ``ARRAY[(0)::bigint, (1)::bigint]`` on a BIGINT)."""
    return None if text is None else _words(_NUMBER_IN_PARENS.sub(r"\1", _CAST.sub("", text)))


_RAISES = re.compile(
    r"^(?:SELECT\s+RAISE\s*\(\s*(?:ABORT|FAIL|ROLLBACK)\s*,|BEGIN\s+RAISE\s+EXCEPTION)"
    r"\s*'((?:[^']|'')*)'\s*\)?\s*;\s*(?:END\s*;?)?$",
    re.IGNORECASE | re.DOTALL,
)


def _action(body: str) -> str:
    """A trigger body that only raises, as ``raises 'message'`` on either database."""
    raised = _RAISES.match(body.strip())
    return f"raises '{raised.group(1)}'" if raised else "runs " + " ".join(body.split())


# PostgreSQL allows no subquery in a trigger's WHEN: a function that raises only under a
# condition (``IF cond THEN RAISE ...; END IF; RETURN OLD;``) is its spelling of SQLite's
# ``WHEN cond`` on a trigger that raises (migration 0017's delete guard on entries).
_GUARD = re.compile(
    r"^BEGIN\s+IF\s+(.*?)\s+THEN\s+RAISE\s+EXCEPTION\s*'((?:[^']|'')*)'\s*;\s*END\s+IF\s*;"
    r"\s*RETURN\s+(?:OLD|NEW)\s*;\s*END\s*;?$",
    re.IGNORECASE | re.DOTALL,
)


def _guard(body: str) -> tuple[str, str] | None:
    """``(condition, "raises 'message'")`` for a guard function's body, else ``None``."""
    m = _GUARD.match(body.strip())
    return (" ".join(m.group(1).split()), f"raises '{m.group(2)}'") if m else None


PURGES_ONLY = "NOT EXISTS (SELECT 1 FROM ledger_purges WHERE account_id = OLD.account_id)"


def _update_of(cols: list[str]) -> str:
    return "UPDATE OF " + ", ".join(sorted(cols)) if cols else "UPDATE"


# ---------------------------------------------------------------------- SQLite's catalog

_SQLITE_TOKEN = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/"
    r"|[A-Za-z_][A-Za-z0-9_$]*|\s+|.",
    re.DOTALL,
)


def sqlite_checks(create_sql: str) -> list[str]:
    """The expression of every CHECK in a ``CREATE TABLE`` statement (column or table
    constraint, including columns added later by ``ALTER TABLE``), as written."""
    tokens = [
        (m.group(0), m.start(), m.end())
        for m in _SQLITE_TOKEN.finditer(create_sql)
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
    """SQLite's type affinity of a declared type (section 3.1 of datatype3), booleans apart."""
    d = declared.upper()
    if d in ("BOOL", "BOOLEAN"):
        return "bool"
    if "INT" in d:
        return "integer"
    if any(k in d for k in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if d == "" or "BLOB" in d:
        return "blob"
    return "real" if any(k in d for k in ("REAL", "FLOA", "DOUB")) else "numeric"


_SQLITE_TRIGGER = re.compile(
    r"CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+"
    r"(?P<timing>BEFORE|AFTER|INSTEAD\s+OF)?\s*"
    r"(?P<event>DELETE|INSERT|UPDATE(?:\s+OF\s+(?P<cols>.+?))?)\s+ON\s+\S+\s*"
    r"(?P<row>FOR\s+EACH\s+ROW)?\s*(?:WHEN\s+(?P<when>.+?)\s+)?BEGIN\s+(?P<body>.*?)\s*END\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_INDEX_WHERE = re.compile(r"\bWHERE\b(.*)$", re.IGNORECASE | re.DOTALL)


async def _sqlite_table(tx: Tx, name: str, create_sql: str) -> Table:
    table = Table()
    cols = await tx.fetchall("SELECT * FROM pragma_table_info(:t) ORDER BY cid", {"t": name})
    pk = sorted((int(c["pk"]), str(c["name"])) for c in cols if int(c["pk"]))
    table.primary_key = tuple(n for _, n in pk)
    rowid = pk[0][1] if len(pk) == 1 else None
    for c in cols:
        # an INTEGER PRIMARY KEY is the rowid: never NULL, assigned when an insert omits it
        is_rowid = c["name"] == rowid and str(c["type"]).upper() == "INTEGER"
        table.columns[str(c["name"])] = Column(
            sqlite_family(str(c["type"] or "")),
            not (int(c["notnull"]) or is_rowid),
            _words(c["dflt_value"]),
            is_rowid,
        )
    fks: dict[int, list[Any]] = {}
    for r in await tx.fetchall("SELECT * FROM pragma_foreign_key_list(:t)", {"t": name}):
        fks.setdefault(int(r["id"]), []).append(r)
    for rows in fks.values():
        rows.sort(key=lambda r: int(r["seq"]))
        ref = str(rows[0]["table"])
        ref_cols = tuple(str(r["to"]) for r in rows if r["to"] is not None)
        if not ref_cols:  # REFERENCES parent without columns: the parent's key
            parent = await tx.fetchall(
                "SELECT name FROM pragma_table_info(:t) WHERE pk > 0 ORDER BY pk", {"t": ref}
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
    table.checks.update(_words(c) or "" for c in sqlite_checks(create_sql))
    for ix in await tx.fetchall("SELECT * FROM pragma_index_list(:t)", {"t": name}):
        keys = await tx.fetchall(
            "SELECT * FROM pragma_index_xinfo(:i) WHERE key = 1 ORDER BY seqno", {"i": ix["name"]}
        )
        if ix["origin"] == "u":
            table.uniques.add(tuple(str(k["name"]) for k in keys))
        if ix["origin"] != "c":
            continue
        row = await tx.fetchone("SELECT sql FROM sqlite_master WHERE name = :i", {"i": ix["name"]})
        where = _INDEX_WHERE.search(str(row["sql"])) if row and int(ix["partial"]) else None
        table.indexes[str(ix["name"])] = Index(
            tuple(
                (str(k["name"]) if k["name"] is not None else "(expression)")
                + (" DESC" if int(k["desc"]) else "")
                for k in keys
            ),
            bool(int(ix["unique"])),
            _words(where.group(1)) if where else None,
        )
    return table


async def read_sqlite(store: Store) -> Schema:
    async def fn(tx: Tx) -> Schema:
        schema: Schema = {}
        for t in await tx.fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ):
            schema[str(t["name"])] = await _sqlite_table(tx, str(t["name"]), str(t["sql"]))
        for trig in await tx.fetchall(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        ):
            m = _SQLITE_TRIGGER.match(str(trig["sql"]).strip())
            if m is None:
                raise AssertionError(f"cannot read trigger {trig['name']}: {trig['sql']}")
            event = m.group("event").split()[0].upper()
            cols = [c.strip().strip('"').lower() for c in (m.group("cols") or "").split(",")]
            trigger = Trigger(
                " ".join((m.group("timing") or "BEFORE").upper().split()),
                _update_of([c for c in cols if c]) if event == "UPDATE" else event,
                True,  # SQLite has only row-level triggers
                _words(m.group("when")),
                _action(m.group("body")),
            )
            schema[str(trig["tbl_name"])].triggers[trigger] += 1
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
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
_PG_CHECK = re.compile(r"CHECK \((.*)\)( NOT VALID)?$", re.DOTALL)

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
             FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS descs
FROM pg_index x
JOIN pg_class ic ON ic.oid = x.indexrelid
JOIN pg_class tc ON tc.oid = x.indrelid
JOIN pg_namespace n ON n.oid = tc.relnamespace
WHERE n.nspname = current_schema() AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u'))
"""

_PG_TRIGGERS = """
SELECT c.relname AS tbl, t.tgtype, t.tgenabled::text AS tgenabled, p.prosrc, p.proname,
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
        for c in await tx.fetchall(
            "SELECT c.table_name, column_name, is_nullable, data_type, column_default, "
            "is_identity FROM information_schema.columns c JOIN information_schema.tables t "
            "USING (table_schema, table_name) WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY c.table_name, ordinal_position"
        ):
            default = c["column_default"]
            serial = default is not None and str(default).startswith("nextval(")
            schema.setdefault(str(c["table_name"]), Table()).columns[str(c["column_name"])] = (
                Column(
                    _PG_FAMILY.get(str(c["data_type"]), f"other:{c['data_type']}"),
                    c["is_nullable"] == "YES",
                    None if serial else _pg_words(default),
                    c["is_identity"] == "YES" or serial,
                )
            )
        for con in await tx.fetchall(_PG_CONSTRAINTS):
            table = schema[str(con["tbl"])]
            cols = tuple(str(c) for c in con["cols"])
            if con["contype"] == "p":
                table.primary_key = cols
            elif con["contype"] == "u":
                table.uniques.add(cols)
            elif con["contype"] == "f":
                refs = tuple(str(c) for c in con["ref_cols"])
                upd, dele = _PG_ACTION[con["confupdtype"]], _PG_ACTION[con["confdeltype"]]
                table.foreign_keys.add(ForeignKey(cols, str(con["ref_table"]), refs, upd, dele))
            elif con["contype"] == "c":
                m = _PG_CHECK.match(str(con["def"]))
                table.checks[_pg_words(m.group(1)) if m else str(con["def"])] += 1
            elif con["contype"] != "n":  # NOT NULL (PostgreSQL 18 lists it) is read per column
                table.checks[f"{con['contype']}: {con['def']}"] += 1  # a kind SQLite lacks
        for ix in await tx.fetchall(_PG_INDEXES):
            schema[str(ix["tbl"])].indexes[str(ix["name"])] = Index(
                tuple(
                    (k if re.fullmatch(r"[a-z_][a-z0-9_]*", k) else "(expression)")
                    + (" DESC" if d else "")
                    for k, d in zip(ix["keys"], ix["descs"], strict=True)
                ),
                bool(ix["uniq"]),
                _pg_words(ix["pred"]),
            )
        for trig in await tx.fetchall(_PG_TRIGGERS):
            tgtype = int(trig["tgtype"])
            when = re.search(r"\bWHEN \((.*)\) EXECUTE ", str(trig["def"]), re.DOTALL)
            action = _action(str(trig["prosrc"]))
            guard = None if when else _guard(str(trig["prosrc"]))
            if guard is not None:
                action = guard[1]
            if not action.startswith("raises"):
                action = f"{trig['proname']}(): {action}"
            if trig["tgenabled"] == "D":
                action = "disabled: " + action
            bits = ((4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE"))
            for event in [e for bit, e in bits if tgtype & bit]:
                trigger = Trigger(
                    "INSTEAD OF" if tgtype & 64 else "BEFORE" if tgtype & 2 else "AFTER",
                    _update_of([str(c) for c in trig["of_cols"]]) if event == "UPDATE" else event,
                    bool(tgtype & 1),
                    _words(when.group(1)) if when else guard[0] if guard else None,
                    action,
                )
                schema[str(trig["tbl"])].triggers[trigger] += 1
        return schema

    return await store.read(fn)


async def in_postgres_words(lite: Schema, pg_url: str) -> Schema:
    """``lite`` with every CHECK, default and index predicate as PostgreSQL prints it: each is
    declared on a scratch copy of the PostgreSQL table (its columns and types) and read back,
    in a transaction that is rolled back. So ``kind IN ('user', 'pool')`` meets ``(kind = ANY
    (ARRAY['user', 'pool']))`` (casts left out, see :func:`_pg_words`) while different
    expressions stay different; one PostgreSQL refuses (a column it lacks) is kept as
    ``refused: ...``."""
    conn = await asyncpg.connect(pg_url)
    tx = conn.transaction()
    await tx.start()
    try:
        out: Schema = {}
        for name, table in lite.items():
            known = await conn.fetchval("SELECT to_regclass(quote_ident($1)) IS NOT NULL", name)
            out[name] = await _spelled(conn, name, table) if known else table
        return out
    finally:
        await tx.rollback()
        await conn.close()


async def _spelled(conn: Any, name: str, table: Table) -> Table:
    """``table``'s expressions declared on ``probe``, a copy of the PostgreSQL table ``name``."""
    await conn.execute(f'CREATE TEMP TABLE probe (LIKE "{name}")')

    async def ask(statement: str, read: Callable[[], Awaitable[Any]], text: str) -> str:
        try:
            async with conn.transaction():  # a savepoint: a refused one leaves the rest
                await conn.execute(statement)
                return str(await read())
        except asyncpg.PostgresError:
            return f"refused: {text}"

    columns = dict(table.columns)
    for col, c in table.columns.items():
        if c.default is not None:
            default = await ask(
                f'ALTER TABLE probe ALTER COLUMN "{col}" SET DEFAULT {c.default}',
                lambda col=col: conn.fetchval(
                    "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef d JOIN pg_attribute a "
                    "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                    "WHERE d.adrelid = 'probe'::regclass AND a.attname = $1",
                    col,
                ),
                c.default,
            )
            columns[col] = replace(c, default=_pg_words(default))
    checks: Counter[str] = Counter()
    for n, check in enumerate(table.checks.elements()):
        spelled = await ask(
            f"ALTER TABLE probe ADD CONSTRAINT probe_{n} CHECK ({check})",
            lambda n=n: conn.fetchval(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'probe'::regclass AND conname = $1",
                f"probe_{n}",
            ),
            check,
        )
        m = _PG_CHECK.match(spelled)
        checks[_pg_words(m.group(1)) if m else spelled] += 1
    indexes = dict(table.indexes)
    first = next(iter(table.columns), "")
    for n, (ix_name, ix) in enumerate(table.indexes.items()):
        if ix.where is not None:
            where = await ask(
                f'CREATE INDEX probe_ix_{n} ON probe ("{first}") WHERE {ix.where}',
                lambda n=n: conn.fetchval(
                    "SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
                    "WHERE indexrelid = $1::regclass",
                    f"probe_ix_{n}",
                ),
                ix.where,
            )
            indexes[ix_name] = replace(ix, where=_pg_words(where))
    await conn.execute("DROP TABLE probe")
    return replace(table, columns=columns, checks=checks, indexes=indexes)


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
    out = [f"table {n}: only in {a_name}" for n in sorted(set(a) - set(b))]
    out += [f"table {n}: only in {b_name}" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        ta, tb = a[name], b[name]
        lines: list[tuple[str, str]] = []
        for one, other, side in ((ta, tb, a_name), (tb, ta, b_name)):
            lines += [
                (f"column {c}", f"only in {side}") for c in one.columns if c not in other.columns
            ]
        shared = [c for c in ta.columns if c in tb.columns]
        if shared != [c for c in tb.columns if c in ta.columns]:
            lines.append(
                ("column order", f"{a_name} {list(ta.columns)}, {b_name} {list(tb.columns)}")
            )
        for col in shared:
            for attr in ("family", "nullable", "default", "generated"):
                va, vb = getattr(ta.columns[col], attr), getattr(tb.columns[col], attr)
                if va != vb:
                    lines.append((f"column {col}: {attr}", f"{a_name} {va!r}, {b_name} {vb!r}"))
        if ta.primary_key != tb.primary_key:
            lines.append(("primary key", f"{a_name} {ta.primary_key}, {b_name} {tb.primary_key}"))
        for one, other, side in ((ta, tb, a_name), (tb, ta, b_name)):
            lines += [
                (f"unique {u}", f"only in {side}") for u in sorted(one.uniques - other.uniques)
            ]
            lines += [
                (f"foreign key {fk}", f"only in {side}")
                for fk in sorted(one.foreign_keys - other.foreign_keys, key=repr)
            ]
            lines += [
                (f"index {ix}", f"only in {side}: {one.indexes[ix]}")
                for ix in sorted(set(one.indexes) - set(other.indexes))
            ]
        for ix in sorted(set(ta.indexes) & set(tb.indexes)):
            if ta.indexes[ix] != tb.indexes[ix]:
                lines.append(
                    (f"index {ix}", f"{a_name} {ta.indexes[ix]}, {b_name} {tb.indexes[ix]}")
                )
        for what, counts in (
            ("check", (ta.checks, tb.checks)),
            ("trigger", (ta.triggers, tb.triggers)),
        ):
            for item in sorted(set(counts[0]) | set(counts[1]), key=repr):
                if counts[0][item] != counts[1][item]:
                    lines.append(
                        (
                            f"{what} {item}",
                            f"{a_name} has {counts[0][item]}, {b_name} {counts[1][item]}",
                        )
                    )
        out += [f"{name}: {w}: {d}" for w, d in lines if (name, w) not in (allowed or {})]
    return out


# ---------------------------------------------------------------------- tests


async def _schema(url: str, reader: Callable[[Store], Awaitable[Schema]]) -> Schema:
    store = await open_store(url, synchronous="OFF")
    try:
        return await reader(store)
    finally:
        await store.close()


@pytest.mark.postgres
async def test_sqlite_and_postgresql_migrations_build_the_same_schema(
    tmp_path: Path, pg_url: str
) -> None:
    """Tables, columns, keys, constraints, indexes and triggers agree on both backends, and
    every integer column is 64-bit on both."""
    lite = await _schema(f"sqlite:///{tmp_path / 'parity.db'}", read_sqlite)
    pg = await _schema(pg_url, read_postgres)
    lite = await in_postgres_words(lite, pg_url)
    found = differences(lite, pg, allowed=BY_DESIGN)
    assert not found, f"{len(found)} differences between the dialects:\n  " + "\n  ".join(found)
    _known_facts(lite, "SQLite")
    _known_facts(pg, "PostgreSQL")
    every = differences(lite, pg)
    stale = [k for k in BY_DESIGN if not any(d.startswith(f"{k[0]}: {k[1]}:") for d in every)]
    assert not stale, f"accepted differences that no longer exist (remove them): {stale}"


def _mentions(found: Counter[str] | set[str], *words: str) -> bool:
    return any(all(w in item for w in words) for item in found)


def _known_facts(schema: Schema, side: str) -> None:
    """What the migrations declare, seen by one reader: guards against a reader that sees
    nothing (two empty schemas would compare equal). Expressions are matched by their words,
    which both databases' spellings contain."""
    tables = {"accounts", "users", "pools", "pool_members", "lots", "bids", "lot_usage"}
    tables |= {"entries", "requests", "confirmations", "notices", "cost_models", "schema_version"}
    assert tables <= set(schema), side
    accounts = schema["accounts"]
    assert list(accounts.columns) == ["id", "kind", "balance", "created_at"], side
    assert accounts.columns["balance"] == Column("integer", False, "0", False), side
    assert accounts.columns["id"].generated and accounts.primary_key == ("id",), side
    # the store refuses overspend itself: the balance never goes below 0
    assert _mentions(accounts.checks, "balance >= 0") and len(accounts.checks) == 2, side
    assert _mentions(schema["lots"].checks, "remaining >= 0", "remaining <= connects"), side
    assert _mentions(schema["bids"].checks, "refunded <= ", "connects + boost"), side
    assert schema["pools"].uniques == {("scope", "name")}, side
    assert schema["pool_members"].primary_key == ("pool_id", "member"), side
    assert schema["pool_members"].columns["allowance"].nullable, side  # 0004
    fk = ForeignKey(("pool_id",), "pools", ("id",), "NO ACTION", "NO ACTION")
    assert fk in schema["pool_members"].foreign_keys, side
    lots_open = schema["lots"].indexes["lots_open"]
    assert lots_open.columns == ("account_id", "acquired_at", "id"), side
    assert "remaining > 0" in str(lots_open.where), side
    assert schema["notices"].uniques == {("key",)}, side
    for table in ("users", "pools"):  # the export's owner joins (0005)
        assert schema[table].indexes[f"{table}_account"] == Index(("account_id",), False, None)
    for table, key in (("users", "key"), ("requests", "id"), ("confirmations", "token")):
        assert not schema[table].columns[key].nullable, (side, table)  # 0003
    assert str(schema["entries"].columns["memo"].default).startswith("''"), side
    assert schema["bids"].indexes["bids_scope_stated"].columns == (
        "scope",
        "connects_stated",
        "created_at",
    ), side
    assert schema["cost_models"].primary_key == ("scope",), side
    assert _mentions(schema["cost_models"].checks, "in_use"), side
    narrow = [
        (t, c)
        for t in schema
        for c, col in schema[t].columns.items()
        if col.family in ("integer32", "integer16")
    ]
    assert not narrow, (side, narrow)  # every whole number is 64-bit (0009)
    raises = "raises 'ledger entries are append-only'"
    assert "actor" not in GUARDED
    assert schema["entries"].triggers == Counter(
        {
            # 0018: an entry's actor alone may change (/forget's tombstone)
            Trigger("BEFORE", "UPDATE OF " + GUARDED, True, None, raises): 1,
            # deletable only as a whole workspace's ledger (0017: ledger_purges)
            Trigger("BEFORE", "DELETE", True, PURGES_ONLY, raises): 1,
        }
    ), side


async def test_the_sqlite_reader_sees_what_the_migrations_declare(tmp_path: Path) -> None:
    """SQLite's catalog, as read here, holds the tables, keys, checks, indexes and triggers
    the migrations declare (also where PostgreSQL is not there to compare with)."""
    _known_facts(await _schema(f"sqlite:///{tmp_path / 'c.db'}", read_sqlite), "SQLite")


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
        "notices: index notices_subject: only in original: Index(columns=('subject', "
        "'created_at'), unique=False, where=None)",
        "notices: check channel <> '': drifted has 1, original 0",
    ], found
    extra = drifted["extra"]
    assert extra.uniques == {("code",)}
    assert extra.foreign_keys == {ForeignKey(("bid_id",), "bids", ("id",), "NO ACTION", "CASCADE")}


@pytest.mark.postgres
async def test_a_drift_on_either_side_is_named(tmp_path: Path, pg_url: str) -> None:
    """Read in PostgreSQL's words, SQLite's expressions still differ where they differ: a
    dropped check, a nullable column, another default, a type, a check PostgreSQL changed and
    one only SQLite's side has are each named, and nothing else."""
    store = await open_store(pg_url)
    try:

        async def change(tx: Tx) -> None:
            for sql in (
                "ALTER TABLE accounts DROP CONSTRAINT accounts_balance_check",
                "ALTER TABLE bids ALTER COLUMN job DROP NOT NULL",
                "ALTER TABLE bids ALTER COLUMN boost SET DEFAULT 1",
                "ALTER TABLE lots ALTER COLUMN source TYPE BOOLEAN USING false",
                "ALTER TABLE lots DROP CONSTRAINT lots_connects_check",
                "ALTER TABLE lots ADD CONSTRAINT lots_connects_check CHECK (connects >= 0)",
            ):
                await tx.execute(sql)

        await store.write(change)
        pg = await read_postgres(store)
    finally:
        await store.close()
    lite = await _schema(f"sqlite:///{tmp_path / 'c.db'}", read_sqlite)
    lite["notices"].checks["target_kind IN ('channel', 'dms')"] += 1
    found = differences(await in_postgres_words(lite, pg_url), pg, allowed=BY_DESIGN)
    for expected in (
        "accounts: check (balance >= 0): SQLite has 1, PostgreSQL 0",
        "bids: column job: nullable: SQLite False, PostgreSQL True",
        "bids: column boost: default: SQLite '0', PostgreSQL '1'",
        "lots: column source: family: SQLite 'text', PostgreSQL 'bool'",
        "lots: check (connects > 0): SQLite has 1, PostgreSQL 0",
        "lots: check (connects >= 0): SQLite has 0, PostgreSQL 1",
        "notices: check (target_kind = ANY (ARRAY['channel', 'dms'])): SQLite has 1, PostgreSQL 0",
    ):
        assert expected in found, found
    assert len(found) == 7, found
