-- A member's monthly allowance: NULL means no limit, 0 means nothing (it used to mean no
-- limit). Existing rows keep their meaning: 0 becomes NULL. SQLite cannot drop NOT NULL from a
-- column, so the table is rebuilt with the same columns in the same order (no other table
-- references it) and its index is created again; PostgreSQL alters the column.
-- {{sqlite only}}
CREATE TABLE pool_members_0004 (
    pool_id INTEGER NOT NULL REFERENCES pools (id),
    member TEXT NOT NULL,
    allowance INTEGER CHECK (allowance >= 0),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (pool_id, member)
);
INSERT INTO pool_members_0004 (pool_id, member, allowance, added_at)
    SELECT pool_id, member, NULLIF(allowance, 0), added_at FROM pool_members;
DROP TABLE pool_members;
ALTER TABLE pool_members_0004 RENAME TO pool_members;
CREATE INDEX pool_members_member ON pool_members (member);
-- {{end}}
-- {{postgres only}}
ALTER TABLE pool_members ALTER COLUMN allowance DROP NOT NULL;
ALTER TABLE pool_members ALTER COLUMN allowance DROP DEFAULT;
UPDATE pool_members SET allowance = NULL WHERE allowance = 0;
-- {{end}}
