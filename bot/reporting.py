"""Errors to Sentry, optional (``[ops] sentry_dsn`` or ``SENTRY_DSN``), sending no user text
and no ids.

sentry-sdk is imported only when a DSN is set. Every event passes :func:`scrub` before it
leaves: a log message keeps its template (``/%s failed for %s``) and loses its arguments (the
user key, the command), an exception keeps its type and stack and loses its message (which
may quote what a user typed), and frames lose their local variables. Breadcrumbs (earlier log
lines, with their arguments), the user, the request, tags, extra data and every context but
the runtime's and the OS's are dropped. What remains is code: where it failed and how often.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("connects.ops")

#: The contexts an event keeps (what ran it; nothing about who).
KEEP_CONTEXTS = frozenset({"runtime", "os"})
#: The keys of a stack frame an event keeps.
KEEP_FRAME = frozenset(
    {
        "filename",
        "abs_path",
        "function",
        "module",
        "lineno",
        "colno",
        "in_app",
        "context_line",
        "pre_context",
        "post_context",
    }
)
SCRUBBED = "[scrubbed]"


def _frames(container: dict[str, Any]) -> None:
    stack = container.get("stacktrace")
    if isinstance(stack, dict):
        stack["frames"] = [
            {k: v for k, v in frame.items() if k in KEEP_FRAME}
            for frame in stack.get("frames") or []
            if isinstance(frame, dict)
        ]


def scrub(event: dict[str, Any], hint: object = None) -> dict[str, Any]:
    """``event`` with no user text and no ids left (see the module); returns it."""
    for key in ("user", "request", "extra", "tags", "breadcrumbs", "server_name", "modules"):
        event.pop(key, None)
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        event["contexts"] = {k: v for k, v in contexts.items() if k in KEEP_CONTEXTS}
    entry = event.get("logentry")
    if isinstance(entry, dict):
        event["logentry"] = {"message": str(entry.get("message", "")), "params": []}
    if "message" in event and not isinstance(event.get("message"), dict):
        template = event["logentry"]["message"] if isinstance(entry, dict) else SCRUBBED
        event["message"] = template
    exceptions = event.get("exception")
    values = exceptions.get("values") if isinstance(exceptions, dict) else None
    for value in values or []:
        if isinstance(value, dict):
            if value.get("value"):
                value["value"] = SCRUBBED
            _frames(value)
    for thread in (event.get("threads") or {}).get("values") or []:
        if isinstance(thread, dict):
            _frames(thread)
    return event


def setup(dsn: str, environment: str, release: str = "", transport: object = None) -> bool:
    """Send errors to Sentry at ``dsn``, scrubbed; ``False`` (logged) when sentry-sdk is not
    installed (``pip install 'connects-bot[sentry]'``). ``transport``: where events go
    instead of the DSN's server (a test's recorder)."""
    try:
        import sentry_sdk
    except ImportError:
        log.error("[ops] sentry_dsn is set but sentry-sdk is not installed; errors stay local")
        return False
    from sentry_sdk.integrations.logging import LoggingIntegration

    try:  # sentry-sdk 3: level is Sentry's own log records (off), no breadcrumbs
        logging_integration = LoggingIntegration(
            level=None, event_level=logging.ERROR, breadcrumb_level=None
        )
    except TypeError:  # sentry-sdk 2: level is breadcrumbs (off)
        logging_integration = LoggingIntegration(level=None, event_level=logging.ERROR)
    # only options sentry-sdk 2 and 3 share; personal data is off by default in both, and
    # whatever an integration adds is dropped by scrub()
    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "release": release or None,
        "max_breadcrumbs": 0,
        "before_breadcrumb": lambda crumb, hint: None,
        "before_send": scrub,
        "traces_sample_rate": 0.0,
        "auto_enabling_integrations": False,
        "integrations": [logging_integration],
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True
