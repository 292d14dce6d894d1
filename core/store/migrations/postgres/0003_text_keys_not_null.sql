-- Text primary keys refuse NULL. A PostgreSQL primary key is NOT NULL already; SQLite's 0003
-- rebuilds its tables to say the same. These statements change nothing here (the columns are
-- NOT NULL since 0001) and keep both migration sets at the same version.
ALTER TABLE users ALTER COLUMN key SET NOT NULL;
ALTER TABLE requests ALTER COLUMN id SET NOT NULL;
ALTER TABLE confirmations ALTER COLUMN token SET NOT NULL;
