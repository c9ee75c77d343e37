package dev.pgbackfill.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code migrate sql} script run on a fresh database creates {@code pgbackfill.migration_version} and
 * {@code migration_history} itself (it cannot run Flyway). Flyway refuses a non-empty schema without its history
 * table, so before Flyway installs the control schema those tables move to a schema of their own, and afterwards their
 * rows move into the tables Flyway created. Both steps are idempotent: an install interrupted between them finishes
 * the move next time.
 */
final class OfflineTables {
    private static final Logger log = LoggerFactory.getLogger(OfflineTables.class);
    static final String ASIDE = "pgbackfill_offline_import";

    private OfflineTables() {
    }

    static void moveAside(Statement st) throws SQLException {
        if (exists(st, ControlSchema.SCHEMA + ".flyway_schema_history") || !exists(st, ControlSchema.SCHEMA + ".migration_version")) {
            return;
        }
        log.info("schema {} holds migration records written by a migrate sql script; moving them into the control schema", ControlSchema.SCHEMA);
        st.execute("CREATE SCHEMA IF NOT EXISTS " + ASIDE);
        st.execute("ALTER TABLE " + ControlSchema.SCHEMA + ".migration_version SET SCHEMA " + ASIDE);
        st.execute("ALTER TABLE IF EXISTS " + ControlSchema.SCHEMA + ".migration_history SET SCHEMA " + ASIDE);
    }

    static void moveBack(Connection c, Statement st) throws SQLException {
        if (!exists(st, ASIDE + ".migration_version")) {
            return;
        }
        c.setAutoCommit(false);
        try {
            copy(st);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void copy(Statement st) throws SQLException {
        st.execute("INSERT INTO " + ControlSchema.SCHEMA + ".migration_version SELECT scope, revision, phase_done, steps_done, down_steps_done, "
                + "backfill_jobs, started_at, updated_at FROM " + ASIDE + ".migration_version ON CONFLICT (scope, revision) DO NOTHING");
        if (exists(st, ASIDE + ".migration_history")) {
            st.execute("INSERT INTO " + ControlSchema.SCHEMA + ".migration_history (scope, revision, direction, phase, at, actor, detail) "
                    + "SELECT scope, revision, direction, phase, at, actor, detail FROM " + ASIDE + ".migration_history ORDER BY id");
        }
        st.execute("DROP SCHEMA " + ASIDE + " CASCADE");
    }

    private static boolean exists(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
