-- Example data for the compose stack: the seed's users table, already expanded with a nullable email_new.
CREATE SCHEMA demo;
CREATE TABLE demo.users (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email      text NOT NULL,
    status     text NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now(),
    email_new  text
);
INSERT INTO demo.users (email) SELECT 'User' || g || '@Example.COM' FROM generate_series(1, 1000000) g;
ANALYZE demo.users;
