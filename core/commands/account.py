"""Account commands: /history, /stats, /export, /notices, /help (/balance is
:mod:`core.commands.balance`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.base.figures import per, per_cents, percent
from core.base.vocabulary import EntryKind, said
from core.commands.balance import PoolOptions
from core.commands.registry import Change, Context, Read, register
from core.interface.catalog import BY_NAME, COMMANDS, GROUPS, MESSAGE_ACTIONS, Command, Option
from core.interface.errors import BadInput
from core.interface.options import Values, describe
from core.interface.reply import (
    FIRST_LINES,
    Attachment,
    Bold,
    Mention,
    Part,
    Reply,
    Rich,
    bids,
    cmd,
    plural,
    when,
)
from core.ledger.results import NoticesSet
from core.store.base import Tx

if TYPE_CHECKING:
    from core.base.config import LearningConfig
    from core.quotes.winrates import BandRate
    from core.reads.insight import Stats


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


# ---------------------------------------------------------------------------------- /stats


@dataclass(frozen=True, slots=True)
class StatsOptions:
    period: str
    pool: str | None
    public: bool

    @staticmethod
    def of(v: Values) -> StatsOptions:
        return StatsOptions(v.text("period"), v.opt_text("pool"), v.flag("public"))


def _what_wins(
    pool: bool,
    bands: list[BandRate],
    community: list[BandRate],
    learning: LearningConfig,
    shared: str | None,
) -> list[str]:
    """/stats' hire rates by factor band: of the pool's other members or the user's own bids
    (``bands``), and of the community's other members (``community``), each under a line
    saying whose bids and which minimums."""
    from core.quotes.learning import EVERY_SCOPE
    from core.quotes.winrates import minimums

    lines: list[str] = []
    if bands and pool:
        lines.append(
            f"What wins: hire rate of other members' bids with an outcome, by factor (95% "
            f"interval; bands of {learning.min_count}+ bids by {learning.min_members}+ members, "
            "as of the daily snapshot)"
        )
    elif bands:
        lines.append(
            f"What wins: hire rate of bids with an outcome, by factor (95% interval; bands of "
            f"{learning.min_count}+ bids)"
        )
    lines.extend(f"{b.factor} {b.band}: {b.rate.text()}" for b in bands)
    if community:
        floor, members = minimums(learning)
        where = "across every community" if shared == EVERY_SCOPE else "in this community"
        lines.append(
            f"What wins {where}: hire rate of other members' bids with an outcome, by factor "
            f"(95% interval; bands of {floor}+ bids by {members}+ members, as of the daily "
            "snapshot)"
        )
        lines.extend(f"{b.factor} {b.band}: {b.rate.text()}" for b in community)
    return lines


def _stats_fields(
    s: Stats, profile: dict[EntryKind, int]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """/stats' headline figures (bids and wins, spend, refunds, net, profile spend, per hire,
    ghosted), short enough for a phone; and the figures behind them, for the details."""
    from core.quotes.pricing import dollars

    win = "–" if not s.bids else f"{percent(s.hired, s.bids, places=0)}%"
    fields = [
        ("Bids", f"{s.bids} · won {s.hired} ({win})"),
        ("Spent", f"{s.connects} + {s.boost} boost"),
        ("Refunded", f"{s.refunded}"),
        ("Net", f"{plural(s.net)} · {dollars(s.net_cents)}"),
    ]
    more: list[tuple[str, str]] = []
    if s.free:
        more.append(("Free of them", f"{plural(s.free)}: no dollars"))
    if profile:  # badge and profile boost: spend tied to no bid, beside the bids' net
        spent = " + ".join(f"{n} {said(kind)}" for kind, n in sorted(profile.items()))
        fields.append(("Profile", plural(sum(profile.values()))))
        more.append(("Profile", spent))
        more.append(("Bids and profile", plural(s.net + sum(profile.values()))))
    if s.hired:
        fields.append(
            (
                "Per hire",
                f"{per(s.net, s.hired)} Connects · {dollars(per_cents(s.net_cents, s.hired))}",
            )
        )
        if s.free:
            more.append(("Dollars", "of bought Connects only"))
    if s.ghosted:
        fields.append(("Ghosted", f"{bids(s.ghosted)} · {plural(s.ghosted_connects)}"))
    return fields, more


async def stats_read(ctx: Context, o: StatsOptions) -> Reply:
    from core.base.vocabulary import ghost_cutoff
    from core.ledger.wallets import user_account
    from core.quotes.learning import EVERY_SCOPE, model_scope
    from core.quotes.winrates import by_band, minimums, outcomes, snapshot_rows
    from core.reads.insight import since, stats
    from core.store.tables.kinds import profile_spend

    services = ctx.services
    now = ctx.now()
    if o.pool is None:
        await services.balances.ensure_known(ctx.actor, now, ctx.request_id)
    start = since(o.period, now)
    ghost_days = services.config.policy.ghost_days
    ghost_before = ghost_cutoff(now, ghost_days)

    learning = services.config.learning
    leaderboard = True
    shared = model_scope(services.config, ctx.actor.scope)
    floor, members = minimums(learning)

    profile: dict[EntryKind, int] = {}

    async def read(tx: Tx) -> tuple[str, Stats, list[BandRate], list[BandRate]]:
        nonlocal leaderboard, profile
        if o.pool:
            pool = await services.pools.find(tx, ctx.actor, o.pool)
            await services.pools.require_member_or_admin(tx, ctx.actor, pool)
            leaderboard = services.pools.is_admin(ctx.actor, pool)
            profile = await profile_spend(tx, pool.account_id, start)
            # other members' outcomes: from the daily snapshot, bands of enough members only
            rows = await snapshot_rows(tx, pool_id=pool.id, asker=ctx.actor.user.key, since=start)
            return (
                f"Pool {pool.name}",
                await stats(
                    tx, bidder=None, pool_id=pool.id, start=start, now=now, ghost_days=ghost_days
                ),
                by_band(rows, learning.min_count, learning.min_members),
                [],
            )
        key = ctx.actor.user.key
        wallet = await user_account(tx, key)
        profile = {} if wallet is None else await profile_spend(tx, wallet, start)
        rows = await outcomes(tx, ghost_before=ghost_before, bidder=key, since=start)
        community: list[BandRate] = []
        if shared is not None:
            # the community's: other members' outcomes from the daily snapshot, bands of
            # min_outcomes bids by min_members members only, as every rate about others
            scope = None if shared == EVERY_SCOPE else shared
            others = await snapshot_rows(tx, asker=key, since=start, scope=scope)
            community = by_band(others, floor, members)
        return (
            "Your",
            await stats(tx, bidder=key, pool_id=None, start=start, now=now, ghost_days=ghost_days),
            by_band(rows, services.config.learning.min_count),
            community,
        )

    label, s, bands, community = await services.store.read(read)
    fields, more = _stats_fields(s, profile)
    lines: list[str] = ["Since " + when(start) if o.period != "all" else "All time"]
    details: list[str] = []
    if s.members and leaderboard:
        ranked = sorted(s.members.items(), key=lambda kv: (-kv[1].hired, kv[1].net, kv[0]))
        for i, (member, m) in enumerate(ranked[:10], 1):
            (lines if i <= LEADERS_FIRST else details).append(
                Rich(
                    f"{i}. ",
                    Mention(member),
                    f": {bids(m.bids)}, {m.hired} hired, {plural(m.net)}",
                )
            )
    # the headline figures first; what does not fit a phone's first screen, and what wins,
    # on request
    room = max(FIRST_LINES - len(lines), 4)
    fields, more = fields[:room], [*fields[room:], *more]
    details.extend(_what_wins(o.pool is not None, bands, community, learning, shared))
    title = f"{label} stats ({o.period})" if label != "Your" else f"Your stats ({o.period})"
    return Reply(title, lines, fields, private=not o.public, details=details, detail_fields=more)


register("stats", Read(StatsOptions, StatsOptions.of, stats_read))


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


#: The members /stats ranks on its first screen (the rest, up to 10, in its details).
LEADERS_FIRST = 3


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
        from core.interface.textparse import near

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
    if len(command.options) <= HELP_OPTION_LINES:
        for opt in command.options:
            lines.append(Rich(Bold(opt.name), f" ({_need(opt)}): {opt.description}"))
    else:
        # too many for one screen: the names, and how to ask about one
        lines += _wrapped("Options:", [o.name for o in command.options])
        lines.append(Rich(cmd("help", f"{command.name} OPTION"), ": one option"))
    if not command.options:
        lines.append("No options.")
    details: list[str] = []
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
