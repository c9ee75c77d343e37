package dev.pgbackfill.coordinator.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a plan's chunks hold about a chunk's worth of rows each, judged from a block sample of the relation (so
 * independent of the statistics the plan may have come from, which can be stale or absent): which chunks to cut
 * again, and into how many pieces. A pure function of the sample's counts.
 */
final class Evenness {
    /** A chunk is cut again above this many times the chunk size: below it, the sample's own noise could be the cause. */
    static final double OVERFULL = 1.5;
    /** Fewer sampled rows than this in a chunk say too little to cut it again (unless the sample was the whole relation). */
    static final long MIN_SAMPLED = 20;

    private Evenness() {
    }

    /**
     * For each chunk (by position) that holds more than {@link #OVERFULL} chunk sizes, the pieces to cut it into.
     *
     * @param sampled        sampled rows in each chunk, in key order
     * @param rowsPerSampled the rows of the relation one sampled row stands for (100 ÷ the sample's percent)
     * @param chunkSize      the rows a chunk should hold
     * @param maxPieces      the most pieces all chunks together may gain (the plan's chunk cap)
     */
    static Map<Integer, Integer> piecesToCut(long[] sampled, double rowsPerSampled, long chunkSize, long maxPieces) {
        Map<Integer, Integer> cut = new LinkedHashMap<>();
        long budget = maxPieces;
        for (int i = 0; i < sampled.length && budget > 0; i++) {
            double rows = sampled[i] * rowsPerSampled;
            boolean enough = sampled[i] >= MIN_SAMPLED || rowsPerSampled <= 1.0;
            if (enough && rows > OVERFULL * chunkSize) {
                int pieces = (int) Math.min(Math.min(budget + 1, Integer.MAX_VALUE), Math.round(Math.ceil(rows / chunkSize)));
                cut.put(i, pieces);
                budget -= pieces - 1;
            }
        }
        return cut;
    }

    /** The largest chunk's sampled rows over the median chunk's: how even a plan is (1.0 for a perfect one). */
    static double largestOverMedian(long[] sampled) {
        if (sampled.length == 0) {
            return 1.0;
        }
        long[] sorted = sampled.clone();
        java.util.Arrays.sort(sorted);
        long median = Math.max(1, sorted[sorted.length / 2]);
        return (double) sorted[sorted.length - 1] / median;
    }
}
