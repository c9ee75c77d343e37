package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.job.JobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Read-only views for the dashboard and the API: a job's rate history and chunk map, the workers. */
public final class ClusterView {
    /** Rows done at one moment; the dashboard draws the rate from consecutive samples. */
    public record RateSample(String at, long rowsDone) {
    }

    /** One chunk as the chunk map shows it. */
    public record ChunkInfo(int chunkNo, String state, long rowsDone, int attempts, long stuckRows, String owner, String leaseExpiresAt) {
    }

    /**
     * One worker process.
     *
     * @param alive a heartbeat within the last 30 s (workers beat every 5 s)
     */
    public record WorkerInfo(String id, String host, long pid, int threads, String startedAt, String heartbeatAt, int chunksRunning, boolean alive) {
    }

    private final DataSource dataSource;
    private final JobStore jobs;

    public ClusterView(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jobs = new JobStore(dataSource);
    }

    public List<RateSample> samples(long jobId, Duration window) {
        jobs.status(jobId); // unknown job → 404
        return query("""
                SELECT at, rows_done FROM pgbackfill.job_sample WHERE job_id = ? AND at > clock_timestamp() - ? * interval '1 second' ORDER BY at""",
                ps -> {
                    ps.setLong(1, jobId);
                    ps.setLong(2, window.toSeconds());
                },
                rs -> new RateSample(rs.getTimestamp(1).toInstant().toString(), rs.getLong(2)));
    }

    public List<ChunkInfo> chunks(long jobId) {
        jobs.status(jobId);
        return query("""
                SELECT chunk_no, state, rows_done, attempts, stuck_rows, lease_owner, lease_expires_at
                  FROM pgbackfill.chunk WHERE job_id = ? ORDER BY chunk_no""",
                ps -> ps.setLong(1, jobId),
                rs -> new ChunkInfo(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getLong(5), rs.getString(6),
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant().toString()));
    }

    public List<WorkerInfo> workers() {
        return query("""
                SELECT w.id, w.host, w.pid, w.threads, w.started_at, w.heartbeat_at,
                       (SELECT count(*) FROM pgbackfill.chunk c WHERE c.lease_owner = w.id AND c.state = 'RUNNING' AND c.lease_expires_at > now()),
                       w.heartbeat_at > now() - interval '30 seconds'
                  FROM pgbackfill.worker w
                 WHERE w.heartbeat_at > now() - interval '1 hour'
                 ORDER BY w.started_at""",
                ps -> {
                },
                rs -> new WorkerInfo(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getTimestamp(5).toInstant().toString(),
                        rs.getTimestamp(6).toInstant().toString(), rs.getInt(7), rs.getBoolean(8)));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        List<T> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the control schema failed: " + e.getMessage(), e);
        }
        return out;
    }
}
