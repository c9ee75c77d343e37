package dev.pgbackfill.worker.throttle;

import dev.pgbackfill.chunk.ChunkState;
import dev.pgbackfill.chunk.JobStoppedException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * A worker's view of each job's throttle settings, state and health, read from PostgreSQL at most once a second
 * per job (settings change while a job runs and are the same for every worker).
 */
final class JobViews {
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static final String SELECT = """
            SELECT j.state, j.throttle::text, j.health_reason,
                   (SELECT count(*) FROM pgbackfill.chunk c WHERE c.job_id = j.id AND c.state = %1$s),
                   g.rate,
                   CASE WHEN g.rate IS NULL THEN 0 ELSE (SELECT count(*) FROM pgbackfill.chunk c JOIN pgbackfill.job r ON r.id = c.job_id
                                                          WHERE c.state = %1$s AND r.state = 'RUNNING') END
              FROM pgbackfill.job j
              LEFT JOIN (SELECT (value #>> '{}')::float8 AS rate FROM pgbackfill.setting WHERE name = 'global_rate') g ON true
             WHERE j.id = ?""".formatted(ChunkState.RUNNING.sql());

    private final DataSource dataSource;
    private final LongConsumer onFinished;
    private final Map<Long, JobView> views = new ConcurrentHashMap<>();

    /** {@code onFinished}: called with a job's id when its view shows it finished, to forget what is kept per job. */
    JobViews(DataSource dataSource, LongConsumer onFinished) {
        this.dataSource = dataSource;
        this.onFinished = onFinished;
    }

    JobView get(long jobId) throws SQLException {
        JobView v = views.get(jobId);
        if (v != null && System.nanoTime() - v.loadedAtNanos() < REFRESH_NANOS) {
            return v;
        }
        v = read(jobId);
        if (v.state().isTerminal()) {
            onFinished.accept(jobId);
        }
        views.put(jobId, v);
        return v;
    }

    private JobView read(long jobId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new JobStoppedException(jobId, JobState.CANCELLED);
                }
                return new JobView(JobState.valueOf(rs.getString(1)), Json.read(rs.getString(2), ThrottleSettings.class), rs.getString(3),
                        rs.getLong(4), rs.getObject(5) == null ? null : rs.getDouble(5), rs.getLong(6), System.nanoTime());
            }
        }
    }
}
