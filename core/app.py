"""The application facade every adapter talks to.

Adapters translate a platform request into :meth:`App.dispatch` (typed options),
:meth:`App.run_text` (the text syntax), :meth:`App.press` (a button) or
:meth:`App.autocomplete`, and render the :class:`Reply` they get back. Refusals come back as
``Reply(error=True)`` with one line; unexpected failures are logged with the request id and
answered with a short apology, never a traceback.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from core.base.config import Config
from core.base.keys import Actor
from core.commands import HANDLERS, Context
from core.commands.registry import Read
from core.interface.catalog import BY_NAME, COMMANDS, GROUPS, OptionType
from core.interface.errors import ConnectsError
from core.interface.options import ChannelResolver, RawValue, UserResolver, check, console_user
from core.interface.reply import (
    APOLOGY,
    DETAILS,
    KEPT_DETAILS,
    Button,
    ButtonStyle,
    Choice,
    Reply,
    Rich,
    Show,
    cmd,
    split,
)
from core.interface.textparse import check_length, parse_options, positional_hint, split_command
from core.interface.uploads import Images
from core.services import Clock, Services
from core.store.base import Store, Tx

if TYPE_CHECKING:
    from core.notices import Notifier

log = logging.getLogger("connects")

#: The request being served, for log lines.
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def error_reply(message: str) -> Reply:
    """A refusal, private: one line, or a headline and a short line under it where the
    message puts a line break (what is wrong, then what to do)."""
    head, *rest = split(message, "\n")
    return Reply(head, rest, error=True)


#: Buttons whose value starts with what they act on (``12.5f3a``: bid #12): their command, the
#: option that value goes to, and the options the button's label fixes.
_BY_VALUE: dict[str, tuple[str, str, dict[str, str]]] = {
    "undo": ("undo", "bid", {}),
    "void": ("void", "purchase", {}),
    "tos_refund": ("refund", "bid", {"reason": "tos_removed"}),  # core.quotes.radar.REASON
}


#: The longest value a button carries (a Discord custom id holds 100 characters with its
#: ``cb:<action>:`` prefix; :class:`~core.interface.reply.Button`).
BUTTON_VALUE_MAX = 80


def shown_as(reply: Reply, show: Show, command: str, args: Mapping[str, RawValue]) -> Reply:
    """``reply`` as ``show`` asks: everything, only its details, or its first screen with a
    Details button that runs ``command`` again with ``args`` (:func:`details_command`). A
    reply whose details no button can bring back (its options do not fit a button) is given
    whole: nothing is hidden without a way to see it."""
    if reply.error or (show is not Show.FIRST and not reply.has_details):
        return reply
    if show is not Show.FIRST:
        return reply.full() if show is Show.ALL else reply.only_details()
    if command != "help":  # /help lays out its own catalog
        reply = reply.phone()
    if not reply.has_details or any(b.action == DETAILS for b in reply.buttons):
        return reply  # nothing more, kept (a change's), or a post's quote's by its kept code
    text = details_command(command, args)
    if text is None or not isinstance(HANDLERS[command], Read):
        return reply.full()
    button = Button(
        "Details",
        DETAILS,
        text,
        ButtonStyle.SECONDARY,
        text_command=cmd(command, f"{text[len(command) :].strip()} details:true".strip()),
    )
    reply.buttons = [*reply.buttons, button]
    return reply


def keeps_details(reply: Reply, show: Show, command: str, args: Mapping[str, RawValue]) -> bool:
    """Whether ``reply``'s details are kept for its actor behind a Details button: a
    change's (a press never runs a change again) and a read's whose options no button can
    carry; never a refusal's, nor when they are shown already or have a button of their own."""
    if reply.error or show is not Show.FIRST or not reply.has_details:
        return False
    if any(b.action == DETAILS for b in reply.buttons):
        return False
    return not isinstance(HANDLERS[command], Read) or details_command(command, args) is None


def kept_details_button(token: str) -> Button:
    """The Details button of details kept under ``token``; ``/confirm token:…`` where there
    are no buttons (it shows them, and runs nothing)."""
    return Button(
        "Details",
        DETAILS,
        KEPT_DETAILS + token,
        ButtonStyle.SECONDARY,
        text_command=cmd("confirm", f"token:{token}"),
    )


async def with_kept_details(ctx: Context, reply: Reply) -> Reply:
    """``reply`` with a Details button for its details, kept for its actor; the whole reply
    if they cannot be kept (nothing is hidden without a way to see it)."""
    from core.commands.kept import keep_details

    try:
        token = await keep_details(ctx, reply)
    except Exception:
        log.exception("/%s: its details could not be kept", ctx.command)
        return reply.full()
    reply.buttons = [*reply.buttons, kept_details_button(token)]
    return reply


def help_words(rest: str) -> tuple[str | None, bool]:
    """What follows ``/help``: the command it names (``None``: the catalog), and whether
    ``details:true`` asks for everything; ``command:`` (a Details button's form) is read."""
    words = rest.split()
    whole = any(w.lower() in ("details:true", "details:yes") for w in words)
    named = " ".join(w for w in words if not w.lower().startswith("details:"))
    if named.lower().startswith("command:"):
        named = named[len("command:") :].strip()
    return named or None, whole


def details_command(command: str, args: Mapping[str, RawValue]) -> str | None:
    """``command`` and ``args`` in the text syntax (``stats period:week``), which a Details
    press runs again for whoever presses; ``None`` if it does not fit a button or an option
    cannot be written back as text (a user, a quote inside a value)."""
    parts = [command]
    for name, value in args.items():
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int | float | Decimal | str):
            text = str(value)
        else:
            return None
        if not text or any(c in text for c in '\\"\n\r:') or text != text.strip():
            return None
        parts.append(f'{name}:"{text}"' if " " in text else f"{name}:{text}")
    out = " ".join(parts)
    return out if len(out) <= BUTTON_VALUE_MAX else None


class App:
    """Runs catalog commands for an actor and returns platform-neutral replies."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.services = Services(store, config, clock)
        #: Delivery of notices, by platform; the composition root registers each running
        #: platform's notifier here.
        self.notifiers: dict[str, Notifier] = {}
        #: Called after every command with its name, outcome (``ok``, ``confirm``,
        #: ``refused``, ``failed``) and seconds taken; the composition root adds metrics here.
        #: An observer must not raise or block.
        self.observers: list[Callable[[str, str, float], None]] = []

    async def dispatch(
        self,
        actor: Actor,
        command: str,
        args: Mapping[str, RawValue],
        request_id: str,
        resolve_user: UserResolver | None = None,
        *,
        resolve_channel: ChannelResolver | None = None,
        text_commands: bool = True,
        hints: Mapping[str, str] | None = None,
        own_post: bool = True,
        message_actions: str = "",
        show: Show = Show.FIRST,
        from_message: bool = False,
    ) -> Reply:
        """Run ``command`` (``"quote"``, ``"pool add"``) with ``args``.

        ``args`` maps option names to values: int for INTEGER, int/float/Decimal/str for NUMBER,
        str for STRING and CHANNEL (a channel id), bool for BOOLEAN, :class:`UserRef` for USER.
        Omitted options take their defaults. ``request_id`` is the platform's id of the request:
        the same id twice changes state once and gives the same reply. ``text_commands`` is
        false where the surface offers the catalog's text-only commands as buttons.
        ``own_post`` is false when a post option holds another person's message (a message
        command on it): its Upwork balance is theirs, so no offer to match it is made.
        ``message_actions`` says where the surface shows message actions (``/help`` lists them).
        ``from_message`` says a post option and an image option are one message's (its text
        and its screenshots), read as one post.
        ``show`` says how much of the reply to give (:class:`Show`): by default its first
        screen, with a Details button where it has more (:func:`with_details`).
        """
        spec = BY_NAME.get(command)
        if spec is None:
            return error_reply(Rich(f"Unknown command {command!r}; try ", cmd("help"), "."))
        ctx = Context(
            actor,
            request_id,
            self.services,
            spec.name,
            text_commands=text_commands,
            own_post=own_post,
            message_actions=message_actions,
            details=show is not Show.FIRST,
            from_message=from_message,
        )

        async def run() -> Reply:
            values = check(spec, args, resolve_user, resolve_channel, hints)
            return await HANDLERS[spec.name].run(ctx, values)

        reply = await self._guarded(ctx, run)
        if keeps_details(reply, show, spec.name, args):
            reply = await with_kept_details(ctx, reply)
        return shown_as(reply, show, spec.name, args)

    async def run_text(
        self,
        actor: Actor,
        text: str,
        request_id: str,
        resolve_user: UserResolver | None = None,
        *,
        resolve_channel: ChannelResolver | None = None,
        details: bool = False,
        show: Show | None = None,
        text_commands: bool = True,
        open_images: Callable[[str], Images] | None = None,
    ) -> Reply:
        """Parse ``text`` (``/bid job:"Logo" connects:4``, ``pool add name:x member:y``) in the
        console/Slack syntax and dispatch it; empty text or ``help`` gives the catalog.
        ``resolve_user`` turns a mention into a user; ``None`` reads console names. A line
        longer than :data:`~core.interface.textparse.MAX_LINE` is refused unread.
        ``details:true`` in the text (or ``details``) gives the whole reply at once; ``show``
        overrides both. ``open_images`` reads an image option's text (the console's paths on
        its own user's machine); without it, as on Slack, typed text never opens a file."""
        try:
            check_length(text)
            command, rest = split_command(text)
            if command is None or command.name == "help":  # /help pool add: names a command
                named, whole = help_words(rest)
                return await self.dispatch(
                    actor,
                    "help",
                    {"command": named},
                    request_id,
                    show=show or (Show.ALL if details or whole else Show.FIRST),
                    text_commands=text_commands,
                )
            parsed = parse_options(command, rest)
            raw: dict[str, RawValue] = dict(parsed)
            for opt in command.options:
                typed = raw.get(opt.name)
                if opt.type is OptionType.IMAGE and isinstance(typed, str) and open_images:
                    raw[opt.name] = open_images(typed)
        except ConnectsError as exc:
            return error_reply(exc.message)
        hints = {name: positional_hint(command, parsed, name) for name in parsed.positional}
        return await self.dispatch(
            actor,
            command.name,
            raw,
            request_id,
            resolve_user or console_user,
            resolve_channel=resolve_channel,
            hints=hints,
            text_commands=text_commands,
            show=show or (Show.ALL if details or parsed.details else Show.FIRST),
        )

    async def press(
        self, actor: Actor, action: str, value: str, request_id: str, *, text_commands: bool = True
    ) -> Reply:
        """A click on a reply's button (its ``action`` and ``value``). The button's own value
        keys the change, so a second click on the same button changes nothing; a quote's Bid
        and Set-to buttons carry only a code for what is kept in the database."""
        if action in _BY_VALUE:  # Undo, Void, the repost radar's "Upwork refunded #N"
            command, option, fixed = _BY_VALUE[action]
            return await self.dispatch(
                actor,
                command,
                {option: value.split(".", 1)[0], **fixed},
                f"{action}:{value}",
                text_commands=text_commands,
            )
        if action == DETAILS:
            return await self._press_details(actor, value, request_id, text_commands)
        if action == "confirm":
            return await self.dispatch(
                actor, "confirm", {"token": value}, request_id, text_commands=text_commands
            )
        if action in ("bid", "reconcile", "outcome"):
            return await self._press_kept(actor, action, value, request_id, text_commands)
        return error_reply("That button is no longer supported.")

    async def _press_details(
        self, actor: Actor, value: str, request_id: str, text_commands: bool
    ) -> Reply:
        """A Details press: the read-only command its value names, run again for whoever
        pressed, showing only its details. It changes nothing (``ctx.details`` keeps even a
        pasted post's quote from keeping buttons), and a member pressing another's button sees
        their own figures, never the asker's. A change's details, and a quote of a pasted
        post's (the post does not fit a button), are named by a kept code instead: only the
        member who made them sees them, and nothing runs again."""
        if value.startswith(KEPT_DETAILS):
            from core.commands.kept import kept_details

            ctx = Context(actor, request_id, self.services, "quote", details=True)
            token = value[len(KEPT_DETAILS) :]
            reply = await self._guarded(ctx, lambda: kept_details(ctx, token))
            return shown_as(reply, Show.DETAILS, "quote", {})
        try:
            command, _ = split_command(value)  # None: the catalog (/help)
            if command is not None and not isinstance(HANDLERS[command.name], Read):
                return error_reply("That button is no longer supported.")
        except ConnectsError:
            return error_reply("That button is no longer supported.")
        return await self.run_text(
            actor, value, request_id, show=Show.DETAILS, text_commands=text_commands
        )

    async def _press_kept(
        self, actor: Actor, action: str, value: str, request_id: str, text_commands: bool
    ) -> Reply:
        """A button carrying a code for what is kept in the database: a quote's Bid (the bid it
        stands for), its Set-to (match the balance Upwork showed), an outcome ask's answer
        (the outcome its label names); each once."""
        from core.commands.kept import press_bid, press_reconcile
        from core.commands.outcomes import press_outcome

        command = {"bid": "bid", "reconcile": "reconcile", "outcome": "outcome"}[action]
        press = {"bid": press_bid, "reconcile": press_reconcile, "outcome": press_outcome}[action]
        ctx = Context(actor, request_id, self.services, command, text_commands=text_commands)
        reply = await self._guarded(ctx, lambda: press(ctx, value))
        if keeps_details(reply, Show.FIRST, command, {}):
            reply = await with_kept_details(ctx, reply)
        return shown_as(reply, Show.FIRST, command, {})

    async def latest_bids(self, actor: Actor, request_id: str) -> Reply:
        """The actor's latest bids awaiting news, with their outcome-ask buttons where an ask
        was sent (a dashboard's list; :func:`core.commands.outcomes.latest_with_buttons`)."""
        from core.commands.outcomes import latest_with_buttons

        ctx = Context(actor, request_id, self.services, "outcomes")
        return await self._guarded(ctx, lambda: latest_with_buttons(ctx))

    async def first_answer(self, key: str, actor: str) -> bool:
        """Whether the answer ``key`` (a platform's id of one submission) is sent here first:
        a submission delivered again, to this process or another, is answered once."""
        from core.ledger.idempotency import first  # only platforms that answer submissions

        return await first(self.store, f"answer:{key}", actor, self.services.clock())

    async def _guarded(self, ctx: Context, run: Callable[[], Awaitable[Reply]]) -> Reply:
        """``run``'s reply; a refusal as one line, a failure logged and apologised for."""
        token = REQUEST_ID.set(ctx.request_id)
        started = time.perf_counter()
        outcome = "failed"
        try:
            reply = await run()
            log.info("/%s by %s", ctx.command, ctx.actor.user.key)
            outcome = "refused" if reply.error else "confirm" if reply.needs_confirmation else "ok"
            return reply
        except ConnectsError as exc:
            log.info("refused /%s for %s: %s", ctx.command, ctx.actor.user.key, exc.message)
            outcome = "refused"
            return error_reply(exc.message)
        except Exception:
            log.exception("/%s failed for %s", ctx.command, ctx.actor.user.key)
            return error_reply(APOLOGY)
        finally:
            REQUEST_ID.reset(token)
            seconds = time.perf_counter() - started
            for observe in self.observers:
                observe(ctx.command, outcome, seconds)

    async def autocomplete(self, actor: Actor, kind: str, partial: str) -> list[Choice]:
        """Up to 25 suggestions for an option whose ``autocomplete`` is ``kind``: the user's
        recent bids (newest first) for ``"bid"``, their pools here for ``"pool"``."""
        needle = partial.strip().lower().lstrip("#")
        services = self.services

        async def read(tx: Tx) -> list[Choice]:
            if kind == "bid":
                out = []
                for b in await services.bids.recent(tx, actor.user.key, 100):
                    name = f"#{b.id} {b.job}"[:80] + f", {b.connects + b.boost}"
                    if needle and needle not in name.lower():
                        continue
                    out.append(Choice(name[:100], f"#{b.id}"))
                return out[:25]
            if kind == "command":
                names = sorted({c.name for c in COMMANDS} | set(GROUPS))
                return [Choice(f"/{n}", n) for n in names if needle in n][:25]
            if kind == "pool":
                pools = await services.pools.of_member(tx, actor.user.key, actor.scope)
                return [
                    Choice(f"{p.pool.name} ({p.balance} Connects)", p.pool.name)
                    for p in pools
                    if needle in p.pool.name
                ][:25]
            return []

        try:
            return await self.store.read(read, quick=True)
        except Exception:
            log.exception("autocomplete %s failed", kind)
            return []

    async def close(self) -> None:
        """Close the store and stop the screenshot workers."""
        self.services.close()
        await self.store.close()


__all__ = ["APOLOGY", "REQUEST_ID", "App", "error_reply"]
