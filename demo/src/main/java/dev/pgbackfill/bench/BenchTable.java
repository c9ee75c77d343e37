package dev.pgbackfill.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The benchmark table, generated afresh (and vacuumed) before every method so each starts from the same state. */
public record BenchTable(DataSource dataSource, long rows, String keyType) {
    public static final String NAME = "pgbf_bench";

    public void reset() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = 0");
            st.execute("DROP TABLE IF EXISTS " + NAME);
            String key = keyType.equals("uuid") ? "id uuid PRIMARY KEY DEFAULT gen_random_uuid()" : "id bigint PRIMARY KEY";
            st.execute("CREATE TABLE " + NAME + " (" + key + ", a int NOT NULL, payload text NOT NULL, b int)");
            st.execute(keyType.equals("uuid")
                    ? "INSERT INTO " + NAME + " (a, payload) SELECT g % 1000, md5(g::text) FROM generate_series(1, " + rows + ") g"
                    : "INSERT INTO " + NAME + " (id, a, payload) SELECT g, g % 1000, md5(g::text) FROM generate_series(1, " + rows + ") g");
            st.execute("VACUUM ANALYZE " + NAME);
            st.execute("CHECKPOINT");
        }
    }

    /** Turns autovacuum on or off for the table, so that a measurement's windows are not compared across one. */
    public void autovacuum(boolean enabled) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + NAME + " SET (autovacuum_enabled = " + enabled + ")");
        }
    }

    /** Rows not yet backfilled (0 after a correct run). */
    public long remaining() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM " + NAME + " WHERE b IS DISTINCT FROM a + 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
