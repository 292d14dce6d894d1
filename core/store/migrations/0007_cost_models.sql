-- Learned Connects costs. Every bid keeps the scope it was placed in (the actor's server,
-- workspace or the console; NULL for bids placed before this migration, and in a direct
-- message, where there is no community): a bid that drew on a pool falls back to the pool's
-- scope. The fit reads a scope's stated bids by creation time.
ALTER TABLE bids ADD COLUMN scope TEXT;
CREATE INDEX bids_scope_stated ON bids (scope, connects_stated, created_at);

-- One current model per model scope (a community's scope, or '*' for every scope): its
-- cross-validated error (MAE in hundredths of a Connect, the shares within 1 and 2 Connects in
-- tenths of a percent), the heuristic's MAE on the same bids, the settings it was fitted
-- with, whether it answers quotes, and the predictor as JSON. fitted_at is 0 and model NULL
-- until a first fit; a fit of too few bids keeps their count and no predictor. digest is a
-- hash of the row's content: with it a process knows whether the model it parsed is still
-- the current one. A process that refits a scope on schedule holds claimed_until, so
-- processes sharing a database fit it once.
CREATE TABLE cost_models (
    scope TEXT NOT NULL PRIMARY KEY,
    fitted_at {{bigint}} NOT NULL DEFAULT 0,
    sample_size INTEGER NOT NULL DEFAULT 0 CHECK (sample_size >= 0),
    min_bids INTEGER NOT NULL DEFAULT 0,
    mae_hundredths INTEGER,
    within1_permille INTEGER,
    within2_permille INTEGER,
    heuristic_mae_hundredths INTEGER,
    half_life_days INTEGER NOT NULL DEFAULT 0,
    max_age_days INTEGER NOT NULL DEFAULT 0,
    fit_ms INTEGER NOT NULL DEFAULT 0,
    in_use INTEGER NOT NULL DEFAULT 0 CHECK (in_use IN (0, 1)),
    model TEXT,
    digest TEXT,
    claimed_until {{bigint}}
);
