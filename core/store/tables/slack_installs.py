"""Slack workspaces installed through OAuth: the ``slack_installs`` and ``slack_oauth_states``
tables (migration 0017), and the deletion of a departed workspace's data.

Tokens arrive here already sealed (:mod:`adapters.slack.sealing`): this module stores text it
cannot read. A token rotation is a compare-and-set on ``version`` (see :func:`claim_rotation`
and :func:`store_rotation`): the ``UPDATE`` takes the row's lock on PostgreSQL and runs inside
``BEGIN IMMEDIATE`` on SQLite, so of two processes that read the same version only one claims it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.store.base import Row, Tx


@dataclass(frozen=True, slots=True)
class Install:
    """One workspace's installation. ``sealed`` is ``None`` once it was removed."""

    team_id: str
    enterprise_id: str | None
    app_id: str | None
    bot_id: str | None
    bot_user_id: str | None
    bot_scopes: str
    installer: str | None
    sealed: str | None
    expires_at: int | None
    version: int
    rotating_until: int | None
    installed_at: int
    updated_at: int
    removed_at: int | None


_COLUMNS = (
    "team_id, enterprise_id, app_id, bot_id, bot_user_id, bot_scopes, installer, sealed, "
    "expires_at, version, rotating_until, installed_at, updated_at, removed_at"
)


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _install(r: Row) -> Install:
    return Install(
        team_id=str(r["team_id"]),
        enterprise_id=_opt_str(r["enterprise_id"]),
        app_id=_opt_str(r["app_id"]),
        bot_id=_opt_str(r["bot_id"]),
        bot_user_id=_opt_str(r["bot_user_id"]),
        bot_scopes=str(r["bot_scopes"]),
        installer=_opt_str(r["installer"]),
        sealed=_opt_str(r["sealed"]),
        expires_at=_opt_int(r["expires_at"]),
        version=int(r["version"]),
        rotating_until=_opt_int(r["rotating_until"]),
        installed_at=int(r["installed_at"]),
        updated_at=int(r["updated_at"]),
        removed_at=_opt_int(r["removed_at"]),
    )


@dataclass(frozen=True, slots=True)
class NewInstall:
    """What an OAuth installation stores (``sealed``: the workspace's tokens, sealed)."""

    team_id: str
    enterprise_id: str | None
    app_id: str | None
    bot_id: str | None
    bot_user_id: str | None
    bot_scopes: str
    installer: str | None
    sealed: str
    expires_at: int | None


async def save(tx: Tx, new: NewInstall, now: int) -> None:
    """Store an installation: a new workspace, or new tokens for one installed before (an
    install again within the retention period keeps its data: ``removed_at`` is cleared)."""
    params = {
        "team_id": new.team_id,
        "enterprise_id": new.enterprise_id,
        "app_id": new.app_id,
        "bot_id": new.bot_id,
        "bot_user_id": new.bot_user_id,
        "bot_scopes": new.bot_scopes,
        "installer": new.installer,
        "sealed": new.sealed,
        "expires_at": new.expires_at,
        "now": now,
    }
    changed = await tx.execute(
        "UPDATE slack_installs SET enterprise_id = :enterprise_id, app_id = :app_id, "
        "bot_id = :bot_id, bot_user_id = :bot_user_id, bot_scopes = :bot_scopes, "
        "installer = :installer, sealed = :sealed, expires_at = :expires_at, "
        "version = version + 1, rotation_claim = NULL, rotating_until = NULL, "
        "updated_at = :now, removed_at = NULL WHERE team_id = :team_id",
        params,
    )
    if not changed:
        await tx.execute(
            "INSERT INTO slack_installs (team_id, enterprise_id, app_id, bot_id, bot_user_id, "
            "bot_scopes, installer, sealed, expires_at, installed_at, updated_at) VALUES "
            "(:team_id, :enterprise_id, :app_id, :bot_id, :bot_user_id, :bot_scopes, "
            ":installer, :sealed, :expires_at, :now, :now)",
            params,
        )


async def find(tx: Tx, team_id: str) -> Install | None:
    """The workspace's installation (removed or not), or ``None``."""
    row = await tx.fetchone(
        f"SELECT {_COLUMNS} FROM slack_installs WHERE team_id = :t", {"t": team_id}
    )
    return _install(row) if row else None


async def claim_rotation(
    tx: Tx, team_id: str, version: int, claim: str, now: int, until: int
) -> bool:
    """Claim the rotation of the tokens at ``version``: true for one caller only, while the
    tokens are still that version, present, and no other claim is live."""
    changed = await tx.execute(
        "UPDATE slack_installs SET rotation_claim = :claim, rotating_until = :until "
        "WHERE team_id = :t AND version = :v AND sealed IS NOT NULL "
        "AND (rotating_until IS NULL OR rotating_until <= :now)",
        {"t": team_id, "v": version, "claim": claim, "now": now, "until": until},
    )
    return changed == 1


async def release_rotation(tx: Tx, team_id: str, claim: str) -> None:
    """Give up a claim (the refresh failed) so another process may try."""
    await tx.execute(
        "UPDATE slack_installs SET rotation_claim = NULL, rotating_until = NULL "
        "WHERE team_id = :t AND rotation_claim = :claim",
        {"t": team_id, "claim": claim},
    )


async def store_rotation(
    tx: Tx, team_id: str, version: int, sealed: str, expires_at: int | None, now: int
) -> bool:
    """Store rotated tokens over ``version``; false (nothing stored) when the tokens changed
    meanwhile (stored by another rotation, an install, a removal)."""
    changed = await tx.execute(
        "UPDATE slack_installs SET sealed = :sealed, expires_at = :exp, version = version + 1, "
        "rotation_claim = NULL, rotating_until = NULL, updated_at = :now "
        "WHERE team_id = :t AND version = :v AND sealed IS NOT NULL",
        {"t": team_id, "v": version, "sealed": sealed, "exp": expires_at, "now": now},
    )
    return changed == 1


async def remove(tx: Tx, team_id: str, now: int) -> bool:
    """Drop the workspace's tokens at once and start its retention period (kept from the
    first removal when removed again); false when nothing was installed."""
    changed = await tx.execute(
        "UPDATE slack_installs SET sealed = NULL, expires_at = NULL, version = version + 1, "
        "rotation_claim = NULL, rotating_until = NULL, updated_at = :now, "
        "removed_at = COALESCE(removed_at, :now) WHERE team_id = :t",
        {"t": team_id, "now": now},
    )
    return changed == 1


async def removed_before(tx: Tx, cutoff: int) -> list[str]:
    """The workspaces removed before ``cutoff`` (whose data is due for deletion)."""
    rows = await tx.fetchall(
        "SELECT team_id FROM slack_installs WHERE removed_at IS NOT NULL "
        "AND removed_at < :cutoff ORDER BY team_id",
        {"cutoff": cutoff},
    )
    return [str(r["team_id"]) for r in rows]


# -- OAuth states ---------------------------------------------------------------------------------


async def issue_state(tx: Tx, state: str, expires_at: int, now: int) -> None:
    """Record an OAuth state handed out at /slack/install, and forget expired ones (so
    opening the install link over and over keeps at most the states of its last minutes)."""
    await tx.execute("DELETE FROM slack_oauth_states WHERE expires_at < :now", {"now": now})
    await tx.execute(
        "INSERT INTO slack_oauth_states (state, expires_at) VALUES (:s, :e)",
        {"s": state, "e": expires_at},
    )


async def consume_state(tx: Tx, state: str, now: int) -> bool:
    """Use a state once: true only if it was issued and has not expired; it is gone after."""
    row = await tx.fetchone(
        "SELECT expires_at FROM slack_oauth_states WHERE state = :s", {"s": state}
    )
    if row is None:
        return False
    deleted = await tx.execute("DELETE FROM slack_oauth_states WHERE state = :s", {"s": state})
    await tx.execute("DELETE FROM slack_oauth_states WHERE expires_at < :now", {"now": now})
    return deleted == 1 and int(row["expires_at"]) >= now


# -- a departed workspace's data ------------------------------------------------------------------


def _purge_statements() -> list[str]:
    """Statements deleting every row of a community (``:scope``) and its members (user keys
    that start with ``:prefix``, ``:n`` characters), children before parents."""
    member = "substr({col}, 1, :n) = :prefix"
    accounts = (
        "(SELECT account_id FROM pools WHERE scope = :scope UNION "
        f"SELECT account_id FROM users WHERE {member.format(col='key')})"
    )
    bids = f"(SELECT id FROM bids WHERE account_id IN {accounts} OR {member.format(col='bidder')})"
    lots = f"(SELECT id FROM lots WHERE account_id IN {accounts})"
    pools = "(SELECT id FROM pools WHERE scope = :scope)"
    return [
        f"DELETE FROM outcome_asks WHERE bid_id IN {bids} OR {member.format(col='bidder')}",
        f"DELETE FROM interview_rewards WHERE bid_id IN {bids} OR account_id IN {accounts}",
        f"DELETE FROM lot_usage WHERE bid_id IN {bids} OR lot_id IN {lots}",
        f"DELETE FROM entries WHERE account_id IN {accounts} OR bid_id IN {bids}",
        f"DELETE FROM bids WHERE id IN {bids}",
        f"DELETE FROM lots WHERE id IN {lots}",
        f"DELETE FROM pool_members WHERE pool_id IN {pools} OR {member.format(col='member')}",
        f"DELETE FROM spend_caps WHERE account_id IN {accounts} OR {member.format(col='member')}",
        f"DELETE FROM plans WHERE {member.format(col='user_key')}",
        "DELETE FROM pools WHERE scope = :scope",
        f"DELETE FROM users WHERE {member.format(col='key')}",
        f"DELETE FROM requests WHERE {member.format(col='actor')}",
        f"DELETE FROM confirmations WHERE scope = :scope OR {member.format(col='actor')}",
        f"DELETE FROM notices WHERE scope = :scope OR {member.format(col='subject')} "
        f"OR {member.format(col='target')}",
        f"DELETE FROM outcome_snapshot WHERE scope = :scope OR {member.format(col='bidder')}",
        "DELETE FROM cost_models WHERE scope = :scope",
    ]


async def purge(tx: Tx, team_id: str) -> None:
    """Delete workspace ``team_id``'s data: its members' wallets, bids, entries and requests,
    its pools, notices and learned models, and its installation row. The ledger is otherwise
    append-only; this is the retention rule for a workspace that removed the app, and the
    one way past the entries' append-only trigger (``ledger_purges``, migration 0017)."""
    scope = f"slack:{team_id}"
    prefix = scope + ":"
    params = {"scope": scope, "prefix": prefix, "n": len(prefix)}
    # the accounts, read before their pools and users go
    rows = await tx.fetchall(
        "SELECT account_id FROM pools WHERE scope = :scope UNION "
        "SELECT account_id FROM users WHERE substr(key, 1, :n) = :prefix",
        params,
    )
    accounts = sorted({int(r["account_id"]) for r in rows})
    for account in accounts:  # their entries may be deleted, in this transaction only
        await tx.execute("INSERT INTO ledger_purges (account_id) VALUES (:a)", {"a": account})
    for statement in _purge_statements():
        await tx.execute(statement, params)
    await tx.execute("DELETE FROM accounts WHERE id IN (SELECT account_id FROM ledger_purges)")
    await tx.execute("DELETE FROM ledger_purges")
    await tx.execute("DELETE FROM slack_installs WHERE team_id = :t", {"t": team_id})
