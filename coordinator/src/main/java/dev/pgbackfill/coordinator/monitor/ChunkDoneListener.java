package dev.pgbackfill.coordinator.monitor;

import dev.pgbackfill.db.ControlSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for workers' "chunk done" notifications (LISTEN/NOTIFY on {@link ControlSchema#CHUNK_DONE_CHANNEL}) and
 * wakes the monitor, so a job whose last chunk finished is verified and completed at once rather than at the next
 * tick. It holds one connection of the pool while the coordinator runs; when that connection fails it reconnects,
 * and meanwhile the tick does the work as before.
 */
public final class ChunkDoneListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChunkDoneListener.class);

    private final DataSource dataSource;
    private final Runnable wake;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread thread;

    public ChunkDoneListener(DataSource dataSource, Runnable wake) {
        this.dataSource = dataSource;
        this.wake = wake;
    }

    public void start() {
        thread = Thread.ofPlatform().daemon().name("pgbackfill-chunk-done-listener").start(this::run);
    }

    private void run() {
        while (!closed.get()) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                st.execute("LISTEN " + ControlSchema.CHUNK_DONE_CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed.get()) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null && notes.length > 0) {
                        wake.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed.get()) {
                    return;
                }
                log.debug("chunk-done listener: {} (reconnecting; the monitor's tick covers meanwhile)", e.toString());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed.set(true);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
