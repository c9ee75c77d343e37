package dev.pgbackfill.coordinator.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Only one coordinator's monitor works at a time: each tick holds a session advisory lock for its duration, and a
 * coordinator that does not get it skips the tick. A standby coordinator takes over at its next tick.
 */
final class Leadership {
    private static final long MONITOR_LOCK = 0x7067626b6d6f6e69L;

    private Leadership() {
    }

    static boolean tryAcquire(Connection c) throws SQLException {
        return call(c, "pg_try_advisory_lock");
    }

    static void release(Connection c) throws SQLException {
        call(c, "pg_advisory_unlock");
    }

    private static boolean call(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, MONITOR_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
