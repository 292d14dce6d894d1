"""Account commands: /history, /export, /notices, /help (/balance is
:mod:`core.commands.balance`, /stats :mod:`core.commands.stats`)."""

from __future__ import annotations

from dataclasses import dataclass

from core.base.vocabulary import said
from core.commands.balance import PoolOptions
from core.commands.registry import Change, Context, Read, register
from core.interface.catalog import BY_NAME, COMMANDS, GROUPS, MESSAGE_ACTIONS, Command, Option
from core.interface.errors import BadInput
from core.interface.options import Values, describe
from core.interface.reply import (
    FIRST_WIDTH,
    Attachment,
    Bold,
    Part,
    Reply,
    Rich,
    cmd,
    plural,
    when,
)
from core.ledger.results import NoticesSet
from core.store.base import Tx

# ---------------------------------------------------------------------------------- /history


@dataclass(frozen=True, slots=True)
class HistoryOptions:
    limit: int
    pool: str | None
    chart: bool

    @staticmethod
    def of(v: Values) -> HistoryOptions:
        return HistoryOptions(v.integer("limit"), v.opt_text("pool"), v.flag("chart"))


async def history_read(ctx: Context, o: HistoryOptions) -> Reply:
    from core.reads.chart import chart_png
    from core.reads.insight import balance_series, recent_entries

    balances = ctx.services.balances
    if o.pool is None:
        await balances.ensure_known(ctx.actor, ctx.now(), ctx.request_id)

    async def read(tx: Tx) -> tuple[str, list[str], list[str], list[tuple[int, int]], int]:
        account, label = await balances.readable(tx, ctx.actor, o.pool, admin=False)
        rows = await recent_entries(tx, account, o.limit)
        lines: list[str] = []
        links: dict[str, None] = {}
        for r in rows:
            what = f"#{r.bid_id} {r.job}" if r.bid_id else (r.memo or said(r.kind))
            if r.bid_id and r.title and r.job and r.title != r.job:
                # a bid from a post: its title says what the job was; its link, where, is
                # a detail (a link is wider than a phone)
                what = f"#{r.bid_id} {r.title}"
                links[f"#{r.bid_id} {r.job}"] = None
            sign = "+" if r.delta > 0 else ""
            # two lines an entry, each short enough for a phone (a title may wrap)
            lines.append(when(r.created_at) + f" {sign}{r.delta} {said(r.kind)}")
            lines.append(f"{what[:60]} → {r.balance_after}")
        series = await balance_series(tx, account) if o.chart else []
        return label, lines, list(links), series, len(rows)

    label, lines, links, series, count = await ctx.services.store.read(read)
    if not lines:
        lines.append("No entries yet.")
    file = None
    if series and o.chart:
        png = chart_png(series, f"{label}: Connects over time", ctx.now())
        # one file name per account: the console saves attachments by name, side by side
        name = f"balance-pool-{o.pool.strip().lower()}" if o.pool else "balance"
        file = Attachment(f"{name}.png", "image/png", png)
    # the newest entries on the first screen, the rest on request
    first, rest = lines[: 2 * HISTORY_FIRST], lines[2 * HISTORY_FIRST :]
    if links:
        rest += ["Links:", *links]
    return Reply(f"{label}: last {count}", first, file=file, details=rest)


#: How many of /history's entries its first screen shows (two lines each).
HISTORY_FIRST = 4


register("history", Read(HistoryOptions, HistoryOptions.of, history_read))


# ---------------------------------------------------------------------------------- /export


async def export_read(ctx: Context, o: PoolOptions) -> Reply:
    from core.reads.export import export_csv

    balances = ctx.services.balances
    if o.pool is None:
        await balances.ensure_known(ctx.actor, ctx.now(), ctx.request_id)

    async def read(tx: Tx) -> tuple[str, bytes, int]:
        account, label = await balances.readable(tx, ctx.actor, o.pool, admin=True)
        data, count = await export_csv(tx, [account])
        return label, data, count

    label, data, count = await ctx.services.store.read(read)
    name = "pool-" + o.pool.strip().lower() if o.pool else "wallet"
    return Reply(
        f"{label}: {plural(count, 'entry')}".replace("entrys", "entries"),
        [f"{name}.csv: one row per entry and bid"],
        file=Attachment(f"{name}.csv", "text/csv", data),
    )


register("export", Read(PoolOptions, PoolOptions.of, export_read))


# ---------------------------------------------------------------------------------- /notices


@dataclass(frozen=True, slots=True)
class NoticesOptions:
    state: str | None

    @staticmethod
    def of(v: Values) -> NoticesOptions:
        return NoticesOptions(v.opt_text("state"))


async def notices_apply(ctx: Context, o: NoticesOptions, tx: Tx, now: int) -> NoticesSet:
    stamp = ctx.stamp(now)
    on = None if o.state is None else o.state == "on"
    return await ctx.services.wallets.set_notices(tx, ctx.actor.user, on, stamp)


def notices_render(ctx: Context, o: NoticesOptions, r: NoticesSet) -> Reply:
    if not r.changed:
        other = "off" if r.on else "on"
        return Reply(
            f"Notices are {'on' if r.on else 'off'}",
            [Rich(cmd("notices", other), f" turns them {other}.")],
        )
    if r.on:
        return Reply("Notices on", ["You hear of expiring Connects,", "ghosted bids and grants"])
    return Reply(
        "Notices off",
        [
            "No private notices",
            "Pool channel warnings continue",
            Rich(cmd("notices", "on"), " to resume"),
        ],
    )


register(
    "notices", Change(NoticesOptions, NoticesSet, NoticesOptions.of, notices_apply, notices_render)
)


# ---------------------------------------------------------------------------------- /help


@dataclass(frozen=True, slots=True)
class HelpOptions:
    command: str | None

    @staticmethod
    def of(v: Values) -> HelpOptions:
        return HelpOptions(v.opt_text("command"))


#: The commands people use most, first in /help, each with a line that fits a phone (Slack
#: writes each as ``/connects quote``).
HELP_FIRST: tuple[tuple[str, str], ...] = (
    ("quote", "what a job costs you"),
    ("bid", "spend Connects on a job"),
    ("balance", "your Connects left"),
    ("refund", "a bid's Connects back"),
)
#: How wide a phone shows a line, in characters.
PHONE_WIDTH = 40
#: The lines of other commands' names /help shows first; the rest are its details.
HELP_MORE_LINES = 3


def help_reply(text_commands: bool = True, message_actions: str = "") -> Reply:
    """The catalog on one screen: the four commands people use most, one line each, then
    the other commands by name (plain names: a platform's prefix never widens them), those
    beyond three lines in the details; without the text-only commands where the surface
    offers their actions as buttons instead; with the message actions in the details where
    the surface shows them (``message_actions`` says where: ``message menu → Apps``). The
    four are :class:`~core.interface.reply.CommandRef` tokens: each platform writes them as
    its users type them."""

    def offered(c: Command) -> bool:
        return text_commands or not c.text_only

    first = {name for name, _ in HELP_FIRST}
    lines: list[str] = [Rich(cmd(name), f" — {what}") for name, what in HELP_FIRST]
    rest: list[str] = []
    for c in COMMANDS:
        name = c.group or c.name
        if offered(c) and name not in first and name not in rest and name != "help":
            rest.append(name)
    more = _wrapped("More:", rest)
    room = HELP_MORE_LINES - (len(MESSAGE_ACTIONS) if message_actions else 0)
    lines += more[:room]
    if message_actions:  # where to find them, short; what they do on request
        lines += [f"{a.name}: {message_actions}" for a in MESSAGE_ACTIONS]
    lines.append(Rich(cmd("help", "bid"), " explains one command"))
    details: list[str] = []
    if len(more) > room:  # every other command, the same whoever asks again
        details += _wrapped("All:", rest)
    return Reply("Connects bot", lines, details=details)


#: The most options /help X lists one a line; a command with more lists their names.
HELP_OPTION_LINES = 6


def _need(opt: Option) -> str:
    if opt.required:
        return "required"
    return f"default {str(opt.default).lower()}" if opt.default is not None else "optional"


def _wrapped(head: str, names: list[str], *, command: bool = False) -> list[str]:
    """``head`` and ``names`` (commands as tokens when ``command``) in lines of at most
    :data:`PHONE_WIDTH` characters."""
    lines: list[str] = []
    row: list[Part] = [head]
    width = len(head)
    for name in names:
        shown = len(name) + (1 if command else 0)
        if row and width + 1 + shown > PHONE_WIDTH:
            lines.append(Rich(*row))
            row, width = [], -1
        row += ([" "] if row else []) + [cmd(name) if command else name]
        width += 1 + shown
    lines.append(Rich(*row))
    return lines


def _option_lines(command: Command) -> tuple[list[str], list[str]]:
    """A command's options for its help: a line each where they fit a phone's screen;
    otherwise their names, how to ask about one, and (a few) each one's line in the details."""
    each = [f"{o.name} ({_need(o)}): {o.description}" for o in command.options]
    full: list[str] = [
        Rich(Bold(o.name), f" ({_need(o)}): {o.description}") for o in command.options
    ]
    few = len(command.options) <= HELP_OPTION_LINES
    if few and all(len(e) <= FIRST_WIDTH for e in each):  # also a command without options
        return full, []
    lines = _wrapped("Options:", [o.name for o in command.options])
    lines.append(Rich(cmd("help", f"{command.name} OPTION"), ": one option"))
    return lines, full if few else []


def command_help(name: str, text_commands: bool = True) -> Reply:
    """How to use one command (or a group): each option, what it takes, one example."""
    wanted = " ".join(name.strip().lstrip("/").lower().split())
    option = None
    head, _, last = wanted.rpartition(" ")
    if wanted not in BY_NAME and head in BY_NAME:
        option = BY_NAME[head].option(last.rstrip(":"))
        if option is not None:
            wanted = head
    group = [c for c in COMMANDS if c.group == wanted]
    if group:
        listed = _wrapped(f"/{wanted}", [c.leaf for c in group])
        listed.append(Rich(cmd("help", group[0].name), " explains one"))
        return Reply(Rich(cmd(wanted), f" — {GROUPS.get(wanted, '')}"), listed)
    command = BY_NAME.get(wanted)
    if command is None:
        from core.interface.textreader import near

        names = sorted({c.name for c in COMMANDS} | set(GROUPS))
        typo = near(wanted, names)
        hint = f" Did you mean {typo}?" if typo else ""
        raise BadInput(Rich(f"No command {wanted[:40]!r}.{hint} ", cmd("help"), " lists them."))
    title = Rich(cmd(command.name), f" — {command.description}")
    if command.text_only and not text_commands:
        return Reply(
            title,
            [f"Here it is a button: use {command.leaf.capitalize()} on the reply."],
        )
    lines: list[str] = []
    if option is not None:
        return Reply(
            Rich(cmd(command.name, f"{option.name}:…")),
            [
                f"{option.description}.",
                f"Takes {describe(option)}.",
                f"{_need(option).capitalize()}.",
            ],
        )
    shown, details = _option_lines(command)
    lines += shown
    if not command.options:
        lines.append("No options.")
    if command.form is not None:
        details.append(
            Rich(
                "Alone, ",
                cmd(command.name),
                " opens a form to paste into where the app has one (Discord, Slack), or reads the "
                "post you paste after it (console: it ends with the paste, at the end line the "
                "prompt names, or at the end of input; no line of it runs).",
            )
        )
    if command.usage_example:
        lines += ["Example:", Rich(cmd(command.name, command.example_args))]
    return Reply(title, lines, details=details)


async def help_read(ctx: Context, o: HelpOptions) -> Reply:
    if o.command:
        return command_help(o.command, ctx.text_commands)
    return help_reply(ctx.text_commands, ctx.message_actions)


register("help", Read(HelpOptions, HelpOptions.of, help_read))
