package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.chunk.ChunkRange;
import dev.pgbackfill.chunk.WorkerCapacity;
import dev.pgbackfill.coordinator.catalog.Partitions;
import dev.pgbackfill.coordinator.catalog.TableInfo;
import dev.pgbackfill.sql.QualifiedName;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.math.BigInteger;
import dev.pgbackfill.sql.PlanEstimate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cuts a table's key space into chunks of about {@code chunkSize} rows each, without scanning it. Cuts come from the
 * key's statistics histogram ({@link KeyHistogram}), or for an integer key without statistics from min/max
 * arithmetic; either way a block sample ({@link KeySample}) then checks them and cuts again any chunk that holds well
 * over its share (stale statistics, gaps and outliers in the key: {@link Evenness}). Other keys without statistics
 * are cut at the sample's own keys. Empty chunks are merged away. The first chunk has no lower bound and the last no
 * upper bound, so rows inserted outside the planned range, and after planning, are still covered. A partitioned
 * table is cut the same way in each of its leaf partitions.
 */
public final class Planner {
    /** Chunks above this count are widened: per-chunk overhead (a Kafka record, a claim) must stay small. */
    static final int MAX_CHUNKS = 20_000;
    /** A relation never analysed is counted up to this many rows (a bounded walk); past it, estimated. */
    static final long COUNTED_UP_TO = 2_000_000;
    private final Connection connection;
    private final PlanNotes how = new PlanNotes();

    public Planner(Connection connection) {
        this.connection = connection;
    }

    /**
     * Rows per chunk when the operator did not say: about 32 chunks (enough to spread over workers and to resume
     * finely), each at least 20 batches (a chunk has fixed costs: a Kafka record, a claim, a final sweep) and at
     * most 500k rows (a few seconds of work, so a dead worker's chunk is redone quickly).
     */
    public static long defaultChunkSize(long tableRows, int batchSize) {
        return defaultChunkSize(tableRows, batchSize, 0);
    }

    /**
     * As above, and small enough that a table gives each of {@code workerThreads} at least two chunks where it has
     * rows for that (each chunk still at least one batch): a 16 000-row table must not be one chunk for three workers.
     */
    public static long defaultChunkSize(long tableRows, int batchSize, int workerThreads) {
        long size = Math.max(20L * batchSize, Math.min(500_000L, tableRows / 32));
        if (workerThreads > 0) {
            size = Math.min(size, Math.max(batchSize, (tableRows + 2L * workerThreads - 1) / (2L * workerThreads)));
        }
        return size;
    }

    /**
     * The job's chunks. A partitioned table is cut partition by partition, so a chunk never spans partitions and each
     * batch touches one (each partition's first chunk has no lower bound and its last no upper bound, as for a plain
     * table). A batch on a partition cannot move its rows to another one, and need not: PostgreSQL puts the partition
     * key in every unique key of a partitioned table, and the backfill never assigns its key. A table with row-level
     * security or statement-level UPDATE triggers, or partitions this role may not update directly, is planned as a
     * whole ({@link Partitions#whyNotLeafByLeaf}).
     */
    public Plan plan(ResolvedSpec spec, TableInfo table) throws SQLException {
        List<Partitions.Partition> leaves = Partitions.leaves(connection, table.oid());
        java.util.Map<QualifiedName, Long> leafRows = new java.util.LinkedHashMap<>(); // each counted or estimated once
        long rows = leaves.isEmpty() ? tableRows(table.name(), table.reltuples()) : 0;
        for (Partitions.Partition p : leaves) {
            leafRows.put(p.name(), tableRows(p.name(), p.estimatedRows()));
            rows += leafRows.get(p.name());
        }
        long chunkSize = spec.chunkSize() > 0 ? spec.chunkSize() : defaultChunkSize(rows, spec.batchSize(), WorkerCapacity.liveThreads(connection));
        String whyNot = leaves.isEmpty() ? null : Partitions.whyNotLeafByLeaf(connection, table.oid());
        if (leaves.isEmpty() || whyNot != null) {
            if (whyNot != null) {
                org.slf4j.LoggerFactory.getLogger(Planner.class).info("{} is planned as a whole, not partition by partition: {}", table.name(), whyNot);
            }
            return planned(cut(spec, rows, chunkSize, null));
        }
        List<ChunkRange> chunks = new ArrayList<>();
        for (Partitions.Partition p : leaves) {
            chunks.addAll(cut(spec.onPartition(p.name()), leafRows.get(p.name()), chunkSize, p.name()));
        }
        return planned(chunks);
    }

    private Plan planned(List<ChunkRange> chunks) {
        return new Plan(chunks, how.summary(chunks.size()));
    }

    /** One relation's chunks: {@code spec}'s table is the relation cut (the job's table, or one partition). */
    private List<ChunkRange> cut(ResolvedSpec spec, long rows, long chunkSize, QualifiedName partition) throws SQLException {
        if (rows <= chunkSize) {
            return List.of(new ChunkRange(null, null, partition));
        }
        long wanted = Math.min(MAX_CHUNKS, (rows + chunkSize - 1) / chunkSize);
        List<List<String>> bounds = withoutEmptyChunks(spec, bounds(spec, wanted, chunkSize));
        List<ChunkRange> chunks = new ArrayList<>();
        List<String> lo = null;
        for (List<String> b : bounds) {
            chunks.add(new ChunkRange(lo, b, partition));
            lo = b;
        }
        chunks.add(new ChunkRange(lo, null, partition));
        return chunks;
    }

    /**
     * Where to cut: at the quantiles of the key's (leading column's) statistics histogram when the relation was
     * analysed ({@link KeyHistogram}), else an integer key by min/max arithmetic — then checked against a block
     * sample, which cuts again any chunk holding well over a chunk's rows (stale statistics, gaps in the key) and
     * merges neighbours that fit in one. Without statistics any other key is cut at the sample's own keys. When the
     * sample sees rows for more than twice the chunks the statistics promised, a sample sized for them is taken.
     */
    private List<List<String>> bounds(ResolvedSpec spec, long wanted, long chunkSize) throws SQLException {
        KeySample sample = KeySample.of(connection, spec, wanted);
        long seen = Math.min(MAX_CHUNKS, (sample.estimatedRows() + chunkSize - 1) / chunkSize);
        if (seen > 2 * wanted) {
            how.resized(wanted, seen, sample.pagesRead());
            sample = KeySample.of(connection, spec, seen);
        }
        List<String> cuts = leadingCuts(spec, wanted);
        if (cuts.isEmpty()) {
            how.sampled(sample.pagesRead());
            return sample.cuts(Math.max(wanted, seen));
        }
        KeySample.Evened evened = sample.evened(cuts, chunkSize, MAX_CHUNKS);
        how.checked(sample.pagesRead(), evened);
        return spec.keys().size() == 1 ? evened.cuts().stream().map(List::of).toList() : wholeKeysUpTo(spec, evened.cuts());
    }

    /** Leading-column cuts from the histogram, or by arithmetic for a single integer key; empty when neither applies. */
    private List<String> leadingCuts(ResolvedSpec spec, long wanted) throws SQLException {
        boolean leadInteger = spec.keys().get(0).isInteger();
        List<String> histogram = KeyHistogram.bounds(connection, spec.table(), spec.keys().get(0).name());
        if (histogram.size() >= 2) {
            List<List<String>> cuts = leadInteger ? KeyHistogram.integerCuts(histogram, wanted) : KeyHistogram.edgeCuts(histogram, wanted);
            if (!cuts.isEmpty()) {
                how.source("the statistics' quantiles");
                return cuts.stream().map(List::getFirst).toList();
            }
        }
        if (spec.keys().size() == 1 && leadInteger) {
            how.source("key arithmetic (no statistics)");
            return integerBounds(spec, wanted).stream().map(List::getFirst).toList();
        }
        return List.of();
    }

    /**
     * A composite key is cut at its leading column's values: each becomes the last whole key whose leading column is
     * at or before it (one index probe each), distinct and in order, so a chunk holds exactly the rows the sample
     * counted for it. (A block sample of a composite key's whole keys would come in clumps of neighbouring keys, one
     * clump per page read.)
     */
    private List<List<String>> wholeKeysUpTo(ResolvedSpec spec, List<String> leadingCuts) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(new BatchSql(spec).lastKeyUpTo())) {
            for (String cut : leadingCuts) {
                ps.setString(1, cut);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        List<String> key = new ArrayList<>();
                        for (int i = 1; i <= spec.keys().size(); i++) {
                            key.add(rs.getString(i));
                        }
                        if (out.isEmpty() || !out.getLast().equals(key)) {
                            out.add(key);
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Drops the bounds of chunks that hold no row, merging each empty chunk into the next: one index probe per chunk
     * (its first key, if any). A key with gaps (ids from merged sequences, an outlier far out) cut by arithmetic
     * would otherwise give workers chunks with nothing in them, each with a chunk's fixed costs.
     */
    private List<List<String>> withoutEmptyChunks(ResolvedSpec spec, List<List<String>> bounds) throws SQLException {
        List<List<String>> kept = new ArrayList<>();
        BatchSql sql = new BatchSql(spec);
        List<String> lo = null;
        for (List<String> hi : bounds) {
            try (PreparedStatement ps = connection.prepareStatement(sql.sliceEnd(lo != null, true))) {
                int i = BatchSql.bindRange(ps, lo, hi);
                ps.setInt(i, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        kept.add(hi);
                        lo = hi;
                    }
                }
            }
        }
        return kept;
    }

    /**
     * The relation's rows without a scan. Once it was analysed or vacuumed, the server's own estimate: reltuples
     * scaled by how the relation's pages grew since (a bulk load after the last ANALYZE counts; a table analysed while
     * empty is not taken for empty). Never analysed: a count up to {@link #COUNTED_UP_TO} rows (small and new tables,
     * exactly), and beyond that the server's estimate from the relation's pages.
     */
    private long tableRows(QualifiedName relation, double reltuples) throws SQLException {
        if (reltuples < 0) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT FROM " + relation.sql() + " LIMIT " + (COUNTED_UP_TO + 1) + ") s")) {
                rs.next();
                if (rs.getLong(1) <= COUNTED_UP_TO) {
                    return rs.getLong(1);
                }
            }
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN (FORMAT JSON) SELECT FROM " + relation.sql())) {
            long estimate = PlanEstimate.rows(rs);
            return reltuples < 0 ? Math.max(COUNTED_UP_TO + 1, estimate) : Math.max((long) reltuples, estimate);
        }
    }

    private List<List<String>> integerBounds(ResolvedSpec spec, long wanted) throws SQLException {
        BigInteger min;
        BigInteger max;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(new BatchSql(spec).minMax())) {
            rs.next();
            if (rs.getString(1) == null) {
                return List.of();
            }
            min = new BigInteger(rs.getString(1));
            max = new BigInteger(rs.getString(2));
        }
        BigInteger width = max.subtract(min).add(BigInteger.ONE);
        BigInteger step = width.add(BigInteger.valueOf(wanted - 1)).divide(BigInteger.valueOf(wanted)).max(BigInteger.ONE);
        List<List<String>> bounds = new ArrayList<>();
        for (BigInteger b = min.add(step).subtract(BigInteger.ONE); b.compareTo(max) < 0; b = b.add(step)) {
            bounds.add(List.of(b.toString()));
        }
        return bounds;
    }
}
