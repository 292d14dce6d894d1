"""Images a user attached to a command: the one value that is not typed but uploaded.

Adapters fetch the bytes (a Discord attachment, a Slack file, a path the console's own user
named) and hand them in as :class:`Images`; typed text never names a file on any platform
(``image:/etc/passwd`` in a Slack message reads nothing). The bytes live as long as the request:
nothing stores them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the largest image read: a phone screenshot is a few MB at most
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Images:
    """Images of one job, in the order they were attached: each a name (for replies) and its
    bytes."""

    shots: tuple[tuple[str, bytes], ...]
    #: why the platform could not hand the images in (too large to fetch): refused as is
    refused: str | None = None

    def __repr__(self) -> str:  # never the bytes in a log line
        return f"Images({[name for name, _ in self.shots]!r})"

    def digest(self) -> str:
        """A digest of the images, in order: what a retried request is told apart by (the
        same screenshots again, or others under the same request id)."""
        import hashlib  # only a request with images needs it (not a one-shot /balance)

        h = hashlib.sha256()
        for _, data in self.shots:
            h.update(hashlib.sha256(data).digest())
        return h.hexdigest()
