-- Upwork's other ways Connects come and go (the entry kinds and lot sources `interview`, `plan`,
-- `badge` and `profile_boost` need no column: kinds are plain words, see core/base/vocabulary).

-- An invited proposal costs 0 Connects and still counts in win rates: 1 marks one.
ALTER TABLE bids ADD COLUMN invited {{bigint}} NOT NULL DEFAULT 0 CHECK (invited IN (0, 1));

-- One interview reward per bid, ever (the unique index is the once-per-bid guard; not a
-- primary key, which SQLite would make the rowid), and the rolling 7-day cap counted per member
-- who earned it (bidder), whichever account it went to.
CREATE TABLE interview_rewards (
    bid_id {{bigint}} NOT NULL REFERENCES bids (id),
    bidder TEXT NOT NULL,
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    connects {{bigint}} NOT NULL CHECK (connects > 0),
    created_at {{bigint}} NOT NULL
);
CREATE UNIQUE INDEX interview_rewards_bid ON interview_rewards (bid_id);
CREATE INDEX interview_rewards_bidder ON interview_rewards (bidder, created_at);

-- A member's Upwork plan and billing day; cycle is the start (UTC epoch seconds) of the last
-- billing cycle whose Connects were granted, or that was under way when the plan was set (its
-- Connects are taken as already in the balance). A grant moves it forward with a conditional
-- update, so processes sharing a database grant a cycle once.
CREATE TABLE plans (
    user_key TEXT NOT NULL PRIMARY KEY REFERENCES users (key),
    plan TEXT NOT NULL CHECK (plan IN ('basic', 'plus', 'plus_annual')),
    day {{bigint}} NOT NULL CHECK (day >= 1 AND day <= 31),
    cycle {{bigint}} NOT NULL,
    set_at {{bigint}} NOT NULL
);
