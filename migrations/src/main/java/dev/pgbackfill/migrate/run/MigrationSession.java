package dev.pgbackfill.migrate.run;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One connection for the whole run, holding the scope's advisory lock, so that one runner at a time changes a
 * scope. It leaves the pool afterwards (evicted, not returned): a revision may have changed its session
 * (search_path, role, timeouts), and the next user of a pooled connection must not inherit that.
 */
final class MigrationSession implements AutoCloseable {
    private static final int LOCK_NAMESPACE = 0x70676266; // "pgbf"

    @FunctionalInterface
    interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private final MigrationContext ctx;
    private final Connection c;
    /** Whether this run has written anything yet: refusals say whether "nothing was changed" is true. */
    boolean changed;
    /** Revisions whose backfills passed the contract gate in this run. */
    final Set<String> gated = new HashSet<>();

    MigrationSession(MigrationContext ctx) {
        this.ctx = ctx;
        Connection conn = null;
        try {
            conn = ctx.dataSource().getConnection();
            conn.setAutoCommit(true);
            c = conn;
            lock();
        } catch (SQLException | RuntimeException e) {
            if (conn != null) {
                discard(ctx.dataSource(), conn);
            }
            if (e instanceof SQLException sql) {
                throw DatabaseException.wrap("opening the migration session", sql);
            }
            throw (RuntimeException) e;
        }
    }

    Connection connection() {
        return c;
    }

    private void lock() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        boolean told = false;
        while (!tryLock()) {
            if (System.nanoTime() > deadline) {
                throw new MigrationRefusedException("another migrate runner has held the migration lock (scope " + ctx.settings().scope()
                        + ") for 10 minutes; check pg_locks for the advisory lock and its session");
            }
            if (!told) {
                ctx.log().accept("waiting for another migrate runner of scope " + ctx.settings().scope() + " to finish...");
                told = true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the migration lock", e);
            }
        }
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, "migrate:" + ctx.settings().scope());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The scope's version rows, refusing revisions this set does not define. */
    Map<String, VersionRow> rows() {
        try {
            Map<String, VersionRow> rows = ctx.store().load(c);
            ctx.refuseUnknown(rows);
            return rows;
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading pgbackfill.migration_version", e);
        }
    }

    /** The scope's version rows as they are, revisions this set does not define included (for stamp --purge). */
    Map<String, VersionRow> rawRows() {
        try {
            return ctx.store().load(c);
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading pgbackfill.migration_version", e);
        }
    }

    /** Records progress (version or history rows) on the session's connection. */
    void sql(SqlWork work) {
        try {
            changed = true;
            work.run(c);
        } catch (SQLException e) {
            throw DatabaseException.wrap("recording migration progress", e);
        }
    }

    @Override
    public void close() {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, LOCK_NAMESPACE);
            ps.setString(2, "migrate:" + ctx.settings().scope());
            ps.execute();
        } catch (SQLException e) {
            ctx.log().accept("releasing the migration lock failed (" + SqlErrors.firstLine(e.getMessage()) + "); closing the session releases it");
        }
        discard(ctx.dataSource(), c);
    }

    /** Closes the connection for good (evicted from a Hikari pool), which also ends its session and its advisory locks. */
    private static void discard(DataSource dataSource, Connection c) {
        try {
            if (dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
                dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the pool's own checks drop a broken connection
            }
        }
    }
}
