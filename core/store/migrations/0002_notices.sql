-- Notices that arrive on their own. A job writes each notice once, under a unique key, in the
-- same transaction as the decision to send it; deliverers claim pending rows with a lease, so
-- two processes never send the same notice.
CREATE TABLE notices (
    id {{id}},
    key TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    platform TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('channel', 'dm')),
    scope TEXT,
    target TEXT NOT NULL,
    text TEXT NOT NULL,
    at_time {{bigint}},
    created_at {{bigint}} NOT NULL,
    claimed_at {{bigint}},
    sent_at {{bigint}},
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX notices_pending ON notices (platform, id) WHERE sent_at IS NULL;
CREATE INDEX notices_subject ON notices (subject, created_at);

ALTER TABLE bids ADD COLUMN ghost_notified INTEGER NOT NULL DEFAULT 0;
CREATE INDEX bids_status ON bids (status, updated_at);
