-- Every integer column holds a 64-bit whole number on both databases, what SQLite's INTEGER
-- always held. 0001 to 0008 declared Connects, cents, counts and flags INTEGER (32-bit on
-- PostgreSQL), so a value SQLite stored (a $30,000,000 budget in cents, 3,000,000,000 invites)
-- failed on PostgreSQL and `db copy` from SQLite failed on it. Ids and times were BIGINT
-- already. Nothing changes on SQLite. On PostgreSQL each table is rewritten once; CHECK
-- constraints, indexes and the append-only trigger stay as they are. SUM() of a BIGINT column
-- is NUMERIC (a Python Decimal), not BIGINT as it was of INTEGER: the core reads every sum
-- through int().
-- {{postgres only}}
ALTER TABLE accounts ALTER COLUMN balance TYPE BIGINT;
ALTER TABLE users ALTER COLUMN notices TYPE BIGINT;
ALTER TABLE pools ALTER COLUMN threshold TYPE BIGINT;
ALTER TABLE pool_members ALTER COLUMN allowance TYPE BIGINT;
ALTER TABLE lots
    ALTER COLUMN connects TYPE BIGINT,
    ALTER COLUMN remaining TYPE BIGINT,
    ALTER COLUMN cost_cents TYPE BIGINT;
ALTER TABLE bids
    ALTER COLUMN connects TYPE BIGINT,
    ALTER COLUMN boost TYPE BIGINT,
    ALTER COLUMN cost_cents TYPE BIGINT,
    ALTER COLUMN rate_cents TYPE BIGINT,
    ALTER COLUMN refunded TYPE BIGINT,
    ALTER COLUMN refunded_cents TYPE BIGINT,
    ALTER COLUMN ghost_notified TYPE BIGINT,
    ALTER COLUMN connects_stated TYPE BIGINT,
    ALTER COLUMN price_cents TYPE BIGINT,
    ALTER COLUMN funded TYPE BIGINT,
    ALTER COLUMN verified TYPE BIGINT,
    ALTER COLUMN client_spent_cents TYPE BIGINT,
    ALTER COLUMN hire_rate TYPE BIGINT,
    ALTER COLUMN rating_hundredths TYPE BIGINT,
    ALTER COLUMN reviews TYPE BIGINT,
    ALTER COLUMN hires TYPE BIGINT,
    ALTER COLUMN proposals_min TYPE BIGINT,
    ALTER COLUMN proposals_max TYPE BIGINT,
    ALTER COLUMN interviewing TYPE BIGINT,
    ALTER COLUMN invites TYPE BIGINT;
ALTER TABLE lot_usage ALTER COLUMN amount TYPE BIGINT;
ALTER TABLE entries
    ALTER COLUMN delta TYPE BIGINT,
    ALTER COLUMN balance_after TYPE BIGINT;
ALTER TABLE notices ALTER COLUMN attempts TYPE BIGINT;
ALTER TABLE cost_models
    ALTER COLUMN sample_size TYPE BIGINT,
    ALTER COLUMN min_bids TYPE BIGINT,
    ALTER COLUMN mae_hundredths TYPE BIGINT,
    ALTER COLUMN within1_permille TYPE BIGINT,
    ALTER COLUMN within2_permille TYPE BIGINT,
    ALTER COLUMN heuristic_mae_hundredths TYPE BIGINT,
    ALTER COLUMN half_life_days TYPE BIGINT,
    ALTER COLUMN max_age_days TYPE BIGINT,
    ALTER COLUMN fit_ms TYPE BIGINT,
    ALTER COLUMN in_use TYPE BIGINT;
ALTER TABLE schema_version ALTER COLUMN version TYPE BIGINT;
-- {{end}}
