package dev.pgbackfill.coordinator.control;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.chunk.ChunkState;
import dev.pgbackfill.error.DatabaseException;
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

    /**
     * One chunk as the chunk map shows it, or a run of neighbouring chunks ({@code chunkNo}..{@code lastChunkNo})
     * shown as one cell: its state is the most pressing of theirs (STUCK, then RUNNING, PENDING, DONE). {@code partition}:
     * the leaf partition its chunks walk, when they all walk the same one.
     */
    public record ChunkInfo(int chunkNo, int lastChunkNo, String state, long rowsDone, int attempts, long stuckRows, @Nullable String owner,
                            @Nullable String leaseExpiresAt, @Nullable String partition) {
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
        return chunks(jobId, Integer.MAX_VALUE);
    }

    /** The chunks, merged into at most {@code cells} runs of neighbours when there are more (a big job's map). */
    public List<ChunkInfo> chunks(long jobId, int cells) {
        jobs.status(jobId);
        return query("""
                SELECT min(chunk_no), max(chunk_no),
                       CASE WHEN bool_or(state = %1$s) THEN %1$s WHEN bool_or(state = %2$s) THEN %2$s
                            WHEN bool_or(state = %3$s) THEN %3$s ELSE %4$s END,
                       sum(rows_done), max(attempts), sum(stuck_rows), min(lease_owner), min(lease_expires_at),
                       CASE WHEN count(DISTINCT partition->>'name') = 1 THEN min(partition->>'name') END
                  FROM (SELECT c.*, ntile(?) OVER (ORDER BY chunk_no) AS cell FROM pgbackfill.chunk c WHERE job_id = ?) c
                 GROUP BY cell ORDER BY 1""".formatted(ChunkState.STUCK.sql(), ChunkState.RUNNING.sql(), ChunkState.PENDING.sql(), ChunkState.DONE.sql()),
                ps -> {
                    ps.setInt(1, cells);
                    ps.setLong(2, jobId);
                },
                rs -> new ChunkInfo(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getLong(4), rs.getInt(5), rs.getLong(6), rs.getString(7),
                        rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant().toString(), rs.getString(9)));
    }

    public List<WorkerInfo> workers() {
        return query("""
                SELECT w.id, w.host, w.pid, w.threads, w.started_at, w.heartbeat_at,
                       (SELECT count(*) FROM pgbackfill.chunk c WHERE c.lease_owner = w.id AND c.state = %s AND c.lease_expires_at > now()),
                       w.heartbeat_at > now() - interval '30 seconds'
                  FROM pgbackfill.worker w
                 WHERE w.heartbeat_at > now() - interval '1 hour'
                 ORDER BY w.started_at""".formatted(ChunkState.RUNNING.sql()),
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
            throw DatabaseException.wrap("reading the control schema", e);
        }
        return out;
    }
}
