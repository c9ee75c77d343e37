package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import dev.pgbackfill.worker.throttle.Throttle;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process frozen (SIGSTOP) past its lease while another worker takes its chunk over, then thawed
 * (SIGCONT): whatever it had in flight must not commit (the lease fence), and every row is changed exactly once.
 */
class FrozenWorkerTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aWorkerThawedAfterLosingItsLeaseCannotCommit() throws Exception {
        db.exec("""
                CREATE TABLE frozen (id bigint PRIMARY KEY, a int NOT NULL, b int);
                INSERT INTO frozen SELECT g, g FROM generate_series(1, 3000) g;
                CREATE TABLE audit_log (key bigint NOT NULL);
                CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NEW; END $$;
                CREATE TRIGGER audit AFTER UPDATE ON frozen FOR EACH ROW EXECUTE FUNCTION audit();""");
        String topicName = TestKafka.unique("frozen");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 6, "frozen-test")) {
            ControlSchema.install(ds);
            ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), topicName, 2, ChunkTopic.DEFAULT_GROUP);
            topic.ensureExists();
            try (ChunkPublisher publisher = new ChunkPublisher(topic);
                 Coordinator coordinator = new Coordinator(ds, publisher,
                         new CoordinatorSettings(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(1), 10))) {
                coordinator.start();
                Process external = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker",
                        "--db", db.url(), "--kafka", TestKafka.bootstrap(), "--topic", topicName, "--threads", "1", "--lease-seconds", "2")
                        .redirectErrorStream(true).redirectOutput(new File("target/frozen-worker.log")).start();
                long job = coordinator.launch(new BackfillSpec("frozen", List.of("b = a + 1 + 0 * length(pg_sleep(0.002)::text)"),
                        "b IS NULL", null, null, null, 50, 3_000L), "test");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (coordinator.status(job).rowsDone() < 200 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                signal("STOP", external.pid());
                long doneWhenFrozen = coordinator.status(job).rowsDone();

                try (Worker survivor = new Worker(ds, topic, WorkerSettings.defaults(1).withSweeps(30, Duration.ofMillis(200)), Throttle.NONE).start()) {
                    // the chunk moves on once the frozen worker's 2 s lease has expired
                    while (db.queryLong("SELECT attempts FROM pgbackfill.chunk WHERE job_id = " + job) < 2 && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    while (coordinator.status(job).rowsDone() < doneWhenFrozen + 200 && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    signal("CONT", external.pid());
                    JobStatus s = coordinator.awaitFinished(job, Duration.ofSeconds(90), st -> { });

                    assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
                    assertThat(s.rowsDone()).isEqualTo(3_000);
                } finally {
                    signal("CONT", external.pid());
                    external.destroyForcibly();
                    external.waitFor();
                }
                assertThat(java.nio.file.Files.readString(Path.of("target/frozen-worker.log")))
                        .as("the thawed worker tried to commit and the fence refused it")
                        .contains("lease on job " + job + " chunk 0 was lost (another worker claimed the chunk); dropping it");
                assertThat(db.queryLong("SELECT attempts FROM pgbackfill.chunk WHERE job_id = " + job)).isEqualTo(2);
                assertThat(db.queryLong("SELECT count(*) FROM frozen WHERE b IS DISTINCT FROM a + 1")).isZero();
                assertThat(db.queryLong("SELECT count(*) FROM (SELECT key FROM audit_log GROUP BY key HAVING count(*) <> 1) x")).isZero();
                assertThat(db.queryLong("SELECT count(DISTINCT key) FROM audit_log")).isEqualTo(3_000);
            }
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
