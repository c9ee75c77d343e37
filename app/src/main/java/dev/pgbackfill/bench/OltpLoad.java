package dev.pgbackfill.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * A foreground load on the benchmark table: threads doing point SELECTs and single-row UPDATEs (of a column the
 * backfill does not touch) on random keys, the way an application would, with each operation's latency recorded.
 */
public final class OltpLoad {
    /** Latency percentiles of one measurement, in milliseconds. */
    public record Latencies(long operations, double p50Ms, double p99Ms) {
    }

    private OltpLoad() {
    }

    public static Latencies measure(DataSource ds, long rows, int threads, Duration duration) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> run(ds, rows, deadline)));
            }
            long[] all = new long[0];
            for (Future<long[]> f : futures) {
                long[] mine = f.get();
                long[] merged = Arrays.copyOf(all, all.length + mine.length);
                System.arraycopy(mine, 0, merged, all.length, mine.length);
                all = merged;
            }
            Arrays.sort(all);
            return all.length == 0 ? new Latencies(0, 0, 0)
                    : new Latencies(all.length, all[(int) (all.length * 0.50)] / 1e6, all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long[] run(DataSource ds, long rows, long deadline) {
        long[] latencies = new long[1 << 16];
        int n = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT payload FROM " + BenchTable.NAME + " WHERE id = ?");
             PreparedStatement update = c.prepareStatement("UPDATE " + BenchTable.NAME + " SET payload = payload WHERE id = ?")) {
            c.setAutoCommit(true);
            while (System.nanoTime() < deadline) {
                long id = 1 + ThreadLocalRandom.current().nextLong(rows);
                boolean write = ThreadLocalRandom.current().nextInt(4) == 0; // 1 write in 4 operations
                long t0 = System.nanoTime();
                PreparedStatement ps = write ? update : select;
                ps.setLong(1, id);
                if (write) {
                    ps.executeUpdate();
                } else {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                }
                latencies[n++] = System.nanoTime() - t0;
            }
        } catch (Exception e) {
            throw new IllegalStateException("foreground load failed: " + e.getMessage(), e);
        }
        return Arrays.copyOf(latencies, n);
    }
}
