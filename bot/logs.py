"""Logging to stderr: levels, the request id on every line, secrets masked."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from core.app import REQUEST_ID


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record from the request being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class SecretFilter(logging.Filter):
    """Replaces every configured secret in a log line with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        masked = message
        for secret in self.secrets:
            masked = masked.replace(secret, "***")
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, "***")
        return True


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes each record to ``sys.stderr`` as it is then: while the console's prompt is
    shown, that is a wrapper that prints above the prompt instead of through it."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is not sys.stderr:
            self.setStream(sys.stderr)
        super().emit(record)


def setup(level: str, secrets: Iterable[str] = ()) -> None:
    """Send logs at ``level`` and above to stderr, one line each with the request id."""
    handler = StderrHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # the platform libraries are chatty at INFO; keep their warnings
    for name in ("discord", "slack_bolt", "slack_sdk", "aiohttp.access", "asyncio"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
