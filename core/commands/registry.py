"""How a catalog command runs: its handler kind, its typed options, its context.

Every command of :mod:`core.interface.catalog` has exactly one handler in :data:`HANDLERS`:

- a :class:`Read` for commands that change nothing;
- a :class:`Change` for ``changes_state`` commands: its ``apply`` runs inside the idempotent
  change (:func:`core.ledger.idempotency.change`) keyed by the request id, so a retry replays the
  stored result and renders the same reply, and a handler cannot forget to go through it;
- a :class:`Forward` for a command that stands for another command's change (``/confirm`` runs
  the bid it confirms, under the confirmation's own request id).

Each handler declares the frozen dataclass of its checked options (built by ``parse`` from the
catalog-checked :class:`~core.interface.options.Values`); :func:`validate` ties handlers to the
catalog.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import typing
from collections.abc import Awaitable, Callable
from typing import Generic, NamedTuple, Protocol, TypeVar

from core.base.facts import JobFacts
from core.base.keys import Actor
from core.interface.catalog import BY_NAME, MESSAGE_ACTIONS, Command
from core.interface.options import Json, Values, jsonable
from core.interface.reply import Reply, Rich, cmd
from core.ledger.postings import Stamp
from core.services import Services
from core.store.base import Tx

if typing.TYPE_CHECKING:
    from core.ledger.idempotency import Recorded

log = logging.getLogger("connects")


class Context(NamedTuple):
    """What a handler needs: who runs it, where, the request id and the services.

    ``confirmed`` is set when the author confirmed a change that asked for it;
    ``text_commands`` says whether the surface runs the catalog's text-only commands (the
    console and Slack's text do; Discord offers those actions as buttons). ``pinned`` is the
    Connects and boost a kept bid's button showed: the bid spends exactly that. ``own_post``
    is false when a pasted post is another person's message (a message command on it): what
    it says of an Upwork balance is theirs, not the actor's. ``message_actions`` says where
    the surface shows the catalog's message actions (``/help`` lists them there), empty where
    it does not. ``details`` is set when the reply is asked for its details (``details:true``
    or a Details press): a read then keeps nothing, not even a quote's buttons.
    """

    actor: Actor
    request_id: str
    services: Services
    command: str
    confirmed: bool = False
    text_commands: bool = True
    pinned: tuple[int, int] | None = None
    own_post: bool = True
    message_actions: str = ""
    details: bool = False

    def now(self) -> int:
        return self.services.clock()

    def stamp(self, now: int) -> Stamp:
        """Who changes what, for which request, at ``now``: the stamp of every entry."""
        return Stamp(self.actor.user.key, self.request_id, now)


Opts = TypeVar("Opts")
R = TypeVar("R", bound="Recorded")


class Handler(Protocol):
    """Runs one command from its checked options."""

    async def run(self, ctx: Context, values: Values) -> Reply: ...


def options_json(options: object) -> dict[str, Json]:
    """A dataclass of checked options as JSON values, field by field; a job's facts as the
    options they are typed as (``price`` in dollars, ``rating`` in stars)."""
    assert dataclasses.is_dataclass(options)
    out: dict[str, Json] = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if isinstance(value, JobFacts):
            out.update((name, jsonable(typed)) for name, typed in value.typed().items())
        else:
            out[f.name] = jsonable(value)
    return out


class Read(Generic[Opts]):
    """A command that changes nothing."""

    # a plain class, not a dataclass: one fewer class built (its methods compiled) at start
    __slots__ = ("options", "parse", "read")

    def __init__(
        self,
        options: type[Opts],
        parse: Callable[[Values], Opts],
        read: Callable[[Context, Opts], Awaitable[Reply]],
    ) -> None:
        self.options = options
        self.parse = parse
        self.read = read

    async def run(self, ctx: Context, values: Values) -> Reply:
        return await self.read(ctx, self.parse(values))


class Change(Generic[Opts, R]):
    """A command that changes state, once per request id.

    ``apply`` runs in the change's transaction and returns the result that is stored;
    ``render`` turns a result into the reply. ``replay`` renders a replayed result (a retry, a
    second click) when what it said may no longer be true: it reads the present state and
    says what changed since. ``refused`` may turn an exception ``apply`` raised into a reply
    (a bid that needs confirming); it returns ``None`` for exceptions it does not handle.
    """

    __slots__ = ("apply", "options", "parse", "refused", "render", "replay", "result")

    def __init__(
        self,
        options: type[Opts],
        result: type[R],
        parse: Callable[[Values], Opts],
        apply: Callable[[Context, Opts, Tx, int], Awaitable[R]],
        render: Callable[[Context, Opts, R], Reply],
        refused: Callable[[Context, Opts, Exception], Awaitable[Reply | None]] | None = None,
        replay: Callable[[Context, Opts, R], Awaitable[Reply]] | None = None,
    ) -> None:
        self.options = options
        self.result = result
        self.parse = parse
        self.apply = apply
        self.render = render
        self.refused = refused
        self.replay = replay

    async def run(self, ctx: Context, values: Values) -> Reply:
        from core.ledger.idempotency import fingerprint  # a read never needs it

        options = self.parse(values)
        fp = fingerprint(ctx.command, ctx.actor.user.key, options_json(options))

        async def op(tx: Tx, now: int) -> R:
            return await self.apply(ctx, options, tx, now)

        try:
            result, replayed = await ctx.services.change(
                ctx.request_id, fp, ctx.actor.user.key, op, self.result
            )
        except Exception as exc:
            if self.refused is not None:
                reply = await self.refused(ctx, options, exc)
                if reply is not None:
                    return reply
            raise
        try:
            if replayed and self.replay is not None:
                return await self.replay(ctx, options, result)
            return self.render(ctx, options, result)
        except Exception:  # the change is committed: say so rather than fail
            log.exception("/%s: the reply to a committed change failed", ctx.command)
            return committed_fallback(ctx.command)


class Forward(Generic[Opts]):
    """A command that runs another command's change: ``resolve`` gives the context (its own
    request id) and the checked options of the target command, or the reply itself when
    there is nothing left to run (a change made long ago, said as such)."""

    __slots__ = ("options", "parse", "resolve", "target")

    def __init__(
        self,
        options: type[Opts],
        parse: Callable[[Values], Opts],
        target: str,
        resolve: Callable[[Context, Opts], Awaitable[tuple[Context, Values] | Reply]],
    ) -> None:
        self.options = options
        self.parse = parse
        self.target = target
        self.resolve = resolve

    async def run(self, ctx: Context, values: Values) -> Reply:
        resolved = await self.resolve(ctx, self.parse(values))
        if isinstance(resolved, Reply):
            return resolved
        sub, target_values = resolved
        handler = HANDLERS[self.target]
        assert isinstance(handler, Change)
        return await handler.run(sub, target_values)


def committed_fallback(command: str) -> Reply:
    """The reply to a change that was made but whose own reply could not be written."""
    return Reply(
        Rich("Done: ", cmd(command), " was recorded"),
        [Rich("Its reply could not be shown; ", cmd("history"), " lists the change.")],
    )


#: The module of :mod:`core.commands` that registers each catalog command's handler.
AREAS: dict[str, str] = {
    "quote": "quotes",
    "paste": "quotes",
    "model": "learned",
    "bid": "money",
    "confirm": "kept",
    "undo": "money",
    "refund": "money",
    "outcome": "money",
    "interview": "kinds",
    "spend": "kinds",
    "plan": "kinds",
    "outcomes": "outcomes",
    "buy": "purchases",
    "reconcile": "purchases",
    "void": "purchases",
    "pool create": "pools",
    "pool add": "pools",
    "pool remove": "pools",
    "pool allowance": "pools",
    "pool topup": "pools",
    "pool info": "pools",
    "pool threshold": "pools",
    "limits": "limits",
    "pool limits": "limits",
    "balance": "balance",
    "history": "account",
    "stats": "stats",
    "export": "account",
    "notices": "account",
    "forget": "forget",
    "help": "account",
}


class Handlers(dict[str, Handler]):
    """The registered handlers by command name. Looking up a command that is not registered
    yet imports its area (:data:`AREAS`), which registers it: a one-shot command loads only
    its own area's modules, and a command that runs another (a :class:`Forward`) finds it."""

    def __missing__(self, name: str) -> Handler:
        area = AREAS.get(name)
        if area is not None:
            importlib.import_module(f"core.commands.{area}")
            if dict.__contains__(self, name):
                return dict.__getitem__(self, name)
        raise KeyError(name)


HANDLERS: dict[str, Handler] = Handlers()


def defined_in(handler: Handler) -> str:
    """The module that defines ``handler``'s own function (where it is registered)."""
    if isinstance(handler, Read):
        return handler.read.__module__
    if isinstance(handler, Change):
        return handler.apply.__module__
    if isinstance(handler, Forward):
        return handler.resolve.__module__
    return type(handler).__module__


def register(name: str, handler: Handler) -> None:
    """Register the handler of the catalog command ``name`` (once)."""
    if name not in BY_NAME:
        raise KeyError(f"no catalog command {name!r}")
    if name in HANDLERS:
        raise KeyError(f"/{name} has a handler already")
    HANDLERS[name] = handler


def validate(commands: tuple[Command, ...]) -> None:
    """Raise when the handlers and the catalog disagree: a command without a handler, a
    handler without a command, or a handler kind that does not match ``changes_state``."""
    names = {c.name for c in commands}
    missing = sorted(names - set(HANDLERS))
    extra = sorted(set(HANDLERS) - names)
    if missing or extra:
        raise RuntimeError(
            f"catalog and handlers disagree: no handler for {missing}, no command for {extra}"
        )
    for command in commands:
        handler = HANDLERS[command.name]
        changes = isinstance(handler, (Change, Forward))
        if changes != command.changes_state:
            raise RuntimeError(
                f"/{command.name}: changes_state={command.changes_state} but "
                f"its handler is a {type(handler).__name__}"
            )
        if isinstance(handler, Forward) and not isinstance(HANDLERS.get(handler.target), Change):
            raise RuntimeError(f"/{command.name} forwards to /{handler.target}, not a change")
        _validate_entry_points(command)
    for action in MESSAGE_ACTIONS:
        target = BY_NAME.get(action.command)
        if target is None or target.option(action.option) is None:
            raise RuntimeError(f"{action.name!r} runs /{action.command} {action.option}: unknown")


def _validate_entry_points(command: Command) -> None:
    """A form fills an option of the command it submits to; verbatim options come last."""
    for opt in command.options[:-1]:
        if opt.verbatim:
            raise RuntimeError(f"/{command.name}: verbatim option {opt.name} is not the last")
    form = command.form
    if form is None:
        return
    target = BY_NAME.get(form.submit)
    if target is None or target.option(form.field) is None:
        raise RuntimeError(f"/{command.name}: its form fills /{form.submit} {form.field}: unknown")
