package dev.pgbackfill.coordinator.plan;

import dev.pgbackfill.sql.QualifiedName;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunk bounds that follow the data rather than the key's arithmetic: quantiles of a single-column key taken from
 * the histogram ANALYZE keeps in {@code pg_stats} (bucket edges with as many rows between each pair), read without
 * touching the table. A table with ids 1 … 600 000 and one row at 10^15 is cut into even chunks of the 600 000,
 * where min/max arithmetic put them all in the first one. Statistics are a sample and may be stale: the first
 * and last chunks stay open-ended (rows below or above the histogram are covered), and chunks that turn out big are
 * split while they run ({@code split.TailSplitter}).
 */
final class KeyHistogram {
    private KeyHistogram() {
    }

    /** The column's histogram bounds as text, in key order; empty when the relation was never analysed. */
    static List<String> bounds(Connection c, QualifiedName relation, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT histogram_bounds::text::text[] FROM pg_stats
                 WHERE schemaname = ? AND tablename = ? AND attname = ? AND histogram_bounds IS NOT NULL
                 ORDER BY inherited LIMIT 1""")) {
            ps.setString(1, relation.schema());
            ps.setString(2, relation.name());
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? List.of((String[]) rs.getArray(1).getArray()) : List.of();
            }
        }
    }

    /**
     * {@code wanted - 1} cuts at the quantiles j / wanted of an integer key, interpolating inside a bucket (rows
     * are taken to be spread evenly between two bounds), strictly increasing; fewer when the key has fewer values.
     */
    static List<List<String>> integerCuts(List<String> histogram, long wanted) {
        List<BigInteger> h = histogram.stream().map(BigInteger::new).toList();
        int buckets = h.size() - 1;
        List<List<String>> cuts = new ArrayList<>();
        BigInteger last = null;
        for (long j = 1; j < wanted; j++) {
            BigDecimal position = BigDecimal.valueOf(j).multiply(BigDecimal.valueOf(buckets)).divide(BigDecimal.valueOf(wanted), 12, RoundingMode.HALF_UP);
            int i = Math.min(position.intValue(), buckets - 1);
            BigDecimal fraction = position.subtract(BigDecimal.valueOf(i));
            BigInteger width = h.get(i + 1).subtract(h.get(i));
            BigInteger cut = h.get(i).add(new BigDecimal(width).multiply(fraction).setScale(0, RoundingMode.FLOOR).toBigInteger());
            if (last == null || cut.compareTo(last) > 0) {
                cuts.add(List.of(cut.toString()));
                last = cut;
            }
        }
        return cuts;
    }

    /**
     * {@code wanted - 1} cuts of a key that cannot be interpolated (text, uuid, …): the bucket edges nearest the
     * quantiles, distinct. Empty when the histogram has fewer buckets than chunks are wanted (the caller samples).
     */
    static List<List<String>> edgeCuts(List<String> histogram, long wanted) {
        int buckets = histogram.size() - 1;
        if (buckets < wanted) {
            return List.of();
        }
        List<List<String>> cuts = new ArrayList<>();
        for (long j = 1; j < wanted; j++) {
            String edge = histogram.get((int) Math.round((double) j * buckets / wanted));
            if (cuts.isEmpty() || !cuts.getLast().getFirst().equals(edge)) {
                cuts.add(List.of(edge));
            }
        }
        return cuts;
    }
}
