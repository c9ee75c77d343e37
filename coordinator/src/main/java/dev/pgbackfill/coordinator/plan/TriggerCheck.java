package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.coordinator.catalog.TableInfo;
import dev.pgbackfill.coordinator.catalog.Trigger;
import dev.pgbackfill.coordinator.catalog.Triggers;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedAssignment;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The table's triggers, as they meet the backfill's batches.
 * <ul>
 * <li>{@code --disable-triggers} runs batches with {@code session_replication_role = replica}. That also skips
 *     foreign-key checks, so it is refused when an assigned column takes part in a foreign key, and when the role may
 *     not set the parameter.</li>
 * <li>A BEFORE UPDATE trigger that rewrites a column the backfill assigns makes the row match the predicate again right
 *     after its update, so the job would update it again at every sweep and finally fail. When such triggers fire, one
 *     batch of one row is tried in a transaction that is rolled back: if that row still matches, the spec is refused
 *     naming the triggers. (The trial runs the triggers; what they do outside the transaction, such as taking a
 *     sequence value, is not undone.)</li>
 * </ul>
 */
final class TriggerCheck {
    private TriggerCheck() {
    }

    /**
     * Refuses {@code --disable-triggers} where it is unsafe or not allowed; otherwise, inside the caller's transaction
     * (rolled back by it), sets the session as the workers' batches will run, so later trials fire the same triggers.
     */
    static void prepareSession(Connection c, TableInfo table, List<ResolvedAssignment> assigned, boolean disableTriggers) throws SQLException {
        if (!disableTriggers) {
            return;
        }
        List<String> foreignKeys = Triggers.foreignKeysOn(c, table.oid(), assigned.stream().map(ResolvedAssignment::column).toList());
        if (!foreignKeys.isEmpty()) {
            throw new InvalidInputException("disableTriggers", "--disable-triggers would also skip the checks of foreign key "
                    + String.join(", ", foreignKeys) + " on the columns --set writes; run without it, or drop --set of those columns");
        }
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT pgbf_replica");
            st.execute("SET LOCAL session_replication_role = replica");
            st.execute("RELEASE SAVEPOINT pgbf_replica");
        } catch (SQLException e) {
            if (!SqlErrors.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT pgbf_replica");
            }
            throw new InvalidInputException("disableTriggers", "--disable-triggers needs the right to set session_replication_role, which "
                    + "role " + currentUser(c) + " lacks: on PostgreSQL 15 and later GRANT SET ON PARAMETER session_replication_role TO "
                    + currentUser(c) + " (earlier versions: only a superuser may); or run without --disable-triggers");
        }
    }

    static void refuseRewritingTriggers(Connection c, ResolvedSpec spec, TableInfo table, List<Trigger> triggers) throws SQLException {
        List<String> rewriting = triggers.stream()
                .filter(t -> t.fires(spec.disableTriggers()) && t.perRow() && "BEFORE".equals(t.timing()))
                .map(Trigger::name).toList();
        if (rewriting.isEmpty()) {
            return;
        }
        BatchSql sql = new BatchSql(spec);
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT pgbf_trigger_check");
            try {
                List<String> key = updateOneRow(c, sql, spec.keys().size());
                if (key != null && stillMatches(c, sql, key)) {
                    throw new InvalidInputException("set", "trigger " + String.join(", ", rewriting) + " on " + table.name()
                            + " rewrites what --set writes: the row with key " + key + " still matches right after its update, so the backfill "
                            + "would update it again at every sweep; change the trigger, give --where that its rewrite makes false, or "
                            + "--disable-triggers; nothing was changed");
                }
            } finally {
                st.execute("ROLLBACK TO SAVEPOINT pgbf_trigger_check");
            }
        }
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT quote_ident(current_user)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Runs the job's batch statement for one row; returns that row's key, or null when no row matched. */
    private static List<String> updateOneRow(Connection c, BatchSql sql, int keyColumns) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.batch(false, false))) {
            ps.setInt(1, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int i = 0; i < keyColumns; i++) {
                    key.add(rs.getString(3 + i));
                }
                return key;
            }
        }
    }

    private static boolean stillMatches(Connection c, BatchSql sql, List<String> key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.stillMatches())) {
            BatchSql.bindKey(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
