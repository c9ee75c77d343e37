-- revision: 002
-- down_revision: 001
-- message: users: UUID key, unique email, status index, server defaults
-- migrate:up
CREATE TABLE users (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email      text        NOT NULL,
    username   text,
    status     text        NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now()
);
-- the table is new and empty here, so plain CREATE INDEX is fine (lint knows)
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_status_idx ON users (status);

-- migrate:down
DROP TABLE users;
