"""What a catalog entry is made of: a command, its typed options, who may run it. The catalog
(:mod:`core.interface.catalog`) declares every command with these."""

from __future__ import annotations

import enum
from typing import NamedTuple

from core.base.numbers import Unit


class OptionType(enum.Enum):
    """The value type of an option, mapped by each platform to its own types."""

    INTEGER = "integer"
    NUMBER = "number"  # dollars or a rating: parsed exactly (Decimal), never a float
    STRING = "string"
    BOOLEAN = "boolean"
    USER = "user"  # a platform user; adapters pass a resolved :class:`UserRef`
    CHANNEL = "channel"  # a platform channel; adapters pass its id as a string
    #: screenshots uploaded with the command; adapters pass :class:`~core.interface.uploads.
    #: Images` (a platform's attachments or files), never a name typed as text
    IMAGE = "image"


class Access(enum.Enum):
    """Who may run a command."""

    ANYONE = "anyone"
    POOL_ADMIN = "pool_admin"  # the pool's owner or a server/workspace admin
    POOL_MEMBER = "pool_member"


class Option(NamedTuple):
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
    #: in the text syntax, takes everything after its key as it is (newlines, quotes and
    #: colons included): a pasted job post. Only the last option of a command may be verbatim.
    verbatim: bool = False


class Form(NamedTuple):
    """A one-field form a platform shows where typing the value into a command is painful (a
    Discord modal, a Slack modal): ``field`` names the option the text fills, ``submit`` the
    command the submission runs with it, ``max_length`` what the platform's input takes."""

    title: str
    field: str
    label: str
    placeholder: str
    submit: str
    max_length: int
    #: the IMAGE option of ``submit`` that files uploaded in the form fill (the text field
    #: is then optional: one or the other), where the platform's forms take uploads
    image: str | None = None


class MessageAction(NamedTuple):
    """An action on any message (Discord's message command, Slack's message shortcut): it runs
    ``command`` with the message's text as ``option``. ``callback`` is its stable id."""

    name: str
    callback: str
    description: str
    command: str
    option: str


class Command(NamedTuple):
    """A command of the catalog.

    ``name`` is the full name: ``"quote"``, or ``"pool create"`` for a subcommand of ``/pool``.
    ``changes_state`` commands carry the platform's request id for idempotency.
    ``text_only`` commands exist for platforms without buttons (console, Slack text); Discord
    offers the same action as a button. A command with a ``form`` opens it on platforms that
    have forms; elsewhere its options are read as usual.
    """

    name: str
    description: str
    options: tuple[Option, ...] = ()
    access: Access = Access.ANYONE
    changes_state: bool = False
    slow: bool = False  # may take long (charts, exports): platforms defer first
    text_only: bool = False
    usage_example: str = ""
    #: the form platforms with forms open for this command, instead of reading options
    form: Form | None = None

    @property
    def group(self) -> str | None:
        """The parent command of a subcommand (``"pool"``), else ``None``."""
        return self.name.split(" ", 1)[0] if " " in self.name else None

    @property
    def leaf(self) -> str:
        """The last word of the name (``"create"`` for ``"pool create"``)."""
        return self.name.rsplit(" ", 1)[-1]

    @property
    def example_args(self) -> str:
        """What ``usage_example`` types after the command's name (``price:500 size:small``)."""
        head = f"/{self.name}"
        example = self.usage_example
        return example[len(head) :].strip() if example.startswith(head) else example

    def option(self, name: str) -> Option | None:
        """The option called ``name``, or ``None``."""
        for opt in self.options:
            if opt.name == name:
                return opt
        return None
