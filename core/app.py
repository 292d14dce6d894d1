"""The application facade every adapter talks to (being written; signatures are stable)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.catalog import Actor, Choice, Reply, UserRef


class App:
    """Runs catalog commands for an actor and returns platform-neutral replies."""

    async def dispatch(
        self, actor: Actor, command: str, args: Mapping[str, Any], request_id: str
    ) -> Reply:
        """Run ``command`` (``"quote"``, ``"pool add"``) with typed ``args``.

        ``args`` maps option names to values: int for INTEGER, int/float/Decimal/str for NUMBER,
        str for STRING and CHANNEL (a channel id), bool for BOOLEAN, :class:`UserRef` for USER.
        Omitted options take their defaults. Invalid values, refusals and unknown ids come back
        as ``Reply(error=True)`` with one line; nothing raises for bad input. ``request_id`` is
        the platform's id of the request (interaction id, trigger id): the same id twice changes
        state once and gives the same reply.
        """
        raise NotImplementedError

    async def run_text(
        self,
        actor: Actor,
        text: str,
        request_id: str,
        resolve_user: Callable[[str], UserRef | None] | None = None,
    ) -> Reply:
        """Parse ``text`` (``"/bid job:\\"Logo\\" connects:4"``, ``"pool add name:x member:y"``)
        in the console/Slack syntax and dispatch it. ``resolve_user`` turns a token such as
        ``<@U123|sam>`` into a user; ``None`` falls back to console names."""
        raise NotImplementedError

    async def press(self, actor: Actor, action: str, value: str, request_id: str) -> Reply:
        """A click on a reply's :class:`core.catalog.Button` (its ``action`` and ``value``)."""
        raise NotImplementedError

    async def autocomplete(self, actor: Actor, kind: str, partial: str) -> list[Choice]:
        """Suggestions for an option whose ``autocomplete`` is ``kind`` (``"bid"``, ``"pool"``)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close the store."""
        raise NotImplementedError
