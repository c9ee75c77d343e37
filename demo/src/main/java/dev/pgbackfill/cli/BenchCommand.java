package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
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
            description = "Methods to run (default ${DEFAULT-VALUE}); add skew for the skewed-key suite (uniform, an outlier, islands, "
                    + "growing gaps, time-ordered uuids, prefixed text, a lopsided partitioned table; 4 workers); cli (pause/resume round "
                    + "trips, quiet and with every core busy), startup (coordinator, worker, run's overhead) and memory (RSS and heap of "
                    + "the services, idle and loaded) time the operator's path through ./pgbackfill.")
    List<String> methods;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Rounds of the baselines and pgbackfill runs, alternating (default ${DEFAULT-VALUE}); each ratio is to its own round's "
                    + "in-server loop, and the report adds each method's median ratio.")
    int repeat;

    @Option(names = "--baseline", paramLabel = "LAUNCHER",
            description = "With cli and startup: the ./pgbackfill of an earlier checkout, timed in the same run as this one.")
    String baseline;

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

    private Map<String, String> dbEnv = Map.of();

    /**
     * One method's run; {@code note} says what went wrong (null: nothing). pgbackfill's fixed costs apart:
     * {@code planSeconds} its launch (validate, plan, publish), {@code claimSeconds} from the first chunk's publication
     * to its claim (the Kafka hand-off), {@code verifySeconds} from the last chunk done to SUCCEEDED (the final check).
     */
    record Result(String method, long rows, double seconds, double rowsPerSecond, Double firstBatchSeconds, Long heapMb, String note,
                  Double planSeconds, Double claimSeconds, Double verifySeconds) {
        Result(String method, long rows, double seconds, double rowsPerSecond, Double firstBatchSeconds, Long heapMb, String note) {
            this(method, rows, seconds, rowsPerSecond, firstBatchSeconds, heapMb, note, null, null, null);
        }

        /** The same result, named for round {@code round} of {@code --repeat}. */
        Result inRound(int round) {
            return new Result(method + " [round " + round + "]", rows, seconds, rowsPerSecond, firstBatchSeconds, heapMb, note, planSeconds,
                    claimSeconds, verifySeconds);
        }
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
        if (repeat < 1 || repeat > 50) {
            throw new InvalidInputException("repeat", "--repeat must be between 1 and 50, got " + repeat);
        }
        if (rows < 1 || rows > 100_000_000) {
            throw new InvalidInputException("rows", "--rows must be between 1 and 100000000, got " + rows);
        }
        PrintStream err = System.err;
        List<Result> results = new ArrayList<>();
        Map<String, Object> sections = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        try (LocalCluster.Db database = LocalCluster.openDatabase(db, 12, err)) {
            DataSource ds = database.dataSource();
            dbEnv = BenchOperator.dbEnv(database.dataSource());
            BenchTable table = new BenchTable(ds, rows, key);
            machine.putAll(machine(database));
            err.printf(Locale.ROOT, "bench: %,d rows, %s key, PostgreSQL %s%n", rows, key, machine.get("server_version"));

            for (int round = 1; round <= repeat; round++) {
                List<Result> ofRound = new ArrayList<>(baselines(table, ds, err));
                ofRound.addAll(pgbackfillRuns(table, ds, err));
                int n = round;
                results.addAll(repeat == 1 ? ofRound : ofRound.stream().map(r -> r.inRound(n)).toList());
            }
            sections.put("impact", pgbackfillMethods(table, ds, results, err));
            sections.putAll(new BenchOperator(this).measure(table, ds, err));
        }
        new BenchReport(this).write(results, machine, sections);
        return 0;
    }

    private List<Result> pgbackfillRuns(BenchTable table, DataSource ds, PrintStream err) throws Exception {
        List<Result> results = new ArrayList<>();
        if (methods.contains("pgbackfill")) {
            ControlSchema.install(ds);
            for (int w : workerCounts) {
                results.add(pgbackfill(table, ds, w, err));
            }
        }
        return results;
    }

    /** The skew suite and the impact section, as asked for (once, whatever --repeat); returns the impact section or null. */
    private Map<String, Object> pgbackfillMethods(BenchTable table, DataSource ds, List<Result> results, PrintStream err) throws Exception {
        if (methods.contains("skew")) {
            ControlSchema.install(ds);
            results.addAll(new BenchSkew(this).measure(ds, err));
        }
        if (!methods.contains("impact")) {
            return null;
        }
        if (!key.equals("bigint")) {
            err.println("  impact: skipped (the foreground load picks random bigint keys)");
            return null;
        }
        ControlSchema.install(ds);
        Double unthrottled = results.stream().filter(r -> r.method().startsWith("pgbackfill run, 2")).map(Result::rowsPerSecond)
                .findFirst().orElse(null);
        return new BenchImpact(this).measure(table, ds, unthrottled == null ? pgbackfill(table, ds, 2, err).rowsPerSecond() : unthrottled, err);
    }

    /** The database of this run for the processes the bench starts, in their environment (no password on a command line). */
    Map<String, String> dbEnv() {
        return dbEnv;
    }

    /** As {@link #dbEnv()}, with one more variable; the map may be added to. */
    Map<String, String> dbEnv(String key, String value) {
        Map<String, String> env = new LinkedHashMap<>(dbEnv);
        env.put(key, value);
        return env;
    }

    /** Seconds from the first publication to the first claim, and from the last chunk done to the job's end (PostgreSQL's clock). */
    private static double[] handOffAndCheck(DataSource ds, long job) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT extract(epoch FROM min(k.started_at) - min(k.published_at)), extract(epoch FROM j.finished_at - max(k.finished_at)) "
                        + "FROM pgbackfill.chunk k JOIN pgbackfill.job j ON j.id = k.job_id WHERE k.job_id = ? GROUP BY j.finished_at")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[] {rs.getDouble(1), rs.getDouble(2)};
            }
        }
    }

    /** The foreground load in words, e.g. "4 threads paced at 2000 ops/s". */
    String oltpLoad() {
        return oltpRate > 0 ? String.format(Locale.ROOT, "%d threads paced at %.0f ops/s", oltpThreads, oltpRate) : oltpThreads + " threads, closed loop";
    }

    /** The baselines asked for, each on a freshly reset table. */
    private List<Result> baselines(BenchTable table, DataSource ds, PrintStream err) throws Exception {
        List<Result> results = new ArrayList<>();
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
        return results;
    }

    private Map<String, Object> machine(LocalCluster.Db database) throws SQLException {
        DataSource ds = database.dataSource();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        for (String s : List.of("server_version", "shared_buffers", "synchronous_commit", "fsync", "max_wal_size", "work_mem")) {
            machine.put(s, Baselines.setting(ds, s));
        }
        machine.put("database", database.embedded() == null ? db.config(db.url).safeUrl() : "embedded PostgreSQL");
        return machine;
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
            long id = cluster.coordinator.launch(BackfillSpec.on(BenchTable.NAME).set("b = a + 1").build(), "bench");
            double planned = (System.nanoTime() - t0) / 1e9; // launch returns once the job is validated, planned and published
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
            double[] handOffAndCheck = handOffAndCheck(ds, id);
            err.printf(Locale.ROOT, "  %-75s %8.2f s %,12.0f rows/s  planned in %.3f s (%d chunks)  claimed %.3f s after publication  "
                    + "first batch %.3f s  verified in %.3f s  heap %d MB%s%n", name, seconds, rows / seconds, planned, s.chunksTotal(),
                    handOffAndCheck[0], first, handOffAndCheck[1], heapMb, note == null ? "" : "  (" + note + ")");
            return new Result(name, rows, seconds, rows / seconds, first, heapMb, note, planned, handOffAndCheck[0], handOffAndCheck[1]);
        }
    }

}
