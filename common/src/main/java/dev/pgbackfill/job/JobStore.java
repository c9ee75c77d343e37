package dev.pgbackfill.job;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleReasons;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Jobs and their state history in the control schema. All state changes go through {@link #transition}. */
public class JobStore {
    private static final String STATUS_SELECT = """
            SELECT j.id, j.state, j.target_table, j.rows_estimated, j.created_at, j.started_at, j.finished_at,
                   coalesce(CASE WHEN j.state = 'PAUSED' THEN j.throttle_reason END, j.health_reason), j.last_error,
                   coalesce(c.rows_done, 0), coalesce(c.stuck_rows, 0), coalesce(c.total, 0), coalesce(c.done, 0),
                   coalesce(c.running, 0),
                   (SELECT (max(s.rows_done) - min(s.rows_done))::float8
                           / greatest(extract(epoch FROM max(s.at) - min(s.at)), 0.001)
                      FROM pgbackfill.job_sample s WHERE s.job_id = j.id AND s.at > clock_timestamp() - interval '30 seconds'
                    HAVING count(*) > 1) AS recent_rate,
                   extract(epoch FROM coalesce(j.finished_at, clock_timestamp()) - j.started_at) AS elapsed,
                   j.throttle::text, coalesce(c.workers, 0)
              FROM pgbackfill.job j
              LEFT JOIN LATERAL (
                   SELECT sum(rows_done) AS rows_done, sum(stuck_rows) AS stuck_rows, count(*) AS total,
                          count(*) FILTER (WHERE state IN ('DONE', 'STUCK')) AS done,
                          count(*) FILTER (WHERE state = 'RUNNING') AS running,
                          count(DISTINCT lease_owner) FILTER (WHERE state = 'RUNNING') AS workers
                     FROM pgbackfill.chunk WHERE job_id = j.id) c ON true
            """;

    private final DataSource dataSource;

    public JobStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Creates a job in PLANNING; returns its id. */
    public long create(Connection c, BackfillSpec spec, ResolvedSpec resolved, long rowsEstimated, String actor) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pgbackfill.job (state, target_table, spec, resolved, rows_estimated, throttle) "
                + "VALUES ('PLANNING', ?, ?::jsonb, ?::jsonb, ?, ?::jsonb) RETURNING id")) {
            ps.setString(1, resolved.table().toString());
            ps.setString(2, Json.write(spec));
            ps.setString(3, Json.write(resolved));
            ps.setLong(4, rowsEstimated);
            ps.setString(5, Json.write(spec.throttleOrNone()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        event(c, id, "state", null, JobState.PLANNING, actor, "launched");
        return id;
    }

    public ThrottleSettings throttle(long jobId) {
        return query("SELECT throttle::text FROM pgbackfill.job WHERE id = ?", jobId, rs -> Json.read(rs.getString(1), ThrottleSettings.class))
                .orElseThrow(() -> new JobNotFoundException(jobId));
    }

    /** Replaces a job's throttle settings (validated), recording who changed what. Works in any state. */
    public ThrottleSettings setThrottle(long jobId, ThrottleSettings settings, String actor, String description) {
        settings.validated();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            JobState state;
            try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.job SET throttle = ?::jsonb, updated_at = now() WHERE id = ? RETURNING state")) {
                ps.setString(1, Json.write(settings));
                ps.setLong(2, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new JobNotFoundException(jobId);
                    }
                    state = JobState.valueOf(rs.getString(1));
                }
            }
            event(c, jobId, "throttle", state, state, actor, description);
            c.commit();
            return settings;
        } catch (SQLException e) {
            throw new IllegalStateException("changing the throttle of job " + jobId + " failed: " + e.getMessage(), e);
        }
    }

    /** Records the health verdict for a job (null = healthy); returns true when it changed. */
    public boolean setHealth(long jobId, String reason) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE pgbackfill.job SET health_reason = ? WHERE id = ? AND health_reason IS DISTINCT FROM ? RETURNING state")) {
                ps.setString(1, reason);
                ps.setLong(2, jobId);
                ps.setString(3, reason);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return false;
                    }
                    JobState state = JobState.valueOf(rs.getString(1));
                    event(c, jobId, "health", state, state, "health", reason == null ? "healthy again" : reason);
                }
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The cluster-wide rows/s budget shared by every running job, or null. */
    public Double globalRate() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT (value #>> '{}')::float8 FROM pgbackfill.setting WHERE name = 'global_rate'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getDouble(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public void setGlobalRate(Double rowsPerSecond) {
        if (rowsPerSecond != null && (!(rowsPerSecond > 0) || rowsPerSecond.isInfinite())) {
            throw new InvalidInputException("globalRate", "the global rate must be a positive number of rows per second, got " + rowsPerSecond);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(rowsPerSecond == null ? "DELETE FROM pgbackfill.setting WHERE name = 'global_rate'"
                     : "INSERT INTO pgbackfill.setting (name, value) VALUES ('global_rate', to_jsonb(?::float8)) "
                     + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            if (rowsPerSecond != null) {
                ps.setDouble(1, rowsPerSecond);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public ResolvedSpec resolvedSpec(long jobId) {
        return query("SELECT resolved::text FROM pgbackfill.job WHERE id = ?", jobId, rs -> Json.read(rs.getString(1), ResolvedSpec.class))
                .orElseThrow(() -> new JobNotFoundException(jobId));
    }

    public JobState state(long jobId) {
        return query("SELECT state FROM pgbackfill.job WHERE id = ?", jobId, rs -> JobState.valueOf(rs.getString(1)))
                .orElseThrow(() -> new JobNotFoundException(jobId));
    }

    /**
     * Moves a job to {@code to} and records who and why. Idempotent: asking for the state the job is already in
     * succeeds and changes nothing (returns false). A move the state machine does not allow is refused.
     * The row lock waits for batches in flight (they hold the job row FOR SHARE until they commit), so once this
     * returns PAUSED or CANCELLED no further batch of the job commits.
     */
    public boolean transition(long jobId, JobState to, String actor, String reason) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean changed = transition(c, jobId, to, actor, reason);
                c.commit();
                return changed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("changing job " + jobId + " to " + to + " failed: " + e.getMessage(), e);
        }
    }

    public boolean transition(Connection c, long jobId, JobState to, String actor, String reason) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = '60s'");
        }
        JobState from;
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM pgbackfill.job WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new JobNotFoundException(jobId);
                }
                from = JobState.valueOf(rs.getString(1));
            }
        }
        if (from == to || isNoOpOnFinished(from, to)) {
            return false;
        }
        if (!to.allowedFrom().contains(from)) {
            throw new InvalidInputException("state", "job " + jobId + " is " + from + "; it cannot become " + to
                    + (from.isTerminal() ? " (it has finished)" : ""));
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pgbackfill.job SET state = ?, updated_at = now(),
                       started_at = CASE WHEN ? = 'RUNNING' THEN coalesce(started_at, now()) ELSE started_at END,
                       finished_at = CASE WHEN ? IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN now() WHEN ? = 'RUNNING' THEN NULL ELSE finished_at END,
                       last_error = CASE WHEN ? = 'FAILED' THEN ? ELSE last_error END,
                       throttle_reason = CASE WHEN ? = 'PAUSED' THEN ? WHEN ? = 'RUNNING' THEN NULL ELSE throttle_reason END
                 WHERE id = ?""")) {
            ps.setString(1, to.name());
            ps.setString(2, to.name());
            ps.setString(3, to.name());
            ps.setString(4, to.name());
            ps.setString(5, to.name());
            ps.setString(6, reason);
            ps.setString(7, to.name());
            ps.setString(8, "paused by " + actor + (reason == null ? "" : ": " + reason));
            ps.setString(9, to.name());
            ps.setLong(10, jobId);
            ps.executeUpdate();
        }
        event(c, jobId, "state", from, to, actor, reason);
        return true;
    }

    /**
     * Pausing or cancelling a job that already finished, or resuming one that succeeded, changes nothing and is not
     * an error: scripts racing a fast job get the job's state back instead of a failure.
     */
    private static boolean isNoOpOnFinished(JobState from, JobState to) {
        return from.isTerminal() && (to == JobState.PAUSED || to == JobState.CANCELLED || (to == JobState.RUNNING && from == JobState.SUCCEEDED));
    }

    private void event(Connection c, long jobId, String kind, JobState from, JobState to, String actor, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pgbackfill.job_event (job_id, kind, from_state, to_state, actor, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, jobId);
            ps.setString(2, kind);
            ps.setString(3, from == null ? null : from.name());
            ps.setString(4, to.name());
            ps.setString(5, actor);
            ps.setString(6, reason);
            ps.executeUpdate();
        }
    }

    public List<JobEvent> events(long jobId) {
        status(jobId); // unknown job → JobNotFoundException
        List<JobEvent> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT job_id, at, kind, from_state, to_state, actor, reason FROM pgbackfill.job_event WHERE job_id = ? ORDER BY id")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobEvent(rs.getLong(1), iso(rs.getTimestamp(2)), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    public JobStatus status(long jobId) {
        return query(STATUS_SELECT + " WHERE j.id = ?", jobId, JobStore::toStatus).orElseThrow(() -> new JobNotFoundException(jobId));
    }

    public List<JobStatus> list() {
        List<JobStatus> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(STATUS_SELECT + " ORDER BY j.id DESC LIMIT 200");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(toStatus(rs));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    /** Ids of jobs in the given states, oldest first. */
    public List<Long> idsIn(JobState... states) {
        List<Long> out = new ArrayList<>();
        String[] names = java.util.Arrays.stream(states).map(Enum::name).toArray(String[]::new);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM pgbackfill.job WHERE state = ANY (?) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    private static JobStatus toStatus(ResultSet rs) throws SQLException {
        long rowsDone = rs.getLong(10);
        JobState state = JobState.valueOf(rs.getString(2));
        long estimated = state == JobState.SUCCEEDED ? rowsDone : Math.max(rs.getLong(4), rowsDone);
        double elapsed = rs.getDouble(16);
        double average = rs.getObject(16) == null || elapsed <= 0 ? 0 : rowsDone / elapsed;
        Object recentObj = rs.getObject(15);
        double recent = state == JobState.RUNNING ? (recentObj == null ? average : rs.getDouble(15)) : 0;
        Long eta = state == JobState.RUNNING && recent > 0 ? (long) Math.ceil((estimated - rowsDone) / recent) : null;
        String reason = rs.getString(8);
        if (reason == null && state == JobState.RUNNING) {
            reason = ThrottleReasons.configured(Json.read(rs.getString(17), ThrottleSettings.class), java.time.Instant.now());
        }
        return new JobStatus(rs.getLong(1), state, rs.getString(3), rowsDone, estimated, round(recent), round(average), eta,
                iso(rs.getTimestamp(5)), iso(rs.getTimestamp(6)), iso(rs.getTimestamp(7)), reason,
                rs.getLong(11), rs.getInt(12), rs.getInt(13), rs.getInt(14), rs.getInt(18), rs.getString(9));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String iso(Timestamp ts) {
        return ts == null ? null : ts.toInstant().toString();
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> Optional<T> query(String sql, long id, RowMapper<T> mapper) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
