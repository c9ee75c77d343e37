package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.chunk.ChunkStore;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.chunk.LeaseStore;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code LeaseStore.claimWaiting}, what an idle worker takes when Kafka brought it nothing: a chunk whose request is
 * out and has waited, once; never a chunk given back after an error before the coordinator publishes it again (that
 * would retry a failing chunk every half second), never one of a job that is not RUNNING, never a young request.
 * Each test launches one single-chunk job with no worker running; every job is cancelled after its test.
 */
class ClaimWaitingTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static HikariDataSource ds;

    @BeforeAll
    static void open() {
        ds = Database.open(DbConfig.of(db.url(), null, null), 4, "claim-waiting");
        ControlSchema.install(ds);
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    @AfterEach
    void cancelEveryJob() {
        db.exec("UPDATE pgbackfill.job SET state = 'CANCELLED' WHERE state <> 'CANCELLED'");
    }

    /** A published one-chunk job, and no worker: its request waits in Kafka. */
    private static long waitingJob(String table) {
        db.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO " + table + " SELECT g, g FROM generate_series(1, 10) g");
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("waiting"), 1, TestKafka.unique("g"));
        topic.ensureExists();
        try (ChunkPublisher publisher = new ChunkPublisher(topic);
             Coordinator coordinator = new Coordinator(ds, publisher, CoordinatorSettings.defaults())) {
            return coordinator.launch(BackfillSpec.on(table).set("b = a").build(), "test");
        }
    }

    private static LeaseStore worker(String name) {
        return new LeaseStore(ds, name, Duration.ofSeconds(30));
    }

    @Test
    void aChunkWhoseRequestWaitsIsTakenOnceAndItsLateRequestIsDropped() throws Exception {
        long job = waitingJob("cw_once");

        Optional<ChunkLease> taken = worker("idle").claimWaiting(Duration.ZERO);

        assertThat(taken).hasValueSatisfying(l -> {
            assertThat(l.jobId()).isEqualTo(job);
            assertThat(l.chunkNo()).isZero();
        });
        assertThat(worker("another idle").claimWaiting(Duration.ZERO)).as("taken already").isEmpty();
        assertThat(worker("the partition's owner").claim(new ChunkRequest(job, 0))).as("the request, arriving late, claims nothing").isEmpty();
        assertThat(db.queryString("SELECT lease_owner FROM pgbackfill.chunk WHERE job_id = ?", job)).isEqualTo("idle");
    }

    @Test
    void aChunkGivenBackAfterAnErrorWaitsForTheCoordinatorToPublishItAgain() throws Exception {
        long job = waitingJob("cw_failed");
        LeaseStore failing = worker("failing");
        ChunkLease lease = failing.claim(new ChunkRequest(job, 0)).orElseThrow();
        failing.release(lease, false); // what a chunk run that failed on a database error does

        assertThat(worker("idle").claimWaiting(Duration.ZERO)).as("no retry before the republish interval").isEmpty();

        try (Connection c = ds.getConnection()) {
            new ChunkStore().markPublished(c, job, List.of(0)); // the coordinator's republication, after the interval
        }
        assertThat(worker("idle").claimWaiting(Duration.ZERO)).as("its new request is out: an idle worker may take it").isPresent();
    }

    @Test
    void aPausedJobsChunksAreNotTaken() throws Exception {
        long job = waitingJob("cw_paused");
        new JobStore(ds).transition(job, JobState.PAUSED, "test", "paused");

        assertThat(worker("idle").claimWaiting(Duration.ZERO)).isEmpty();
        assertThat(db.queryString("SELECT state FROM pgbackfill.chunk WHERE job_id = ?", job)).isEqualTo("PENDING");
    }

    @Test
    void aRequestYoungerThanTheWaitIsLeftToItsOwnConsumer() throws Exception {
        waitingJob("cw_young");

        assertThat(worker("idle").claimWaiting(Duration.ofMinutes(5))).isEmpty();
        assertThat(worker("idle").claimWaiting(Duration.ZERO)).isPresent();
    }
}
