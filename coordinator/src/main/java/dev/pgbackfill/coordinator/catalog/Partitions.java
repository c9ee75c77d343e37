package dev.pgbackfill.coordinator.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The leaf partitions of a partitioned table, with the planner's row estimates; empty for a plain table. */
public final class Partitions {
    /** One leaf partition: its name as SQL reads it and its estimated rows ({@code pg_class.reltuples}, -1 unknown). */
    public record Partition(String name, long estimatedRows) {
        public String describe() {
            return name + (estimatedRows < 0 ? "" : " (~" + estimatedRows + " rows)");
        }
    }

    private Partitions() {
    }

    public static List<Partition> leaves(Connection c, long table) throws SQLException {
        List<Partition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.relid::regclass::text, c.reltuples::bigint
                  FROM pg_partition_tree(?::oid) p JOIN pg_class c ON c.oid = p.relid
                 WHERE p.isleaf AND p.level > 0
                 ORDER BY p.relid::regclass::text""")) {
            ps.setLong(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Partition(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }
}
