-- A kept button of a fifth kind: 'details', a change's Details button. A change (a bid, a
-- refund, a pool created) is never run again to show its details, so its reply's details are
-- kept for the member who made it, under a code only their button carries; kept like every
-- kept button (removed after 7 days, and by /forget). SQLite changes a CHECK only by
-- rebuilding the table (as 0018 did); PostgreSQL replaces the constraint.
-- {{sqlite only}}
CREATE TABLE confirmations_0019 (
    token TEXT NOT NULL PRIMARY KEY,
    actor TEXT NOT NULL,
    scope TEXT,
    args TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    kind TEXT CHECK (kind IN ('confirm', 'bid', 'reconcile', 'forget', 'details')),
    connects INTEGER CHECK (connects >= 0),
    boost INTEGER CHECK (boost >= 0),
    upwork INTEGER CHECK (upwork >= 0),
    had INTEGER,
    last_entry INTEGER
);
INSERT INTO confirmations_0019
    (token, actor, scope, args, created_at, kind, connects, boost, upwork, had, last_entry)
    SELECT token, actor, scope, args, created_at, kind, connects, boost, upwork, had, last_entry
    FROM confirmations;
DROP TABLE confirmations;
ALTER TABLE confirmations_0019 RENAME TO confirmations;
CREATE INDEX confirmations_created ON confirmations (created_at);
-- {{end}}
-- {{postgres only}}
ALTER TABLE confirmations DROP CONSTRAINT confirmations_kind_check;
ALTER TABLE confirmations ADD CONSTRAINT confirmations_kind_check
    CHECK (kind IN ('confirm', 'bid', 'reconcile', 'forget', 'details'));
-- {{end}}
