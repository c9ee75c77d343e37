package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkRequest;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.JobStore;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.worker.apply.BatchApplier;
import dev.pgbackfill.worker.apply.BatchResult;
import dev.pgbackfill.chunk.ChunkLease;
import dev.pgbackfill.chunk.LeaseLostException;
import dev.pgbackfill.chunk.LeaseStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker that lost its lease cannot commit: the fence is the lease token checked in the batch's transaction. */
class FencingTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Test
    void staleWorkersBatchIsRolledBackAfterAnotherWorkerClaimedTheChunk() throws Exception {
        db.exec("CREATE TABLE f (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO f SELECT g, g FROM generate_series(1, 1000) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "fencing")) {
            long job = launchWithoutWorkers(ds, "f");
            LeaseStore stale = new LeaseStore(ds, "stale-worker", Duration.ofSeconds(30));
            LeaseStore fresh = new LeaseStore(ds, "fresh-worker", Duration.ofSeconds(30));
            BatchSql sql = new BatchSql(new JobStore(ds).resolvedSpec(job));

            ChunkLease staleLease = stale.claim(new ChunkRequest(job, 0)).orElseThrow();
            BatchResult first = new BatchApplier(ds, stale, DbConfig.DEFAULT_LOCK_TIMEOUT).apply(sql, staleLease, staleLease.cursor(), 100);
            assertThat(first.updated()).isEqualTo(100);
            // the stale worker stalls past its lease; another worker claims the chunk and continues from the checkpoint
            db.exec("UPDATE pgbackfill.chunk SET lease_expires_at = now() - interval '1 second' WHERE job_id = " + job);
            ChunkLease freshLease = fresh.claim(new ChunkRequest(job, 0)).orElseThrow();
            assertThat(freshLease.cursor()).containsExactly("100");

            assertThatThrownBy(() -> new BatchApplier(ds, stale, DbConfig.DEFAULT_LOCK_TIMEOUT).apply(sql, staleLease, first.lastKey(), 100, false))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(db.queryLong("SELECT count(*) FROM f WHERE b IS NOT NULL")).as("the stale batch was rolled back").isEqualTo(100);

            assertThatThrownBy(() -> new BatchApplier(ds, stale, DbConfig.DEFAULT_LOCK_TIMEOUT).apply(sql, staleLease, first.lastKey(), 100, true))
                    .as("the optimistic batch is fenced the same way").isInstanceOf(LeaseLostException.class);
            BatchResult next = new BatchApplier(ds, fresh, DbConfig.DEFAULT_LOCK_TIMEOUT).apply(sql, freshLease, freshLease.cursor(), 100, true);
            assertThat(next.updated()).isEqualTo(100);
            assertThat(next.optimistic()).isTrue();
            assertThat(db.queryLong("SELECT count(*) FROM f WHERE b IS NOT NULL")).isEqualTo(200);
            assertThat(db.queryString("SELECT cursor::text FROM pgbackfill.chunk WHERE job_id = " + job)).isEqualTo("[\"200\"]");
        }
    }

    @Test
    void aTakeoverAfterAnExpiredLeaseIsAJobEventNamingBothWorkers() throws Exception {
        db.exec("CREATE TABLE tk (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO tk SELECT g, g FROM generate_series(1, 10) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "fencing")) {
            long job = launchWithoutWorkers(ds, "tk");
            new LeaseStore(ds, "worker-a", Duration.ofSeconds(30)).claim(new ChunkRequest(job, 0)).orElseThrow();
            db.exec("UPDATE pgbackfill.chunk SET lease_expires_at = now() - interval '5 seconds' WHERE job_id = " + job);

            new LeaseStore(ds, "worker-b", Duration.ofSeconds(30)).claim(new ChunkRequest(job, 0)).orElseThrow();

            List<dev.pgbackfill.job.JobEvent> takeovers = new JobStore(ds).events(job).stream().filter(e -> e.kind().equals("lease")).toList();
            assertThat(takeovers).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("worker worker-b");
                assertThat(e.reason()).startsWith("chunk 0 taken over from worker worker-a: its lease expired 5.")
                        .endsWith("no heartbeat from it for a while (it stopped)");
            });
        }
    }

    @Test
    void aChunkWithALiveLeaseCannotBeClaimedTwice() throws Exception {
        db.exec("CREATE TABLE g2 (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO g2 SELECT g, g FROM generate_series(1, 10) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "fencing")) {
            long job = launchWithoutWorkers(ds, "g2");
            assertThat(new LeaseStore(ds, "a", Duration.ofSeconds(30)).claim(new ChunkRequest(job, 0))).isPresent();
            assertThat(new LeaseStore(ds, "b", Duration.ofSeconds(30)).claim(new ChunkRequest(job, 0))).isEmpty();
        }
    }

    /** Plans a job (b = a, batches of 100) and publishes its chunks, with no worker to take them. */
    private static long launchWithoutWorkers(HikariDataSource ds, String table) {
        ControlSchema.install(ds);
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("fence"), 1, TestKafka.unique("g"));
        topic.ensureExists();
        try (ChunkPublisher publisher = new ChunkPublisher(topic);
             Coordinator coordinator = new Coordinator(ds, publisher, CoordinatorSettings.defaults())) {
            return coordinator.launch(BackfillSpec.on(table).set("b = a").batchSize(100).build(), "test");
        }
    }

    @Test
    void aStalledWorkersBatchPastTheBoundOfASplitIsRefusedAndRedoneInsideIt() throws Exception {
        db.exec("CREATE TABLE sp (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO sp SELECT g, g FROM generate_series(1, 1000) g");
        Audit.install(db, "sp", "t.id");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "fencing")) {
            long job = launchWithoutWorkers(ds, "sp");
            LeaseStore stalled = new LeaseStore(ds, "stalled-worker", Duration.ofSeconds(30));
            LeaseStore idle = new LeaseStore(ds, "idle-worker", Duration.ofSeconds(30));
            BatchSql sql = new BatchSql(new JobStore(ds).resolvedSpec(job));
            BatchApplier applier = new BatchApplier(ds, stalled, DbConfig.DEFAULT_LOCK_TIMEOUT);
            ChunkLease lease = stalled.claim(new ChunkRequest(job, 0)).orElseThrow();
            BatchResult first = applier.apply(sql, lease, lease.cursor(), 100);
            assertThat(first.lastKey()).containsExactly("100");

            // the worker stalls; meanwhile the coordinator cuts its chunk at 500 under the row lock, beyond its cursor
            dev.pgbackfill.chunk.ChunkStore chunks = new dev.pgbackfill.chunk.ChunkStore();
            int piece;
            try (java.sql.Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                piece = chunks.split(c, job, chunks.lockOpen(c, job, 0), List.of("500"));
                c.commit();
            }

            // the stalled worker wakes up and runs a batch of 1000 rows from its cursor: it would go past 500
            assertThatThrownBy(() -> applier.apply(sql, lease, first.lastKey(), 1_000, true))
                    .isInstanceOf(dev.pgbackfill.chunk.BoundChangedException.class)
                    .satisfies(e -> assertThat(((dev.pgbackfill.chunk.BoundChangedException) e).lease().hi()).containsExactly("500"));
            assertThat(db.queryLong("SELECT count(*) FROM sp WHERE b IS NOT NULL")).as("the batch past the bound was rolled back").isEqualTo(100);
            assertThatThrownBy(() -> applier.apply(sql, lease, first.lastKey(), 1_000, false))
                    .as("the SKIP LOCKED batch is fenced the same way").isInstanceOf(dev.pgbackfill.chunk.BoundChangedException.class);

            ChunkLease bounded = lease.withHi(List.of("500"));
            BatchResult inside = applier.apply(sql, bounded, first.lastKey(), 1_000, true);
            ChunkLease tail = idle.claim(new ChunkRequest(job, piece)).orElseThrow();
            BatchResult rest = new BatchApplier(ds, idle, DbConfig.DEFAULT_LOCK_TIMEOUT).apply(sql, tail, tail.cursor(), 1_000, true);

            assertThat(inside.updated()).isEqualTo(400);
            assertThat(tail.lo()).containsExactly("500");
            assertThat(tail.hi()).isNull();
            assertThat(rest.updated()).isEqualTo(500);
            assertThat(Audit.rowsNotUpdatedOnce(db, "sp", "t.id")).isZero();
        }
    }

    @Test
    void aChunkSplitJustBeforeItsWorkerCompletesItIsNotMarkedDoneOverTheRangeItDidNotCheck() throws Exception {
        db.exec("CREATE TABLE sc (id bigint PRIMARY KEY, a int NOT NULL, b int); INSERT INTO sc SELECT g, g FROM generate_series(1, 1000) g");
        try (HikariDataSource ds = Database.open(DbConfig.of(db.url(), null, null), 4, "fencing")) {
            long job = launchWithoutWorkers(ds, "sc");
            LeaseStore worker = new LeaseStore(ds, "worker", Duration.ofSeconds(30));
            ChunkLease lease = worker.claim(new ChunkRequest(job, 0)).orElseThrow();
            dev.pgbackfill.chunk.ChunkStore chunks = new dev.pgbackfill.chunk.ChunkStore();
            try (java.sql.Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                chunks.split(c, job, chunks.lockOpen(c, job, 0), List.of("500"));
                c.commit();
            }

            assertThatThrownBy(() -> worker.complete(lease, 0)).isInstanceOf(dev.pgbackfill.chunk.BoundChangedException.class);
            assertThat(db.queryString("SELECT state FROM pgbackfill.chunk WHERE job_id = ? AND chunk_no = 0", job)).isEqualTo("RUNNING");
            assertThat(worker.complete(lease.withHi(List.of("500")), 0)).isTrue();
            assertThat(db.queryString("SELECT state || ' ' || hi::text FROM pgbackfill.chunk WHERE job_id = ? AND chunk_no = 0", job))
                    .isEqualTo("DONE [\"500\"]");
        }
    }
}
