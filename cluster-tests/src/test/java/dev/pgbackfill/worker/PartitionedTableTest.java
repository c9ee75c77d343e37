package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partitioned tables are backfilled partition by partition: every chunk walks one leaf partition, so each batch
 * touches one; rows exact when the application moves rows between partitions during the run, and when a partition is
 * attached during the run (the final check adds a chunk for it). Two throttled worker threads on a real broker.
 */
class PartitionedTableTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db).withThrottledWorkers(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static void partitionedTable(String name, int rows) {
        db.exec("CREATE TABLE " + name + " (id bigint NOT NULL, region text NOT NULL, a int NOT NULL, b int, PRIMARY KEY (id, region)) "
                + "PARTITION BY LIST (region); "
                + "CREATE TABLE " + name + "_eu PARTITION OF " + name + " FOR VALUES IN ('eu'); "
                + "CREATE TABLE " + name + "_us PARTITION OF " + name + " FOR VALUES IN ('us'); "
                + "CREATE TABLE " + name + "_ap PARTITION OF " + name + " FOR VALUES IN ('ap'); "
                // one partition ten times the size of the others
                + "INSERT INTO " + name + " SELECT g, CASE WHEN g % 12 = 0 THEN 'us' WHEN g % 12 = 1 THEN 'ap' ELSE 'eu' END, g "
                + "FROM generate_series(1, " + rows + ") g; ANALYZE " + name);
    }

    @Test
    void everyChunkWalksOnePartitionAndEveryRowChangesExactlyOnce() throws Exception {
        partitionedTable("pt_once", 12_000);
        Audit.install(db, "pt_once", "t.id");

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("pt_once").set("b = a + 1").batchSize(500).chunkSize(2_000L).build()),
                Duration.ofSeconds(90));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(12_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, "pt_once", "t.id")).isZero();
        assertThat(db.queryString("SELECT reason FROM pgbackfill.job_event WHERE job_id = ? AND from_state = 'PLANNING' AND to_state = 'RUNNING'",
                s.id())).as("1 + 5 + 1 chunks: the big partition is cut, the small ones are one chunk each").startsWith("planned 7 chunk(s) at ");
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND partition IS NULL", s.id()))
                .as("every chunk (splits included) walks one partition").isZero();
        assertThat(s.spec().partitions()).containsExactly("pt_once_ap (~1000 rows)", "pt_once_eu (~10000 rows)", "pt_once_us (~1000 rows)");
    }

    @Test
    void rowsTheApplicationMovesBetweenPartitionsDuringTheRunEndExact() throws Exception {
        partitionedTable("pt_move", 12_000);
        AtomicBoolean moving = new AtomicBoolean(true);
        AtomicLong moves = new AtomicLong();
        Thread mover = new Thread(() -> {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                for (int round = 0; moving.get(); round++) {
                    // eu ⇄ us for a spread of rows: some move ahead of the job, some behind it
                    moves.addAndGet(st.executeUpdate("UPDATE pt_move SET region = CASE region WHEN 'eu' THEN 'us' ELSE 'eu' END "
                            + "WHERE id % 97 = " + (round % 97) + " AND region IN ('eu', 'us')"));
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ThrottleSettings rate = Json.read("{\"rate\":6000}", ThrottleSettings.class);
        long job = cluster.launch(BackfillSpec.on("pt_move").set("b = a + 1").batchSize(200).chunkSize(1_000L).throttle(rate).build());
        mover.start();
        Thread.sleep(1_000);
        moving.set(false);
        mover.join();

        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(moves.get()).isGreaterThan(0);
        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM pt_move")).isEqualTo(12_000);
        assertThat(db.queryLong("SELECT count(*) FROM pt_move WHERE b IS DISTINCT FROM a + 1")).isZero();
    }

    @Test
    void aPartitionAttachedDuringTheRunGetsAChunkBeforeTheJobSucceeds() throws Exception {
        partitionedTable("pt_attach", 6_000);
        db.exec("CREATE TABLE pt_attach_sa (id bigint NOT NULL, region text NOT NULL, a int NOT NULL, b int); "
                + "INSERT INTO pt_attach_sa SELECT g, 'sa', g FROM generate_series(100001, 100500) g");
        ThrottleSettings rate = Json.read("{\"rate\":4000}", ThrottleSettings.class);
        long job = cluster.launch(BackfillSpec.on("pt_attach").set("b = a + 1").batchSize(200).chunkSize(1_000L).throttle(rate).build());
        Thread.sleep(300);
        db.exec("ALTER TABLE pt_attach ATTACH PARTITION pt_attach_sa FOR VALUES IN ('sa')");
        assertThat(cluster.coordinator.status(job).state()).as("attached while the job ran").isEqualTo(JobState.RUNNING);

        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM pt_attach WHERE b IS DISTINCT FROM a + 1")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND partition->>'name' = 'pt_attach_sa'", job))
                .isGreaterThanOrEqualTo(1);
        assertThat(s.rowsDone() + s.rowsReswept()).isEqualTo(6_500);
    }

    @Test
    void aPartitionDroppedDuringTheRunEndsItsChunksInsteadOfFailingTheJob() throws Exception {
        partitionedTable("pt_drop", 6_000);
        ThrottleSettings rate = Json.read("{\"rate\":4000}", ThrottleSettings.class);
        long job = cluster.launch(BackfillSpec.on("pt_drop").set("b = a + 1").batchSize(200).chunkSize(1_000L).throttle(rate).build());
        Thread.sleep(300);
        dropRetryingDeadlocks("pt_drop_eu"); // a retention job drops the biggest partition while the backfill runs

        JobStatus s = cluster.awaitFinished(job, Duration.ofSeconds(90));

        assertThat(s.state()).as(String.valueOf(s.lastError())).isEqualTo(JobState.SUCCEEDED);
        assertThat(db.queryLong("SELECT count(*) FROM pt_drop WHERE b IS DISTINCT FROM a + 1")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pt_drop")).isEqualTo(1_000);
    }

    /**
     * As a retention job does: PostgreSQL may pick the DROP as the victim of a deadlock with a batch that holds the
     * parent (seen on 14), and the job tries again. Which side loses is PostgreSQL's choice; a batch that loses retries.
     */
    private static void dropRetryingDeadlocks(String partition) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                db.exec("DROP TABLE " + partition);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 5 || !String.valueOf(e.getMessage()).contains("deadlock detected")) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
