package dev.pgbackfill.cli;

import dev.pgbackfill.client.CoordinatorClient;
import dev.pgbackfill.bench.BenchTable;
import dev.pgbackfill.bench.Spawned;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory of the services as the kernel counts it (issue 19): a coordinator and a worker process, started by this
 * checkout's launcher, at idle and at their peak while they backfill the bench table. The worker runs as it would in
 * a 256 MB container with the image's setting ({@code -XX:MaxRAM=256m -XX:MaxRAMPercentage=50}: the JVM sizes itself
 * exactly as under a cgroup limit), so "fits" means its peak resident set stays under 256 MB; the coordinator as in a
 * 512 MB one.
 */
final class BenchMemory {
    static final String CONTAINER = "-XX:MaxRAM=256m -XX:MaxRAMPercentage=50";
    static final String COORDINATOR_CONTAINER = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=50";
    private static final Duration LIMIT = Duration.ofMinutes(10);
    private final BenchCommand bench;
    private final String broker;

    BenchMemory(BenchCommand bench, String broker) {
        this.bench = bench;
        this.broker = broker;
    }

    Map<String, Object> measure(BenchTable table, PrintStream err) throws Exception {
        List<String> launcher = BenchLaunchers.launchers(null).get(BenchLaunchers.THIS);
        if (launcher == null) {
            err.println("  memory: skipped (run the bench through ./pgbackfill, which sets PGBACKFILL_HOME)");
            return null;
        }
        int port = BenchClient.freePort();
        String topic = "pgbf-bench-memory-" + System.nanoTime();
        table.reset();
        Map<String, String> env = bench.dbEnv("PGBACKFILL_JAVA_OPTS", COORDINATOR_CONTAINER);
        env.put("PGBACKFILL_OPERATOR_TOKEN", "bench-token");
        try (Spawned coordinator = Spawned.start(BenchServices.concat(launcher, List.of("coordinator", "--kafka", broker, "--topic", topic,
                "--port", Integer.toString(port))), env);
             Spawned worker = Spawned.start(BenchServices.concat(launcher, List.of("worker", "--kafka", broker, "--topic", topic, "--threads", "4")),
                     bench.dbEnv("PGBACKFILL_JAVA_OPTS", CONTAINER))) {
            coordinator.awaitLine(l -> l.contains("coordinator ready on"), LIMIT);
            worker.awaitLine(l -> l.contains(" started with "), LIMIT);
            Thread.sleep(3_000);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("coordinatorIdle", sample(coordinator));
            result.put("workerIdle", sample(worker));
            CoordinatorClient api = new CoordinatorClient("http://127.0.0.1:" + port, "bench-token");
            long job = api.post("/api/jobs", Map.of("table", BenchTable.NAME, "set", List.of("b = a + 1"))).get("id").asLong();
            Peak c = new Peak();
            Peak w = new Peak();
            for (long n = 0; !api.get("/api/jobs/" + job).get("state").asString().matches("SUCCEEDED|FAILED|CANCELLED"); n++) {
                c.add(coordinator, n % 10 == 0);
                w.add(worker, n % 10 == 0);
                Thread.sleep(100);
            }
            result.put("coordinatorLoaded", c.with(coordinator));
            result.put("workerLoaded", w.with(worker));
            err.printf(Locale.ROOT, "  memory: worker (%s) RSS idle %.0f MB, peak %.0f MB; coordinator RSS idle %.0f MB, peak %.0f MB%n", CONTAINER,
                    ((Map<?, ?>) result.get("workerIdle")).get("rssMb"), ((Map<?, ?>) result.get("workerLoaded")).get("rssPeakMb"),
                    ((Map<?, ?>) result.get("coordinatorIdle")).get("rssMb"), ((Map<?, ?>) result.get("coordinatorLoaded")).get("rssPeakMb"));
            return result;
        }
    }

    private static Map<String, Object> sample(Spawned p) throws Exception {
        Spawned.Memory m = p.memory();
        return Map.of("rssMb", m == null ? 0 : m.rssMb(), "heapUsedMb", heapUsedMb(p.pid()));
    }

    /** The peaks of one process while the job runs: resident set from /proc (every sample), heap from jstat (every tenth). */
    private static final class Peak {
        double peakRss;
        double heap;

        void add(Spawned p, boolean withHeap) throws Exception {
            Spawned.Memory m = p.memory();
            peakRss = Math.max(peakRss, m == null ? 0 : m.rssMb());
            if (withHeap) {
                heap = Math.max(heap, heapUsedMb(p.pid()));
            }
        }

        Map<String, Object> with(Spawned p) {
            Spawned.Memory m = p.memory();
            return Map.of("rssPeakMb", m == null ? peakRss : Math.max(peakRss, m.peakMb()), "heapUsedPeakMb", heap);
        }
    }

    /** Heap in use (survivors, eden, old) in MB, as {@code jstat -gc} reports it for process {@code pid}. */
    static double heapUsedMb(long pid) throws Exception {
        String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        try (Spawned s = Spawned.start(List.of(jstat, "-gc", Long.toString(pid)), Map.of())) {
            if (s.await(Duration.ofSeconds(30)) != 0) {
                return 0;
            }
            List<String> lines = s.output().lines().filter(l -> !l.isBlank()).toList();
            List<String> names = Arrays.asList(lines.get(0).trim().split("\\s+"));
            String[] values = lines.get(1).trim().split("\\s+");
            double kb = 0;
            for (String used : List.of("S0U", "S1U", "EU", "OU")) {
                kb += Double.parseDouble(values[names.indexOf(used)]);
            }
            return kb / 1024;
        }
    }
}
