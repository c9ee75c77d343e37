package dev.pgbackfill.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The key shapes of the skew bench, end to end at 60 000 rows on three workers: every row changed exactly once
 * (audit trigger), the chunks (splits included) cover the key space in the key's own order with no gap and no
 * overlap, and no chunk did more than twice the median chunk's rows. (Partitions of very different sizes:
 * {@code PartitionedTableTest}.)
 */
class SkewedShapesTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = new Cluster(db).withWorkers(3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
            outlier, never analysed ; bigint ; CASE WHEN g = 60000 THEN 1000000000000000 ELSE g END ; none
            two islands far apart ; bigint ; CASE WHEN g <= 30000 THEN g ELSE 1000000000000 + g END ; fresh
            Zipf-like clusters ; bigint ; floor(power(g::float8 / 60000, 4) * 1000)::bigint * 1000000000 + g ; fresh
            90 % after the last ANALYZE ; bigint ; g ; stale
            time-ordered uuids ; uuid ; (lpad(to_hex(1700000000000 + g), 12, '0') || substr(md5(g::text), 1, 20))::uuid ; fresh
            text with a long prefix ; text ; 'tenant-0000000000000000-order-' || lpad(g::text, 9, '0') ; fresh
            uuids, never analysed ; uuid ; md5(g::text)::uuid ; none""")
    void everyRowChangesOnceAndTheChunksCoverTheKeysEvenly(String shape, String type, String keys, String statistics) throws Exception {
        String table = "shape_" + Math.abs(shape.hashCode());
        db.exec("CREATE TABLE " + table + " (id " + type + " PRIMARY KEY, a int NOT NULL, b int) WITH (autovacuum_enabled = false)");
        long first = statistics.equals("stale") ? 6_000 : 60_000;
        db.exec("INSERT INTO " + table + " SELECT " + keys + ", g FROM generate_series(1, " + first + ") g");
        if (!statistics.equals("none")) {
            db.exec("ANALYZE " + table);
        }
        db.exec("INSERT INTO " + table + " SELECT " + keys + ", g FROM generate_series(" + (first + 1) + ", 60000) g");
        Audit.install(db, table, "t.id");

        JobStatus s = cluster.awaitFinished(cluster.launch(BackfillSpec.on(table).set("b = a + 1").batchSize(1_000).chunkSize(5_000L).build()),
                Duration.ofSeconds(120));

        assertThat(s.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.rowsDone()).isEqualTo(60_000);
        assertThat(Audit.rowsNotUpdatedOnce(db, table, "t.id")).isZero();
        ChunkMap.assertCoverWithoutGapOrOverlap(db, s.id(), type);
        ChunkMap.assertLargestWithinTwiceTheMedian(ChunkMap.rowsPerChunk(db, s.id()));
    }
}
