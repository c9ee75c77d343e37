package dev.pgbackfill.coordinator.catalog;

import dev.pgbackfill.error.InvalidInputException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code --table} that names a view, a materialized view, a foreign table or a sequence gets told what it names and
 * what to do, instead of "not found; did you mean …": backfill the table a view reads from, refresh a materialized
 * view, backfill a foreign table on its own server.
 */
final class NotATable {
    private NotATable() {
    }

    static void refuseIfOtherRelation(Connection c, String shown, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relname = ? AND (n.nspname = ? OR (?::text IS NULL AND n.nspname = ANY (current_schemas(false))))
                 ORDER BY array_position(current_schemas(false), n.nspname) NULLS LAST LIMIT 1""")) {
            ps.setString(1, name);
            ps.setString(2, schema);
            ps.setString(3, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                String advice = switch (rs.getString(2)) {
                    case "v" -> "a view: backfill the table it reads from" + baseTables(c, rs.getLong(1));
                    case "m" -> "a materialized view: backfill the tables it reads from, then REFRESH MATERIALIZED VIEW";
                    case "f" -> "a foreign table: backfill the table on its own server";
                    case "S" -> "a sequence, not a table";
                    default -> null;
                };
                if (advice != null) {
                    throw new InvalidInputException("table", "--table " + shown + " is " + advice + "; nothing was changed");
                }
            }
        }
    }

    /** The tables a view's query reads, e.g. " (public.rental)". */
    private static String baseTables(Connection c, long view) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT DISTINCT d.refobjid::regclass::text FROM pg_rewrite r
                  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
                  JOIN pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')
                 WHERE r.ev_class = ? AND d.refobjid <> ? ORDER BY 1""")) {
            ps.setLong(1, view);
            ps.setLong(2, view);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables.isEmpty() ? "" : " (" + String.join(", ", tables) + ")";
    }
}
