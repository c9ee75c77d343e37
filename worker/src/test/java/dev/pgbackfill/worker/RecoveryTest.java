package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Everything important is in PostgreSQL: coordinators and workers can stop and start without losing a job. */
class RecoveryTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aRestartedCoordinatorPicksUpItsRunningJobAndCompletesIt() throws Exception {
        db.exec("CREATE TABLE rc (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO rc SELECT g, g FROM generate_series(1, 20000) g; ANALYZE rc");
        Audit.install(db, "rc", "t.id");
        try (Cluster cluster = new Cluster(db)) {
            long job = cluster.launch(new BackfillSpec("rc", List.of("b = a - 1"), null, null, null, null, 200, 2_000L));
            Runnable restart = cluster.stopCoordinator();
            cluster.withWorkers(2); // workers do the published chunks, but nobody can finish the job

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND state <> 'DONE'", job) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            assertThat(cluster.coordinator.status(job).state()).as("no coordinator to verify and complete it").isEqualTo(JobState.RUNNING);

            restart.run();
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

            assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.rowsDone()).isEqualTo(20_000);
        }
        assertThat(Audit.rowsNotUpdatedOnce(db, "rc", "t.id")).isZero();
    }

    @Test
    void aWorkerStoppedMidChunkReleasesItAtTheCheckpointForAnother() throws Exception {
        db.exec("CREATE TABLE ws (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO ws SELECT g, g FROM generate_series(1, 30000) g; ANALYZE ws");
        Audit.install(db, "ws", "t.id");
        try (Cluster cluster = new Cluster(db)) {
            Worker first = cluster.addWorker(WorkerSettings.defaults(1));
            long job = cluster.launch(new BackfillSpec("ws", List.of("b = a + 100"), null, null, null, null, 50, 30_000L));
            while (cluster.coordinator.status(job).rowsDone() < 1_000) {
                Thread.sleep(10);
            }
            first.close(); // graceful: stops after its batch and gives the chunk back
            long released = db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND state = 'PENDING' AND lease_token IS NULL", job);
            cluster.addWorker(WorkerSettings.defaults(1));
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));

            assertThat(released).isEqualTo(1);
            assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.rowsDone()).isEqualTo(30_000);
        }
        assertThat(Audit.rowsNotUpdatedOnce(db, "ws", "t.id")).isZero();
    }
}
