"""Logging to stderr: levels, the request id on every line, secrets masked."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from core.app import REQUEST_ID
from core.store.base import masker


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record from the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class SecretFilter(logging.Filter):
    """Replaces every configured secret in a log line with ``***``, and every credential of
    the database ``urls`` (a password in the URL or in its query, as written or decoded)."""

    def __init__(self, secrets: Iterable[str], urls: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]
        self.masks = [masker(u) for u in urls if u]

    def mask(self, text: str) -> str:
        """``text`` with every secret masked."""
        for mask in self.masks:
            text = mask(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets and not self.masks:
            return True
        message = record.getMessage()
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        return True


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes each record to ``sys.stderr`` as it is then: while the console's prompt is
    shown, that is a wrapper that prints above the prompt instead of through it."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not sys.stderr:
            self.setStream(sys.stderr)
        super().emit(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, request id, message and,
    for a failure, the traceback; for a log collector (``[log] format = "json"``)."""

    def format(self, record: logging.LogRecord) -> str:
        import json  # not on the one-shot path, which logs text

        line: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def setup(
    level: str, secrets: Iterable[str] = (), urls: Iterable[str] = (), fmt: str = "text"
) -> None:
    """Send logs at ``level`` and above to stderr, one line each with the request id, the
    configured ``secrets`` and the credentials of the database ``urls`` masked; ``fmt`` is
    ``text`` or ``json`` (:class:`JsonFormatter`)."""
    handler = StderrHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    handler.addFilter(SecretFilter(secrets, urls))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # the platform libraries are chatty at INFO; keep their warnings
    for name in ("discord", "slack_bolt", "slack_sdk", "aiohttp.access", "asyncio"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
