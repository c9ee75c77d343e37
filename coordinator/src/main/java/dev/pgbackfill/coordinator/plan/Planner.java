package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.chunk.ChunkRange;
import dev.pgbackfill.chunk.WorkerCapacity;
import dev.pgbackfill.coordinator.catalog.Partitions;
import dev.pgbackfill.coordinator.catalog.TableInfo;
import dev.pgbackfill.sql.QualifiedName;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Cuts a table's key space into chunks without scanning it: integer keys by arithmetic on min/max (two index
 * probes), other keys (uuid, text, composite) by a {@code TABLESAMPLE SYSTEM} sample of the key. The first chunk
 * has no lower bound and the last no upper bound, so rows inserted anywhere outside the sampled range, and after
 * planning, are still covered. A partitioned table is cut the same way in each of its leaf partitions.
 */
public final class Planner {
    /** Chunks above this count are widened: per-chunk overhead (a Kafka record, a claim) must stay small. */
    static final int MAX_CHUNKS = 20_000;
    private final Connection connection;

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
    public List<ChunkRange> plan(ResolvedSpec spec, TableInfo table) throws SQLException {
        List<Partitions.Partition> leaves = Partitions.leaves(connection, table.oid());
        long rows = leaves.isEmpty() ? tableRows(table.name(), table.reltuples()) : 0;
        for (Partitions.Partition p : leaves) {
            rows += tableRows(p.name(), p.estimatedRows());
        }
        long chunkSize = spec.chunkSize() > 0 ? spec.chunkSize() : defaultChunkSize(rows, spec.batchSize(), WorkerCapacity.liveThreads(connection));
        String whyNot = leaves.isEmpty() ? null : Partitions.whyNotLeafByLeaf(connection, table.oid());
        if (leaves.isEmpty() || whyNot != null) {
            if (whyNot != null) {
                org.slf4j.LoggerFactory.getLogger(Planner.class).info("{} is planned as a whole, not partition by partition: {}", table.name(), whyNot);
            }
            return cut(spec, rows, chunkSize, null);
        }
        List<ChunkRange> chunks = new ArrayList<>();
        for (Partitions.Partition p : leaves) {
            chunks.addAll(cut(spec.onPartition(p.name()), tableRows(p.name(), p.estimatedRows()), chunkSize, p.name()));
        }
        return chunks;
    }

    /** One relation's chunks: {@code spec}'s table is the relation cut (the job's table, or one partition). */
    private List<ChunkRange> cut(ResolvedSpec spec, long rows, long chunkSize, QualifiedName partition) throws SQLException {
        if (rows <= chunkSize) {
            return List.of(new ChunkRange(null, null, partition));
        }
        long wanted = Math.min(MAX_CHUNKS, (rows + chunkSize - 1) / chunkSize);
        List<List<String>> bounds = withoutEmptyChunks(spec, bounds(spec, rows, wanted));
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
     * Where to cut: at the quantiles of the key's (leading column's) statistics histogram when the relation was analysed
     * ({@link KeyHistogram}); otherwise an integer key by min/max arithmetic and any other key by a sample.
     */
    private List<List<String>> bounds(ResolvedSpec spec, long rows, long wanted) throws SQLException {
        boolean leadInteger = spec.keys().get(0).isInteger();
        List<String> histogram = KeyHistogram.bounds(connection, spec.table(), spec.keys().get(0).name());
        if (histogram.size() >= 2) {
            List<List<String>> cuts = leadInteger ? KeyHistogram.integerCuts(histogram, wanted) : KeyHistogram.edgeCuts(histogram, wanted);
            if (!cuts.isEmpty()) {
                return spec.keys().size() == 1 ? cuts : wholeKeysFrom(spec, cuts);
            }
        }
        return spec.keys().size() == 1 && leadInteger ? integerBounds(spec, wanted) : sampledBounds(spec, rows, wanted);
    }

    /**
     * A composite key is cut at its leading column's quantiles: each becomes the first whole key at or after it (one
     * index probe each), distinct and in order. (A block sample of a composite key comes in clumps of neighbouring
     * keys, one clump per page read, and makes chunks of a few dozen rows next to chunks of hundreds of thousands.)
     */
    private List<List<String>> wholeKeysFrom(ResolvedSpec spec, List<List<String>> leadingCuts) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(new BatchSql(spec).firstKeyFrom())) {
            for (List<String> cut : leadingCuts) {
                ps.setString(1, cut.getFirst());
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

    /** reltuples when the relation was ever analysed; otherwise a count (only small or new tables lack statistics). */
    private long tableRows(QualifiedName relation, double reltuples) throws SQLException {
        if (reltuples >= 0) {
            return (long) reltuples;
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + relation.sql())) {
            rs.next();
            return rs.getLong(1);
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

    private List<List<String>> sampledBounds(ResolvedSpec spec, long rows, long wanted) throws SQLException {
        long sampleSize = Math.max(1_000, wanted * 20);
        double percent = Math.min(100.0, 100.0 * sampleSize / Math.max(1, rows));
        String keys = spec.keys().stream().map(k -> "t." + k.quoted()).collect(Collectors.joining(", "));
        String asText = spec.keys().stream().map(k -> "t." + k.quoted() + "::text").collect(Collectors.joining(", "));
        List<List<String>> sample = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + asText + " FROM " + spec.table().sql()
                + " t TABLESAMPLE SYSTEM (?) REPEATABLE (7) ORDER BY " + keys)) {
            ps.setDouble(1, percent);
            try (ResultSet rs = ps.executeQuery()) {
                int n = spec.keys().size();
                while (rs.next()) {
                    List<String> key = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        key.add(rs.getString(i));
                    }
                    sample.add(key);
                }
            }
        }
        List<List<String>> bounds = new ArrayList<>();
        if (sample.isEmpty()) {
            return bounds;
        }
        double per = (double) sample.size() / wanted;
        for (int i = 1; i < wanted; i++) {
            List<String> b = sample.get(Math.min(sample.size() - 1, (int) Math.round(i * per)));
            if (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(b)) {
                bounds.add(b);
            }
        }
        if (!bounds.isEmpty() && bounds.get(bounds.size() - 1).equals(sample.get(sample.size() - 1)) && bounds.size() > 1) {
            bounds.remove(bounds.size() - 1);
        }
        return bounds;
    }
}
