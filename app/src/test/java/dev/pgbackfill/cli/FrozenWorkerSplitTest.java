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
 * A worker process frozen (SIGSTOP) inside its lease while the coordinator splits its chunk for an idle worker, then
 * thawed (SIGCONT): its next checkpoint names the chunk's old upper bound, the fence refuses it, the batch rolls back
 * and is redone inside the new bound — while the idle worker does the piece beyond it. Every row changes exactly once.
 */
class FrozenWorkerSplitTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void aWorkerThawedAfterItsChunkWasSplitGoesOnInsideTheNewBound() throws Exception {
        // 20 000 rows at ~0.2 ms each, one chunk; a 60 s lease, so the freeze below is a split, never a takeover
        try (ExternalWorkerJob stage = new ExternalWorkerJob(db, "frozen-split", 20_000, "0.0002", 60)) {
            stage.awaitRows(1_000);
            stage.signal("STOP");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();

            try (Worker idle = new Worker(stage.dataSource, stage.topic, WorkerSettings.defaults(1).withSweeps(30, Duration.ofMillis(200)),
                    Throttle.NONE).start()) {
                while (db.queryLong("SELECT count(*) FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'split'", stage.job) == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                // the idle worker finishes the piece beyond the cut while the frozen one still holds the first
                while (db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND state = 'DONE'", stage.job) == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                stage.signal("CONT");
                JobStatus s = stage.coordinator.awaitFinished(stage.job, Duration.ofSeconds(120), st -> { });

                assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(s.rowsDone()).isEqualTo(20_000);
            }
            assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'lease'", stage.job))
                    .as("no takeover: the frozen worker kept its lease").isZero();
            assertThat(db.queryLong("SELECT min(attempts) FROM pgbackfill.chunk WHERE job_id = ? AND chunk_no = 0", stage.job)).isEqualTo(1);
            assertThat(Files.readString(stage.workerLog))
                    .as("the thawed worker's checkpoint named the old bound, and the fence refused it")
                    .contains("split by the coordinator; now ends at");
            assertThat(db.queryLong("SELECT count(*) FROM slow WHERE b IS DISTINCT FROM a + 1")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM (SELECT key FROM audit_log GROUP BY key HAVING count(*) <> 1) x")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT key) FROM audit_log")).isEqualTo(20_000);
        }
    }
}
