package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.error.InvalidInputException;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: takes chunk requests from Kafka and applies them in fenced, checkpointed batches.",
        footer = {"%nStart as many as you like, on any machine; they share the work as one consumer group.",
                "%nExample:%n  pgbackfill worker --db jdbc:postgresql://db/app --kafka kafka:9092 --threads 4"})
public final class WorkerCommand implements Callable<Integer> {
    @Mixin
    DbOptions db;
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--threads", defaultValue = "2", description = "Chunks this worker runs at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--lease-seconds", defaultValue = "30",
            description = "Lease on a chunk; if this worker dies, another resumes its chunk after this (default ${DEFAULT-VALUE}).")
    int leaseSeconds;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "Serve Prometheus metrics on http://0.0.0.0:PORT/metrics (default ${DEFAULT-VALUE} = off).")
    int metricsPort;

    @Option(names = "--startup-timeout", defaultValue = "0",
            description = "Seconds to wait for PostgreSQL and Kafka at start before exiting 3 (default ${DEFAULT-VALUE} = as long as it takes).")
    int startupTimeoutSeconds;

    @Option(names = "--verbose", description = "Debug logs and stack traces.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!db.given()) {
            throw new InvalidInputException("db", "a worker needs --db (or PGBACKFILL_DB_URL)");
        }
        if (!kafka.given()) {
            throw new InvalidInputException("kafka", "a worker needs --kafka (or PGBACKFILL_KAFKA): the coordinator prints the address of its broker");
        }
        if (threads < 1 || threads > 256) {
            throw new InvalidInputException("threads", "--threads must be between 1 and 256, got " + threads);
        }
        if (leaseSeconds < 2) {
            throw new InvalidInputException("leaseSeconds", "--lease-seconds must be at least 2, got " + leaseSeconds);
        }
        Duration wait = Duration.ofSeconds(startupTimeoutSeconds);
        HikariDataSource dataSource = StartupRetry.until("PostgreSQL", () -> Database.open(db.config(db.url), threads + 2, "worker"), wait, System.err);
        ControlSchema.install(dataSource);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer metrics = metricsPort > 0 ? MetricsServer.start(metricsPort, registry) : null;
        Worker worker = new Worker(dataSource, kafka.topic(kafka.bootstrap),
                WorkerSettings.defaults(threads).withLease(Duration.ofSeconds(leaseSeconds)).withLockTimeout(Duration.ofMillis(db.lockTimeoutMs)), registry);
        StartupRetry.until("Kafka", worker::start, wait, System.err);
        System.err.println("pgbackfill: worker " + worker.id() + " started with " + threads + " thread(s), Kafka " + kafka.bootstrap
                + ", database role " + Database.currentUser(dataSource));
        // running chunks stop after their batch and are released at their checkpoints
        Shutdown.awaitThenClose(worker, metrics == null ? null : () -> metrics.stop(0), dataSource);
        return 0;
    }
}
