package dev.pgbackfill.migrate.run;

import dev.pgbackfill.migrate.Phase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes {@code pgbackfill.migration_version} / {@code migration_history} on the caller's connection. */
final class VersionStore {
    private final String scope;

    VersionStore(String scope) {
        this.scope = scope;
    }

    Map<String, VersionRow> load(Connection c) throws SQLException {
        Map<String, VersionRow> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT revision, phase_done, steps_done, down_steps_done, backfill_jobs, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                  FROM pgbackfill.migration_version WHERE scope = ? ORDER BY started_at, revision""")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long[] jobs = (Long[]) rs.getArray(5).getArray();
                    String phase = rs.getString(2);
                    rows.put(rs.getString(1), new VersionRow(rs.getString(1), phase == null ? null : Phase.parse("phase", phase),
                            rs.getInt(3), rs.getInt(4), List.of(jobs), rs.getString(6)));
                }
            }
        }
        return rows;
    }

    void progress(Connection c, String revision, Phase phaseDone, int stepsDone) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.migration_version (scope, revision, phase_done, steps_done) VALUES (?, ?, ?, ?)
                ON CONFLICT (scope, revision) DO UPDATE SET phase_done = excluded.phase_done, steps_done = excluded.steps_done, updated_at = now()""")) {
            ps.setString(1, scope);
            ps.setString(2, revision);
            ps.setString(3, phaseDone == null ? null : phaseDone.label());
            ps.setInt(4, stepsDone);
            ps.executeUpdate();
        }
    }

    void addJob(Connection c, String revision, long jobId) throws SQLException {
        updateRow(c, revision, "backfill_jobs = backfill_jobs || ?::bigint", jobId);
    }

    void replaceJobs(Connection c, String revision, List<Long> jobs) throws SQLException {
        updateRow(c, revision, "backfill_jobs = ?", c.createArrayOf("bigint", jobs.toArray()));
    }

    void downProgress(Connection c, String revision, int stepsDone) throws SQLException {
        updateRow(c, revision, "down_steps_done = ?", stepsDone);
    }

    /** Sets one column of a revision's row; {@code assignment} is a constant of this class with one parameter. */
    private void updateRow(Connection c, String revision, String assignment, Object value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE pgbackfill.migration_version SET " + assignment + ", updated_at = now() WHERE scope = ? AND revision = ?")) {
            ps.setObject(1, value);
            ps.setString(2, scope);
            ps.setString(3, revision);
            ps.executeUpdate();
        }
    }

    /** Forgets every revision of the scope (stamp --purge). */
    void purge(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgbackfill.migration_version WHERE scope = ?")) {
            ps.setString(1, scope);
            ps.executeUpdate();
        }
    }

    void delete(Connection c, String revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM pgbackfill.migration_version WHERE scope = ? AND revision = ?")) {
            ps.setString(1, scope);
            ps.setString(2, revision);
            ps.executeUpdate();
        }
    }

    void history(Connection c, String revision, String direction, Phase phase, String actor, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO pgbackfill.migration_history (scope, revision, direction, phase, actor, detail) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, revision);
            ps.setString(3, direction);
            ps.setString(4, phase == null ? null : phase.label());
            ps.setString(5, actor);
            ps.setString(6, detail);
            ps.executeUpdate();
        }
    }

    List<HistoryEntry> history(Connection c) throws SQLException {
        List<HistoryEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), revision, direction, phase, actor, detail
                  FROM pgbackfill.migration_history WHERE scope = ? ORDER BY id""")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new HistoryEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return out;
    }
}
