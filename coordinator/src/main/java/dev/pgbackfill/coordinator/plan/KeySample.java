package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A block sample of one relation's keys ({@code TABLESAMPLE SYSTEM … REPEATABLE}, so every query of one plan reads
 * the same pages), summarised by the server: keys compare in their own type and collation, and only cuts and counts
 * come back ({@link SampleSql}). It is sized in pages, not rows, because the rows of a page are neighbours in key
 * order (inserted together): what a sample can tell is bounded by the pages it read — {@value #PAGES_PER_CHUNK} per
 * chunk wanted, between {@value #MIN_PAGES} and {@value #MAX_PAGES} (at most 24 MB read at random; no scan). A
 * partitioned table planned as a whole is sized by its partitions' pages.
 */
final class KeySample {
    static final int PAGES_PER_CHUNK = 30;
    static final int MIN_PAGES = 100;
    static final int MAX_PAGES = 3_000;
    /** A table's pages, or a partitioned table's partitions' (pg_partition_tree lists nothing for a plain table). */
    private static final String PAGES = """
            SELECT CASE WHEN c.relkind = 'p'
                        THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0) FROM pg_partition_tree(c.oid) p WHERE p.isleaf)
                        ELSE pg_relation_size(c.oid) END / current_setting('block_size')::bigint
              FROM pg_class c WHERE c.oid = CAST(? AS regclass)""";
    private final Connection connection;
    private final SampleSql sql;
    private final long pages;
    private final double percent;
    private final long sampledRows;

    private KeySample(Connection connection, SampleSql sql, long pages, double percent, long sampledRows) {
        this.connection = connection;
        this.sql = sql;
        this.pages = pages;
        this.percent = percent;
        this.sampledRows = sampledRows;
    }

    /** A sample of {@code spec}'s table (a plain table, a partition, or a partitioned table) sized for {@code wantedChunks}. */
    static KeySample of(Connection c, ResolvedSpec spec, long wantedChunks) throws SQLException {
        long pages;
        try (PreparedStatement ps = c.prepareStatement(PAGES)) {
            ps.setString(1, spec.table().sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
            }
        }
        double percent = percentFor(pages, wantedChunks);
        SampleSql sql = new SampleSql(spec);
        try (PreparedStatement ps = c.prepareStatement(sql.count())) {
            ps.setDouble(1, percent);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new KeySample(c, sql, pages, percent, rs.getLong(1));
            }
        }
    }

    /** The percent of a relation's pages to read for a plan of {@code wantedChunks}: all of them for a small one. */
    static double percentFor(long pages, long wantedChunks) {
        long want = Math.max(MIN_PAGES, Math.min(MAX_PAGES, wantedChunks * PAGES_PER_CHUNK));
        return pages <= want ? 100.0 : 100.0 * want / pages;
    }

    /** The relation's rows as the sample sees them: what stale (or absent) statistics are corrected by. */
    long estimatedRows() {
        return Math.round(sampledRows * rowsPerSampled());
    }

    /** Pages the sample reads (about). */
    long pagesRead() {
        return Math.round(pages * percent / 100.0);
    }

    /** The relation's rows one sampled row stands for (1: the sample is the whole relation). */
    double rowsPerSampled() {
        return 100.0 / percent;
    }

    /**
     * {@code pieces - 1} whole keys that cut the sampled keys into pieces of as many sampled rows, in key order;
     * fewer when the sample holds fewer keys.
     */
    List<List<String>> cuts(long pieces) throws SQLException {
        List<List<String>> cuts = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.cuts())) {
            ps.setDouble(1, percent);
            ps.setLong(2, pieces);
            ps.setLong(3, pieces);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> key = new ArrayList<>(n);
                    for (int k = 1; k <= n; k++) {
                        key.add(rs.getString(k));
                    }
                    if (cuts.isEmpty() || !cuts.getLast().equals(key)) {
                        cuts.add(key);
                    }
                }
            }
        }
        return cuts;
    }

    /**
     * The cuts of a leading key column checked against the sample: every chunk that holds well over {@code chunkSize}
     * rows is cut again at the sampled values inside it, and neighbours that together fit in one chunk size are
     * merged ({@link Evenness}). Stale or missing statistics and key arithmetic over gaps no longer leave one chunk
     * with most of the rows. Returns the cuts and what was done, for the job's events.
     */
    Evened evened(List<String> cuts, long chunkSize, long maxChunks) throws SQLException {
        Evenness.Sampled sampled = perChunk(cuts);
        Evenness.Reshape reshape = Evenness.reshape(sampled, rowsPerSampled(), chunkSize, maxChunks - cuts.size() - 1);
        double largest = sampled.largestRows() * rowsPerSampled() / chunkSize;
        Map<Integer, List<String>> inside = reshape.cutInto().isEmpty() ? Map.of() : recuts(cuts, reshape.cutInto());
        List<String> out = new ArrayList<>();
        for (int i = 0; i <= cuts.size(); i++) {
            for (String value : inside.getOrDefault(i, List.of())) {
                addDistinct(out, value);
            }
            if (i < cuts.size() && !reshape.cutsDropped().contains(i)) {
                addDistinct(out, cuts.get(i));
            }
        }
        return new Evened(out, largest, inside.size(), reshape.cutsDropped().size());
    }

    private static void addDistinct(List<String> cuts, String value) {
        if (cuts.isEmpty() || !cuts.getLast().equals(value)) {
            cuts.add(value);
        }
    }

    private Evenness.Sampled perChunk(List<String> cuts) throws SQLException {
        long[] rows = new long[cuts.size() + 1];
        long[] pagesSeen = new long[cuts.size() + 1];
        try (PreparedStatement ps = connection.prepareStatement(sql.perChunk())) {
            ps.setArray(1, connection.createArrayOf("text", cuts.toArray()));
            ps.setDouble(2, percent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows[rs.getInt(1)] += rs.getLong(2);
                }
            }
        }
        // pages behind each count, from the sample's rows per page (counting distinct pages per row doubled the read's cost)
        double rowsPerPage = Math.max(1.0, (double) sampledRows / Math.max(1, pagesRead()));
        for (int i = 0; i < rows.length; i++) {
            pagesSeen[i] = (long) Math.ceil(rows[i] / rowsPerPage);
        }
        return new Evenness.Sampled(rows, pagesSeen);
    }

    /** For each chunk to cut again, the sampled leading-key values that cut it into its pieces, in order (one read). */
    private Map<Integer, List<String>> recuts(List<String> cuts, Map<Integer, Integer> pieces) throws SQLException {
        Map<Integer, List<String>> inside = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.recuts())) {
            ps.setArray(1, connection.createArrayOf("text", cuts.toArray()));
            ps.setDouble(2, percent);
            ps.setArray(3, connection.createArrayOf("integer", pieces.keySet().toArray()));
            ps.setArray(4, connection.createArrayOf("integer", pieces.values().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inside.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return inside;
    }

    /**
     * Leading-column cuts after the check: the largest chunk before it, in chunk sizes (as sampled), how many chunks
     * were cut again and how many merged into a neighbour.
     */
    record Evened(List<String> cuts, double largestInChunkSizes, int chunksCutAgain, int chunksMerged) {
    }
}
