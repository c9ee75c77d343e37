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
            long job = cluster.launch(BackfillSpec.on("rc").set("b = a - 1").batchSize(200).chunkSize(2_000L).build());
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
            assertThat(cluster.coordinator.jobs().events(job).stream().filter(e -> e.kind().equals("coordinator")))
                    .as("the restarted coordinator recorded that it runs the monitor (the first one started before the job)").hasSize(1)
                    .allSatisfy(e -> assertThat(e.reason()).contains("runs the monitor"));
        }
        assertThat(Audit.rowsNotUpdatedOnce(db, "rc", "t.id")).isZero();
    }

    @Test
    void aWorkerStoppedMidChunkReleasesItAtTheCheckpointForAnother() throws Exception {
        db.exec("CREATE TABLE ws (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO ws SELECT g, g FROM generate_series(1, 30000) g; ANALYZE ws");
        Audit.install(db, "ws", "t.id");
        try (Cluster cluster = new Cluster(db)) {
            Worker first = cluster.addWorker(WorkerSettings.defaults(1));
            long job = cluster.launch(BackfillSpec.on("ws").set("b = a + 100").batchSize(50).chunkSize(30_000L).build());
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

    @Test
    void aPauseSurvivesACoordinatorRestartAndResumeFinishesExactlyOnce() throws Exception {
        db.exec("CREATE TABLE pr (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO pr SELECT g, g FROM generate_series(1, 20000) g; ANALYZE pr");
        Audit.install(db, "pr", "t.id");
        try (Cluster cluster = new Cluster(db)) {
            cluster.withWorkers(2);
            long job = cluster.launch(BackfillSpec.on("pr").set("b = a * 3").batchSize(100).chunkSize(2_000L).build());
            while (cluster.coordinator.status(job).rowsDone() == 0) {
                Thread.sleep(10);
            }
            cluster.coordinator.pause(job, "test", "maintenance window");
            long done = cluster.coordinator.status(job).rowsDone();
            cluster.stopCoordinator().run();
            Thread.sleep(1_000);

            assertThat(cluster.coordinator.status(job).state()).isEqualTo(JobState.PAUSED);
            assertThat(cluster.coordinator.status(job).rowsDone()).isEqualTo(done);

            cluster.coordinator.resume(job, "test", null);
            JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(60));
            assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.rowsDone()).isEqualTo(20_000);
        }
        assertThat(Audit.rowsNotUpdatedOnce(db, "pr", "t.id")).isZero();
    }

    @Test
    void severalJobsRunAtOnceEachControlledOnItsOwn() throws Exception {
        db.exec("""
                CREATE TABLE m1 (id bigint PRIMARY KEY, a int NOT NULL, b int, c int);
                CREATE TABLE m2 (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), a int NOT NULL, b int);
                INSERT INTO m1 SELECT g, g FROM generate_series(1, 15000) g; INSERT INTO m2 (a) SELECT g FROM generate_series(1, 15000) g;
                ANALYZE m1; ANALYZE m2""");
        try (Cluster cluster = new Cluster(db)) {
            cluster.withWorkers(3);
            long j1 = cluster.launch(BackfillSpec.on("m1").set("b = a + 1").batchSize(200).chunkSize(3_000L).build());
            long j2 = cluster.launch(BackfillSpec.on("m1").set("c = a + 2").batchSize(200).chunkSize(3_000L).build()); // same table
            long j3 = cluster.launch(BackfillSpec.on("m2").set("b = a + 3").batchSize(200).chunkSize(3_000L).build());
            cluster.coordinator.pause(j2, "test", "only this one");

            JobStatus s1 = cluster.awaitFinished(j1, Duration.ofSeconds(60));
            JobStatus s3 = cluster.awaitFinished(j3, Duration.ofSeconds(60));
            assertThat(cluster.coordinator.status(j2).state()).isEqualTo(JobState.PAUSED);
            cluster.coordinator.resume(j2, "test", null);
            JobStatus s2 = cluster.awaitFinished(j2, Duration.ofSeconds(60));

            assertThat(List.of(s1.state(), s2.state(), s3.state())).containsOnly(JobState.SUCCEEDED);
            assertThat(List.of(s1.rowsDone(), s2.rowsDone(), s3.rowsDone())).containsOnly(15_000L);
            assertThat(db.queryLong("SELECT count(*) FROM m1 WHERE b IS DISTINCT FROM a + 1 OR c IS DISTINCT FROM a + 2")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM m2 WHERE b IS DISTINCT FROM a + 3")).isZero();
        }
    }
}
