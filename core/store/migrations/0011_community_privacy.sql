-- Who trained a model: how many distinct members' bids it learned from, the fewest a model
-- pooling members needs, and the largest share of the fit's weight any one member carried
-- (tenths of a percent; for the operator only).
ALTER TABLE cost_models ADD COLUMN members {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE cost_models ADD COLUMN min_members {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE cost_models ADD COLUMN top_share_permille {{bigint}};

-- The bids with an outcome as they stood at the last daily snapshot: the hire rates shown to
-- members are counted from this copy, never from the live bids, so no one can watch one
-- update's effect. scope is the bid's community (its own, else its pool's; NULL in a direct
-- message); hired is 1 for a hire, 0 for a loss or no news for the ghost period.
CREATE TABLE outcome_snapshot (
    scope TEXT,
    pool_id {{bigint}},
    bidder TEXT NOT NULL,
    hired {{bigint}} NOT NULL CHECK (hired IN (0, 1)),
    created_at {{bigint}} NOT NULL,
    budget_type TEXT,
    price_cents {{bigint}},
    verified {{bigint}},
    proposals_min {{bigint}},
    client_spent_cents {{bigint}},
    experience TEXT
);
CREATE INDEX outcome_snapshot_scope ON outcome_snapshot (scope, budget_type, verified);
CREATE INDEX outcome_snapshot_pool ON outcome_snapshot (pool_id, created_at);

-- When each daily snapshot was last taken; a process takes one by moving taken_at forward
-- with a conditional update, so processes sharing a database take it once.
CREATE TABLE snapshots (
    name TEXT NOT NULL PRIMARY KEY,
    taken_at {{bigint}} NOT NULL DEFAULT 0
);
