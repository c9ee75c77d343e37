package dev.pgbackfill.coordinator.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a plan's chunks hold about a chunk's worth of rows each, judged from a block sample of the relation (so
 * independent of the statistics the plan may have come from, which can be stale or absent): which chunks to cut
 * again and into how many pieces, and which neighbours to merge. A pure function of the sample's counts.
 */
final class Evenness {
    /** A chunk is cut again above this many times the chunk size: below it, the sample's own noise could be the cause. */
    static final double OVERFULL = 1.5;
    /** Fewer sampled rows than this in a chunk say too little to cut it again (unless the sample was the whole relation). */
    static final long MIN_SAMPLED = 20;

    private Evenness() {
    }

    /**
     * What to change in a plan: each chunk (by position) that holds more than {@link #OVERFULL} chunk sizes is cut
     * into pieces of about one, and runs of neighbours that together still fit in one chunk size are merged (the
     * chunks a stale histogram cuts where few rows are left), so every chunk carries a chunk's fixed costs for about a
     * chunk's rows.
     *
     * @param sampled        sampled rows in each chunk, in key order
     * @param rowsPerSampled the rows of the relation one sampled row stands for (100 ÷ the sample's percent)
     * @param chunkSize      the rows a chunk should hold
     * @param maxPieces      the most pieces all chunks together may gain (the plan's chunk cap)
     */
    static Reshape reshape(long[] sampled, double rowsPerSampled, long chunkSize, long maxPieces) {
        Map<Integer, Integer> cut = new LinkedHashMap<>();
        java.util.Set<Integer> merged = new java.util.LinkedHashSet<>();
        long budget = maxPieces;
        double run = 0;
        for (int i = 0; i < sampled.length; i++) {
            double rows = sampled[i] * rowsPerSampled;
            boolean enough = sampled[i] >= MIN_SAMPLED || rowsPerSampled <= 1.0;
            if (enough && rows > OVERFULL * chunkSize && budget > 0) {
                int pieces = (int) Math.min(Math.min(budget + 1, Integer.MAX_VALUE), Math.round(Math.ceil(rows / chunkSize)));
                cut.put(i, pieces);
                budget -= pieces - 1;
                run = rows - (pieces - 1) * (rows / pieces); // its last piece, which a small neighbour may join
            } else if (i > 0 && run + rows <= chunkSize) {
                merged.add(i - 1); // the cut between chunk i - 1 and chunk i goes
                run += rows;
            } else {
                run = rows;
            }
        }
        return new Reshape(cut, merged);
    }

    /**
     * @param cutInto      chunk position → pieces to cut it into (at least two)
     * @param cutsDropped  positions of the cuts to drop: cut {@code i} ends chunk {@code i}, so chunks {@code i} and
     *                     {@code i + 1} become one
     */
    record Reshape(Map<Integer, Integer> cutInto, java.util.Set<Integer> cutsDropped) {
        boolean isEmpty() {
            return cutInto.isEmpty() && cutsDropped.isEmpty();
        }
    }
}
