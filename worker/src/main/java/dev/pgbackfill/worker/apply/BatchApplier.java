package dev.pgbackfill.worker.apply;

import dev.pgbackfill.error.SqlErrors;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.LeaseStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs one batch: lock the next slice after the cursor ({@code FOR UPDATE SKIP LOCKED}), update it, and write the
 * checkpoint under the lease fence, all in one transaction. Either the rows and the checkpoint commit together, or
 * neither does: a crash, a lost lease or a paused job loses no row and repeats none.
 */
public final class BatchApplier {
    /** How long the optimistic batch waits for a row lock before it yields the slice to the SKIP LOCKED batch. */
    static final int OPTIMISTIC_LOCK_TIMEOUT_MS = 50;

    private final DataSource dataSource;
    private final LeaseStore leases;
    private final String lockTimeoutMs;

    public BatchApplier(DataSource dataSource, LeaseStore leases, java.time.Duration lockTimeout) {
        this.dataSource = dataSource;
        this.leases = leases;
        this.lockTimeoutMs = Long.toString(lockTimeout.toMillis());
    }

    /** The SKIP LOCKED batch only (see {@link #apply(BatchSql, ChunkLease, List, int, boolean)}). */
    public BatchResult apply(BatchSql sql, ChunkLease lease, List<String> cursor, int limit) throws SQLException {
        return apply(sql, lease, cursor, limit, false);
    }

    /**
     * One batch and its fenced checkpoint, in one transaction. With {@code optimistic}, the next {@code limit} keys
     * are first updated by a plain bounded UPDATE that waits up to {@value #OPTIMISTIC_LOCK_TIMEOUT_MS} ms for row
     * locks (each row written once, like an in-server loop); if a row stays locked (or a deadlock is detected) the
     * slice is rolled back to a savepoint and done by the SKIP LOCKED batch instead ({@link BatchResult#optimistic()}
     * tells which ran). Either way no row is skipped without the sweep seeing it later.
     */
    public BatchResult apply(BatchSql sql, ChunkLease lease, List<String> cursor, int limit, boolean optimistic) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (sql.spec().disableTriggers()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET LOCAL session_replication_role = replica"); // --disable-triggers: checked at launch
                    }
                }
                BatchResult result = optimistic ? tryRange(c, sql, cursor, lease.hi(), limit) : null;
                if (result == null) {
                    result = execute(c, sql, cursor, lease.hi(), limit);
                }
                leases.checkpoint(c, lease, result.lastKey(), result.updated(), !result.optimistic());
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The optimistic batch, or null when a row lock got in the way. When fewer than {@code limit} keys remain in the
     * range, it updates them all and reports {@code locked = 0}: the end of the pass (the cursor stays where it was,
     * so a resumed chunk simply finds nothing left to change there).
     */
    private BatchResult tryRange(Connection c, BatchSql sql, List<String> lower, List<String> upper, int limit) throws SQLException {
        List<String> end = null;
        try (PreparedStatement ps = c.prepareStatement(sql.sliceEnd(lower != null, upper != null))) {
            int i = BatchSql.bindRange(ps, lower, upper);
            ps.setInt(i, limit - 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    int n = sql.spec().keys().size();
                    end = new ArrayList<>(n);
                    for (int k = 1; k <= n; k++) {
                        end.add(rs.getString(k));
                    }
                }
            }
        }
        boolean tail = end == null;
        List<String> to = tail ? upper : end;
        Savepoint before = c.setSavepoint();
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = " + OPTIMISTIC_LOCK_TIMEOUT_MS);
            long updated;
            try (PreparedStatement ps = c.prepareStatement(sql.rangeUpdate(lower != null, to != null))) {
                BatchSql.bindRange(ps, lower, to);
                updated = ps.executeLargeUpdate();
            }
            st.execute("SET LOCAL lock_timeout = " + lockTimeoutMs);
            c.releaseSavepoint(before);
            return tail ? new BatchResult(updated, 0, null, true) : new BatchResult(updated, limit, end, true);
        } catch (SQLException e) {
            if (SqlErrors.isLockTimeoutOrDeadlock(e)) {
                c.rollback(before); // also undoes the SET LOCAL
                return null;
            }
            throw e;
        }
    }

    private static BatchResult execute(Connection c, BatchSql sql, List<String> lower, List<String> upper, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.batch(lower != null, upper != null))) {
            int i = BatchSql.bindRange(ps, lower, upper);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long updated = rs.getLong(1);
                long locked = rs.getLong(2);
                List<String> last = null;
                if (locked > 0) {
                    int n = sql.spec().keys().size();
                    last = new ArrayList<>(n);
                    for (int k = 0; k < n; k++) {
                        last.add(rs.getString(3 + k));
                    }
                }
                return new BatchResult(updated, locked, last, false);
            }
        }
    }

    /** Keys (up to {@code limit}) of rows in the range still matching the predicate; reads without locking. */
    public List<List<String>> remaining(BatchSql sql, List<String> lo, List<String> hi, int limit) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.remaining(lo != null, hi != null))) {
            int i = BatchSql.bindRange(ps, lo, hi);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                int n = sql.spec().keys().size();
                while (rs.next()) {
                    List<String> key = new ArrayList<>(n);
                    for (int k = 1; k <= n; k++) {
                        key.add(rs.getString(k));
                    }
                    keys.add(key);
                }
            }
        }
        return keys;
    }
}
