package dev.pgbackfill.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The stage for the process-level fault tests: a 3 000-row table {@code slow} with an audit trigger, a coordinator in
 * this JVM, a worker in a JVM of its own (lease 2 s), and one slow job (~2 ms per row, 50-row batches, one chunk) that
 * the external worker has already made progress on, so a fault lands mid-chunk.
 */
final class ExternalWorkerJob implements AutoCloseable {
    static final int ROWS = 3_000;

    final HikariDataSource dataSource;
    final ChunkTopic topic;
    final Coordinator coordinator;
    final Process worker;
    final Path workerLog;
    final long job;
    private final ChunkPublisher publisher;

    ExternalWorkerJob(TestDatabase db, String name) throws Exception {
        this(db, name, ROWS, "0.002", 2);
    }

    /** As above with {@code rows} rows, {@code sleep} seconds per row and the worker's lease in seconds. */
    ExternalWorkerJob(TestDatabase db, String name, int rows, String sleep, int leaseSeconds) throws Exception {
        db.exec("""
                CREATE TABLE slow (id bigint PRIMARY KEY, a int NOT NULL, b int);
                INSERT INTO slow SELECT g, g FROM generate_series(1, %d) g;
                CREATE TABLE audit_log (key bigint NOT NULL);
                CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$;
                CREATE TRIGGER audit AFTER UPDATE ON slow FOR EACH ROW EXECUTE FUNCTION audit();""".formatted(rows));
        String topicName = TestKafka.unique(name);
        dataSource = Database.open(DbConfig.of(db.url(), null, null), 6, name + "-test");
        ControlSchema.install(dataSource);
        topic = new ChunkTopic(TestKafka.bootstrap(), topicName, 2, ChunkTopic.DEFAULT_GROUP);
        topic.ensureExists();
        publisher = new ChunkPublisher(topic);
        coordinator = new Coordinator(dataSource, publisher,
                new CoordinatorSettings(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(1), 10));
        coordinator.start();
        workerLog = Path.of("target", name + "-worker.log");
        worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker",
                "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", topicName, "--threads", "1", "--lease-seconds", Integer.toString(leaseSeconds))
                .redirectErrorStream(true).redirectOutput(new File(workerLog.toString())).start();
        job = coordinator.launch(BackfillSpec.on("slow").set("b = a + 1 + 0 * length(pg_sleep(" + sleep + ")::text)").where("b IS NULL").batchSize(50)
                .chunkSize((long) rows).build(), "test");
    }

    /** Waits (at most 60 s) until the job has done at least {@code rows} rows; returns how many it has done. */
    long awaitRows(long rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (coordinator.status(job).rowsDone() < rows && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return coordinator.status(job).rowsDone();
    }

    /** Sends a signal (STOP, CONT, …) to the external worker. */
    void signal(String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(worker.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        signal("CONT");
        worker.destroyForcibly();
        worker.waitFor();
        coordinator.close();
        publisher.close();
        dataSource.close();
    }
}
