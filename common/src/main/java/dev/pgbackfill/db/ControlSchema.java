package dev.pgbackfill.db;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.error.InvalidInputException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * pgbackfill's own tables, in schema {@code pgbackfill} of the target database, versioned with Flyway.
 * Installing is idempotent and safe from many processes at once: a session-level advisory lock serialises the
 * installers (Flyway's own lock only starts after it has created the schema, which itself can race).
 */
public final class ControlSchema {
    public static final String SCHEMA = "pgbackfill";
    /** NOTIFY channel a worker signals on when a chunk of a job is done (payload: the job id). */
    public static final String CHUNK_DONE_CHANNEL = "pgbackfill_chunk_done";
    private static final long INSTALL_LOCK = 0x7067626b66696c6cL; // "pgbkfill"

    private ControlSchema() {
    }

    private static void restore(Connection c, String lockTimeout) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
            ps.setString(1, lockTimeout);
            ps.execute();
        }
    }

    public static void install(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            String lockTimeout;
            try (java.sql.ResultSet rs = st.executeQuery("SHOW lock_timeout")) {
                rs.next();
                lockTimeout = rs.getString(1);
            }
            st.execute("SET lock_timeout = 0"); // wait as long as another installer takes
            st.execute("SELECT pg_advisory_lock(" + INSTALL_LOCK + ")");
            restore(c, lockTimeout); // the connection goes back to the pool: its statements keep the pool's timeout
            try {
                OfflineTables.moveAside(st);
                Flyway.configure()
                        .dataSource(dataSource)
                        .schemas(SCHEMA)
                        .defaultSchema(SCHEMA)
                        .locations("classpath:db/pgbackfill")
                        .table("flyway_schema_history")
                        .loggers("slf4j")
                        .load()
                        .migrate();
                OfflineTables.moveBack(c, st);
            } finally {
                st.execute("SELECT pg_advisory_unlock(" + INSTALL_LOCK + ")");
            }
        } catch (FlywayException e) {
            throw permissionOr(e, e);
        } catch (SQLException e) {
            throw permissionOr(e, e);
        }
    }

    private static RuntimeException permissionOr(Throwable e, Exception original) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && SqlErrors.INSUFFICIENT_PRIVILEGE.equals(s.getSQLState())) {
                String first = SqlErrors.firstLine(s.getMessage());
                return new InvalidInputException("db", "the database role may not create or use schema " + SCHEMA + " (" + first
                        + "); run pgbackfill once as the database owner, or GRANT CREATE ON DATABASE (to create it) or USAGE and "
                        + "SELECT, INSERT, UPDATE, DELETE on its tables (to use it) to this role");
            }
        }
        return DatabaseException.wrap("installing schema " + SCHEMA, original);
    }
}
