package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale-out on keys real tables have. A never-analysed table with one outlier id (where min/max arithmetic alone puts
 * every row in the first chunk) is planned evenly from a block sample; where a plan is one chunk anyway, the
 * coordinator splits the running chunk for the idle worker threads. Every row changes exactly once, and the chunks
 * still cover the key space with no gap and no overlap. Three workers of one thread each.
 */
class SkewedKeysTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db).withThrottledWorkers(3); // the real throttle: the text case is paced by its rate
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** A never-analysed table: ids 1 … 600 000 and one at 10^15. */
    private static void outlierTable(String name) {
        db.exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, a int NOT NULL, b int) WITH (autovacuum_enabled = false); "
                + "INSERT INTO " + name + " SELECT g, g FROM generate_series(1, 600000) g; INSERT INTO " + name + " VALUES (1000000000000000, 0)");
        Audit.install(db, name, "t.id");
    }

    @Test
    void aNeverAnalysedOutlierTableIsPlannedInEvenChunksFromASample() throws Exception {
        outlierTable("sk_fresh");

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("sk_fresh").set("b = a + 1").batchSize(2_000).chunkSize(20_000L).build()),
                Duration.ofSeconds(120));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(600_001);
        assertThat(Audit.rowsNotUpdatedOnce(db, "sk_fresh", "t.id")).isZero();
        ChunkMap.assertCoverWithoutGapOrOverlap(db, s.id(), "numeric");
        assertThat(db.queryString("SELECT reason FROM pgbackfill.job_event WHERE job_id = ? AND from_state = 'PLANNING' AND to_state = 'RUNNING'", s.id()))
                .startsWith("planned ").contains("at key arithmetic (no statistics)").contains("sample cut 1 chunk(s) over 1.5 chunk sizes again");
        List<Long> rows = ChunkMap.rowsPerChunk(db, s.id());
        assertThat(rows).as("the 600 000 rows in about 30 chunks").hasSizeBetween(20, 40);
        ChunkMap.assertLargestWithinTwiceTheMedian(rows);
    }

    @Test
    void anOutlierTablePlannedAsOneChunkIsSplitForTheIdleWorkers() throws Exception {
        outlierTable("sk_outlier");

        // a chunk size above the table's rows: one chunk, which only splits while running can share out
        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("sk_outlier").set("b = a + 1").batchSize(500).chunkSize(1_000_000L).build()),
                Duration.ofSeconds(120));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(600_001);
        assertThat(Audit.rowsNotUpdatedOnce(db, "sk_outlier", "t.id")).isZero();
        ChunkMap.assertCoverWithoutGapOrOverlap(db, s.id(), "numeric");
        long splits = db.queryLong("SELECT count(*) FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'split'", s.id());
        assertThat(splits).as("the one chunk held every row; it was split").isPositive();
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ? AND rows_done >= 50000", s.id()))
                .as("chunks that did real work (pieces are at least 1.5 s of work)").isGreaterThanOrEqualTo(2);
        assertThat(db.queryString("SELECT reason FROM pgbackfill.job_event WHERE job_id = ? AND kind = 'split' ORDER BY id LIMIT 1", s.id()))
                .startsWith("chunk 0 split at key [").contains("for an idle worker thread");
    }

    @Test
    void aTextKeyWithALongCommonPrefixIsSharedOutToo() throws Exception {
        db.exec("CREATE TABLE sk_text (k text PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO sk_text SELECT 'tenant-000000000000-order-' || lpad(g::text, 7, '0'), g FROM generate_series(1, 300000) g; "
                + "ANALYZE sk_text");
        Audit.install(db, "sk_text", "t.k");

        // paced at 50k rows/s: the run lasts ~6 s whatever the machine, so the splitter always finds two pieces of 1.5 s
        ThrottleSettings paced = new ThrottleSettings(50_000.0, null, null, null, null, null, null, null, null, null, null, null);
        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on("sk_text").set("b = a * 3").batchSize(500).chunkSize(1_000_000L)
                .throttle(paced).build()), Duration.ofSeconds(120));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(Audit.rowsNotUpdatedOnce(db, "sk_text", "t.k")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = ?", s.id())).as("one planned chunk, split while it ran")
                .isGreaterThan(1);
        assertThat(db.queryLong("SELECT count(*) FROM sk_text WHERE b IS DISTINCT FROM a * 3")).isZero();
    }
}
