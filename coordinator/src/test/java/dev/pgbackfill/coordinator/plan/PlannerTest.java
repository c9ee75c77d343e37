package dev.pgbackfill.coordinator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgbackfill.chunk.ChunkRange;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import java.math.BigInteger;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunk bounds: the first chunk has no lower bound and the last no upper bound (rows outside the planned range are
 * covered), neighbours share their bound (no gap, no overlap), and integer arithmetic holds at the key's extremes.
 */
class PlannerTest {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void schema() {
        db.exec("""
                CREATE TABLE empty_t (id bigint PRIMARY KEY, v int);
                CREATE TABLE one_t (id bigint PRIMARY KEY, v int);
                INSERT INTO one_t VALUES (42, 0);
                CREATE TABLE dense_t (id int PRIMARY KEY, v int);
                INSERT INTO dense_t SELECT g, 0 FROM generate_series(1, 1000) g;
                CREATE TABLE extreme_t (id bigint PRIMARY KEY, v int);
                INSERT INTO extreme_t VALUES (-9223372036854775808, 0), (-1, 0), (0, 0), (9223372036854775807, 0);
                CREATE TABLE int_extreme_t (id int PRIMARY KEY, v int);
                INSERT INTO int_extreme_t SELECT g, 0 FROM generate_series(-2147483648, -2147483448) g;
                INSERT INTO int_extreme_t SELECT g, 0 FROM generate_series(2147483447, 2147483647) g;
                CREATE TABLE text_t (k text PRIMARY KEY, v int);
                INSERT INTO text_t SELECT lpad(g::text, 6, '0'), 0 FROM generate_series(1, 1000) g;
                ALTER TABLE dense_t SET (autovacuum_enabled = false); ALTER TABLE extreme_t SET (autovacuum_enabled = false);
                ALTER TABLE int_extreme_t SET (autovacuum_enabled = false); ALTER TABLE text_t SET (autovacuum_enabled = false);
                CREATE TABLE outlier_t (id bigint PRIMARY KEY, v int);
                INSERT INTO outlier_t SELECT g, 0 FROM generate_series(1, 60000) g; INSERT INTO outlier_t VALUES (1000000000000000, 0);
                CREATE TABLE islands_t (id bigint PRIMARY KEY, v int);
                INSERT INTO islands_t SELECT g, 0 FROM generate_series(1, 30000) g;
                INSERT INTO islands_t SELECT 1000000000000 + g, 0 FROM generate_series(1, 30000) g;
                CREATE TABLE prefix_t (k text PRIMARY KEY, v int);
                INSERT INTO prefix_t SELECT 'tenant-00000000000000000000-order-' || lpad(g::text, 7, '0'), 0 FROM generate_series(1, 50000) g;
                ANALYZE outlier_t; ANALYZE islands_t; ANALYZE prefix_t;
                CREATE TABLE fresh_outlier_t (id bigint PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
                INSERT INTO fresh_outlier_t SELECT g, 0 FROM generate_series(1, 60000) g; INSERT INTO fresh_outlier_t VALUES (1000000000000000, 0);
                CREATE TABLE stale_t (id bigint PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
                INSERT INTO stale_t SELECT g, 0 FROM generate_series(1, 30000) g; ANALYZE stale_t;
                INSERT INTO stale_t SELECT g, 0 FROM generate_series(30001, 300000) g;
                CREATE TABLE vacuumed_t (id bigint PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
                INSERT INTO vacuumed_t SELECT g, 0 FROM generate_series(1, 30000) g; ANALYZE vacuumed_t;
                INSERT INTO vacuumed_t SELECT g, 0 FROM generate_series(30001, 300000) g;
                CREATE TABLE fresh_uuid_t (k uuid PRIMARY KEY, v int) WITH (autovacuum_enabled = false);
                INSERT INTO fresh_uuid_t SELECT md5(g::text)::uuid, 0 FROM generate_series(1, 60000) g;
                CREATE TABLE fresh_pair_t (tenant int, id bigint, v int, PRIMARY KEY (tenant, id)) WITH (autovacuum_enabled = false);
                INSERT INTO fresh_pair_t SELECT 1, g, 0 FROM generate_series(1, 50000) g; INSERT INTO fresh_pair_t SELECT 2, g, 0 FROM generate_series(1, 10000) g;
                CREATE TABLE secured_t (id bigint NOT NULL, region text NOT NULL, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
                CREATE TABLE secured_t_eu PARTITION OF secured_t FOR VALUES IN ('eu');
                CREATE TABLE secured_t_us PARTITION OF secured_t FOR VALUES IN ('us');
                INSERT INTO secured_t SELECT g, CASE WHEN g % 2 = 0 THEN 'us' ELSE 'eu' END, 0 FROM generate_series(1, 1000) g;
                ALTER TABLE secured_t ENABLE ROW LEVEL SECURITY;
                CREATE TABLE stmt_t (id bigint NOT NULL, region text NOT NULL, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
                CREATE TABLE stmt_t_eu PARTITION OF stmt_t FOR VALUES IN ('eu');
                INSERT INTO stmt_t SELECT g, 'eu', 0 FROM generate_series(1, 1000) g;
                CREATE FUNCTION stmt_t_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
                CREATE TRIGGER stmt_t_audit AFTER UPDATE ON stmt_t FOR EACH STATEMENT EXECUTE FUNCTION stmt_t_noop();
                CREATE TABLE parted_t (id bigint NOT NULL, region text NOT NULL, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
                CREATE TABLE parted_t_eu PARTITION OF parted_t FOR VALUES IN ('eu');
                CREATE TABLE parted_t_us PARTITION OF parted_t FOR VALUES IN ('us');
                CREATE TABLE parted_t_empty PARTITION OF parted_t FOR VALUES IN ('none');
                INSERT INTO parted_t SELECT g, CASE WHEN g % 5 = 0 THEN 'us' ELSE 'eu' END, 0 FROM generate_series(1, 1000) g;
                CREATE TABLE ranged_t (id bigint PRIMARY KEY, v int) PARTITION BY RANGE (id);
                CREATE TABLE ranged_t_1 PARTITION OF ranged_t FOR VALUES FROM (1) TO (501);
                CREATE TABLE ranged_t_2 PARTITION OF ranged_t FOR VALUES FROM (501) TO (1001);
                INSERT INTO ranged_t SELECT g, 0 FROM generate_series(1, 1000) g;""");
    }

    private static List<ChunkRange> plan(String table, Long chunkSize) throws Exception {
        return plan(table, "v = 1", chunkSize);
    }

    private static List<ChunkRange> plan(String table, String set, Long chunkSize) throws Exception {
        try (Connection c = db.connect()) {
            SpecValidator.Validated v = new SpecValidator(c).validate(BackfillSpec.on(table).set(set).batchSize(10).chunkSize(chunkSize).build());
            return new Planner(c).plan(v.spec(), v.table()).chunks();
        }
    }

    /** Open ends, and each chunk starting where the one before it ended. */
    private static void assertContiguous(List<ChunkRange> chunks) {
        assertThat(chunks.getFirst().lo()).isNull();
        assertThat(chunks.getLast().hi()).isNull();
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).lo()).isEqualTo(chunks.get(i - 1).hi());
        }
    }

    @Test
    void anEmptyTableIsOneOpenChunk() throws Exception {
        assertThat(plan("empty_t", 10L)).containsExactly(new ChunkRange(null, null));
    }

    @Test
    void aOneRowTableIsOneOpenChunk() throws Exception {
        assertThat(plan("one_t", 1L)).containsExactly(new ChunkRange(null, null));
    }

    @Test
    void denseIntegerKeysAreCutIntoEqualRanges() throws Exception {
        List<ChunkRange> chunks = plan("dense_t", 100L);
        assertThat(chunks).hasSize(10);
        assertContiguous(chunks);
        assertThat(chunks.stream().limit(9).map(c -> c.hi().getFirst()).toList())
                .containsExactly("100", "200", "300", "400", "500", "600", "700", "800", "900");
    }

    @Test
    void bigintBoundsStayInsideTheTypeAtBothExtremes() throws Exception {
        List<ChunkRange> chunks = plan("extreme_t", 1L);
        assertContiguous(chunks);
        assertThat(chunks).hasSize(4);
        BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
        List<BigInteger> bounds = chunks.stream().limit(chunks.size() - 1).map(c -> new BigInteger(c.hi().getFirst())).toList();
        assertThat(bounds).isSorted().allSatisfy(b -> assertThat(b).isBetween(min, max.subtract(BigInteger.ONE)));
        assertThat(bounds).doesNotHaveDuplicates();
    }

    @Test
    void intBoundsStayInsideTheTypeAcrossTheWholeRange() throws Exception {
        List<ChunkRange> chunks = plan("int_extreme_t", 40L);
        assertContiguous(chunks);
        List<Long> bounds = chunks.stream().limit(chunks.size() - 1).map(c -> Long.parseLong(c.hi().getFirst())).toList();
        assertThat(bounds).isSorted().doesNotHaveDuplicates()
                .allSatisfy(b -> assertThat(b).isBetween((long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE - 1));
    }

    @Test
    void textKeysAreCutAtEvenlySpacedSampledKeys() throws Exception {
        // 1 000 rows and 10 chunks: the sample is the whole table (it is that small), so the cut is exact: 100 rows each
        List<ChunkRange> chunks = plan("text_t", 100L);
        assertContiguous(chunks);
        assertThat(chunks.stream().limit(chunks.size() - 1).map(c -> c.hi().getFirst()).toList())
                .containsExactly("000100", "000200", "000300", "000400", "000500", "000600", "000700", "000800", "000900");
    }

    @Test
    void aSmallTableGivesEveryWorkerThreadTwoChunks() {
        assertThat(Planner.defaultChunkSize(16_000, 1_000, 3)).isEqualTo(2_667); // 6 chunks, not one
        assertThat(Planner.defaultChunkSize(1_000_000, 1_000, 4)).isEqualTo(31_250); // big tables: as without workers
        assertThat(Planner.defaultChunkSize(500, 1_000, 8)).as("never below one batch").isEqualTo(1_000);
    }

    @Test
    void theDefaultChunkIsAThirtySecondOfTheTableWithinItsBounds() {
        assertThat(Planner.defaultChunkSize(0, 1_000)).isEqualTo(20_000);
        assertThat(Planner.defaultChunkSize(3_200_000, 1_000)).isEqualTo(100_000);
        assertThat(Planner.defaultChunkSize(1_000_000_000, 1_000)).isEqualTo(500_000);
    }

    @Test
    void aPartitionedTableIsCutPartitionByPartitionSoNoChunkSpansTwo() throws Exception {
        List<ChunkRange> chunks = plan("parted_t", 100L);

        assertThat(chunks).extracting(r -> r.partition().name()).containsOnly("parted_t_empty", "parted_t_eu", "parted_t_us");
        assertThat(chunks.stream().filter(r -> r.partition().name().equals("parted_t_empty"))).containsExactly(
                new ChunkRange(null, null, new dev.pgbackfill.sql.QualifiedName("public", "parted_t_empty")));
        for (String leaf : List.of("parted_t_eu", "parted_t_us")) {
            List<ChunkRange> mine = chunks.stream().filter(r -> r.partition().name().equals(leaf)).toList();
            assertContiguous(mine); // each partition's own key space, open at both ends
        }
        assertThat(chunks.stream().filter(r -> r.partition().name().equals("parted_t_eu")).count()).isEqualTo(8); // 800 rows
        assertThat(chunks.stream().filter(r -> r.partition().name().equals("parted_t_us")).count()).isEqualTo(2); // 200 rows
    }

    @Test
    void aRangePartitionedTableKeepsEachChunkInsideItsPartition() throws Exception {
        List<ChunkRange> chunks = plan("ranged_t", 250L);

        assertThat(chunks).hasSize(4);
        assertThat(chunks.subList(0, 2)).allSatisfy(r -> assertThat(r.partition().name()).isEqualTo("ranged_t_1"));
        assertThat(chunks.subList(2, 4)).allSatisfy(r -> assertThat(r.partition().name()).isEqualTo("ranged_t_2"));
        assertThat(chunks.get(0).hi()).isEqualTo(List.of("250"));
        assertThat(chunks.get(2).hi()).isEqualTo(List.of("750"));
    }

    /** Rows in each chunk, counted: what a plan that follows the data must keep even. */
    private static List<Long> rowsPerChunk(String table, String key, String type, List<ChunkRange> chunks) {
        return chunks.stream().map(r -> db.queryLong("SELECT count(*) FROM " + table + " WHERE (?::text IS NULL OR " + key + " > ?::" + type
                + ") AND (?::text IS NULL OR " + key + " <= ?::" + type + ")", lo(r), lo(r), hi(r), hi(r))).toList();
    }

    private static Object lo(ChunkRange r) {
        return r.lo() == null ? null : r.lo().getFirst();
    }

    private static Object hi(ChunkRange r) {
        return r.hi() == null ? null : r.hi().getFirst();
    }

    private static void assertEven(List<Long> rows) {
        List<Long> sorted = rows.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        assertThat(sorted.getLast()).as("largest chunk against the median, rows " + rows).isLessThanOrEqualTo(2 * median);
        assertThat(sorted.getFirst()).as("no empty chunk, rows " + rows).isPositive();
    }

    @Test
    void oneOutlierKeyNoLongerPutsEveryRowInTheFirstChunk() throws Exception {
        List<ChunkRange> chunks = plan("outlier_t", 6_000L);

        assertContiguous(chunks);
        assertThat(chunks).hasSizeBetween(9, 11);
        assertEven(rowsPerChunk("outlier_t", "id", "bigint", chunks));
    }

    @Test
    void twoDenseIslandsFarApartAreCutWhereTheRowsAre() throws Exception {
        List<ChunkRange> chunks = plan("islands_t", 6_000L);

        assertContiguous(chunks);
        assertEven(rowsPerChunk("islands_t", "id", "bigint", chunks));
    }

    @Test
    void textKeysWithALongCommonPrefixAreCutEvenlyFromTheStatistics() throws Exception {
        List<ChunkRange> chunks = plan("prefix_t", 5_000L);

        assertContiguous(chunks);
        assertThat(chunks).hasSizeBetween(9, 11);
        assertEven(rowsPerChunk("prefix_t", "k", "text", chunks));
    }

    @Test
    void aNeverAnalysedTableWithAnOutlierIsCutWhereTheRowsAreNotByKeyArithmetic() throws Exception {
        // no statistics: min/max arithmetic puts all 60 000 rows in the first chunk; the sample check cuts it again
        assertThat(db.queryLong("SELECT reltuples::bigint FROM pg_class WHERE relname = 'fresh_outlier_t'")).isNegative();
        List<ChunkRange> chunks = plan("fresh_outlier_t", 6_000L);

        assertContiguous(chunks);
        List<Long> rows = rowsPerChunk("fresh_outlier_t", "id", "bigint", chunks);
        assertThat(rows.subList(0, rows.size() - 1)).as("the 60 000 rows, in even chunks").hasSizeBetween(9, 12);
        assertThat(rows.getLast()).as("the outlier's own open-ended chunk").isEqualTo(1);
        assertEven(rows.subList(0, rows.size() - 1));
        assertThat(rows.stream().mapToLong(Long::longValue).sum()).isEqualTo(60_001);
    }

    @Test
    void rowsLoadedSinceTheLastAnalyzeAreCutAsEvenlyAsTheAnalysedOnes() throws Exception {
        // statistics say 30 000 rows in 1 … 30 000; 270 000 more came after them: all in the last, open-ended chunk
        List<ChunkRange> chunks = plan("stale_t", 6_000L);

        assertContiguous(chunks);
        List<Long> rows = rowsPerChunk("stale_t", "id", "bigint", chunks);
        assertThat(chunks).as("about 300 000 / 6 000").hasSizeBetween(40, 60);
        assertEven(rows);
        assertThat(rows.stream().mapToLong(Long::longValue).sum()).isEqualTo(300_000);
    }

    @Test
    void aHistogramOlderThanTheRowCountIsCutWhereTheRowsAreNotInTinyChunks() throws Exception {
        // VACUUM counted 300 000 rows but the histogram still spans 1 … 30 000: its 50 cuts all fall there
        db.exec("VACUUM vacuumed_t");
        List<ChunkRange> chunks = plan("vacuumed_t", 6_000L);

        assertContiguous(chunks);
        assertThat(chunks).as("about 300 000 / 6 000, not 50 tiny ones and one huge").hasSizeBetween(40, 60);
        assertEven(rowsPerChunk("vacuumed_t", "id", "bigint", chunks));
    }

    @Test
    void aNeverAnalysedUuidKeyIsCutAtASamplesKeys() throws Exception {
        List<ChunkRange> chunks = plan("fresh_uuid_t", 6_000L);

        assertContiguous(chunks);
        assertThat(chunks).hasSizeBetween(9, 11);
        assertEven(rowsPerChunk("fresh_uuid_t", "k", "uuid", chunks));
    }

    @Test
    void aNeverAnalysedCompositeKeyIsCutAtWholeSampledKeysEvenAcrossItsLeadingValues() throws Exception {
        // two tenants, 50 000 and 10 000 rows: cuts fall inside the big tenant, not only between tenants
        List<ChunkRange> chunks = plan("fresh_pair_t", 6_000L);

        assertContiguous(chunks);
        assertThat(chunks).hasSizeBetween(9, 11);
        List<Long> rows = chunks.stream().map(r -> db.queryLong("SELECT count(*) FROM fresh_pair_t WHERE (?::text IS NULL OR (tenant, id) > (?::int, ?::bigint))"
                + " AND (?::text IS NULL OR (tenant, id) <= (?::int, ?::bigint))", part(r.lo(), 0), part(r.lo(), 0), part(r.lo(), 1),
                part(r.hi(), 0), part(r.hi(), 0), part(r.hi(), 1))).toList();
        assertEven(rows);
    }

    private static Object part(List<String> key, int i) {
        return key == null ? null : key.get(i);
    }

    @Test
    void thePlanSaysWhereItsCutsCameFromAndWhatTheSampleFound() throws Exception {
        try (Connection c = db.connect()) {
            SpecValidator.Validated v = new SpecValidator(c).validate(BackfillSpec.on("fresh_outlier_t").set("v = 1").batchSize(10).chunkSize(6_000L).build());
            assertThat(new Planner(c).plan(v.spec(), v.table()).summary())
                    .matches("planned \\d+ chunk\\(s\\) at key arithmetic \\(no statistics\\); a \\d+-page sample cut 1 chunk\\(s\\) over 1.5 chunk sizes"
                            + " again and merged \\d+ chunk\\(s\\) into a neighbour \\(the largest held 10\\.0, as sampled\\)");
        }
    }

    @Test
    void aPartitionedTablePlannedAsAWholeIsSampledByItsPartitionsPagesNotReadWhole() throws Exception {
        // the parent has no pages of its own: sized by the parent, the "sample" would be every partition, whole
        db.exec("CREATE TABLE rls_big (id bigint NOT NULL, region text NOT NULL, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region); "
                + "CREATE TABLE rls_big_eu PARTITION OF rls_big FOR VALUES IN ('eu'); CREATE TABLE rls_big_us PARTITION OF rls_big FOR VALUES IN ('us'); "
                + "INSERT INTO rls_big SELECT g, CASE WHEN g % 2 = 0 THEN 'us' ELSE 'eu' END, 0 FROM generate_series(1, 200000) g; "
                + "ALTER TABLE rls_big ENABLE ROW LEVEL SECURITY");
        try (Connection c = db.connect()) {
            SpecValidator.Validated v = new SpecValidator(c).validate(BackfillSpec.on("rls_big").set("v = 1").build());
            KeySample sample = KeySample.of(c, v.spec(), 2);

            assertThat(sample.pagesRead()).as("the minimum sample, of the partitions' ~1 100 pages").isEqualTo(KeySample.MIN_PAGES);
            assertThat(sample.estimatedRows()).isBetween(150_000L, 250_000L);
        }
    }

    @Test
    void aPlainTablesSampleReadsAPartOfItsPagesNotAll() throws Exception {
        try (Connection c = db.connect()) {
            SpecValidator.Validated v = new SpecValidator(c).validate(BackfillSpec.on("stale_t").set("v = 1").build());
            KeySample sample = KeySample.of(c, v.spec(), 2);

            assertThat(sample.pagesRead()).as("the minimum sample, of the table's ~1 600 pages").isEqualTo(KeySample.MIN_PAGES);
            assertThat(sample.rowsPerSampled()).isGreaterThan(10);
        }
    }

    @Test
    void aPartitionedTableWithRowLevelSecurityOrStatementTriggersIsPlannedAsAWhole() throws Exception {
        // a batch on a partition would bypass the parent's policies, and its statement-level triggers would not fire
        assertThat(plan("secured_t", 100L)).hasSize(10).allSatisfy(r -> assertThat(r.partition()).isNull());
        assertThat(plan("stmt_t", 100L)).hasSize(10).allSatisfy(r -> assertThat(r.partition()).isNull());
    }
}
