-- revision: 003
-- down_revision: 002
-- message: users: case-insensitive email lookups, index built concurrently
-- transactional: false
-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_lower_idx ON users (lower(email));

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_idx;
