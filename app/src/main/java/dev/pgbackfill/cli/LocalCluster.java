package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A coordinator and N workers in this process (for {@code run} and {@code demo}), on the given database and
 * broker, or on an embedded PostgreSQL / in-JVM Kafka when none is given. Closing it stops the workers at their
 * checkpoints, then the embedded services.
 */
final class LocalCluster implements AutoCloseable {
    final HikariDataSource dataSource;
    final Coordinator coordinator;
    private final ChunkPublisher publisher;
    private final List<Worker> workers = new ArrayList<>();
    private final LocalServices.Service kafka;

    private LocalCluster(HikariDataSource dataSource, ChunkTopic topic, LocalServices.Service kafka, int workerCount, Duration lockTimeout) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        topic.ensureExists();
        this.publisher = new ChunkPublisher(topic);
        this.coordinator = new Coordinator(dataSource, publisher, CoordinatorSettings.defaults());
        coordinator.start();
        for (int i = 0; i < workerCount; i++) {
            workers.add(new Worker(dataSource, topic, WorkerSettings.defaults(1).withLockTimeout(lockTimeout), new SimpleMeterRegistry()).start());
        }
    }

    /** Starts the in-JVM broker unless {@code --kafka} was given, then the coordinator and workers. */
    static LocalCluster start(HikariDataSource dataSource, KafkaOptions kafkaOptions, DbOptions dbOptions, int workerCount, PrintStream err) {
        LocalServices.Service kafka = null;
        String bootstrap = kafkaOptions.bootstrap;
        if (!kafkaOptions.given()) {
            kafka = LocalServices.require("--kafka").kafka(0, kafkaOptions.partitions);
            bootstrap = kafka.address();
            err.println("pgbackfill: no --kafka given: using an in-JVM Kafka broker at " + bootstrap + " for this run only (not for production)");
        }
        try {
            // the workers' pool was opened with --lock-timeout-ms: the optimistic batch restores that value
            return new LocalCluster(dataSource, kafkaOptions.topic(bootstrap), kafka, workerCount, Duration.ofMillis(dbOptions.lockTimeoutMs));
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            throw e;
        }
    }

    /** Opens the pool on --db, or on a fresh embedded PostgreSQL when --db was not given. */
    static Db openDatabase(DbOptions options, int poolSize, PrintStream err) {
        return openDatabase(options, poolSize, err, null);
    }

    /** As above; with {@code schema}, unqualified names resolve there first (pgjdbc's currentSchema). */
    static Db openDatabase(DbOptions options, int poolSize, PrintStream err, String schema) {
        if (options.given()) {
            return new Db(Database.open(options.config(withSchema(options.url, schema)), poolSize, "cli"), null);
        }
        LocalServices services = LocalServices.require("--db");
        err.println("pgbackfill: no --db given: starting an embedded PostgreSQL for this run only (its data is discarded at exit)");
        LocalServices.Service pg = services.postgres();
        try {
            return new Db(Database.open(options.config(withSchema(pg.address(), schema)), poolSize, "cli"), pg);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private static String withSchema(String url, String schema) {
        return schema == null ? url : url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }

    record Db(HikariDataSource dataSource, LocalServices.Service embedded) implements AutoCloseable {
        @Override
        public void close() {
            dataSource.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** Waits until the job is SUCCEEDED, FAILED or CANCELLED, reporting its status about once a second. */
    JobStatus await(long jobId, Consumer<JobStatus> onProgress) throws InterruptedException {
        return coordinator.awaitFinished(jobId, Duration.ofDays(365), onProgress);
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
        coordinator.close();
        publisher.close();
        if (kafka != null) {
            kafka.close();
        }
    }
}
