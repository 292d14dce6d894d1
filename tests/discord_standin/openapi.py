"""Checks request bodies against Discord's own OpenAPI description of its HTTP API.

The stand-in runs every body the bot sends through :meth:`SpecChecker.check`, so a request that
Discord would reject (an unknown field, a string too long, a wrong type) fails the test that sent
it instead of passing silently.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent / "spec" / "discord-openapi.json"
_URI = "urn:discord-openapi"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class SpecChecker:
    """Finds the operation of a request and validates its JSON body against the schema."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for template in self.spec["paths"]:
            pattern = re.sub(r"\\\{[a-z_]+\\\}", r"[^/]+", re.escape(template))
            self._routes.append((re.compile(f"^{pattern}$"), template))
        # literal routes first, so /messages/@original wins over /messages/{message_id}
        self._routes.sort(key=lambda r: r[1].count("{"))

    def template(self, path: str) -> str | None:
        """The OpenAPI path template matching ``path`` (``/api/v10`` already stripped)."""
        for pattern, template in self._routes:
            if pattern.match(path):
                return template
        return None

    @cache  # noqa: B019 - one checker per process, lives as long as the spec
    def _validator(self, template: str, method: str, content_type: str) -> Any:
        operation = self.spec["paths"][template].get(method)
        if operation is None:
            return None
        content = operation.get("requestBody", {}).get("content", {})
        if content_type not in content:
            return False
        pointer = "/".join(
            (
                "#/paths",
                _escape(template),
                method,
                "requestBody/content",
                _escape(content_type),
                "schema",
            )
        )
        schema = {"$ref": f"{_URI}{pointer}"}
        cls = jsonschema.validators.validator_for({}, default=jsonschema.Draft202012Validator)
        return cls(schema, registry=self._registry)

    def check(self, method: str, path: str, body: Any, content_type: str) -> list[str]:
        """Problems with ``body`` sent as ``method path``; an empty list when Discord accepts it.

        ``content_type`` is ``application/json`` or ``multipart/form-data`` (then ``body`` is the
        decoded ``payload_json`` part).
        """
        template = self.template(path)
        if template is None:
            return [f"{method} {path}: no such route in Discord's API"]
        validator = self._validator(template, method.lower(), content_type)
        if validator is None:
            return [f"{method} {template}: method not allowed"]
        if validator is False:
            if body is None:
                return []
            return [f"{method} {template}: takes no {content_type} body"]
        errors = sorted(validator.iter_errors(_lenient(body)), key=lambda e: list(e.absolute_path))
        return [_describe(method, template, e) for e in errors]


def _lenient(body: Any, key: str = "") -> Any:
    """The body as Discord reads it: Discord also takes a snowflake as a JSON integer, which is
    how discord.py sends ``recipient_id`` and numbers new attachments (``{"id": 0}``); the
    schema only says string. Other integers (a component's ``id``) stay as they are."""
    if isinstance(body, dict):
        return {
            k: str(v)
            if isinstance(v, int)
            and not isinstance(v, bool)
            and (k.endswith("_id") or (k == "id" and key == "attachments"))
            else _lenient(v, k)
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [_lenient(v, key) for v in body]
    return body


def _describe(method: str, template: str, error: Any) -> str:
    # the deepest complaint inside anyOf/oneOf branches names the real problem
    error = max(_leaves(error), key=lambda e: len(e.absolute_path))
    where = "/".join(str(p) for p in error.absolute_path) or "(body)"
    got = repr(error.instance)
    got = got if len(got) <= 60 else got[:57] + "..."
    rule = f"{error.validator}={error.validator_value!r}"
    return f"{method} {template}: {where}: fails {rule}, got {got}"


def _leaves(error: Any) -> list[Any]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]
