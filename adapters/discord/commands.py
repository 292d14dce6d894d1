"""Discord application commands generated from the core catalog.

Every catalog command (except the ``text_only`` ones, which Discord offers as buttons) becomes a
discord.py :class:`~discord.app_commands.Command` with the same name and option names; ``pool``
subcommands live under one ``/pool`` group. A command with a form (``/paste``) has no options on
Discord: it opens its form. Each catalog message action becomes a message command
(:func:`menus`). Each option's annotation is an :class:`OptionArg`
transformer built from the catalog's :class:`~core.interface.catalog.Option`, so discord.py both
declares the option to Discord (type, bounds, choices, autocomplete) and converts the value it
receives into the type the core expects.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Iterable
from decimal import Decimal
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from core.base.keys import UserKey, UserRef
from core.interface.catalog import (
    COMMANDS,
    GROUPS,
    MESSAGE_ACTIONS,
    Command,
    MessageAction,
    Option,
    OptionType,
)

_TYPES = {
    OptionType.INTEGER: AppCommandOptionType.integer,
    OptionType.NUMBER: AppCommandOptionType.number,
    OptionType.STRING: AppCommandOptionType.string,
    OptionType.BOOLEAN: AppCommandOptionType.boolean,
    OptionType.USER: AppCommandOptionType.user,
    OptionType.CHANNEL: AppCommandOptionType.channel,
    OptionType.IMAGE: AppCommandOptionType.attachment,
}
# channels a notice can be posted in
_TEXT_CHANNELS = [discord.ChannelType.text, discord.ChannelType.news]
MAX_CHOICES = 25
MAX_DESCRIPTION = 100
#: the longest string option Discord takes (a pasted post longer than this goes to /paste)
MAX_STRING = 6000


class Handler(Protocol):
    """What the generated commands call: the adapter's bridge to the core."""

    async def run_command(
        self, interaction: discord.Interaction, command: Command, args: dict[str, Any]
    ) -> None: ...

    async def suggest(
        self, interaction: discord.Interaction, kind: str, partial: str
    ) -> list[app_commands.Choice[int | float | str]]: ...

    async def open_form(self, interaction: discord.Interaction, command: Command) -> None: ...

    async def run_action(
        self, interaction: discord.Interaction, action: MessageAction, message: discord.Message
    ) -> None: ...


def user_ref(user: discord.abc.User) -> UserRef:
    """The core's reference to a Discord user: ``discord:<id>`` and the display name."""
    return UserRef(UserKey.of("discord", str(user.id)), user.display_name)


def number_value(value: float | int) -> Decimal:
    """A NUMBER option as the exact decimal Discord's client read: ``500``, ``4.7``, ``1.505``
    (its shortest form, so never a binary fraction). No grouping or decimal comma is left to
    read: the core checks only its range and precision."""
    if isinstance(value, float):
        number = Decimal(repr(value))
        return number.quantize(Decimal(1)) if value.is_integer() else number
    return Decimal(value)


class OptionArg(app_commands.Transformer):
    """One catalog option as a discord.py parameter: declaration and conversion in one place."""

    def __init__(self, option: Option) -> None:
        self.option = option

    @property
    def type(self) -> AppCommandOptionType:
        return _TYPES[self.option.type]

    @property
    def min_value(self) -> int | float | None:
        if self.option.type is OptionType.STRING:
            return None
        return _bound(self.option, self.option.min_value)

    @property
    def max_value(self) -> int | float | None:
        if self.option.type is OptionType.STRING:
            length = self.option.max_length
            return None if length is None else min(length, MAX_STRING)
        return _bound(self.option, self.option.max_value)

    @property
    def choices(self) -> list[app_commands.Choice[int | float | str]] | None:
        if not self.option.choices:
            return None
        return [
            app_commands.Choice[int | float | str](name=c, value=c)
            for c in self.option.choices[:MAX_CHOICES]
        ]

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return list(_TEXT_CHANNELS)

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        kind = self.option.type
        if kind is OptionType.USER:
            return user_ref(value)
        if kind is OptionType.CHANNEL:
            return str(value.id)
        if kind is OptionType.NUMBER:
            return number_value(value)
        if kind is OptionType.INTEGER:
            return int(value)
        # an IMAGE stays a discord.Attachment: it is fetched after the reply is deferred
        return value


class AutocompleteArg(OptionArg):
    """An option whose suggestions come from the core (``bid`` or ``pool``)."""

    def __init__(self, option: Option, handler: Handler) -> None:
        super().__init__(option)
        self.handler = handler

    async def autocomplete(
        self, interaction: discord.Interaction, value: int | float | str, /
    ) -> list[app_commands.Choice[int | float | str]]:
        kind = self.option.autocomplete or ""
        return await self.handler.suggest(interaction, kind, str(value or ""))


def _bound(option: Option, value: int | float | None) -> int | float | None:
    if value is None:
        return None
    return float(value) if option.type is OptionType.NUMBER else int(value)


def _callback(command: Command, handler: Handler) -> Callable[..., Coroutine[Any, Any, None]]:
    """A callback whose signature declares the command's options, for discord.py to read; a
    command with a form declares none: it opens the form."""
    if command.form is not None:
        return _form_callback(command, handler)

    async def callback(interaction: discord.Interaction, **kwargs: Any) -> None:
        args = {k: v for k, v in kwargs.items() if v is not None}
        await handler.run_command(interaction, command, args)

    params = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for opt in command.options:
        arg = AutocompleteArg(opt, handler) if opt.autocomplete else OptionArg(opt)
        params.append(
            inspect.Parameter(
                opt.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=arg,
                default=inspect.Parameter.empty if opt.required else None,
            )
        )
    # discord.py builds the options from inspect.signature (reads this) and the attribute
    # below; typeshed's function type declares neither; pyproject bounds discord.py
    callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    callback.__qualname__ = callback.__name__ = f"cmd_{command.name.replace(' ', '_')}"
    # discord.py internal: the attribute @app_commands.describe fills (pyproject bounds it)
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: _describe(o) for o in command.options
    }
    return callback


def _form_callback(
    command: Command, handler: Handler
) -> Callable[[discord.Interaction], Coroutine[Any, Any, None]]:
    async def callback(interaction: discord.Interaction) -> None:
        await handler.open_form(interaction, command)

    callback.__qualname__ = callback.__name__ = f"form_{command.name.replace(' ', '_')}"
    return callback


def _describe(option: Option) -> str:
    text = option.description
    if option.default not in (None, "") and not option.required:
        text = f"{text} (default {str(option.default).lower()})"
    return text[:MAX_DESCRIPTION]


def discord_commands(catalog: Iterable[Command] = COMMANDS) -> list[Command]:
    """The catalog commands Discord offers as application commands (buttons replace the rest)."""
    return [c for c in catalog if not c.text_only]


#: Commands a user may install to their own account (Discord's user install) and run in any
#: server, in DMs and in private channels: each answers from the user's own scope when the
#: bot is not in the server (see :func:`adapters.discord.bot.actor`). The rest are installed
#: with the bot to a server; ``/pool`` also runs only there.
USER_INSTALLABLE = frozenset(
    {
        "quote",
        "paste",
        "bid",
        "balance",
        "history",
        "stats",
        "help",
        "buy",
        "refund",
        "outcome",
        "reconcile",
    }
)
#: Message actions a user may install to their own account too (Quote this job).
USER_INSTALLABLE_ACTIONS = frozenset({"quote_message"})
#: Server-only groups: installed with the bot, run in its servers only (pools).
SERVER_ONLY_GROUPS = frozenset({"pool"})

_SERVER_INSTALL = app_commands.AppInstallationType(guild=True)
_ANY_INSTALL = app_commands.AppInstallationType(guild=True, user=True)
_SERVER_AND_BOT_DM = app_commands.AppCommandContext(guild=True, dm_channel=True)
_EVERYWHERE = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
_SERVER = app_commands.AppCommandContext(guild=True)


def installs_of(name: str) -> app_commands.AppInstallationType:
    """Where the top-level command ``name`` can be installed: to a server, or to a user too."""
    return _ANY_INSTALL if name in USER_INSTALLABLE else _SERVER_INSTALL


def contexts_of(name: str) -> app_commands.AppCommandContext:
    """Where the top-level command ``name`` runs: servers only (pools); servers and the bot's
    DM (installed with the bot to a server); or anywhere, private channels too (user install,
    where the bot is not there)."""
    if name in SERVER_ONLY_GROUPS:
        return _SERVER
    return _EVERYWHERE if name in USER_INSTALLABLE else _SERVER_AND_BOT_DM


def build(
    handler: Handler, catalog: Iterable[Command] = COMMANDS
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """Top-level application commands and groups for the catalog, wired to ``handler``, each
    with the installs and contexts it is offered in."""
    top: list[app_commands.Command[Any, ..., Any] | app_commands.Group] = []
    groups: dict[str, app_commands.Group] = {}
    for command in discord_commands(catalog):
        group_name = command.group
        parent = None
        if group_name is not None:
            parent = groups.get(group_name)
            if parent is None:
                parent = app_commands.Group(
                    name=group_name,
                    description=GROUPS.get(group_name, group_name)[:MAX_DESCRIPTION],
                    allowed_contexts=contexts_of(group_name),
                    allowed_installs=installs_of(group_name),
                )
                groups[group_name] = parent
                top.append(parent)
        cmd: app_commands.Command[Any, ..., Any] = app_commands.Command(
            name=command.leaf,
            description=command.description[:MAX_DESCRIPTION],
            callback=_callback(command, handler),
            parent=parent,
        )
        if parent is not None:
            parent.add_command(cmd)
        else:
            cmd.allowed_contexts = contexts_of(command.name)
            cmd.allowed_installs = installs_of(command.name)
            top.append(cmd)
    return top


def menus(
    handler: Handler, actions: Iterable[MessageAction] = MESSAGE_ACTIONS
) -> list[app_commands.ContextMenu]:
    """A message command (in a message's menu, under Apps) for each catalog message action."""
    return [_menu(action, handler) for action in actions]


def _menu(action: MessageAction, handler: Handler) -> app_commands.ContextMenu:
    async def callback(interaction: discord.Interaction, message: discord.Message) -> None:
        await handler.run_action(interaction, action, message)

    callback.__qualname__ = callback.__name__ = f"menu_{action.callback}"
    menu = app_commands.ContextMenu(
        name=action.name, callback=callback, type=discord.AppCommandType.message
    )
    user = action.callback in USER_INSTALLABLE_ACTIONS
    menu.allowed_contexts = _EVERYWHERE if user else _SERVER_AND_BOT_DM
    menu.allowed_installs = _ANY_INSTALL if user else _SERVER_INSTALL
    return menu
