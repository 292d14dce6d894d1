-- Text primary keys refuse NULL, as on PostgreSQL. SQLite (unlike its INTEGER PRIMARY KEY
-- rowids) lets a TEXT PRIMARY KEY column hold NULL unless it is declared NOT NULL, and NULLs do
-- not conflict with each other, so a NULL request id would have escaped `ON CONFLICT (id)`.
-- SQLite cannot add NOT NULL to a column: each table is rebuilt with the same columns in the
-- same order and its rows copied (no other table references these three, no index or trigger
-- is defined on them). A NULL key already stored stops the migration, which then changes
-- nothing. A PostgreSQL primary key is NOT NULL already: its statements change nothing (the
-- columns are NOT NULL since 0001) and say the same.

-- {{sqlite only}}
CREATE TABLE users_0003 (
    key TEXT NOT NULL PRIMARY KEY,
    display TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    created_at INTEGER NOT NULL,
    last_grant_at INTEGER,
    notices INTEGER NOT NULL DEFAULT 1
);
INSERT INTO users_0003 (key, display, account_id, created_at, last_grant_at, notices)
    SELECT key, display, account_id, created_at, last_grant_at, notices FROM users;
DROP TABLE users;
ALTER TABLE users_0003 RENAME TO users;

CREATE TABLE requests_0003 (
    id TEXT NOT NULL PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    actor TEXT NOT NULL,
    result TEXT,
    created_at INTEGER NOT NULL
);
INSERT INTO requests_0003 (id, fingerprint, actor, result, created_at)
    SELECT id, fingerprint, actor, result, created_at FROM requests;
DROP TABLE requests;
ALTER TABLE requests_0003 RENAME TO requests;

CREATE TABLE confirmations_0003 (
    token TEXT NOT NULL PRIMARY KEY,
    actor TEXT NOT NULL,
    scope TEXT,
    args TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO confirmations_0003 (token, actor, scope, args, created_at)
    SELECT token, actor, scope, args, created_at FROM confirmations;
DROP TABLE confirmations;
ALTER TABLE confirmations_0003 RENAME TO confirmations;
-- {{end}}
-- {{postgres only}}
ALTER TABLE users ALTER COLUMN key SET NOT NULL;
ALTER TABLE requests ALTER COLUMN id SET NOT NULL;
ALTER TABLE confirmations ALTER COLUMN token SET NOT NULL;
-- {{end}}
