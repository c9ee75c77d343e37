-- revision: 004
-- down_revision: 003
-- message: orders, keyed by identity, referring to users by email (a legacy shape that 009 fixes)
-- migrate:up
CREATE TABLE orders (
    id         bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_email text          NOT NULL,
    total      numeric(12,2) NOT NULL,
    created_at timestamptz   NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE orders;
