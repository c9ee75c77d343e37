package dev.pgbackfill.chunk;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** How many chunks can run at once: the runner threads of the workers whose heartbeat is recent (30 s; they beat every 5 s). */
public final class WorkerCapacity {
    private WorkerCapacity() {
    }

    /** 0 when no worker is alive, or when the control schema is not installed (a planner used on its own). */
    public static int liveThreads(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT to_regclass('pgbackfill.worker') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT coalesce(sum(threads), 0) FROM pgbackfill.worker WHERE heartbeat_at > now() - interval '30 seconds'")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
