-- Every bid keeps the factors it was priced on, typed or read from a job post, and whether its
-- Connects were stated (typed, or read from the post) or estimated by the pricing model: the
-- data quotes learn from. Unknown stays NULL, never 0. Amounts in cents, ratings in
-- hundredths of a star, dates as ISO text (YYYY-MM-DD).
ALTER TABLE bids ADD COLUMN connects_stated INTEGER;
ALTER TABLE bids ADD COLUMN budget_type TEXT;
ALTER TABLE bids ADD COLUMN price_cents INTEGER;
ALTER TABLE bids ADD COLUMN size TEXT;
ALTER TABLE bids ADD COLUMN experience TEXT;
ALTER TABLE bids ADD COLUMN length TEXT;
ALTER TABLE bids ADD COLUMN hours TEXT;
ALTER TABLE bids ADD COLUMN funded INTEGER;
ALTER TABLE bids ADD COLUMN verified INTEGER;
ALTER TABLE bids ADD COLUMN client_spent_cents INTEGER;
ALTER TABLE bids ADD COLUMN hire_rate INTEGER;
ALTER TABLE bids ADD COLUMN rating_hundredths INTEGER;
ALTER TABLE bids ADD COLUMN reviews INTEGER;
ALTER TABLE bids ADD COLUMN hires INTEGER;
ALTER TABLE bids ADD COLUMN proposals_min INTEGER;
ALTER TABLE bids ADD COLUMN proposals_max INTEGER;
ALTER TABLE bids ADD COLUMN interviewing INTEGER;
ALTER TABLE bids ADD COLUMN invites INTEGER;
ALTER TABLE bids ADD COLUMN country TEXT;
ALTER TABLE bids ADD COLUMN member_since TEXT;
