-- Kept bids (a duplicate awaiting its Confirm, a quote's Bid button, which keeps the pasted
-- post) are swept once well past their use: by age, through this index.
CREATE INDEX confirmations_created ON confirmations (created_at);
