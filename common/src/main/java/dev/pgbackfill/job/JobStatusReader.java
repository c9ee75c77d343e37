package dev.pgbackfill.job;

import dev.pgbackfill.chunk.ChunkState;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleReason;
import dev.pgbackfill.throttle.ThrottleReasons;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** A job's status row: the job with its chunks' counts and its recent rate, read in one statement. */
final class JobStatusReader {
    private JobStatusReader() {
    }

    static final String SELECT = """
            SELECT j.id, j.state, j.target_table, j.rows_estimated, j.created_at, j.started_at, j.finished_at,
                   CASE WHEN j.state IN ('RUNNING', 'PAUSED')   -- a finished job has no throttle to explain
                        THEN coalesce(CASE WHEN j.state = 'PAUSED' THEN j.throttle_reason END, j.health_reason) END, j.last_error,
                   coalesce(c.rows_done, 0), coalesce(c.stuck_rows, 0), coalesce(c.total, 0), coalesce(c.done, 0),
                   coalesce(c.running, 0),
                   (SELECT (max(s.rows_done) - min(s.rows_done))::float8
                           / greatest(extract(epoch FROM max(s.at) - min(s.at)), 0.001)
                      FROM pgbackfill.job_sample s WHERE s.job_id = j.id AND s.at > clock_timestamp() - interval '30 seconds'
                    HAVING count(*) > 1) AS recent_rate,
                   extract(epoch FROM coalesce(j.finished_at, clock_timestamp()) - j.started_at) AS elapsed,
                   j.throttle::text, coalesce(c.workers, 0), coalesce(c.rows_reswept, 0), j.spec::text, j.resolved::text, j.plan::text
              FROM pgbackfill.job j
              LEFT JOIN LATERAL (
                   SELECT sum(rows_done) AS rows_done, sum(rows_reswept) AS rows_reswept, sum(stuck_rows) AS stuck_rows, count(*) AS total,
                          count(*) FILTER (WHERE state IN %1$s) AS done,
                          count(*) FILTER (WHERE state = %2$s) AS running,
                          count(DISTINCT lease_owner) FILTER (WHERE state = %2$s) AS workers
                     FROM pgbackfill.chunk WHERE job_id = j.id) c ON true
            """.formatted(ChunkState.sqlList(ChunkState.DONE, ChunkState.STUCK), ChunkState.RUNNING.sql());

    static JobStatus toStatus(ResultSet rs) throws SQLException {
        long rowsDone = rs.getLong(10);
        JobState state = JobState.valueOf(rs.getString(2));
        long estimated = state == JobState.SUCCEEDED ? rowsDone : Math.max(rs.getLong(4), rowsDone);
        double elapsed = rs.getDouble(16);
        double average = rs.getObject(16) == null || elapsed <= 0 ? 0 : rowsDone / elapsed;
        Object recentObj = rs.getObject(15);
        double recent = state == JobState.RUNNING ? (recentObj == null ? average : rs.getDouble(15)) : 0;
        Long eta = state == JobState.RUNNING && recent > 0 ? (long) Math.ceil((estimated - rowsDone) / recent) : null;
        String reason = rs.getString(8);
        ThrottleSettings throttle = Json.read(rs.getString(17), ThrottleSettings.class);
        if (reason == null && state == JobState.RUNNING) {
            ThrottleReason configured = ThrottleReasons.configured(throttle, java.time.Instant.now());
            reason = configured == null ? null : configured.text();
        }
        JobSpec spec = JobSpec.of(Json.read(rs.getString(20), BackfillSpec.class), Json.read(rs.getString(21), ResolvedSpec.class),
                Json.read(rs.getString(22), JobPlan.class), throttle);
        return new JobStatus(rs.getLong(1), state, rs.getString(3), rowsDone, estimated, round(recent), round(average), eta,
                iso(rs.getTimestamp(5)), iso(rs.getTimestamp(6)), iso(rs.getTimestamp(7)), reason,
                rs.getLong(11), rs.getInt(12), rs.getInt(13), rs.getInt(14), rs.getInt(18), rs.getString(9), rs.getLong(19), spec);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }
}
