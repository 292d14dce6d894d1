-- The boost of each bid in the daily outcome snapshot (NULL: a row copied before boosts were),
-- so hire rates can be banded by boost like every other factor.
ALTER TABLE outcome_snapshot ADD COLUMN boost {{bigint}};

-- The snapshot taken before this has no boosts: the next scheduled refresh takes it again.
UPDATE snapshots SET taken_at = 0 WHERE name = 'outcomes';
