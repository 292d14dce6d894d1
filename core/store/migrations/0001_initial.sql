-- One source for both databases (core/store/schema.py renders it): {{id}} is a key the database
-- assigns (SQLite's rowid; on PostgreSQL a BIGINT identity, BY DEFAULT, so `db copy` can keep
-- ids and reset the sequences afterwards), {{bigint}} a 64-bit whole number (ids and times,
-- epoch seconds). Connects and cents are INTEGER here, 32-bit on PostgreSQL until 0009 widens
-- them.

-- The ledger: accounts hold a cached balance that always equals the sum of their entries.
CREATE TABLE accounts (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('user', 'pool')),
    balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at {{bigint}} NOT NULL
);

CREATE TABLE users (
    key TEXT PRIMARY KEY,
    display TEXT NOT NULL,
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    created_at {{bigint}} NOT NULL,
    last_grant_at {{bigint}},
    notices INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE pools (
    id {{id}},
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    owner TEXT NOT NULL,
    threshold INTEGER NOT NULL DEFAULT 0,
    channel TEXT,
    created_at {{bigint}} NOT NULL,
    UNIQUE (scope, name)
);

CREATE TABLE pool_members (
    pool_id {{bigint}} NOT NULL REFERENCES pools (id),
    member TEXT NOT NULL,
    allowance INTEGER NOT NULL DEFAULT 0 CHECK (allowance >= 0),
    added_at {{bigint}} NOT NULL,
    PRIMARY KEY (pool_id, member)
);
CREATE INDEX pool_members_member ON pool_members (member);

-- Connects arrive in lots (a grant, a purchase) and are spent oldest first.
CREATE TABLE lots (
    id {{id}},
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    source TEXT NOT NULL,
    connects INTEGER NOT NULL CHECK (connects > 0),
    remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= connects),
    cost_cents INTEGER NOT NULL CHECK (cost_cents >= 0),
    acquired_at {{bigint}} NOT NULL,
    expires_at {{bigint}}
);
CREATE INDEX lots_open ON lots (account_id, acquired_at, id) WHERE remaining > 0;

CREATE TABLE bids (
    id {{id}},
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    pool_id {{bigint}} REFERENCES pools (id),
    bidder TEXT NOT NULL,
    job TEXT NOT NULL,
    job_key TEXT NOT NULL,
    connects INTEGER NOT NULL CHECK (connects >= 0),
    boost INTEGER NOT NULL DEFAULT 0 CHECK (boost >= 0),
    cost_cents INTEGER NOT NULL DEFAULT 0,
    rate_type TEXT,
    rate_cents INTEGER,
    note TEXT,
    status TEXT NOT NULL,
    refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= connects + boost),
    refunded_cents INTEGER NOT NULL DEFAULT 0,
    refund_reason TEXT,
    created_at {{bigint}} NOT NULL,
    updated_at {{bigint}} NOT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX bids_bidder ON bids (bidder, id);
CREATE INDEX bids_pool_job ON bids (pool_id, job_key);
CREATE INDEX bids_pool_bidder ON bids (pool_id, bidder, created_at);

-- Which lots a bid drew from, so a refund returns Connects to the lots they came from.
CREATE TABLE lot_usage (
    bid_id {{bigint}} NOT NULL REFERENCES bids (id),
    lot_id {{bigint}} NOT NULL REFERENCES lots (id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (bid_id, lot_id)
);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE entries (
    id {{id}},
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    delta INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    kind TEXT NOT NULL,
    bid_id {{bigint}} REFERENCES bids (id),
    lot_id {{bigint}} REFERENCES lots (id),
    actor TEXT NOT NULL,
    request_id TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL
);
CREATE INDEX entries_account ON entries (account_id, id);

-- SQLite's triggers fire on one event each and raise with RAISE(); PostgreSQL's one trigger
-- covers both events and runs a function.
-- {{sqlite only}}
CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
-- {{end}}
-- {{postgres only}}
CREATE FUNCTION entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only';
END
$$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_append_only();
-- {{end}}

-- Idempotency: one row per platform request id that changed state.
CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    actor TEXT NOT NULL,
    result TEXT,
    created_at {{bigint}} NOT NULL
);

-- A bid waiting for its author to confirm it despite a pool's earlier bid on the same job.
CREATE TABLE confirmations (
    token TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    scope TEXT,
    args TEXT NOT NULL,
    created_at {{bigint}} NOT NULL
);
