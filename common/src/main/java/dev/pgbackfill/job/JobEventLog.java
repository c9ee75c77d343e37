package dev.pgbackfill.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@code pgbackfill.job_event}: who changed a job's state, throttle or health, when and why. */
final class JobEventLog {
    private JobEventLog() {
    }

    static void record(Connection c, long jobId, String kind, JobState from, JobState to, String actor, String reason) throws SQLException {
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

    static List<JobEvent> list(Connection c, long jobId) throws SQLException {
        List<JobEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT job_id, at, kind, from_state, to_state, actor, reason FROM pgbackfill.job_event WHERE job_id = ? ORDER BY id")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobEvent(rs.getLong(1), JobStatusReader.iso(rs.getTimestamp(2)), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }
}
