package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.coordinator.catalog.TableInfo;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A BEFORE UPDATE trigger that rewrites a column the backfill assigns makes the row match the predicate again right
 * after its update, so the job would update it again at every sweep and finally fail. When the table has such
 * triggers, one batch of one row is tried in a transaction that is rolled back: if that row still matches, the spec
 * is refused naming the triggers. (The trial runs the triggers; what they do outside the transaction, such as taking
 * a sequence value, is not undone.)
 */
final class TriggerCheck {
    /** pg_trigger.tgtype bits: ROW, BEFORE, UPDATE. */
    private static final int ROW = 1;
    private static final int BEFORE = 2;
    private static final int UPDATE = 16;

    private TriggerCheck() {
    }

    static void refuseRewritingTriggers(Connection c, ResolvedSpec spec, TableInfo table) throws SQLException {
        List<String> triggers = beforeUpdateRowTriggers(c, table.oid());
        if (triggers.isEmpty()) {
            return;
        }
        BatchSql sql = new BatchSql(spec);
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT pgbf_trigger_check");
            try {
                List<String> key = updateOneRow(c, sql, spec.keys().size());
                if (key != null && stillMatches(c, sql, key)) {
                    throw new InvalidInputException("set", "trigger " + String.join(", ", triggers) + " on " + table.name()
                            + " rewrites what --set writes: the row with key " + key + " still matches right after its update, so the backfill "
                            + "would update it again at every sweep; change the trigger, or give --where that its rewrite makes false; nothing was changed");
                }
            } finally {
                st.execute("ROLLBACK TO SAVEPOINT pgbf_trigger_check");
            }
        }
    }

    private static List<String> beforeUpdateRowTriggers(Connection c, long table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT quote_ident(tgname) FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal AND tgenabled <> 'D'
                   AND tgtype & ? = ? ORDER BY tgname""")) {
            ps.setLong(1, table);
            ps.setInt(2, ROW | BEFORE | UPDATE);
            ps.setInt(3, ROW | BEFORE | UPDATE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
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
