-- A kept button's kind and the numbers its label showed, so a click does what it said:
-- 'confirm' (a bid a pool already made, waiting for its author's Confirm), 'bid' (a quote's Bid
-- button) and 'reconcile' (a quote's offer to match the balance Upwork showed). NULL: kept
-- before kinds, read from its options. A bid's button keeps the Connects and boost it showed;
-- a reconcile offer keeps the balance Upwork showed, the wallet's balance at that moment and its
-- newest ledger entry then (what changed it since is named in the reply).
ALTER TABLE confirmations ADD COLUMN kind TEXT CHECK (kind IN ('confirm', 'bid', 'reconcile'));
ALTER TABLE confirmations ADD COLUMN connects {{bigint}} CHECK (connects >= 0);
ALTER TABLE confirmations ADD COLUMN boost {{bigint}} CHECK (boost >= 0);
ALTER TABLE confirmations ADD COLUMN upwork {{bigint}} CHECK (upwork >= 0);
ALTER TABLE confirmations ADD COLUMN had {{bigint}};
ALTER TABLE confirmations ADD COLUMN last_entry {{bigint}};
