-- /forget: a member's personal data become a tombstone. The ledger stays append-only for
-- everything it accounts: only an entry's actor (who made it) may be rewritten, to the
-- tombstone of a member who asked to be forgotten; amounts, kinds, links, request ids, memos
-- and times can never change. Deletes stay as 0017 left them: refused, but for a removed Slack
-- workspace's whole ledger after its retention period. The update trigger now names the
-- columns it guards (both databases fire it when any of them is in an UPDATE's SET list).
-- {{sqlite only}}
DROP TRIGGER entries_append_only_update;
CREATE TRIGGER entries_append_only_update
BEFORE UPDATE OF id, account_id, delta, balance_after, kind, bid_id, lot_id, request_id, memo,
    created_at ON entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
-- {{end}}
-- {{postgres only}}
DROP TRIGGER entries_append_only ON entries;
CREATE TRIGGER entries_append_only_update
BEFORE UPDATE OF id, account_id, delta, balance_after, kind, bid_id, lot_id, request_id, memo,
    created_at ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_append_only();
-- {{end}}

-- A kept button of a fourth kind: 'forget', the Confirm of /forget. SQLite changes a CHECK
-- only by rebuilding the table (the same columns in the same order; no table references it)
-- and creating its index again; PostgreSQL replaces the constraint.
-- {{sqlite only}}
CREATE TABLE confirmations_0018 (
    token TEXT NOT NULL PRIMARY KEY,
    actor TEXT NOT NULL,
    scope TEXT,
    args TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    kind TEXT CHECK (kind IN ('confirm', 'bid', 'reconcile', 'forget')),
    connects INTEGER CHECK (connects >= 0),
    boost INTEGER CHECK (boost >= 0),
    upwork INTEGER CHECK (upwork >= 0),
    had INTEGER,
    last_entry INTEGER
);
INSERT INTO confirmations_0018
    (token, actor, scope, args, created_at, kind, connects, boost, upwork, had, last_entry)
    SELECT token, actor, scope, args, created_at, kind, connects, boost, upwork, had, last_entry
    FROM confirmations;
DROP TABLE confirmations;
ALTER TABLE confirmations_0018 RENAME TO confirmations;
CREATE INDEX confirmations_created ON confirmations (created_at);
-- {{end}}
-- {{postgres only}}
ALTER TABLE confirmations DROP CONSTRAINT confirmations_kind_check;
ALTER TABLE confirmations ADD CONSTRAINT confirmations_kind_check
    CHECK (kind IN ('confirm', 'bid', 'reconcile', 'forget'));
-- {{end}}
