package dev.pgbackfill.worker.apply;

import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.worker.lease.ChunkLease;
import dev.pgbackfill.worker.lease.LeaseStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs one batch: lock the next slice after the cursor ({@code FOR UPDATE SKIP LOCKED}), update it, and write the
 * checkpoint under the lease fence, all in one transaction. Either the rows and the checkpoint commit together, or
 * neither does: a crash, a lost lease or a paused job loses no row and repeats none.
 */
public final class BatchApplier {
    private final DataSource dataSource;
    private final LeaseStore leases;

    public BatchApplier(DataSource dataSource, LeaseStore leases) {
        this.dataSource = dataSource;
        this.leases = leases;
    }

    public BatchResult apply(BatchSql sql, ChunkLease lease, List<String> cursor, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                BatchResult result = execute(c, sql, cursor, lease.hi(), limit);
                leases.checkpoint(c, lease, result.lastKey(), result.updated());
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static BatchResult execute(Connection c, BatchSql sql, List<String> lower, List<String> upper, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.batch(lower != null, upper != null))) {
            int i = 1;
            if (lower != null) {
                i = BatchSql.bindKey(ps, i, lower);
            }
            if (upper != null) {
                i = BatchSql.bindKey(ps, i, upper);
            }
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
                return new BatchResult(updated, locked, last);
            }
        }
    }

    /** Keys (up to {@code limit}) of rows in the range still matching the predicate; reads without locking. */
    public List<List<String>> remaining(BatchSql sql, List<String> lo, List<String> hi, int limit) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.remaining(lo != null, hi != null))) {
            int i = 1;
            if (lo != null) {
                i = BatchSql.bindKey(ps, i, lo);
            }
            if (hi != null) {
                i = BatchSql.bindKey(ps, i, hi);
            }
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
