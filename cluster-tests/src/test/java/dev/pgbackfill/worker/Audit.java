package dev.pgbackfill.worker;

import dev.pgbackfill.testkit.TestDatabase;

/** An audit trigger that records every update of a table's rows, to prove "each row changed exactly once". */
final class Audit {
    private Audit() {
    }

    /** Installs {@code audit_log(key text)} and an AFTER UPDATE trigger on {@code table} recording {@code keyExpr}. */
    static void install(TestDatabase db, String table, String keyExpr) {
        db.exec("CREATE TABLE IF NOT EXISTS audit_log (tbl text NOT NULL, key text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
        String fn = "audit_" + Math.abs(table.hashCode());
        db.exec("CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "INSERT INTO audit_log (tbl, key) VALUES ('" + table.replace("'", "''") + "', (" + keyExpr.replace("t.", "NEW.") + ")::text); RETURN NEW; END $$");
        db.exec("CREATE TRIGGER " + fn + " AFTER UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
    }

    /** Number of rows updated other than exactly once (0 = every audited row changed exactly once). */
    static long rowsNotUpdatedOnce(TestDatabase db, String table, String keyExpr) {
        return db.queryLong("SELECT count(*) FROM " + table + " t FULL JOIN (SELECT key, count(*) n FROM audit_log WHERE tbl = ? GROUP BY key) a "
                + "ON a.key = (" + keyExpr + ")::text WHERE a.n IS DISTINCT FROM 1", table);
    }
}
