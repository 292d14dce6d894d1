"""Idempotent changes: one state change per platform request id, its result kept and replayed.

:func:`change` claims the request id in the same transaction as the change, so a retry (a
platform redelivering, a second click) replays the stored result instead of changing state
twice; the same id with other arguments is refused. Results are frozen dataclasses stored as
versioned JSON: :func:`dump` writes ``{"schema": N, "type": KIND, ...fields}`` and
:func:`load` is the one way back, checking the version, the type and every field's type.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import MISSING, Field, fields
from typing import Any, ClassVar, Protocol, TypeVar

from core.interface.errors import ConnectsError, IdempotencyConflict
from core.store.base import Store, Tx
from core.store.tables import requests

#: The version of stored results this code writes. Rows written before versioning (no
#: ``schema`` key) load as version 1. A result class whose fields changed meaning defines
#: ``upgrade(version, body)``, which :func:`load` applies to older bodies (version 2: an
#: allowance of 0 stored by version 1 meant "no limit").
SCHEMA = 2

Json = str | int | bool | None


class Recorded(Protocol):
    """A result dataclass that can be stored: its ``KIND`` names it in the JSON."""

    KIND: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]


R = TypeVar("R", bound=Recorded)


class StoredResultError(ConnectsError):
    """A stored result this version cannot read; nothing is done."""


def fingerprint(command: str, actor: str, args: Mapping[str, Json]) -> str:
    """A stable digest of a request's meaning, to tell a retry from a different command."""
    body = json.dumps({"c": command, "a": actor, "o": args}, sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def dump(result: Recorded) -> str:
    """``result`` as versioned JSON."""
    body: dict[str, object] = {"schema": SCHEMA, "type": result.KIND}
    for f in fields(result):
        body[f.name] = getattr(result, f.name)
    return json.dumps(body, sort_keys=True)


def _fits(value: object, hint: object) -> bool:
    """Whether a JSON value fits a field's type (``int``, ``str``, ``bool``, ``X | None``)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_fits(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return False


def load(kind: type[R], text: str) -> R:
    """The stored result ``text`` as a ``kind``; :class:`StoredResultError` for a version
    this code does not know, another type, or fields that do not fit."""
    try:
        body = json.loads(text)
    except ValueError:
        raise StoredResultError("A stored reply cannot be read; nothing was done.") from None
    if not isinstance(body, dict):
        raise StoredResultError("A stored reply cannot be read; nothing was done.")
    version = body.pop("schema", 1)
    if not isinstance(version, int) or not 1 <= version <= SCHEMA:
        raise StoredResultError(
            f"This request was recorded by another version of the bot (stored schema "
            f"{version}, this one reads {SCHEMA}); nothing was done."
        )
    stored_type = body.pop("type", kind.KIND)
    if stored_type != kind.KIND:
        raise StoredResultError(
            f"This request id belongs to another kind of change ({stored_type}); nothing was done."
        )
    upgrade = getattr(kind, "upgrade", None)
    if version < SCHEMA and upgrade is not None:
        body = upgrade(version, body)
    hints = typing.get_type_hints(kind)
    values: dict[str, object] = {}
    for f in fields(kind):
        if f.name not in body and f.default is not MISSING:
            continue  # a field added later, with its default
        if f.name not in body or not _fits(body[f.name], hints[f.name]):
            raise StoredResultError(f"A stored reply lacks {f.name!r}; nothing was done.")
        values[f.name] = body[f.name]
    return kind(**values)


async def change(
    store: Store,
    clock: Callable[[], int],
    request_id: str,
    fp: str,
    actor: str,
    op: Callable[[Tx, int], Awaitable[R]],
    kind: type[R],
) -> tuple[R, bool]:
    """Run ``op`` once per ``request_id`` in one write transaction; (result, replayed)."""
    if not request_id:
        raise ValueError("a change needs a request id")

    async def run(tx: Tx) -> tuple[R, bool]:
        now = clock()
        if not await requests.claim(tx, request_id, fp, actor, now):
            done = await requests.find(tx, request_id)
            if done is None or done.fingerprint != fp or done.result is None:
                raise IdempotencyConflict()
            return load(kind, done.result), True
        result = await op(tx, now)
        await requests.record_result(tx, request_id, dump(result))
        return result, False

    return await store.write(run)


async def seen(store: Store, request_id: str) -> bool:
    """Whether a change under ``request_id`` was recorded."""

    async def read(tx: Tx) -> bool:
        return await requests.exists(tx, request_id)

    return await store.read(read, quick=True)


async def first(store: Store, key: str, actor: str, now: int) -> bool:
    """Whether this is the first claim of ``key`` (``answer:...``), in every process: an answer
    that a platform's redelivery would post again is posted by the first claim only."""

    async def run(tx: Tx) -> bool:
        return await requests.claim_answer(tx, key, actor, now)

    return await store.write(run)
