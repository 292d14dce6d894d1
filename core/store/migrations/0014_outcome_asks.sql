-- A bid with no news for [notices] outcome_after_days is asked about in a private message with
-- one button per outcome. One row per bid per ask (a bid is asked at most twice): token is the
-- code its buttons carry, message the notice that asked (bids asked together), status where the
-- bid stood when asked (a press never overwrites news recorded since), answer the last button
-- pressed ('viewed', 'interviewing', 'hired', 'lost', or 'none' for No news) and when.
CREATE TABLE outcome_asks (
    token TEXT NOT NULL PRIMARY KEY,
    bid_id {{bigint}} NOT NULL REFERENCES bids (id),
    bidder TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    asked_at {{bigint}} NOT NULL,
    answer TEXT CHECK (answer IN ('viewed', 'interviewing', 'hired', 'lost', 'none')),
    answered_at {{bigint}}
);
CREATE INDEX outcome_asks_bid ON outcome_asks (bid_id, asked_at);
CREATE INDEX outcome_asks_message ON outcome_asks (message);

-- A notice's buttons (JSON: label, action, value, style, text command, owner, row), or NULL.
ALTER TABLE notices ADD COLUMN buttons TEXT;
