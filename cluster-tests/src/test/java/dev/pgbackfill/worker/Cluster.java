package dev.pgbackfill.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.worker.throttle.Throttle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A coordinator and N workers (separate consumers of one group) on a real database and a real broker. */
final class Cluster implements AutoCloseable {
    final HikariDataSource dataSource;
    final ChunkTopic topic;
    final ChunkPublisher publisher;
    Coordinator coordinator;
    final List<Worker> workers = new ArrayList<>();
    private final List<HikariDataSource> workerPools = new ArrayList<>();
    private final TestDatabase db;
    private final String workerUrl;

    Cluster(TestDatabase db) {
        this(db, db.url());
    }

    /** Workers connect to {@code workerUrl} (e.g. through a {@code PortForwarder} that cuts connections); the coordinator directly. */
    Cluster(TestDatabase db, String workerUrl) {
        this(db, workerUrl, TestKafka.bootstrap());
    }

    /** As above, on the broker at {@code bootstrap} (e.g. one the test restarts). */
    Cluster(TestDatabase db, String workerUrl, String bootstrap) {
        this(db, workerUrl, bootstrap, 8);
    }

    /** On a chunk topic of {@code partitions} partitions (one: every request goes to a single consumer). */
    Cluster(TestDatabase db, int partitions) {
        this(db, db.url(), TestKafka.bootstrap(), partitions);
    }

    private Cluster(TestDatabase db, String workerUrl, String bootstrap, int partitions) {
        this.db = db;
        this.workerUrl = workerUrl;
        this.dataSource = Database.open(DbConfig.of(db.url(), null, null), 4, "test-coordinator");
        ControlSchema.install(dataSource);
        this.topic = new ChunkTopic(bootstrap, TestKafka.unique("chunks"), partitions, TestKafka.unique("workers"));
        topic.ensureExists();
        this.publisher = new ChunkPublisher(topic);
        this.coordinator = newCoordinator();
        coordinator.start();
    }

    private Coordinator newCoordinator() {
        return new Coordinator(dataSource, publisher,
                new CoordinatorSettings(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(500), 10));
    }

    /** Stops the coordinator (its monitor), and returns a runnable that starts a fresh one on the same database. */
    Runnable stopCoordinator() {
        coordinator.close();
        return () -> {
            coordinator = newCoordinator();
            coordinator.start();
        };
    }

    Worker addWorker(WorkerSettings settings) {
        return addWorker(settings, pool -> Throttle.NONE);
    }

    /** A worker whose throttle is built on its own pool (e.g. the real ThrottleController with a test clock). */
    Worker addWorker(WorkerSettings settings, java.util.function.Function<javax.sql.DataSource, Throttle> throttle) {
        HikariDataSource pool = Database.open(DbConfig.of(workerUrl, null, null), settings.threads() + 2, "test-worker");
        workerPools.add(pool);
        Worker w = new Worker(pool, topic, settings, throttle.apply(pool)).start();
        workers.add(w);
        return w;
    }

    Cluster withWorkers(int n) {
        for (int i = 0; i < n; i++) {
            addWorker(WorkerSettings.defaults(1).withSweeps(4, Duration.ofMillis(100)));
        }
        return this;
    }

    /** N one-thread workers that honour jobs' throttle settings (rate, schedule) on the real clock. */
    Cluster withThrottledWorkers(int n) {
        for (int i = 0; i < n; i++) {
            addWorker(WorkerSettings.defaults(1).withSweeps(6, Duration.ofMillis(100)),
                    pool -> new dev.pgbackfill.worker.throttle.ThrottleController(pool, java.time.Clock.systemUTC(),
                            new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        }
        return this;
    }

    long launch(BackfillSpec spec) {
        return coordinator.launch(spec, "test");
    }

    JobStatus awaitFinished(long jobId, Duration timeout) throws InterruptedException {
        return coordinator.awaitFinished(jobId, timeout, s -> { });
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
        coordinator.close();
        publisher.close();
        workerPools.forEach(HikariDataSource::close);
        dataSource.close();
    }
}
