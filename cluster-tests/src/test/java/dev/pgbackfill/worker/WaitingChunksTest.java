package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka gives each request to the one consumer that owns its partition, so requests can queue behind a busy worker
 * while others idle. Here the chunk topic has a single partition: every request goes to one of three workers, and
 * the other two take the chunks that wait ({@code LeaseStore.claimWaiting}). The requests that arrive later for
 * those chunks find them claimed or done and change nothing.
 */
class WaitingChunksTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db, 1).withWorkers(3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void idleWorkersTakeChunksWhoseRequestsWaitBehindABusyOne() throws Exception {
        db.exec("CREATE TABLE wc_t (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO wc_t SELECT g, g FROM generate_series(1, 200000) g; ANALYZE wc_t");
        Audit.install(db, "wc_t", "t.id");

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("wc_t").set("b = a + 1").batchSize(500).chunkSize(10_000L).build()),
                Duration.ofSeconds(120));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(200_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "wc_t", "t.id")).isZero();
        assertThat(cluster.workers).as("every worker ran chunks, though one consumer got every request")
                .allSatisfy(w -> assertThat(w.chunksDone()).isPositive());
        assertThat(cluster.workers.stream().mapToLong(Worker::chunksDone).sum()).as("each chunk (splits included) ran to its end once")
                .isEqualTo(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ?", s.id()));
    }
}
