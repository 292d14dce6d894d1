-- An export joins every entry to the user or the pool that owns its account: without these
-- indexes each entry scanned the users table (and SQLite built an index of pools per query).
-- Entries by account (entries_account), users by key and bids, lots and accounts by id are
-- already indexed. IF NOT EXISTS: a database that missed this version (made by a build that
-- numbered its migrations differently) gets it late, after 0006-0008, and safely.
CREATE INDEX IF NOT EXISTS users_account ON users (account_id);
CREATE INDEX IF NOT EXISTS pools_account ON pools (account_id);
