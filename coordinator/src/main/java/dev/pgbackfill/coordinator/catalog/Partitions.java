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
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, r.relname, r.reltuples::bigint
                  FROM pg_partition_tree(?::oid) p JOIN pg_class r ON r.oid = p.relid JOIN pg_namespace n ON n.oid = r.relnamespace
                 WHERE p.isleaf AND p.level > 0
                 ORDER BY n.nspname, r.relname""")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Partition(new QualifiedName(rs.getString(1), rs.getString(2)), rs.getLong(3)));
                }
            }
        }
        return out;
    }
}
