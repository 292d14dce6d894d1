-- An export joins every entry to the user or the pool that owns its account: without these
-- indexes each entry scanned the users table (and SQLite built an index of pools per query).
-- Entries by account (entries_account), users by key and bids, lots and accounts by id are
-- already indexed.
CREATE INDEX users_account ON users (account_id);
CREATE INDEX pools_account ON pools (account_id);
