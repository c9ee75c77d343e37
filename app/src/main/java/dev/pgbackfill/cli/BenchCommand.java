package dev.pgbackfill.cli;

import dev.pgbackfill.bench.Baselines;
import dev.pgbackfill.bench.BenchTable;
import dev.pgbackfill.bench.OltpLoad;
import dev.pgbackfill.bench.OltpProcess;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Duration;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark pgbackfill against the seed's loop, one UPDATE, an in-server keyset loop and a plain Spring Batch job; ratios from one run.",
        footer = {"%nExamples:%n  pgbackfill bench                       # 1 M rows on the embedded (or --db) PostgreSQL",
                "  pgbackfill bench --rows 4000000 --key uuid --db jdbc:postgresql://127.0.0.1/bench?user=postgres"})
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the generated table (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--key", defaultValue = "bigint", description = "Key type: bigint or uuid (default ${DEFAULT-VALUE}).")
    String key;

    @Option(names = "--workers", defaultValue = "1,2,4", split = ",", description = "pgbackfill worker counts to run (default ${DEFAULT-VALUE}).")
    List<Integer> workerCounts;

    @Option(names = "--methods", defaultValue = "seed,single,inserver,springbatch,pgbackfill,impact", split = ",",
            description = "Methods to run (default ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--out", defaultValue = "bench-results", description = "Folder for the Markdown and JSON results (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--oltp-rate", defaultValue = "2000",
            description = "Pace of the foreground load in the impact measurement, operations per second over all its threads; 0 for a closed loop "
                    + "that saturates the machine (default ${DEFAULT-VALUE}).")
    double oltpRate;

    @Option(names = "--impact-throttle", defaultValue = "0.25",
            description = "Throttle of the run measured for foreground impact, as a fraction of the unthrottled rate (default ${DEFAULT-VALUE}).")
    double impactThrottle;

    @Option(names = "--oltp-threads", defaultValue = "4", description = "Threads (connections) of the foreground load (default ${DEFAULT-VALUE}).")
    int oltpThreads;

    @Option(names = "--verbose", description = "Debug logs and stack traces.")
    boolean verbose;

    record Result(String method, long rows, double seconds, double rowsPerSecond, Double firstBatchSeconds, Long heapMb, String note) {
    }

    @FunctionalInterface
    interface Method {
        void run() throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        if (!key.equals("bigint") && !key.equals("uuid")) {
            throw new InvalidInputException("key", "--key must be bigint or uuid, got " + key);
        }
        if (rows < 1 || rows > 100_000_000) {
            throw new InvalidInputException("rows", "--rows must be between 1 and 100000000, got " + rows);
        }
        PrintStream err = System.err;
        List<Result> results = new ArrayList<>();
        Map<String, Object> impact = null;
        Map<String, Object> machine = new LinkedHashMap<>();
        try (LocalCluster.Db database = LocalCluster.openDatabase(db, 12, err)) {
            DataSource ds = database.dataSource();
            BenchTable table = new BenchTable(ds, rows, key);
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("java", System.getProperty("java.version"));
            for (String s : List.of("server_version", "shared_buffers", "synchronous_commit", "fsync", "max_wal_size", "work_mem")) {
                machine.put(s, Baselines.setting(ds, s));
            }
            machine.put("database", database.embedded() == null ? db.config(db.url).safeUrl() : "embedded PostgreSQL");
            err.printf(Locale.ROOT, "bench: %,d rows, %s key, PostgreSQL %s%n", rows, key, machine.get("server_version"));

            if (methods.contains("seed")) {
                results.add(timed(table, "seed loop (IN (SELECT … LIMIT 10000 FOR UPDATE SKIP LOCKED))", () -> Baselines.seedLoop(ds), err));
            }
            if (methods.contains("single")) {
                results.add(timed(table, "single UPDATE", () -> Baselines.singleUpdate(ds), err));
            }
            if (methods.contains("inserver")) {
                results.add(timed(table, "in-server keyset loop (PL/pgSQL, 10000/commit)", () -> Baselines.inServerKeyset(ds, key), err));
            }
            if (methods.contains("springbatch")) {
                results.add(timed(table, "Spring Batch (JdbcPagingItemReader + JdbcBatchItemWriter, chunk 1000)", () -> Baselines.springBatch(ds), err));
            }
            if (methods.contains("pgbackfill")) {
                ControlSchema.install(ds);
                for (int w : workerCounts) {
                    results.add(pgbackfill(table, ds, w, err));
                }
            }
            if (methods.contains("impact")) {
                if (!key.equals("bigint")) {
                    err.println("  impact: skipped (the foreground load picks random bigint keys)");
                } else {
                    ControlSchema.install(ds);
                    Double unthrottled = results.stream().filter(r -> r.method().startsWith("pgbackfill run, 2")).map(Result::rowsPerSecond)
                            .findFirst().orElse(null);
                    impact = impact(table, ds, unthrottled == null ? pgbackfill(table, ds, 2, err).rowsPerSecond() : unthrottled, err);
                }
            }
        }
        report(results, machine, impact);
        return 0;
    }

    private Result timed(BenchTable table, String name, Method method, PrintStream err) throws Exception {
        table.reset();
        long t0 = System.nanoTime();
        method.run();
        double s = (System.nanoTime() - t0) / 1e9;
        long left = table.remaining();
        err.printf(Locale.ROOT, "  %-75s %8.2f s %,12.0f rows/s%s%n", name, s, rows / s, left > 0 ? "  (" + left + " rows missed!)" : "");
        return new Result(name, rows, s, rows / s, null, null, left > 0 ? left + " rows missed" : null);
    }

    private Result pgbackfill(BenchTable table, DataSource ds, int workers, PrintStream err) throws Exception {
        table.reset();
        String name = "pgbackfill run, " + workers + " worker(s), unthrottled";
        try (LocalCluster cluster = LocalCluster.start((com.zaxxer.hikari.HikariDataSource) ds, kafka, db, workers, err)) {
            long t0 = System.nanoTime();
            long id = cluster.coordinator.launch(new BackfillSpec(BenchTable.NAME, List.of("b = a + 1"), null, null, null, null, null, null), "bench");
            Double first = null;
            JobStatus s = cluster.coordinator.status(id);
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(rows_done), 0) FROM pgbackfill.chunk WHERE job_id = ?")) {
                ps.setLong(1, id);
                while (first == null) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            first = (System.nanoTime() - t0) / 1e9;
                        }
                    }
                    Thread.sleep(2);
                }
            }
            while (!s.state().isTerminal()) {
                Thread.sleep(20);
                s = cluster.coordinator.status(id);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.gc();
            long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
            long left = table.remaining();
            String note = s.state() != JobState.SUCCEEDED ? "job " + s.state() : left > 0 ? left + " rows missed" : null;
            err.printf(Locale.ROOT, "  %-75s %8.2f s %,12.0f rows/s  first batch %.3f s  heap %d MB%s%n", name, seconds, rows / seconds, first, heapMb,
                    note == null ? "" : "  (" + note + ")");
            return new Result(name, rows, seconds, rows / seconds, first, heapMb, note);
        }
    }

    /**
     * Foreground impact, throttle accuracy and pause latency, on one run throttled to a fraction
     * ({@code --impact-throttle}, 25 %) of the unthrottled rate. An OLTP load (point SELECTs and UPDATEs on random
     * keys, paced at {@code --oltp-rate}, in a process of its own) is measured with the cluster up and idle, then
     * during the throttled run, then idle again once the job is paused and cancelled; the idle baseline is the quieter
     * of the two idle windows, so a stall in one of them cannot flatter the run. Over the busy window the
     * achieved rate is compared with its target; then the time until the pause barrier returns is measured, and no
     * batch may commit after it. Autovacuum is off for the table meanwhile, so that it does not land in one window
     * and not the other. (Alternating short idle and busy windows by pausing and resuming was tried: every resume
     * restarts chunks, and those restarts, not the steady run, then dominate the busy windows.)
     */
    private Map<String, Object> impact(BenchTable table, DataSource ds, double unthrottled, PrintStream err) throws Exception {
        table.reset();
        Duration window = Duration.ofSeconds(Math.max(6, Math.min(20, rows / 200_000)));
        Duration half = window.dividedBy(2);
        double target = Math.max(100, Math.round(unthrottled * impactThrottle));
        ThrottleSettings throttle = new ThrottleSettings(target, null, null, null, null, null, null, null, null, null, null, null);
        Map<String, Object> m = new LinkedHashMap<>();
        table.autovacuum(false);
        try (LocalCluster cluster = LocalCluster.start((com.zaxxer.hikari.HikariDataSource) ds, kafka, db, 2, err);
             OltpProcess oltp = OltpProcess.start((com.zaxxer.hikari.HikariDataSource) ds, rows, oltpThreads, oltpRate)) {
            Thread.sleep(3_000); // the cluster's consumers join their group and settle before anything is measured
            OltpLoad.Latencies idleBefore = oltp.measure(half, () -> { });
            long id = cluster.coordinator.launch(new BackfillSpec(BenchTable.NAME, List.of("b = a + 1"), null, null, null, null, null, null, throttle), "bench");
            while (cluster.coordinator.status(id).rowsDone() == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(1_000); // past the first second: shares settle as chunks start
            long[] start = new long[3];
            OltpLoad.Latencies busy = oltp.measure(window, () -> {
                try {
                    start[0] = cluster.coordinator.status(id).rowsDone();
                    start[1] = System.nanoTime();
                    start[2] = Baselines.walPosition(ds);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long rows1 = cluster.coordinator.status(id).rowsDone();
            double busySeconds = (System.nanoTime() - start[1]) / 1e9;
            double walMbPerSecond = (Baselines.walPosition(ds) - start[2]) / busySeconds / (1 << 20);
            double achieved = (rows1 - start[0]) / busySeconds;
            long p0 = System.nanoTime();
            cluster.coordinator.pause(id, "bench", "pause latency");
            double pauseSeconds = (System.nanoTime() - p0) / 1e9;
            long atPause = cluster.coordinator.status(id).rowsDone();
            Thread.sleep(1_000);
            long afterPause = cluster.coordinator.status(id).rowsDone() - atPause;
            cluster.coordinator.cancel(id, "bench", "measured");
            OltpLoad.Latencies idleAfter = oltp.measure(half, () -> { });
            // the baseline is the quieter idle window: a stall in one of them (a checkpoint after the run's WAL) must
            // not make the run look gentle
            OltpLoad.Latencies idle = idleBefore.p99Ms() <= idleAfter.p99Ms() ? idleBefore : idleAfter;
            m.put("oltpThreads", oltpThreads);
            m.put("oltpPaceOpsPerSecond", oltpRate);
            m.put("oltpIdleOpsPerSecond", idle.opsPerSecond());
            m.put("oltpDuringOpsPerSecond", busy.opsPerSecond());
            m.put("oltpIdleP50Ms", idle.p50Ms());
            m.put("oltpIdleP99Ms", idle.p99Ms());
            m.put("oltpIdleBeforeP99Ms", idleBefore.p99Ms());
            m.put("oltpIdleAfterP99Ms", idleAfter.p99Ms());
            m.put("oltpDuringP50Ms", busy.p50Ms());
            m.put("oltpDuringP99Ms", busy.p99Ms());
            m.put("oltpIdleReadP99Ms", idle.readP99Ms());
            m.put("oltpIdleWriteP99Ms", idle.writeP99Ms());
            m.put("oltpDuringReadP99Ms", busy.readP99Ms());
            m.put("oltpDuringWriteP99Ms", busy.writeP99Ms());
            m.put("p99Ratio", busy.p99Ms() / idle.p99Ms());
            m.put("p50Ratio", busy.p50Ms() / idle.p50Ms());
            m.put("walMbPerSecondDuring", walMbPerSecond);
            m.put("throttleTarget", target);
            m.put("throttleAchieved", achieved);
            m.put("throttleAccuracy", achieved / target);
            m.put("pauseSeconds", pauseSeconds);
            m.put("rowsCommittedAfterPause", afterPause);
            err.printf(Locale.ROOT, "  impact: OLTP (%s) p99 %.2f ms idle (the quieter of %.2f before, %.2f after), %.2f ms during a run throttled to %.0f rows/s "
                            + "(×%.2f; p50 ×%.2f; reads p99 %.2f → %.2f ms, writes p99 %.2f → %.2f ms); %.0f ops/s idle, %.0f during; WAL %.1f MB/s during; "
                            + "achieved %.0f rows/s (accuracy %.3f); pause returned in %.3f s, %d rows committed after it%n",
                    oltpLoad(),
                    idle.p99Ms(), idleBefore.p99Ms(), idleAfter.p99Ms(), busy.p99Ms(), target, busy.p99Ms() / idle.p99Ms(), busy.p50Ms() / idle.p50Ms(),
                    idle.readP99Ms(), busy.readP99Ms(), idle.writeP99Ms(), busy.writeP99Ms(), idle.opsPerSecond(), busy.opsPerSecond(), walMbPerSecond,
                    achieved, achieved / target, pauseSeconds, afterPause);
        } finally {
            table.autovacuum(true);
        }
        return m;
    }

    /** The foreground load in words, e.g. "4 threads paced at 2000 ops/s". */
    private String oltpLoad() {
        return oltpRate > 0 ? String.format(Locale.ROOT, "%d threads paced at %.0f ops/s", oltpThreads, oltpRate) : oltpThreads + " threads, closed loop";
    }

    private void report(List<Result> results, Map<String, Object> machine, Map<String, Object> impact) throws Exception {
        Double ceiling = rate(results, "in-server");
        Double seed = rate(results, "seed loop");
        Double batch = rate(results, "Spring Batch");
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n| method | rows | seconds | rows/s | ÷ in-server | ÷ seed loop | ÷ Spring Batch |%n|---|---:|---:|---:|---:|---:|---:|%n"));
        List<Map<String, Object>> json = new ArrayList<>();
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s | %s | %s |%n", r.method(), r.rows(), r.seconds(), r.rowsPerSecond(),
                    ratio(r.rowsPerSecond(), ceiling), ratio(r.rowsPerSecond(), seed), ratio(r.rowsPerSecond(), batch)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("rows", r.rows());
            m.put("seconds", r.seconds());
            m.put("rowsPerSecond", r.rowsPerSecond());
            m.put("vsInServer", ceiling == null ? null : r.rowsPerSecond() / ceiling);
            m.put("vsSeedLoop", seed == null ? null : r.rowsPerSecond() / seed);
            m.put("vsSpringBatch", batch == null ? null : r.rowsPerSecond() / batch);
            m.put("firstBatchSeconds", r.firstBatchSeconds());
            m.put("heapMb", r.heapMb());
            m.put("note", r.note());
            json.add(m);
        }
        if (impact != null) {
            md.append(String.format(Locale.ROOT, "%n| foreground and control (run throttled to %.0f %%, OLTP %s) | value | target |%n|---|---:|---:|%n"
                            + "| OLTP p99 during ÷ idle | %.2f× (%.2f / %.2f ms) | ≤ 1.25× |%n| OLTP p50 during ÷ idle | %.2f× | |%n"
                            + "| throttle achieved ÷ target | %.3f (%.0f / %.0f rows/s) | 0.9–1.1 |%n| pause returned after | %.3f s | ≤ one batch + 1 s |%n"
                            + "| rows committed after pause | %d | 0 |%n",
                    100 * impactThrottle, oltpLoad(),
                    impact.get("p99Ratio"), impact.get("oltpDuringP99Ms"), impact.get("oltpIdleP99Ms"), impact.get("p50Ratio"),
                    impact.get("throttleAccuracy"), impact.get("throttleAchieved"), impact.get("throttleTarget"), impact.get("pauseSeconds"),
                    impact.get("rowsCommittedAfterPause")));
        }
        System.out.print(md);
        Files.createDirectories(out);
        String stamp = Instant.now().toString().replace(":", "").replaceAll("\\..*", "");
        Path jsonFile = out.resolve("bench-" + rows + "-" + key + "-" + stamp + ".json");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rows", rows);
        doc.put("key", key);
        doc.put("at", Instant.now().toString());
        doc.put("machine", machine);
        doc.put("results", json);
        doc.put("impact", impact);
        Files.writeString(jsonFile, Json.write(doc));
        Files.writeString(out.resolve("bench-" + rows + "-" + key + "-" + stamp + ".md"), md.toString());
        System.out.println("\nresults: " + jsonFile);
    }

    private static Double rate(List<Result> results, String prefix) {
        return results.stream().filter(r -> r.method().startsWith(prefix)).map(Result::rowsPerSecond).findFirst().orElse(null);
    }

    private static String ratio(double value, Double base) {
        return base == null ? "" : String.format(Locale.ROOT, "%.2f×", value / base);
    }
}
