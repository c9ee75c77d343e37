-- Worker roles granted "ON ALL TABLES IN SCHEMA pgbackfill" before rate_clock existed did not get it: give every role
-- that may update chunks the same rights on the rate clocks, so an upgrade does not stop throttled batches.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
              WHERE table_schema = 'pgbackfill' AND table_name = 'chunk' AND privilege_type = 'UPDATE'
                AND grantee NOT IN (current_user, 'PUBLIC')
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON pgbackfill.rate_clock TO %I', r.grantee);
    END LOOP;
END $$;
