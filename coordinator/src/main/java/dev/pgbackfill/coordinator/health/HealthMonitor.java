package dev.pgbackfill.coordinator.health;

import dev.pgbackfill.throttle.Threshold;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the database's health signals and judges them against a job's thresholds. Signals are read once per
 * monitor tick for all jobs; the custom probe once per job that has one. Without the {@code pg_monitor} role,
 * PostgreSQL hides other sessions' replication lag; the signal then reads 0 (documented in operations.md).
 */
public final class HealthMonitor {
    private HealthMonitor() {
    }


    public record Signals(double replicaLagSeconds, double walRetainedMb, double lockWaiters, double activeConnections) {
    }

    /** A job's health: {@code reason} null = healthy; {@code critical} = pause the job. */
    public record Verdict(String reason, boolean critical) {
        static final Verdict HEALTHY = new Verdict(null, false);
    }

    public static Signals read(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT (SELECT coalesce(max(extract(epoch FROM replay_lag)), 0) FROM pg_stat_replication),
                       (SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0) / 1048576.0
                          FROM pg_replication_slots WHERE restart_lsn IS NOT NULL),
                       (SELECT count(*) FROM pg_stat_activity w
                         WHERE w.wait_event_type = 'Lock' AND w.application_name NOT LIKE 'pgbackfill-%'
                           AND EXISTS (SELECT 1 FROM pg_stat_activity b
                                        WHERE b.pid = ANY (pg_blocking_pids(w.pid)) AND b.application_name LIKE 'pgbackfill-%')),
                       (SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend')""")) {
            rs.next();
            return new Signals(rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
        }
    }

    public static Verdict judge(ThrottleSettings s, Signals signals, Double probeValue) {
        List<String> critical = new ArrayList<>();
        List<String> throttle = new ArrayList<>();
        check(s.replicaLagSeconds(), signals.replicaLagSeconds(), "replica lag %.1f s", "%s s", critical, throttle);
        check(s.walRetainedMb(), signals.walRetainedMb(), "WAL retained %.0f MB", "%s MB", critical, throttle);
        check(s.lockWaiters(), signals.lockWaiters(), "%.0f session(s) waiting on our locks", "%s", critical, throttle);
        check(s.activeConnections(), signals.activeConnections(), "%.0f active connections", "%s", critical, throttle);
        if (probeValue != null) {
            check(s.probeThresholdOrDefault(), probeValue, "probe %s", "%s", critical, throttle);
        }
        if (!critical.isEmpty()) {
            return new Verdict("critical: " + String.join(", ", critical), true);
        }
        return throttle.isEmpty() ? Verdict.HEALTHY : new Verdict("throttled: " + String.join(", ", throttle), false);
    }

    private static void check(Threshold t, double value, String what, String unit, List<String> critical, List<String> throttle) {
        if (t == null) {
            return;
        }
        String shown = what.contains("%s") ? String.format(Locale.ROOT, what, fmt(value)) : String.format(Locale.ROOT, what, value);
        if (t.critical() != null && value >= t.critical()) {
            critical.add(shown + " ≥ " + String.format(Locale.ROOT, unit, fmt(t.critical())));
        } else if (t.throttle() != null && value >= t.throttle()) {
            throttle.add(shown + " ≥ " + String.format(Locale.ROOT, unit, fmt(t.throttle())));
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
