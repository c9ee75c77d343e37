package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.bench.CpuLoad;
import dev.pgbackfill.bench.Spawned;
import dev.pgbackfill.coordinator.api.ApiTokens;
import dev.pgbackfill.coordinator.api.CoordinatorApplication;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator's round trip (issue 19): {@code pgbackfill resume} and {@code pause} as separate processes against a
 * coordinator in this JVM, for each command line of {@link BenchLaunchers}, alternating, on a quiet machine and on
 * one whose every core is busy ({@link CpuLoad}). The ratio that matters is this checkout's launcher over the
 * baseline's, both measured in this run.
 */
final class BenchClient {
    private static final int ROUNDS = 5;
    private static final String TOKEN = "bench-operator-token";
    private final BenchCommand bench;

    BenchClient(BenchCommand bench) {
        this.bench = bench;
    }

    /** {quiet: {launcher: median seconds}, busy: {…}}; every sample is one process from start to exit. */
    Map<String, Object> measure(DataSource ds, PrintStream err) throws Exception {
        Map<String, List<String>> launchers = BenchLaunchers.commandLines(bench.baseline);
        Map<String, Object> result = new LinkedHashMap<>();
        int port = freePort();
        try (LocalCluster cluster = LocalCluster.start((HikariDataSource) ds, bench.kafka, bench.db, 1, err)) {
            ConfigurableApplicationContext api = CoordinatorApplication.start(cluster.coordinator, new ApiTokens(List.of(TOKEN), List.of()), port, Map.of());
            try {
                long job = slowJob(ds, cluster);
                Map<String, String> env = Map.of("PGBACKFILL_URL", "http://127.0.0.1:" + port, "PGBACKFILL_TOKEN", TOKEN);
                for (String phase : List.of("quiet", "busy")) {
                    try (CpuLoad load = phase.equals("busy") ? CpuLoad.everyCore() : null) {
                        result.put(phase, roundTrips(launchers, job, env, phase, err));
                    }
                }
                cluster.coordinator.cancel(job, "bench", "bench done");
            } finally {
                api.close();
            }
        }
        return result;
    }

    /** A job that never finishes by itself (1 row/s), paused: resume and pause always have something to do. */
    private static long slowJob(DataSource ds, LocalCluster cluster) throws Exception {
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS pgbf_bench_cli");
            st.execute("CREATE TABLE pgbf_bench_cli AS SELECT g::bigint AS id, 0 AS n FROM generate_series(1, 1000) g");
            st.execute("ALTER TABLE pgbf_bench_cli ADD PRIMARY KEY (id)");
        }
        ThrottleSettings oneRowPerSecond = new ThrottleSettings(1.0, null, null, null, null, null, null, null, null, null, null, null);
        long job = cluster.coordinator.launch(BackfillSpec.on("pgbf_bench_cli").set("n = 1").throttle(oneRowPerSecond).build(), "bench");
        cluster.coordinator.pause(job, "bench", "bench: resumed and paused by the commands it times");
        return job;
    }

    private static Map<String, Double> roundTrips(Map<String, List<String>> launchers, long job, Map<String, String> env, String phase,
                                                  PrintStream err) throws Exception {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (List<String> launcher : launchers.values()) { // untimed: a launcher's first use may build or record its cache
            command(launcher, "resume", job, env);
            command(launcher, "pause", job, env);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, List<String>> launcher : launchers.entrySet()) {
                List<Double> times = samples.computeIfAbsent(launcher.getKey(), k -> new ArrayList<>());
                times.add(command(launcher.getValue(), "resume", job, env));
                times.add(command(launcher.getValue(), "pause", job, env));
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        samples.forEach((name, times) -> medians.put(name, median(times)));
        medians.forEach((name, s) -> err.printf(Locale.ROOT, "  cli, %-5s %-45s pause/resume round trip %.3f s (median of %d)%n",
                phase, name, s, 2 * ROUNDS));
        return medians;
    }

    private static double command(List<String> launcher, String action, long job, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(action, Long.toString(job)));
        return Spawned.run(command, env, Duration.ofMinutes(10));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
