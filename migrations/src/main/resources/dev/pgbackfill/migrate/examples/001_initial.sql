-- revision: 001
-- message: initial schema: application settings
-- migrate:up
CREATE TABLE app_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- migrate:down
DROP TABLE app_settings;
