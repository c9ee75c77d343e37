package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import dev.pgbackfill.worker.throttle.Throttle;
import java.nio.file.Files;
import java.time.Duration;
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
        try (ExternalWorkerJob stage = new ExternalWorkerJob(db, "frozen")) {
            stage.awaitRows(200);
            stage.signal("STOP");
            long doneWhenFrozen = stage.coordinator.status(stage.job).rowsDone();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();

            try (Worker survivor = new Worker(stage.dataSource, stage.topic, WorkerSettings.defaults(1).withSweeps(30, Duration.ofMillis(200)),
                    Throttle.NONE).start()) {
                // the chunk moves on once the frozen worker's 2 s lease has expired
                while (db.queryLong("SELECT attempts FROM pgbackfill.chunk WHERE job_id = " + stage.job) < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                stage.awaitRows(doneWhenFrozen + 200);
                stage.signal("CONT");
                JobStatus s = stage.coordinator.awaitFinished(stage.job, Duration.ofSeconds(90), st -> { });

                assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(s.rowsDone()).isEqualTo(3_000);
            }
            assertThat(Files.readString(stage.workerLog))
                    .as("the thawed worker tried to commit and the fence refused it")
                    .contains("lease on job " + stage.job + " chunk 0 was lost (another worker claimed the chunk); dropping it");
            assertThat(db.queryLong("SELECT attempts FROM pgbackfill.chunk WHERE job_id = " + stage.job)).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM slow WHERE b IS DISTINCT FROM a + 1")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM (SELECT key FROM audit_log GROUP BY key HAVING count(*) <> 1) x")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT key) FROM audit_log")).isEqualTo(3_000);
        }
    }
}
