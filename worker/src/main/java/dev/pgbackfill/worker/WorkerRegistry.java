package dev.pgbackfill.worker;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's row in {@code pgbackfill.worker}: registered on its first heartbeat, refreshed at most every five
 * seconds, removed when it stops. The dashboard and {@code /api/workers} read it; leases, not this row, decide
 * who runs a chunk.
 */
final class WorkerRegistry {
    private static final Logger log = LoggerFactory.getLogger(WorkerRegistry.class);
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final DataSource dataSource;
    private final String id;
    private final int threads;
    private long lastHeartbeat;

    WorkerRegistry(DataSource dataSource, String id, int threads) {
        this.dataSource = dataSource;
        this.id = id;
        this.threads = threads;
    }

    /** Called from the consumer thread on every poll; writes at most every five seconds. */
    void heartbeat() {
        long now = System.nanoTime();
        if (now - lastHeartbeat < HEARTBEAT_NANOS) {
            return;
        }
        lastHeartbeat = now;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pgbackfill.worker (id, host, pid, threads) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()""")) {
            ps.setString(1, id);
            ps.setString(2, hostName());
            ps.setLong(3, ProcessHandle.current().pid());
            ps.setInt(4, threads);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.debug("worker {}: heartbeat failed: {}", id, e.toString());
        }
    }

    void deregister() {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement("DELETE FROM pgbackfill.worker WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            log.debug("worker {}: could not deregister: {}", id, e.toString());
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
