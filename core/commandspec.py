"""What a catalog entry is made of: a command, its typed options, who may run it. The catalog
(:mod:`core.catalog`) declares every command with these."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from core.numbers import Unit


class OptionType(enum.Enum):
    """The value type of an option, mapped by each platform to its own types."""

    INTEGER = "integer"
    NUMBER = "number"  # dollars or a rating: parsed exactly (Decimal), never a float
    STRING = "string"
    BOOLEAN = "boolean"
    USER = "user"  # a platform user; adapters pass a resolved :class:`UserRef`
    CHANNEL = "channel"  # a platform channel; adapters pass its id as a string


class Access(enum.Enum):
    """Who may run a command."""

    ANYONE = "anyone"
    POOL_ADMIN = "pool_admin"  # the pool's owner or a server/workspace admin
    POOL_MEMBER = "pool_member"


@dataclass(frozen=True, slots=True)
class Option:
    """One typed option of a command.

    ``choices`` restricts a string option to the listed values; ``min_value``/``max_value`` bound
    numbers; ``max_length`` bounds strings; ``autocomplete`` names what the platforms should
    suggest (``"bid"`` for the user's recent bids, ``"pool"`` for their pools).
    """

    name: str
    type: OptionType
    description: str
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()
    min_value: int | float | None = None
    max_value: int | float | None = None
    max_length: int | None = None
    autocomplete: str | None = None
    unit: Unit = Unit.PLAIN  # what a number counts: dollars take $ and k, percents take %
    free_text: bool = False  # in the text syntax, runs until the next option's key


@dataclass(frozen=True, slots=True)
class Command:
    """A command of the catalog.

    ``name`` is the full name: ``"quote"``, or ``"pool create"`` for a subcommand of ``/pool``.
    ``changes_state`` commands carry the platform's request id for idempotency.
    ``text_only`` commands exist for platforms without buttons (console, Slack text); Discord
    offers the same action as a button.
    """

    name: str
    description: str
    options: tuple[Option, ...] = ()
    access: Access = Access.ANYONE
    changes_state: bool = False
    slow: bool = False  # may take long (charts, exports): platforms defer first
    text_only: bool = False
    usage_example: str = ""

    @property
    def group(self) -> str | None:
        """The parent command of a subcommand (``"pool"``), else ``None``."""
        return self.name.split(" ", 1)[0] if " " in self.name else None

    @property
    def leaf(self) -> str:
        """The last word of the name (``"create"`` for ``"pool create"``)."""
        return self.name.rsplit(" ", 1)[-1]

    def option(self, name: str) -> Option | None:
        """The option called ``name``, or ``None``."""
        for opt in self.options:
            if opt.name == name:
                return opt
        return None
