package dev.pgbackfill.migrate.lint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@link Catalog} for {@code migrate check --db}, in one read-only transaction: it writes nothing (not even
 * pgbackfill's control schema), so it is safe to point at production. Sizes come from {@code pg_class.relpages} (heap,
 * TOAST and indexes), which takes no lock; the planner's statistics keep them as fresh as its row estimates. Tables are keyed as {@code schema.table}, and
 * by bare name for the schemas on the connection's search path, as an unqualified name in a revision resolves.
 */
public final class CatalogReader {
    private static final Pattern CHECK_NOT_NULL = Pattern.compile("^CHECK \\(\\(?(\"(?:[^\"]|\"\")+\"|[\\w$]+) IS NOT NULL\\)?\\)$");
    private static final String TABLES = """
            SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', coalesce(array_position(current_schemas(false), n.nspname), 0),
                   CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(greatest(l.reltuples, 0)), 0)::bigint FROM pg_partition_tree(c.oid) t
                                                     JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
                        ELSE c.reltuples::bigint END,
                   (SELECT coalesce(sum(r.relpages + coalesce(toast.relpages, 0)
                                        + (SELECT coalesce(sum(i.relpages), 0) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                                            WHERE x.indrelid = r.oid)), 0)::bigint * current_setting('block_size')::bigint
                      FROM (SELECT relid FROM pg_partition_tree(c.oid) UNION SELECT c.oid) t
                      JOIN pg_class r ON r.oid = t.relid LEFT JOIN pg_class toast ON toast.oid = r.reltoastrelid)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgbackfill')
               AND n.nspname NOT LIKE 'pg\\_%'""";
    // PostgreSQL 18 sets attnotnull for a NOT VALID not-null constraint too (contype 'n'): only a validated one proves it
    private static final String COLUMNS = """
            SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull AND NOT EXISTS (SELECT 1 FROM pg_constraint n WHERE n.conrelid = a.attrelid AND n.contype = 'n'
                                                   AND a.attnum = ANY (n.conkey) AND NOT n.convalidated),
                   EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND a.attnum = ANY (k.conkey))
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped""";
    private static final String CHECKS = "SELECT conrelid, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c' AND convalidated";
    private static final String FUNCTIONS = "SELECT n.nspname, p.proname, p.provolatile FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace";

    private CatalogReader() {
    }

    /** The database as the revisions of {@code scope} would meet it. */
    public static Catalog read(Connection c, String scope) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION READ ONLY");
            // pg_get_constraintdef waits behind a table's ACCESS EXCLUSIVE lock: a busy migration must not hang the check
            st.execute("SET LOCAL lock_timeout = '2s'");
            st.execute("SET LOCAL statement_timeout = '30s'");
            Map<Long, TableBuilder> byOid = tables(st);
            columns(st, byOid);
            checks(st, byOid);
            Map<String, Catalog.Table> out = new HashMap<>();
            // a bare name resolves to the first schema of the search path that holds it
            for (TableBuilder t : byOid.values().stream().sorted(java.util.Comparator.comparingInt(b -> -b.searchPathPosition)).toList()) {
                Catalog.Table table = t.build();
                out.put(t.schema + "." + t.name, table);
                if (t.searchPathPosition > 0) {
                    out.put(t.name, table);
                }
            }
            return new Catalog(serverVersion(st), Map.copyOf(out), functions(st), applied(c, scope), partitionedIndexes(st));
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
    }

    private static final class TableBuilder {
        final String schema;
        final String name;
        final boolean partitioned;
        final int searchPathPosition; // 1-based; 0 when not on it
        final long rows;
        final long bytes;
        final Map<String, String> columns = new HashMap<>();
        final Set<String> notNull = new HashSet<>();
        final Set<String> checked = new HashSet<>();

        TableBuilder(String schema, String name, boolean partitioned, int searchPathPosition, long rows, long bytes) {
            this.schema = schema;
            this.name = name;
            this.partitioned = partitioned;
            this.searchPathPosition = searchPathPosition;
            this.rows = rows;
            this.bytes = bytes;
        }

        Catalog.Table build() {
            return new Catalog.Table(searchPathPosition > 0 ? name : schema + "." + name, partitioned, rows, bytes, Map.copyOf(columns), Set.copyOf(notNull), Set.copyOf(checked));
        }
    }

    private static Map<Long, TableBuilder> tables(Statement st) throws SQLException {
        Map<Long, TableBuilder> out = new HashMap<>();
        try (ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                out.put(rs.getLong(1), new TableBuilder(rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getInt(5), rs.getLong(6),
                        rs.getLong(7)));
            }
        }
        return out;
    }

    private static void columns(Statement st, Map<Long, TableBuilder> byOid) throws SQLException {
        try (ResultSet rs = st.executeQuery(COLUMNS)) {
            while (rs.next()) {
                TableBuilder t = byOid.get(rs.getLong(1));
                if (t != null) {
                    t.columns.put(rs.getString(2), rs.getString(3));
                    if (rs.getBoolean(4)) {
                        t.notNull.add(rs.getString(2));
                    }
                    if (rs.getBoolean(5)) {
                        t.checked.add(rs.getString(2));
                    }
                }
            }
        }
    }

    /** A validated {@code CHECK (col IS NOT NULL)} proves the column NOT NULL as well as the attribute does. */
    private static void checks(Statement st, Map<Long, TableBuilder> byOid) throws SQLException {
        try (ResultSet rs = st.executeQuery(CHECKS)) {
            while (rs.next()) {
                TableBuilder t = byOid.get(rs.getLong(1));
                Matcher m = CHECK_NOT_NULL.matcher(rs.getString(2));
                if (t != null && m.matches()) {
                    String column = m.group(1).startsWith("\"") ? m.group(1).substring(1, m.group(1).length() - 1).replace("\"\"", "\"") : m.group(1);
                    t.notNull.add(column);
                }
            }
        }
    }

    /** Partitioned indexes by {@code schema.name}, and by bare name for the schemas on the search path. */
    private static Set<String> partitionedIndexes(Statement st) throws SQLException {
        Set<String> out = new HashSet<>();
        try (ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, n.nspname = ANY (current_schemas(false)) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'I'")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "." + rs.getString(2));
                if (rs.getBoolean(3)) {
                    out.add(rs.getString(2));
                }
            }
        }
        return Set.copyOf(out);
    }

    /** By bare and qualified name; an overloaded name takes its most volatile variant. */
    private static Map<String, Character> functions(Statement st) throws SQLException {
        Map<String, Character> out = new HashMap<>();
        try (ResultSet rs = st.executeQuery(FUNCTIONS)) {
            while (rs.next()) {
                char v = rs.getString(3).charAt(0);
                out.merge(rs.getString(2).toLowerCase(java.util.Locale.ROOT), v, CatalogReader::moreVolatile);
                out.merge((rs.getString(1) + "." + rs.getString(2)).toLowerCase(java.util.Locale.ROOT), v, CatalogReader::moreVolatile);
            }
        }
        return Map.copyOf(out);
    }

    private static Character moreVolatile(Character a, Character b) {
        return "isv".indexOf(a) >= "isv".indexOf(b) ? a : b;
    }

    private static int serverVersion(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Revisions of the scope that ran to their end; none when pgbackfill never ran here. */
    private static Set<String> applied(Connection c, String scope) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT to_regclass('pgbackfill.migration_version') IS NOT NULL")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Set.of();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT revision FROM pgbackfill.migration_version WHERE scope = ? AND phase_done = 'contract' AND down_steps_done = 0")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return Set.copyOf(out);
    }
}
