package dev.pgbackfill.coordinator.catalog;

import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.Suggestions;
import dev.pgbackfill.error.UnknownTableException;
import dev.pgbackfill.sql.Identifier;
import dev.pgbackfill.sql.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads table metadata from the PostgreSQL catalog (read-only; never takes locks beyond catalog reads). */
public final class TableInspector {
    private final Connection connection;

    public TableInspector(Connection connection) {
        this.connection = connection;
    }

    /** Resolves a table name as typed ({@code users}, {@code sales."Order Items"}) against the search path. */
    public TableInfo inspect(String typed) throws SQLException {
        List<String> parts = Identifier.parse("table", typed);
        if (parts.size() > 2) {
            throw new InvalidInputException("table", "--table '" + typed + "': use table or schema.table (no database name)");
        }
        String schema = parts.size() == 2 ? parts.get(0) : null;
        String name = parts.get(parts.size() - 1);
        if (ControlSchema.SCHEMA.equals(schema) || "pg_catalog".equals(schema) || "information_schema".equals(schema)) {
            throw new InvalidInputException("table", "--table '" + typed + "': pgbackfill does not backfill system or its own tables");
        }
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT c.oid, n.nspname, c.relname, c.reltuples
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relname = ? AND c.relkind IN ('r', 'p')
                   AND (n.nspname = ? OR (?::text IS NULL AND n.nspname = ANY (current_schemas(false))))
                 ORDER BY array_position(current_schemas(false), n.nspname) NULLS LAST
                 LIMIT 1""")) {
            ps.setString(1, name);
            ps.setString(2, schema);
            ps.setString(3, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    String shown = schema == null ? Identifier.quote(name) : Identifier.quote(schema) + "." + Identifier.quote(name);
                    NotATable.refuseIfOtherRelation(connection, shown, schema, name);
                    throw new UnknownTableException(shown, Suggestions.closest(name, candidates(schema)).orElse(null));
                }
                long oid = rs.getLong(1);
                return new TableInfo(oid, new QualifiedName(rs.getString(2), rs.getString(3)), columns(oid), primaryKey(oid),
                        uniqueKeys(oid), rs.getDouble(4));
            }
        }
    }

    private List<String> candidates(String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND (n.nspname = ? OR (?::text IS NULL AND n.nspname = ANY (current_schemas(false))))""")) {
            ps.setString(1, schema);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private Map<String, TableInfo.Column> columns(long oid) throws SQLException {
        Map<String, TableInfo.Column> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT attname, format_type(atttypid, atttypmod), attnotnull, attgenerated <> ''
                  FROM pg_attribute WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new TableInfo.Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        return out;
    }

    private List<String> primaryKey(long oid) throws SQLException {
        List<List<String>> keys = indexKeys(oid, "i.indisprimary");
        return keys.isEmpty() ? List.of() : keys.get(0);
    }

    /** Column sets of valid, non-partial unique indexes on plain columns. */
    private List<List<String>> uniqueKeys(long oid) throws SQLException {
        return indexKeys(oid, "i.indisunique AND i.indisvalid AND i.indpred IS NULL AND NOT (0 = ANY (i.indkey::int2[]))");
    }

    private List<List<String>> indexKeys(long oid, String condition) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("""
                SELECT i.indexrelid, array_agg(a.attname ORDER BY k.ord)
                  FROM pg_index i
                  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE i.indrelid = ? AND k.ord <= i.indnkeyatts AND (""" + condition + ")" + """

                 GROUP BY i.indexrelid ORDER BY i.indexrelid""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(List.of((String[]) rs.getArray(2).getArray()));
                }
            }
        }
        return out;
    }
}
