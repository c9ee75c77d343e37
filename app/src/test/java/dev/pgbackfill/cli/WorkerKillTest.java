package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import dev.pgbackfill.worker.throttle.Throttle;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process killed with SIGKILL in the middle of a chunk: its lease expires, the coordinator republishes
 * the chunk, another worker resumes it from the last committed checkpoint, and every row is changed exactly once.
 */
class WorkerKillTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void chunkOfAKilledWorkerJvmIsResumedFromItsCheckpointByAnotherWorker() throws Exception {
        try (ExternalWorkerJob stage = new ExternalWorkerJob(db, "killed")) {
            long beforeKill = stage.awaitRows(200);
            stage.worker.destroyForcibly(); // SIGKILL on Linux
            stage.worker.waitFor();
            assertThat(beforeKill).isBetween(200L, 2_900L);

            try (Worker survivor = new Worker(stage.dataSource, stage.topic, WorkerSettings.defaults(1), Throttle.NONE).start()) {
                JobStatus s = stage.coordinator.awaitFinished(stage.job, Duration.ofSeconds(90), st -> { });
                assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(s.rowsDone()).isEqualTo(3_000);
            }
            assertThat(db.queryLong("SELECT attempts FROM pgbackfill.chunk WHERE job_id = " + stage.job)).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM slow WHERE b IS DISTINCT FROM a + 1")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM (SELECT key FROM audit_log GROUP BY key HAVING count(*) <> 1) x")).isZero();
            assertThat(db.queryLong("SELECT count(DISTINCT key) FROM audit_log")).isEqualTo(3_000);
        }
    }
}
