package dev.pgbackfill.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, uniquely named database for one test class on a real PostgreSQL server ({@link PgServer}), dropped
 * after the class. Use as {@code @RegisterExtension static final TestDatabase db = new TestDatabase();}.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
    private String name;
    private String url;
    private final String adminUrl;                                // null: the shared server (PgServer)
    private final java.util.function.UnaryOperator<String> urlFor;

    public TestDatabase() {
        this(null, null);
    }

    private TestDatabase(String adminUrl, java.util.function.UnaryOperator<String> urlFor) {
        this.adminUrl = adminUrl;
        this.urlFor = urlFor;
    }

    /** A database on a server the test owns (e.g. {@link PrivatePostgres}) instead of the shared one. */
    public static TestDatabase on(PrivatePostgres server) {
        return new TestDatabase(server.adminUrl(), server::urlFor);
    }

    private String admin() {
        return adminUrl != null ? adminUrl : PgServer.get().adminUrl();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        create(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        drop();
    }

    /** Creates the database (for use outside JUnit's lifecycle, e.g. benchmarks). */
    public TestDatabase create(String label) {
        name = "pgbf_t_" + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").replaceAll("^(.{0,30}).*", "$1")
                + "_" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        try (Connection c = DriverManager.getConnection(admin()); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        url = urlFor != null ? urlFor.apply(name) : PgServer.get().urlFor(name);
        return this;
    }

    public void drop() {
        if (name == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(admin()); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("[testkit] could not drop " + name + ": " + e.getMessage());
        }
        name = null;
    }

    public String name() {
        return name;
    }

    /** JDBC URL of this database (credentials included as URL parameters). */
    public String url() {
        return url;
    }

    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        return ds;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Runs SQL (several statements allowed) in autocommit. */
    public void exec(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
        }
    }

    public long queryLong(String sql, Object... params) {
        List<List<String>> rows = query(sql, params);
        return Long.parseLong(rows.get(0).get(0));
    }

    public String queryString(String sql, Object... params) {
        return query(sql, params).get(0).get(0);
    }

    /** All rows as text. */
    public List<List<String>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
        }
    }

    /**
     * A fingerprint of the database's user-visible state: every table's catalog shape and an md5 of its rows,
     * plus the list of schemas. Equal before and after means "nothing changed".
     */
    public String fingerprint() {
        return queryString("""
                SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (
                  SELECT 'schema ' || nspname AS x FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
                  UNION ALL
                  SELECT 'col ' || c.oid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind IN ('r', 'p', 'i', 'v', 'S') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                  UNION ALL
                  SELECT 'rows ' || c.oid::regclass || ' ' || (xpath('//m/text()',
                         query_to_xml(format('SELECT coalesce(md5(string_agg(r::text, '','' ORDER BY r::text)), ''-'') AS m FROM %s r', c.oid::regclass), false, false, '')))[1]::text
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
                ) s""");
    }
}
