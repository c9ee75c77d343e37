CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, email text NOT NULL);
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS email_lower text;
INSERT INTO accounts (id, email) SELECT g, 'User' || g || '@Example.COM' FROM generate_series(1, 50000) g ON CONFLICT (id) DO NOTHING;
