package dev.pgbackfill.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * A foreground load on the benchmark table: threads doing point SELECTs and single-row UPDATEs (of a column the
 * backfill does not touch) on random keys, the way an application would, with each operation's latency recorded.
 *
 * <p>With a rate, the load is open: operations are due at a fixed pace, as requests reach an application whether or
 * not the database is slow, and each latency counts from when the operation was due, so time spent queued behind a
 * slow one is counted too (no coordinated omission). Without one (rate 0), every thread issues its next operation as
 * soon as the last returns: a closed loop that keeps the machine saturated, so anything else that runs shows up as
 * latency.
 */
public final class OltpLoad {
    /**
     * Latency percentiles of one measurement, in milliseconds, over all operations and over the reads and the writes
     * apart, and the operations per second achieved.
     */
    public record Latencies(long operations, double opsPerSecond, double p50Ms, double p99Ms, double readP99Ms, double writeP99Ms,
                            long[] samples) {
        /** @param samples latency in nanoseconds shifted left by one, the low bit set for a write */
        static Latencies of(long[] samples, double seconds) {
            Arrays.sort(samples);
            long[] reads = Arrays.stream(samples).filter(x -> (x & 1) == 0).toArray();
            long[] writes = Arrays.stream(samples).filter(x -> (x & 1) == 1).toArray();
            return new Latencies(samples.length, samples.length / seconds, percentileMs(samples, 0.50), percentileMs(samples, 0.99),
                    percentileMs(reads, 0.99), percentileMs(writes, 0.99), samples);
        }

        private static double percentileMs(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : (sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] >>> 1) / 1e6;
        }
    }

    private OltpLoad() {
    }

    /**
     * @param opsPerSecond total pace over all threads; 0 for a closed loop
     */
    public static Latencies measure(DataSource ds, long rows, int threads, double opsPerSecond, Duration duration) throws Exception {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        long interval = opsPerSecond <= 0 ? 0 : (long) (threads * 1e9 / opsPerSecond);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = start + (interval * t) / threads; // threads staggered over one interval
                futures.add(pool.submit(() -> run(ds, rows, first, interval, deadline)));
            }
            long[] all = new long[0];
            for (Future<long[]> f : futures) {
                long[] mine = f.get();
                long[] merged = Arrays.copyOf(all, all.length + mine.length);
                System.arraycopy(mine, 0, merged, all.length, mine.length);
                all = merged;
            }
            return Latencies.of(all, (System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The load as a process of its own ({@link OltpProcess}), so that it shares neither a JVM (and its garbage
     * collector's pauses) nor a connection pool with the pgbackfill workers it measures, as an application would not.
     * Arguments: JDBC URL, rows, threads, operations per second; user and password come from the environment. Reads
     * lines {@code measure SECONDS FILE} from standard input, answers {@code started} when a window begins and
     * {@code done} once its samples are in FILE; first it runs two seconds unrecorded (JIT, connections) and says
     * {@code ready}.
     */
    public static void main(String[] args) throws Exception {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setApplicationName("pgbackfill-bench-oltp");
        if (System.getenv("PGBACKFILL_BENCH_USER") != null) {
            ds.setUser(System.getenv("PGBACKFILL_BENCH_USER"));
        }
        if (System.getenv("PGBACKFILL_BENCH_PASSWORD") != null) {
            ds.setPassword(System.getenv("PGBACKFILL_BENCH_PASSWORD"));
        }
        long rows = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        double opsPerSecond = Double.parseDouble(args[3]);
        measure(ds, rows, threads, opsPerSecond, Duration.ofSeconds(2));
        System.out.println("ready");
        System.out.flush();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.trim().split(" ");
            if (cmd.length != 3 || !cmd[0].equals("measure")) {
                continue;
            }
            System.out.println("started");
            System.out.flush();
            Latencies l = measure(ds, rows, threads, opsPerSecond, Duration.ofMillis(Long.parseLong(cmd[1])));
            write(l, java.nio.file.Path.of(cmd[2]));
            System.out.println("done");
            System.out.flush();
        }
    }

    static void write(Latencies l, java.nio.file.Path file) throws java.io.IOException {
        try (var out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file)))) {
            out.writeDouble(l.operations() / l.opsPerSecond());
            out.writeInt(l.samples().length);
            for (long x : l.samples()) {
                out.writeLong(x);
            }
        }
    }

    static Latencies read(java.nio.file.Path file) throws java.io.IOException {
        try (var in = new java.io.DataInputStream(new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file)))) {
            double seconds = in.readDouble();
            long[] samples = new long[in.readInt()];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = in.readLong();
            }
            return Latencies.of(samples, seconds);
        }
    }

    private static long[] run(DataSource ds, long rows, long first, long interval, long deadline) {
        long[] latencies = new long[1 << 16];
        int n = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT payload FROM " + BenchTable.NAME + " WHERE id = ?");
             PreparedStatement update = c.prepareStatement("UPDATE " + BenchTable.NAME + " SET payload = payload WHERE id = ?")) {
            c.setAutoCommit(true);
            long due = first;
            while (true) {
                long now = System.nanoTime();
                if (interval > 0) {
                    if (due - now > 0) {
                        LockSupport.parkNanos(due - now);
                    }
                } else {
                    due = now;
                }
                if (due >= deadline) {
                    break;
                }
                boolean write = ThreadLocalRandom.current().nextInt(4) == 0; // 1 write in 4 operations
                operate(write ? update : select, 1 + ThreadLocalRandom.current().nextLong(rows), write);
                if (n == latencies.length) {
                    latencies = Arrays.copyOf(latencies, n * 2);
                }
                latencies[n++] = (System.nanoTime() - due) << 1 | (write ? 1 : 0);
                due += interval;
            }
        } catch (Exception e) {
            throw new IllegalStateException("foreground load failed: " + e.getMessage(), e);
        }
        return Arrays.copyOf(latencies, n);
    }

    /** One operation of the load: a point read or a point write of the row with this id. */
    private static void operate(PreparedStatement ps, long id, boolean write) throws SQLException {
        ps.setLong(1, id);
        if (write) {
            ps.executeUpdate();
        } else {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }
}
