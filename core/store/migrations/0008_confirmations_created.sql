-- Kept bids (a duplicate awaiting its Confirm, a quote's Bid button, which keeps the pasted
-- post) are swept once well past their use: by age, through this index. (IF NOT EXISTS: a
-- database built without this version has it from 0018, which rebuilds the table.)
CREATE INDEX IF NOT EXISTS confirmations_created ON confirmations (created_at);
