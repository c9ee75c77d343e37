package dev.pgbackfill.coordinator.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The user triggers an UPDATE of the table fires: its own and its partitions' (a trigger a partition inherits from
 * its parent is listed once, on the parent). Disabled triggers and PostgreSQL's internal ones (foreign keys) are left
 * out; foreign keys are {@link #foreignKeysOn}'s.
 */
public final class Triggers {
    private Triggers() {
    }

    public static List<Trigger> onUpdate(Connection c, long table) throws SQLException {
        List<Trigger> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT quote_ident(t.tgname), t.tgrelid::regclass::text, t.tgtype, t.tgenabled
                  FROM pg_trigger t
                 WHERE t.tgrelid IN (SELECT ?::oid UNION ALL SELECT relid FROM pg_partition_tree(?::oid) WHERE level > 0)
                   AND NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgenabled <> 'D' AND t.tgtype & ? <> 0
                 ORDER BY t.tgrelid <> ?::oid, t.tgname""")) {
            ps.setLong(1, table);
            ps.setLong(2, table);
            ps.setInt(3, Trigger.UPDATE);
            ps.setLong(4, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int type = rs.getInt(3);
                    String timing = (type & Trigger.INSTEAD) != 0 ? "INSTEAD OF" : (type & Trigger.BEFORE) != 0 ? "BEFORE" : "AFTER";
                    String firesAs = switch (rs.getString(4)) {
                        case "A" -> "ALWAYS";
                        case "R" -> "REPLICA";
                        default -> "ORIGIN";
                    };
                    out.add(new Trigger(rs.getString(1), rs.getString(2), timing, (type & Trigger.ROW) != 0, firesAs));
                }
            }
        }
        return out;
    }

    /**
     * Foreign keys that check or act on the given columns of the table, either way: its own foreign keys on them, and
     * other tables' foreign keys that reference them. {@code session_replication_role = replica} skips them all.
     */
    public static List<String> foreignKeysOn(Connection c, long table, List<String> columns) throws SQLException {
        List<String> out = new ArrayList<>();
        // the table and its partitions: a foreign key can be defined on a partition alone, and batches update partitions
        try (PreparedStatement ps = c.prepareStatement("""
                WITH tree AS (SELECT ?::oid AS relid UNION SELECT relid FROM pg_partition_tree(?::oid))
                SELECT DISTINCT quote_ident(k.conname) || ' on ' || k.conrelid::regclass::text
                  FROM pg_constraint k
                  JOIN pg_attribute a
                    ON (k.conrelid IN (SELECT relid FROM tree) AND a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey))
                    OR (k.confrelid IN (SELECT relid FROM tree) AND a.attrelid = k.confrelid AND a.attnum = ANY (k.confkey))
                 WHERE k.contype = 'f' AND a.attname = ANY (?) AND k.conparentid = 0
                 ORDER BY 1""")) {
            ps.setLong(1, table);
            ps.setLong(2, table);
            ps.setArray(3, c.createArrayOf("text", columns.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
