-- The repost radar: a bid keeps the job post's title (its job is the post's link when there is
-- one), and bids are found by their client's member-since date within the last 30 days, the
-- first thing a repost of the same client's job has in common with the earlier post.
ALTER TABLE bids ADD COLUMN title TEXT;
CREATE INDEX bids_client_since ON bids (member_since, created_at);
