"""/stats: a wallet's or a pool's bids, wins, spend, refunds and net over a period, the pool's
leaderboard, and what wins by factor band (hire rates of bids with an outcome)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.base.figures import per, per_cents, percent
from core.base.vocabulary import EntryKind, said
from core.commands.registry import Context, Read, register
from core.interface.options import Values
from core.interface.reply import FIRST_LINES, Mention, Reply, Rich, bids, plural, when
from core.store.base import Tx

if TYPE_CHECKING:
    from core.base.config import LearningConfig
    from core.quotes.winrates import BandRate
    from core.reads.insight import Stats


#: The members /stats ranks on its first screen (the rest, up to 10, in its details).
LEADERS_FIRST = 3


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
