package dev.pgbackfill.migrate.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a migration can change in the catalog, as sorted readable lines: tables, views and sequences, columns
 * (type, nullability, default; not their position, which a re-added column cannot keep), constraints, indexes
 * (and whether they are valid), triggers and functions. pgbackfill's own schema and the system ones are left out.
 */
public record CatalogSnapshot(List<String> lines) {
    private static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgbackfill') AND n.nspname NOT LIKE 'pg\\_%'";

    private static final List<String> QUERIES = List.of(
            "SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' "
                    + "WHEN 'v' THEN 'view: ' || pg_get_viewdef(c.oid) WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence' ELSE c.relkind::text END "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + USER_SCHEMAS,
            "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
                    + "|| CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') "
                    + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    + "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + USER_SCHEMAS,
            "SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ': ' || pg_get_constraintdef(k.oid) "
                    + "|| CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END "
                    + "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMAS,
            "SELECT 'index ' || n.nspname || '.' || c.relname || ': ' || pg_get_indexdef(i.indexrelid) "
                    + "|| CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END "
                    + "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMAS,
            "SELECT 'trigger ' || n.nspname || '.' || c.relname || ' ' || t.tgname || ': ' || pg_get_triggerdef(t.oid) "
                    + "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " + USER_SCHEMAS,
            "SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') body md5 ' || md5(p.prosrc) "
                    + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMAS);

    public static CatalogSnapshot take(Connection c) throws SQLException {
        TreeSet<String> lines = new TreeSet<>();
        try (Statement st = c.createStatement()) {
            for (String q : QUERIES) {
                try (ResultSet rs = st.executeQuery(q)) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            }
        }
        return new CatalogSnapshot(List.copyOf(lines));
    }

    /** Lines only in {@code this} ({@code - }) and only in {@code after} ({@code + }); empty when equal. */
    public List<String> diff(CatalogSnapshot after) {
        TreeSet<String> before = new TreeSet<>(lines);
        TreeSet<String> now = new TreeSet<>(after.lines);
        List<String> out = new ArrayList<>();
        before.stream().filter(l -> !now.contains(l)).forEach(l -> out.add("- " + l));
        now.stream().filter(l -> !before.contains(l)).forEach(l -> out.add("+ " + l));
        return out;
    }
}
