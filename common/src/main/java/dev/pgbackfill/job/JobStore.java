package dev.pgbackfill.job;

import dev.pgbackfill.error.DatabaseException;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.ResolvedSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Jobs and their state history in the control schema. All state changes go through {@link #transition}. */
public class JobStore {
    private final DataSource dataSource;

    public JobStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Creates a job in PLANNING; returns its id. */
    public long create(Connection c, BackfillSpec spec, ResolvedSpec resolved, JobPlan plan, long rowsEstimated, String actor) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO pgbackfill.job (state, target_table, spec, resolved, rows_estimated, throttle, plan) "
                + "VALUES ('PLANNING', ?, ?::jsonb, ?::jsonb, ?, ?::jsonb, ?::jsonb) RETURNING id")) {
            ps.setString(1, resolved.table().toString());
            ps.setString(2, Json.write(spec));
            ps.setString(3, Json.write(resolved));
            ps.setLong(4, rowsEstimated);
            ps.setString(5, Json.write(spec.throttleOrNone()));
            ps.setString(6, Json.write(plan));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        JobEventLog.record(c, id, "state", null, JobState.PLANNING, actor, "launched");
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
            JobEventLog.record(c, jobId, "throttle", state, state, actor, description);
            c.commit();
            return settings;
        } catch (SQLException e) {
            throw DatabaseException.wrap("changing the throttle of job " + jobId, e);
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
                    JobEventLog.record(c, jobId, "health", state, state, "health", reason == null ? "healthy again" : reason);
                }
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading or writing the job repository (schema pgbackfill)", e);
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
            throw DatabaseException.wrap("changing job " + jobId + " to " + to, e);
        }
    }

    /** See {@link #transition(long, JobState, String, String)}; on the caller's connection and transaction. */
    public boolean transition(Connection c, long jobId, JobState to, String actor, String reason) throws SQLException {
        return JobTransitions.apply(c, jobId, to, actor, reason);
    }

    public List<JobEvent> events(long jobId) {
        status(jobId); // unknown job → JobNotFoundException
        try (Connection c = dataSource.getConnection()) {
            return JobEventLog.list(c, jobId);
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading the events of job " + jobId, e);
        }
    }

    public JobStatus status(long jobId) {
        return query(JobStatusReader.SELECT + " WHERE j.id = ?", jobId, JobStatusReader::toStatus).orElseThrow(() -> new JobNotFoundException(jobId));
    }

    public List<JobStatus> list() {
        List<JobStatus> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(JobStatusReader.SELECT + " ORDER BY j.id DESC LIMIT 200");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(JobStatusReader.toStatus(rs));
            }
        } catch (SQLException e) {
            throw DatabaseException.wrap("reading or writing the job repository (schema pgbackfill)", e);
        }
        return out;
    }

    /**
     * Records an event that changes no state (kind {@code lease} or {@code coordinator}): who took over a chunk or the
     * monitor, and why. Best effort: an event that cannot be written is not worth failing the work for.
     */
    public void note(long jobId, String kind, String actor, String reason) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.job_event (job_id, kind, from_state, to_state, actor, reason)
                SELECT id, ?, state, state, ?, ? FROM pgbackfill.job WHERE id = ?""")) {
            ps.setString(1, kind);
            ps.setString(2, actor);
            ps.setString(3, reason);
            ps.setLong(4, jobId);
            ps.executeUpdate();
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(JobStore.class).warn("job {}: {} event not recorded: {}", jobId, kind, e.toString());
        }
    }

    /** How often the final verification of a job has reopened chunks since it was launched or last resumed. */
    public int verifyRounds(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT verify_rounds FROM pgbackfill.job WHERE id = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** Counts one more verification round ({@code reset}: back to none, when the job is resumed). */
    public void countVerifyRound(Connection c, long jobId, boolean reset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE pgbackfill.job SET verify_rounds = " + (reset ? "0" : "verify_rounds + 1") + " WHERE id = ?")) {
            ps.setLong(1, jobId);
            ps.executeUpdate();
        }
    }

    /** Jobs still PLANNING long after they were created: their coordinator stopped while it cut their chunks. */
    public List<Long> idsPlanningLongerThan(Connection c, java.time.Duration age) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM pgbackfill.job WHERE state = 'PLANNING' AND created_at < now() - ? * interval '1 second'")) {
            ps.setLong(1, age.toSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
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
            throw DatabaseException.wrap("reading or writing the job repository (schema pgbackfill)", e);
        }
        return out;
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
            throw DatabaseException.wrap("reading or writing the job repository (schema pgbackfill)", e);
        }
    }
}
