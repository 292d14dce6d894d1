"""Migrated test databases, made once per process and handed out fresh.

Opening a store on an empty database applies every migration: about 0.05 s on SQLite and 0.7 s
on PostgreSQL, which most tests pay for nothing (they prove the ledger, not the migrations;
tests/store proves those). Here each test process (each pytest-xdist worker) migrates once:

- SQLite: one template file, migrated by :func:`core.store.open_store` as the product does and
  then copied byte for byte into each test's own path.
- PostgreSQL: a migrated schema is renamed into the name a test asked for and, when the test is
  done, kept for the next test if it is still exactly as migrated: its catalog (tables,
  columns, defaults, constraints, indexes, triggers, functions, sequences, views) and its
  ``schema_version`` rows must print the same as the template's. Its rows are then deleted
  and its identity sequences restarted, which leaves it indistinguishable from a freshly
  migrated schema; a schema that differs (a test altered it or migrated it differently) is
  dropped instead. Should the migrations ever insert rows, nothing is kept and each test
  migrates its own schema as before.

Every handed-out database is new to the test that gets it: no row, id or setting of an earlier
test is visible. What a process kept is removed when it ends (:func:`drop_spares_now`).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

import asyncpg

from core.store import open_store

# -------------------------------------------------------------------------------- SQLite

_sqlite_template: list[Path] = []


async def fill_sqlite(path: Path) -> None:
    """Make ``path`` (which must not exist yet) a freshly migrated SQLite database."""
    if not _sqlite_template:
        folder = Path(tempfile.mkdtemp(prefix="connects-template-"))
        template = folder / "migrated.db"
        store = await open_store(f"sqlite:///{template}")
        await store.close()
        _check_alone(template)
        _sqlite_template.append(template)
    _copy(_sqlite_template[0], path)


def _check_alone(template: Path) -> None:
    """Closing the last connection checkpoints the write-ahead log into the file: nothing
    may be left beside it."""
    leftovers = sorted(p.name for p in template.parent.iterdir() if p != template)
    if leftovers:
        raise RuntimeError(f"the migrated template left {leftovers} beside it")


def _copy(template: Path, path: Path) -> None:
    if path.exists():
        raise FileExistsError(f"{path}: a migrated copy goes only where no database is")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)


# ---------------------------------------------------------------------------- PostgreSQL

_spares: list[str] = []  # migrated, empty schemas ready to be renamed into a test's name
_template: list[str] = []  # the catalog print of a freshly migrated schema ("" = keep none)

# Everything a migration can declare, printed without the schema's own name (the connection's
# search_path is the schema, so definitions name its objects unqualified) and sorted.
_CATALOG = """
SELECT kind, name, detail FROM (
    SELECT 'relation' AS kind, c.relname::text AS name,
           concat_ws(' ', c.relkind, c.relpersistence, c.relrowsecurity, c.reloptions) AS detail
    FROM pg_class c WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'column', c.relname || '.' || a.attnum,
           concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                     a.attidentity, a.attgenerated, a.attisdropped, a.attcollation,
                     pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = $1::regnamespace AND a.attnum > 0
    UNION ALL
    SELECT 'constraint', conrelid::regclass::text || ' ' || conname,
           concat_ws(' ', pg_get_constraintdef(oid), condeferrable, condeferred, convalidated)
    FROM pg_constraint WHERE connamespace = $1::regnamespace
    UNION ALL
    SELECT 'index', c.relname, pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'trigger', c.relname || ' ' || t.tgname,
           pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal
    UNION ALL
    SELECT 'rule', c.relname || ' ' || r.rulename, pg_get_ruledef(r.oid)
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
    WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'policy', c.relname || ' ' || p.polname,
           concat_ws(' ', p.polcmd, p.polpermissive, pg_get_expr(p.polqual, p.polrelid),
                     pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'function', p.oid::regprocedure::text, pg_get_functiondef(p.oid)
    FROM pg_proc p WHERE p.pronamespace = $1::regnamespace
    UNION ALL
    SELECT 'sequence', c.relname,
           concat_ws(' ', s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmax, s.seqmin,
                     s.seqcache, s.seqcycle)
    FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
    WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'type', t.typname, concat_ws(' ', t.typtype, t.typrelid <> 0)
    FROM pg_type t WHERE t.typnamespace = $1::regnamespace
) AS catalog
ORDER BY kind, name, detail
"""


def _url(pg_url: str, schema: str) -> str:
    sep = "&" if "?" in pg_url else "?"
    return f"{pg_url}{sep}search_path={schema}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _print(conn: asyncpg.Connection, schema: str) -> tuple[str, list[str], list[str]]:
    """The catalog print of ``schema`` with its ``schema_version`` rows (not their times), and
    its tables but ``schema_version`` and its sequences, each quoted and qualified."""
    await conn.execute(f"SET search_path = {_quote(schema)}")
    try:
        rows = await conn.fetch(_CATALOG, schema)
        try:
            versions = await conn.fetch("SELECT version, name FROM schema_version ORDER BY 1")
        except asyncpg.UndefinedTableError:
            versions = []
    finally:
        await conn.execute("RESET search_path")
    lines = [" | ".join(str(v) for v in r) for r in rows]
    lines += [f"version | {r['version']} | {r['name']}" for r in versions]
    text = "\n".join(lines).replace(f"{_quote(schema)}.", "").replace(f"{schema}.", "")
    relations = [(r["name"], r["detail"][:1]) for r in rows if r["kind"] == "relation"]
    tables = [
        f"{_quote(schema)}.{_quote(name)}"
        for name, kind in relations
        if kind in ("r", "p") and name != "schema_version"
    ]
    sequences = [f"{_quote(schema)}.{_quote(name)}" for name, kind in relations if kind == "S"]
    return text, tables, sequences


async def fill_postgres(pg_url: str, schema: str) -> None:
    """Make ``schema`` (empty or absent) a freshly migrated schema: a kept one renamed into
    its name, or, when none is kept, migrated in place by :func:`core.store.open_store`."""
    conn = await asyncpg.connect(pg_url)
    try:
        if _spares:
            spare = _spares.pop()
            try:
                async with conn.transaction():
                    # RESTRICT: refuses if the schema holds anything already
                    await conn.execute(f"DROP SCHEMA IF EXISTS {_quote(schema)} RESTRICT")
                    await conn.execute(f"ALTER SCHEMA {_quote(spare)} RENAME TO {_quote(schema)}")
            except BaseException:
                _spares.append(spare)
                raise
            return
        store = await open_store(_url(pg_url, schema))
        await store.close()
        if not _template:
            catalog, tables, _ = await _print(conn, schema)
            empty = all(
                [not await conn.fetchval(f"SELECT EXISTS (SELECT FROM {t})") for t in tables]
            )
            # migrations that insert rows would need those rows back after each test: keep none
            _template.append(catalog if empty else "")
    finally:
        await conn.close()


async def release_postgres(pg_url: str, schema: str) -> None:
    """Keep ``schema`` for the next test when it is still as migrated (its rows deleted, its
    sequences restarted); drop it otherwise."""
    conn = await asyncpg.connect(pg_url)
    try:
        catalog, tables, sequences = await _print(conn, schema)
        if _template and _template[0] and catalog == _template[0]:
            spare = f"spare_{uuid.uuid4().hex[:16]}"
            try:
                async with conn.transaction():
                    await _empty(conn, tables, sequences)
                    await conn.execute(f"ALTER SCHEMA {_quote(schema)} RENAME TO {spare}")
            except asyncpg.PostgresError:
                pass  # in use or not permitted: dropped below like any other
            else:
                _spares.append(spare)
                return
        await conn.execute(f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE")
    finally:
        await conn.close()


async def _empty(conn: asyncpg.Connection, tables: list[str], sequences: list[str]) -> None:
    """Delete every row of ``tables`` and restart ``sequences``, inside the caller's
    transaction. The ledger's append-only trigger forbids deleting entries, so this runs as
    a replica (no triggers, no foreign-key checks) where the role may; else TRUNCATE, which
    no row trigger sees."""
    restart = "".join(f"ALTER SEQUENCE {s} RESTART;" for s in sequences)
    try:
        async with conn.transaction():  # a savepoint: a refused SET leaves the outer usable
            await conn.execute(
                "SET LOCAL session_replication_role = replica;"
                + "".join(f"DELETE FROM {t};" for t in tables)
                + restart
            )
    except asyncpg.InsufficientPrivilegeError:
        await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY;{restart}")


async def drop_spares(pg_url: str) -> None:
    """Drop every schema this process kept."""
    if not _spares:
        return
    conn = await asyncpg.connect(pg_url)
    try:
        while _spares:
            await conn.execute(f"DROP SCHEMA IF EXISTS {_quote(_spares.pop())} CASCADE")
    finally:
        await conn.close()


def drop_spares_now(pg_url: str) -> None:
    """:func:`drop_spares` from synchronous code (the end of a test session), and the SQLite
    template removed."""
    while _sqlite_template:
        shutil.rmtree(_sqlite_template.pop().parent, ignore_errors=True)
    if _spares:
        asyncio.run(drop_spares(pg_url))
