"""The Discord bot: receives interactions through discord.py and answers them from the core.

The handler only translates. It builds the :class:`~core.interface.catalog.Actor` (personal wallet
keyed by user, pools scoped to the server, owners and Manage Server members as admins), uses the
interaction id as the request id, defers whatever may be slow, and renders the core's reply.
A submitted form and a message command become the command they run, with the text as its
option, answered the same way.
A failed answer to Discord is logged, never fatal; an unexpected exception is logged with the
interaction id and the user gets a short apology.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import aiohttp
import discord
from discord import app_commands

from adapters.discord.config import DiscordConfig
from core.app import App
from core.base.keys import Actor, scope_of
from core.interface.catalog import BY_NAME, Command, MessageAction
from core.interface.commandspec import OptionType
from core.interface.reply import APOLOGY, DETAILS, Reply
from core.interface.uploads import Images

from . import cdn, commands, forms, render
from .quiet import skip_voice_warnings

log = logging.getLogger("connects.discord")

DEFER_AFTER = 1.5  # seconds: a reply not ready by then is deferred, inside Discord's 3 s
MAX_SUGGESTIONS = 25
CHOICE_MAX = 100
# a response Discord would not take (expired token, already acknowledged, network trouble)
RESPONSE_ERRORS = (
    discord.HTTPException,
    discord.InteractionResponded,
    aiohttp.ClientError,
    asyncio.TimeoutError,
)


def in_bots_server(interaction: discord.Interaction) -> bool:
    """Whether the interaction comes from a server the bot is installed to: Discord names that
    server in ``authorizing_integration_owners`` (key ``0``). A command the user installed to
    their own account and ran in a server without the bot does not."""
    return interaction.guild_id is not None and interaction.is_guild_integration()


def confined(interaction: discord.Interaction) -> bool:
    """Whether only the user may see the answer: in a server without the bot or in a private
    channel (a group DM, a DM between people), the bot is no member and answers through the
    interaction alone, so every reply is ephemeral. In a server with the bot, and in the bot's
    own DM, a reply may be public."""
    if interaction.guild_id is not None:
        return not in_bots_server(interaction)
    return not interaction.context.dm_channel


def actor(interaction: discord.Interaction) -> Actor:
    """Who runs the interaction: the same personal wallet everywhere, pools per server.

    Only a server the bot is installed to is a community: there its pools, its learned model
    and its admins apply. Anywhere else (the bot's DM, a private channel, a server where the
    user runs a command installed to their own account) the user acts from their own scope
    alone, so a stranger's server lends them none of its pools or data, and they write none
    into it."""
    user = commands.user_ref(interaction.user)
    if not in_bots_server(interaction):
        return Actor(user, None, False)
    guild = interaction.guild
    owner = guild is not None and guild.owner_id == interaction.user.id
    admin = owner or interaction.permissions.manage_guild
    return Actor(user, scope_of("discord", str(interaction.guild_id)), admin)


#: a pool asked for in a server without the bot (a command installed to the user's account)
NO_POOLS_HERE = (
    "Pools live in servers the bot is in, and it is not in this one: run this there, "
    "or leave out pool: to use your own wallet."
)


def pools_absent(
    interaction: discord.Interaction, command: Command, args: Mapping[str, Any]
) -> bool:
    """Whether a pool is asked for in a server the bot is not in: the core would refuse it
    too (no community there), but only the adapter knows why, and says so. In a DM the core's
    own line says where pools are."""
    wants_pool = command.group in commands.SERVER_ONLY_GROUPS or bool(args.get("pool"))
    return wants_pool and interaction.guild_id is not None and not in_bots_server(interaction)


#: added to a reply asked for in public (``public:true``) where only its asker may see it
ONLY_YOU = "Shown only to you: the bot is not a member here, so it answers privately."


class Handler:
    """Bridges interactions to :class:`core.app.App`."""

    def __init__(self, app: App, cdn_hosts: tuple[str, ...] = cdn.DISCORD_CDN) -> None:
        self.app = app
        self.cdn_hosts = cdn_hosts

    async def attached(self, files: list[discord.Attachment]) -> Images:
        """``files`` fetched from Discord's CDN (:mod:`.cdn`), never kept."""
        return await cdn.fetch(files, self.cdn_hosts)

    async def run_command(
        self, interaction: discord.Interaction, command: Command, args: dict[str, Any]
    ) -> None:
        if pools_absent(interaction, command, args):
            await self._send_safely(interaction, render.Message(content=NO_POOLS_HERE))
            return
        hidden = confined(interaction)
        private = hidden or not args.get("public", False)
        shots = {k: v for k, v in args.items() if isinstance(v, discord.Attachment)}

        async def work() -> Reply:
            fetched = {k: await self.attached([v]) for k, v in shots.items()}
            reply = await self.app.dispatch(
                actor(interaction),
                command.name,
                {**args, **fetched},
                str(interaction.id),
                text_commands=False,
                message_actions=forms.WHERE_ACTIONS,
            )
            if command.name == "help":
                reply = forms.discord_help(reply, args.get("command"))
            if hidden and not reply.private:
                reply = dataclasses.replace(reply, private=True, lines=[*reply.lines, ONLY_YOU])
            return reply

        # screenshots take seconds to read: the reply is deferred before they are fetched
        slow = command.slow or bool(shots)
        await self._answer(interaction, work, slow=slow, private=private, edit=False)

    async def open_form(self, interaction: discord.Interaction, command: Command) -> None:
        """Answer with the command's form (a modal); its submission comes to :meth:`run_form`."""
        try:
            await interaction.response.send_modal(forms.modal(command))
        except RESPONSE_ERRORS as exc:
            log.warning("interaction %s: Discord did not take the form: %s", interaction.id, exc)

    async def run_form(self, interaction: discord.Interaction, data: Mapping[str, Any]) -> None:
        """A submitted form (``data`` of the MODAL_SUBMIT): the text typed runs the command the
        form submits to, answered as that slash command would be; a blank form gets one line."""
        custom_id = str(data.get("custom_id") or "")
        command = forms.form_command(custom_id)
        if command is None or command.form is None:
            log.warning("interaction %s: unknown form %r", interaction.id, custom_id)
            await self._send_safely(interaction, render.Message(content=forms.FORM_CHANGED))
            return
        form = command.form
        text = forms.submitted(data, form.field)
        files = forms.uploaded(data, form.image) if form.image else []
        if files and form.image:
            state = interaction._state  # discord.py builds attachments from it (its own way)
            shots = [discord.Attachment(data=f, state=state) for f in files]  # type: ignore[arg-type]
            await self._run_with_files(interaction, form.submit, form.image, shots)
            return
        if text is None or not text.strip():
            line = forms.empty_form_line(command)
            await self._send_safely(interaction, render.Message(content=line))
            return
        await self._run_with_text(interaction, form.submit, form.field, text, ephemeral=False)

    async def run_action(
        self, interaction: discord.Interaction, action: MessageAction, message: discord.Message
    ) -> None:
        """A message command: the message's text runs the action's command; the reply is
        private. The message may be someone else's: then what it says of an Upwork balance is
        theirs (``own_post``). A message with images (screenshots of a job page) runs it with
        them as its image option too, read after the text: deferred, then fetched from the CDN
        and read."""
        text = forms.message_text(message)
        own = message.author.id == interaction.user.id
        shots = [a for a in message.attachments if (a.content_type or "").startswith("image/")]
        image = _image_option(action.command)
        if shots and image is not None:
            given = {action.option: text} if text else {}
            await self._run_with_files(
                interaction, action.command, image, shots, text=given, own_post=own, ephemeral=True
            )
            return
        if not text:
            line = forms.empty_message_line(action)
            await self._send_safely(interaction, render.Message(content=line))
            return
        await self._run_with_text(
            interaction, action.command, action.option, text, ephemeral=True, own_post=own
        )

    async def _run_with_text(
        self,
        interaction: discord.Interaction,
        name: str,
        option: str,
        text: str,
        *,
        ephemeral: bool,
        own_post: bool = True,
    ) -> None:
        async def work() -> Reply:
            return await self.app.dispatch(
                actor(interaction),
                name,
                {option: text},
                str(interaction.id),
                text_commands=False,
                own_post=own_post,
            )

        # the catalog checks at import that forms and actions name commands it has
        slow = BY_NAME[name].slow
        await self._answer(
            interaction, work, slow=slow, private=True, edit=False, ephemeral=ephemeral
        )

    async def _run_with_files(
        self,
        interaction: discord.Interaction,
        name: str,
        option: str,
        files: list[discord.Attachment],
        *,
        text: Mapping[str, str] | None = None,
        own_post: bool = True,
        ephemeral: bool = False,
    ) -> None:
        """Run ``name`` with ``files`` (a form's uploads, a message's images) as its IMAGE
        ``option``, beside ``text``, a message's own (read with them as one post): deferred
        first (privately), then fetched and read."""

        async def work() -> Reply:
            return await self.app.dispatch(
                actor(interaction),
                name,
                {**(text or {}), option: await self.attached(files)},
                str(interaction.id),
                text_commands=False,
                own_post=own_post,
                from_message=text is not None,
            )

        await self._answer(
            interaction, work, slow=True, private=True, edit=False, ephemeral=ephemeral
        )

    async def run_press(self, interaction: discord.Interaction, action: str, value: str) -> None:
        async def work() -> Reply:
            return await self.app.press(
                actor(interaction), action, value, str(interaction.id), text_commands=False
            )

        # Details answer beside the message pressed, privately: the first screen stays
        await self._answer(interaction, work, slow=False, private=True, edit=action != DETAILS)

    async def suggest(
        self, interaction: discord.Interaction, kind: str, partial: str
    ) -> list[app_commands.Choice[int | float | str]]:
        try:
            found = await self.app.autocomplete(actor(interaction), kind, partial)
        except Exception:
            log.exception("interaction %s: autocomplete %r failed", interaction.id, kind)
            return []
        return [
            app_commands.Choice(name=c.name[:CHOICE_MAX], value=c.value[:CHOICE_MAX])
            for c in found[:MAX_SUGGESTIONS]
        ]

    async def _answer(
        self,
        interaction: discord.Interaction,
        work: Callable[[], Coroutine[Any, Any, Reply]],
        *,
        slow: bool,
        private: bool,
        edit: bool,
        ephemeral: bool = False,
    ) -> None:
        """Run ``work`` and answer with its reply: at once, or deferred first if slow;
        ``ephemeral`` keeps even a public reply to the user alone, as does a :func:`confined`
        interaction."""
        iid = interaction.id
        ephemeral = ephemeral or confined(interaction)
        private = private or ephemeral
        try:
            task: asyncio.Task[Reply] = asyncio.ensure_future(work())
            deferred = False
            if slow:
                await self._defer(interaction, private, edit)
                deferred = True
            else:
                done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
                if not done:
                    log.info("interaction %s: slow reply, deferring", iid)
                    await self._defer(interaction, private, edit)
                    deferred = True
            reply = await task
        except Exception:
            log.exception("interaction %s: command failed", iid)
            await self._send_safely(interaction, render.apology())
            return
        msg = render.message(reply)
        if ephemeral:
            msg.ephemeral = True
        try:
            if deferred:
                if edit and reply.error:
                    # keep the message that was clicked; the refusal goes to the clicker only
                    await interaction.followup.send(**msg.send_kwargs())
                else:
                    await interaction.edit_original_response(**msg.edit_kwargs())
            elif edit and not reply.error:
                await interaction.response.edit_message(**msg.edit_kwargs())
            else:
                await interaction.response.send_message(**msg.send_kwargs())
        except RESPONSE_ERRORS as exc:
            log.warning("interaction %s: Discord did not take the reply: %s", iid, exc)
        except Exception:
            log.exception("interaction %s: sending the reply failed", iid)

    async def _defer(self, interaction: discord.Interaction, private: bool, edit: bool) -> None:
        try:
            if edit:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=private, thinking=True)
        except RESPONSE_ERRORS as exc:
            log.warning(
                "interaction %s: Discord did not take the deferral: %s", interaction.id, exc
            )

    async def _send_safely(self, interaction: discord.Interaction, msg: render.Message) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(**msg.send_kwargs())
            else:
                await interaction.response.send_message(**msg.send_kwargs())
        except RESPONSE_ERRORS as exc:
            log.warning("interaction %s: Discord did not take the reply: %s", interaction.id, exc)
        except Exception:
            log.exception("interaction %s: sending the apology failed", interaction.id)


def _image_option(name: str) -> str | None:
    """The IMAGE option of the catalog command ``name``, if it has one."""
    found = [o.name for o in BY_NAME[name].options if o.type is OptionType.IMAGE]
    return found[0] if found else None


# Discord shows a command the bot does not have (yet): commands were not synced after a change
OUT_OF_DATE = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)


class Tree(app_commands.CommandTree[Any]):
    """The command tree: a bad option or unknown command gets one friendly line."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        handler: Handler | None = getattr(interaction.client, "handler", None)
        if isinstance(error, app_commands.TransformerError):
            line = f"That {error.type.name} value was not understood: {error.value!r}."
        elif isinstance(error, OUT_OF_DATE):
            log.warning("interaction %s: %s (commands not synced?)", interaction.id, error)
            line = "That command has changed; Discord may take a minute to show the new one."
        elif isinstance(error, app_commands.CheckFailure):
            line = "You cannot use that command here."
        else:
            log.error(
                "interaction %s: %s",
                interaction.id,
                error,
                exc_info=(type(error), error, error.__traceback__),
            )
            line = APOLOGY
        if handler is not None:
            await handler._send_safely(interaction, render.Message(content=line))


class ClientMixin(discord.Client):
    """What the plain and the sharded clients share: the tree, the handler, sync on start.
    A base of both (before :class:`discord.Client` or :class:`discord.AutoShardedClient`),
    never instantiated itself."""

    handler: Handler
    tree: Tree

    def _setup(self, app: App, config: DiscordConfig, sync: bool) -> None:
        self.handler = Handler(app, config.cdn_hosts)
        self.tree = Tree(self)
        for cmd in commands.build(self.handler):
            self.tree.add_command(cmd)
        for menu in commands.menus(self.handler):
            self.tree.add_command(menu)
        self._config = config
        self._sync = sync
        self.synced: list[app_commands.AppCommand] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(render.PressButton)
        if self._sync:
            await self.sync_commands()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every interaction, after discord.py's own routing: a submitted form is found by its
        modal's ``custom_id``, so a form opened before a restart still answers."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Mapping[str, Any] = interaction.data or {}
        if str(data.get("custom_id") or "").startswith(forms.FORM_PREFIX):
            await self.handler.run_form(interaction, data)

    async def sync_commands(self) -> None:
        """Register the commands with Discord: to the configured guilds, else globally."""
        try:
            if self._config.guild_ids:
                for gid in self._config.guild_ids:
                    guild = discord.Object(gid)
                    self.tree.copy_global_to(guild=guild)
                    done = await self.tree.sync(guild=guild)
                    self.synced.extend(done)
                    log.info("synced %d commands to guild %s", len(done), gid)
            else:
                self.synced.extend(await self.tree.sync())
                log.info("synced %d global commands", len(self.synced))
        except discord.HTTPException as exc:
            log.error("command sync failed (%s); serving the commands Discord already has", exc)


class ConnectsClient(ClientMixin, discord.Client):
    """One gateway connection."""

    def __init__(self, app: App, config: DiscordConfig, *, sync: bool = True) -> None:
        super().__init__(intents=intents())
        self._setup(app, config, sync)


class ShardedConnectsClient(ClientMixin, discord.AutoShardedClient):
    """Several shards in this process (``shard_ids``) out of ``shard_count``."""

    def __init__(self, app: App, config: DiscordConfig, *, sync: bool = True) -> None:
        # no shard_ids means every shard of shard_count (discord.py's default)
        if config.shard_ids:
            super().__init__(
                intents=intents(), shard_count=config.shard_count, shard_ids=list(config.shard_ids)
            )
        else:
            super().__init__(intents=intents(), shard_count=config.shard_count)
        self._setup(app, config, sync)


def intents() -> discord.Intents:
    """Only the guilds intent: interactions need no privileged intent."""
    return discord.Intents(guilds=True)


def client(app: App, config: DiscordConfig, *, sync: bool = True) -> discord.Client:
    """The right client for the configuration (sharded when ``shard_count`` is set)."""
    skip_voice_warnings()
    if config.shard_count > 0:
        return ShardedConnectsClient(app, config, sync=sync)
    return ConnectsClient(app, config, sync=sync)
