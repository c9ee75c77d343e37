package dev.pgbackfill.cli;

import dev.pgbackfill.client.CoordinatorClient;
import dev.pgbackfill.bench.BenchTable;
import dev.pgbackfill.bench.Spawned;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.job.Json;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The services' start-up (issue 19), each as a process started the way an operator starts it: a coordinator
 * until it answers its API (with the bench's broker, and with its own embedded one), a worker until it has joined
 * the workers' consumer group, and {@code run}'s time beyond the job it ran. Every launcher of {@link BenchLaunchers} is
 * timed in the same run.
 */
final class BenchServices {
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private final BenchCommand bench;
    private final String broker;

    BenchServices(BenchCommand bench, String broker) {
        this.bench = bench;
        this.broker = broker;
    }

    Map<String, Object> measure(BenchTable table, PrintStream err) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> launcher : BenchLaunchers.launchers(bench.baseline).entrySet()) {
            Map<String, Object> times = new LinkedHashMap<>();
            List<String> cmd = launcher.getValue();
            times.put("coordinatorSeconds", coordinator(cmd, true));
            times.put("coordinatorEmbeddedBrokerSeconds", coordinator(cmd, false));
            times.put("workerSeconds", worker(cmd));
            table.reset();
            times.put("runOverheadSeconds", runOverhead(cmd, true));
            table.reset();
            times.put("runOverheadEmbeddedBrokerSeconds", runOverhead(cmd, false));
            err.printf(Locale.ROOT, "  services, %-45s coordinator %.1f s (embedded broker %.1f s), worker %.1f s, run overhead %.1f s (embedded broker %.1f s)%n",
                    launcher.getKey(), times.get("coordinatorSeconds"), times.get("coordinatorEmbeddedBrokerSeconds"), times.get("workerSeconds"),
                    times.get("runOverheadSeconds"), times.get("runOverheadEmbeddedBrokerSeconds"));
            result.put(launcher.getKey(), times);
        }
        return result;
    }

    private double coordinator(List<String> launcher, boolean withBroker) throws Exception {
        int port = BenchClient.freePort();
        List<String> args = new ArrayList<>(List.of("coordinator", "--port", Integer.toString(port)));
        args.addAll(withBroker ? List.of("--kafka", broker, "--topic", topic()) : List.of("--embedded-kafka-port", Integer.toString(BenchClient.freePort())));
        try (Spawned c = Spawned.start(concat(launcher, args), bench.dbEnv("PGBACKFILL_OPERATOR_TOKEN", "bench-token"))) {
            c.awaitLine(l -> l.contains("coordinator ready on"), LIMIT);
            return awaitApi(c, port);
        }
    }

    /** Seconds from the start until {@code GET /api/jobs} answers 200: what a load balancer's health check sees. */
    private static double awaitApi(Spawned c, int port) throws Exception {
        CoordinatorClient api = new CoordinatorClient("http://127.0.0.1:" + port, "bench-token");
        while (true) {
            try {
                api.get("/api/jobs");
                return c.seconds();
            } catch (RuntimeException e) {
                if (c.seconds() > LIMIT.toSeconds()) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Seconds from the start until the worker is a member of the workers' consumer group: chunks reach it from then on. */
    private double worker(List<String> launcher) throws Exception {
        List<String> args = List.of("worker", "--kafka", broker, "--topic", topic(), "--threads", "2");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker))) {
            int before = members(admin);
            try (Spawned w = Spawned.start(concat(launcher, args), bench.dbEnv())) {
                while (members(admin) <= before) {
                    if (w.seconds() > LIMIT.toSeconds()) {
                        throw new IllegalStateException("the worker did not join within " + LIMIT.toSeconds() + " s: " + w.output());
                    }
                    Thread.sleep(20);
                }
                return w.seconds();
            }
        }
    }

    private static int members(Admin admin) throws Exception {
        try {
            return admin.describeConsumerGroups(List.of(ChunkTopic.DEFAULT_GROUP)).all().get().get(ChunkTopic.DEFAULT_GROUP).members().size();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return 0; // Kafka 4 knows no group before its first member
            }
            throw e;
        }
    }

    /** {@code run}'s wall time less its job's (createdAt to finishedAt in the JSON it prints last). */
    private double runOverhead(List<String> launcher, boolean withBroker) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--table", BenchTable.NAME, "--set", "b = a + 1", "--json"));
        if (withBroker) {
            args.addAll(List.of("--kafka", broker, "--topic", topic()));
        }
        try (Spawned r = Spawned.start(concat(launcher, args), bench.dbEnv())) {
            if (r.await(LIMIT) != 0) {
                throw new IllegalStateException("run failed: " + r.output());
            }
            double wall = r.seconds();
            List<String> lines = r.output().lines().filter(l -> l.startsWith("{")).toList();
            @SuppressWarnings("unchecked") Map<String, Object> status = Json.read(lines.get(lines.size() - 1), Map.class);
            double job = Duration.between(Instant.parse((String) status.get("createdAt")), Instant.parse((String) status.get("finishedAt"))).toMillis() / 1e3;
            return wall - job;
        }
    }

    private static String topic() {
        return "pgbf-bench-" + System.nanoTime();
    }

    static List<String> concat(List<String> launcher, List<String> args) {
        List<String> all = new ArrayList<>(launcher);
        all.addAll(args);
        return all;
    }
}
