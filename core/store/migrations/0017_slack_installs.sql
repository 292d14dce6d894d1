-- Slack workspaces installed through OAuth (many workspaces, HTTP mode). One row per workspace:
-- who installed the app and what it may do, and its tokens sealed (AES-GCM, a key from the
-- environment, bound to the workspace id): the bot token, its refresh token when Slack rotates
-- tokens, and expires_at, when the bot token ends (NULL: it does not). version counts the
-- token changes: a rotation is claimed for one version (rotation_claim, until rotating_until)
-- and stored only if no other process stored one meanwhile, so two processes never spend one
-- refresh token. removed_at: the app was uninstalled or its tokens revoked; sealed is NULL
-- from then on, and the workspace's data is deleted once the retention period has passed
-- unless it installs again first.
CREATE TABLE slack_installs (
    team_id TEXT NOT NULL PRIMARY KEY,
    enterprise_id TEXT,
    app_id TEXT,
    bot_id TEXT,
    bot_user_id TEXT,
    bot_scopes TEXT NOT NULL DEFAULT '',
    installer TEXT,
    sealed TEXT,
    expires_at {{bigint}},
    version {{bigint}} NOT NULL DEFAULT 0,
    rotation_claim TEXT,
    rotating_until {{bigint}},
    installed_at {{bigint}} NOT NULL,
    updated_at {{bigint}} NOT NULL,
    removed_at {{bigint}}
);
CREATE INDEX slack_installs_removed ON slack_installs (removed_at);

-- The state of each OAuth flow started at /slack/install: used once, before it expires.
CREATE TABLE slack_oauth_states (
    state TEXT NOT NULL PRIMARY KEY,
    expires_at {{bigint}} NOT NULL
);

-- Ledger entries stay append-only, with one exception: the whole ledger of an account being
-- deleted with its workspace after the retention period. The deletion lists the accounts here
-- in its transaction, deletes their entries and empties this table before it commits; an
-- entry of any other account still cannot be deleted, and none can be changed. (PostgreSQL
-- allows no subquery in a trigger's WHEN: its function tests the same condition.)
CREATE TABLE ledger_purges (
    account_id {{bigint}} NOT NULL UNIQUE
);
-- {{sqlite only}}
DROP TRIGGER entries_append_only_delete;
CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
WHEN NOT EXISTS (SELECT 1 FROM ledger_purges WHERE account_id = OLD.account_id)
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
-- {{end}}
-- {{postgres only}}
CREATE FUNCTION entries_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ledger_purges WHERE account_id = OLD.account_id) THEN
        RAISE EXCEPTION 'ledger entries are append-only';
    END IF;
    RETURN OLD;
END
$$;
DROP TRIGGER entries_append_only ON entries;
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_append_only();
CREATE TRIGGER entries_delete_guard BEFORE DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_delete_guard();
-- {{end}}
