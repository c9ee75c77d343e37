package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.sql.QualifiedName;
import dev.pgbackfill.spec.BatchSql;
import dev.pgbackfill.spec.ResolvedSpec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A block sample of one relation's keys ({@code TABLESAMPLE SYSTEM … REPEATABLE}, so every query of one plan reads
 * the same pages), summarised by the server: keys compare in their own type and collation, and only cuts and counts
 * come back. It is sized in pages, not rows, because the rows of a page are neighbours in key order (inserted
 * together): the quality of its quantiles is the number of pages read — about {@value #PAGES_PER_CHUNK} per chunk,
 * between {@value #MIN_PAGES} and {@value #MAX_PAGES} (8 to 24 MB read at random; no scan).
 */
final class KeySample {
    static final int PAGES_PER_CHUNK = 30;
    static final int MIN_PAGES = 1_000;
    static final int MAX_PAGES = 3_000;
    private final Connection connection;
    private final long pages;
    private final double percent;
    private final long sampledRows;

    private KeySample(Connection connection, long pages, double percent, long sampledRows) {
        this.connection = connection;
        this.pages = pages;
        this.percent = percent;
        this.sampledRows = sampledRows;
    }

    /** A sample of {@code relation} sized for a plan of {@code wantedChunks} chunks. */
    static KeySample of(Connection c, QualifiedName relation, long wantedChunks) throws SQLException {
        long pages;
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::bigint")) {
            ps.setString(1, relation.sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                pages = rs.getLong(1);
            }
        }
        double percent = percentFor(pages, wantedChunks);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + relation.sql() + " TABLESAMPLE SYSTEM (?) REPEATABLE (7)")) {
            ps.setDouble(1, percent);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new KeySample(c, pages, percent, rs.getLong(1));
            }
        }
    }

    /**
     * The relation's rows as the sample sees them: where statistics are stale (a bulk load since the last ANALYZE) or
     * absent, this is what the number of chunks is corrected by.
     */
    long estimatedRows() {
        return Math.round(sampledRows * rowsPerSampled());
    }

    /** The percent of a relation's pages to read for a plan of {@code wantedChunks}: all of them for a small one. */
    static double percentFor(long pages, long wantedChunks) {
        long want = Math.max(MIN_PAGES, Math.min(MAX_PAGES, wantedChunks * PAGES_PER_CHUNK));
        return pages <= want ? 100.0 : 100.0 * want / pages;
    }

    /** Pages the sample reads (about). */
    long pagesRead() {
        return Math.round(pages * percent / 100.0);
    }

    /** The relation's rows one sampled row stands for. */
    double rowsPerSampled() {
        return 100.0 / percent;
    }

    /**
     * {@code pieces - 1} whole keys that cut the sampled keys in {@code (lower, upper]} into pieces of as many sampled
     * rows, in key order; fewer when the sample holds fewer keys there.
     */
    List<List<String>> cuts(ResolvedSpec spec, @Nullable List<String> lower, @Nullable List<String> upper, long pieces) throws SQLException {
        BatchSql sql = new BatchSql(spec);
        List<List<String>> cuts = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql.sampleCuts(lower != null, upper != null))) {
            ps.setDouble(1, percent);
            int i = bindShifted(ps, lower, upper);
            ps.setLong(i, pieces);
            ps.setLong(i + 1, pieces);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>();
                    for (int k = 1; k <= spec.keys().size(); k++) {
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

    /** Sampled rows in each of the {@code leadCuts.size() + 1} chunks that cuts of the leading key column make. */
    long[] perChunk(ResolvedSpec spec, List<List<String>> leadCuts) throws SQLException {
        long[] counts = new long[leadCuts.size() + 1];
        try (PreparedStatement ps = connection.prepareStatement(new BatchSql(spec).sampleBuckets())) {
            Array cuts = connection.createArrayOf("text", leadCuts.stream().map(List::getFirst).toArray());
            ps.setArray(1, cuts);
            ps.setDouble(2, percent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts[rs.getInt(1)] += rs.getLong(2);
                }
            }
        }
        return counts;
    }

    /**
     * The leading-column cuts with every chunk that holds well over {@code chunkSize} rows in the sample cut again at
     * the sample's keys inside it, and neighbours that fit in one merged ({@link Evenness}): stale or missing
     * statistics, and key arithmetic over gaps, no longer leave one chunk with most of the rows. Returns the cuts and
     * what was done, for the job's events.
     */
    Evened evened(ResolvedSpec leading, List<List<String>> cuts, long chunkSize, long maxChunks) throws SQLException {
        long[] sampled = perChunk(leading, cuts);
        Evenness.Reshape reshape = Evenness.reshape(sampled, rowsPerSampled(), chunkSize, maxChunks - sampled.length);
        double before = java.util.Arrays.stream(sampled).max().orElse(0) * rowsPerSampled() / chunkSize;
        if (reshape.isEmpty()) {
            return new Evened(cuts, before, 0, 0);
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i <= cuts.size(); i++) {
            Integer pieces = reshape.cutInto().get(i);
            if (pieces != null) {
                for (List<String> inner : cuts(leading, i == 0 ? null : cuts.get(i - 1), i == cuts.size() ? null : cuts.get(i), pieces)) {
                    if (out.isEmpty() || !out.getLast().equals(inner)) {
                        out.add(inner);
                    }
                }
            }
            if (i < cuts.size() && !reshape.cutsDropped().contains(i) && (out.isEmpty() || !out.getLast().equals(cuts.get(i)))) {
                out.add(cuts.get(i));
            }
        }
        return new Evened(out, before, reshape.cutInto().size(), reshape.cutsDropped().size());
    }

    /**
     * Cuts after the check: the largest chunk before it, in chunk sizes (as the sample saw it), how many chunks were
     * cut again and how many merged into a neighbour.
     */
    record Evened(List<List<String>> cuts, double largestInChunkSizes, int chunksCutAgain, int chunksMerged) {
    }

    /** Binds a range's bounds from parameter 2 on (parameter 1 is the percent); returns the next free index. */
    private static int bindShifted(PreparedStatement ps, @Nullable List<String> lower, @Nullable List<String> upper) throws SQLException {
        int i = 2;
        if (lower != null) {
            i = BatchSql.bindKey(ps, i, lower);
        }
        if (upper != null) {
            i = BatchSql.bindKey(ps, i, upper);
        }
        return i;
    }
}
