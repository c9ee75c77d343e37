package dev.pgbackfill.coordinator.catalog;

import dev.pgbackfill.sql.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A partitioned table's leaf partitions, from the catalog; none for a plain table. */
public final class Partitions {
    /** One leaf partition and its planner's row estimate ({@code pg_class.reltuples}; -1: never analysed). */
    public record Partition(QualifiedName name, long estimatedRows) {
        public String describe() {
            return name.name() + (estimatedRows < 0 ? "" : " (~" + estimatedRows + " rows)");
        }
    }

    private Partitions() {
    }

    public static List<Partition> leaves(Connection c, long table) throws SQLException {
        return leaves(c, "?::oid", ps -> ps.setLong(1, table));
    }

    /** The same, by name: the leaves as the catalog lists them now (partitions attached since launch included). */
    public static List<Partition> leaves(Connection c, QualifiedName table) throws SQLException {
        return leaves(c, "?::regclass", ps -> ps.setString(1, table.sql()));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static List<Partition> leaves(Connection c, String table, Binder binder) throws SQLException {
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, r.relname, r.reltuples::bigint
                  FROM pg_partition_tree(%s) p JOIN pg_class r ON r.oid = p.relid JOIN pg_namespace n ON n.oid = r.relnamespace
                 WHERE p.isleaf AND p.level > 0
                 ORDER BY n.nspname, r.relname""".formatted(table))) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Partition(new QualifiedName(rs.getString(1), rs.getString(2)), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    /**
     * Why the table's chunks cannot walk its partitions directly, or null when they can. A batch that updates a
     * partition bypasses what only the partitioned table has: its row-level security policies and its statement-level
     * UPDATE triggers (row-level ones are cloned to the partitions, statement-level ones are not); and it needs its
     * own privileges on every partition.
     */
    public static String whyNotLeafByLeaf(Connection c, long table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT relrowsecurity FROM pg_class WHERE oid = ?::oid),
                       EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = ?::oid AND NOT tgisinternal AND tgenabled <> 'D'
                                  AND tgtype & 1 = 0 AND tgtype & 16 <> 0),
                       (SELECT string_agg(p.relid::regclass::text, ', ') FROM pg_partition_tree(?::oid) p
                         WHERE p.isleaf AND p.level > 0 AND NOT has_table_privilege(p.relid, 'SELECT, UPDATE'))""")) {
            ps.setLong(1, table);
            ps.setLong(2, table);
            ps.setLong(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return "it has row-level security, which a partition updated directly would not apply";
                }
                if (rs.getBoolean(2)) {
                    return "it has statement-level UPDATE triggers, which do not fire for its partitions";
                }
                String denied = rs.getString(3);
                return denied == null ? null : "this role may not SELECT and UPDATE partition(s) " + denied + " directly";
            }
        }
    }
}
