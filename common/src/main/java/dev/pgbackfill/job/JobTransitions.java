package dev.pgbackfill.job;

import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.error.JobNotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A job's move from one state to the next, as {@link JobState#allowedFrom()} allows, with its event. */
final class JobTransitions {
    private JobTransitions() {
    }

    static boolean apply(Connection c, long jobId, JobState to, String actor, String reason) throws SQLException {
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
        applyTransition(c, jobId, to, actor, reason);
        JobEventLog.record(c, jobId, "state", from, to, actor, reason);
        return true;
    }

    private static void applyTransition(Connection c, long jobId, JobState to, String actor, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE pgbackfill.job SET state = ?, updated_at = now(),
                       started_at = CASE WHEN ? = 'RUNNING' THEN coalesce(started_at, now()) ELSE started_at END,
                       finished_at = CASE WHEN ? IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN now() WHEN ? = 'RUNNING' THEN NULL ELSE finished_at END,
                       last_error = CASE WHEN ? = 'FAILED' THEN ? ELSE last_error END,
                       throttle_reason = CASE WHEN ? = 'PAUSED' THEN ? WHEN ? = 'RUNNING' THEN NULL ELSE throttle_reason END
                 WHERE id = ?""")) {
            for (int i : new int[] {1, 2, 3, 4, 5, 7, 9}) {
                ps.setString(i, to.name());
            }
            ps.setString(6, reason);
            ps.setString(8, "paused by " + actor + (reason == null ? "" : ": " + reason));
            ps.setLong(10, jobId);
            ps.executeUpdate();
        }
    }

    /**
     * Pausing or cancelling a job that already finished, or resuming one that succeeded, changes nothing and is not
     * an error: scripts racing a fast job get the job's state back instead of a failure.
     */
    private static boolean isNoOpOnFinished(JobState from, JobState to) {
        return from.isTerminal() && (to == JobState.PAUSED || to == JobState.CANCELLED || (to == JobState.RUNNING && from == JobState.SUCCEEDED));
    }
}
