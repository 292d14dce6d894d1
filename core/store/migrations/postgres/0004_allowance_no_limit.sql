-- A member's monthly allowance: NULL means no limit, 0 means nothing (it used to mean no
-- limit). Existing rows keep their meaning: 0 becomes NULL.
ALTER TABLE pool_members ALTER COLUMN allowance DROP NOT NULL;
ALTER TABLE pool_members ALTER COLUMN allowance DROP DEFAULT;
UPDATE pool_members SET allowance = NULL WHERE allowance = 0;
