-- Limits people set on their own spending (core/ledger/caps.py). One row per account, spender
-- and setter: a wallet's owner ('self') on their wallet; on a pool's account, the pool's admins
-- ('admin') and the member themselves ('self'), each in a row of its own, so a member's row can
-- only make their limits stricter (the tighter of the two applies) and never touches the
-- admins'. A NULL cap is no limit. daily and boost count a UTC day, weekly an ISO week (from
-- Monday 00:00 UTC).
CREATE TABLE spend_caps (
    account_id {{bigint}} NOT NULL REFERENCES accounts (id),
    member TEXT NOT NULL,
    setter TEXT NOT NULL CHECK (setter IN ('self', 'admin')),
    daily {{bigint}} CHECK (daily > 0),
    weekly {{bigint}} CHECK (weekly > 0),
    boost {{bigint}} CHECK (boost > 0),
    set_by TEXT NOT NULL,
    updated_at {{bigint}} NOT NULL,
    PRIMARY KEY (account_id, member, setter)
);

-- What one spender drew from an account since a moment (a day, a week): read on every capped
-- debit, so a pool member's check reads their own entries, not the whole pool's.
CREATE INDEX entries_spender ON entries (account_id, actor, created_at);
