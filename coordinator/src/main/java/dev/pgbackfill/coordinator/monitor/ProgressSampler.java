package dev.pgbackfill.coordinator.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Samples a job's rows done into {@code pgbackfill.job_sample}, from which the status computes the recent rate
 * and the dashboard draws the rate chart; samples older than two hours are dropped.
 */
public final class ProgressSampler {

    /** Adds one sample of the job's rows done, on the caller's transaction. */
    public void sample(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.job_sample (job_id, rows_done)
                SELECT ?, coalesce(sum(rows_done), 0) FROM pgbackfill.chunk WHERE job_id = ?""")) {
            ps.setLong(1, jobId);
            ps.setLong(2, jobId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM pgbackfill.job_sample WHERE job_id = ? AND at < clock_timestamp() - interval '2 hours'")) {
            ps.setLong(1, jobId);
            ps.executeUpdate();
        }
    }
}
