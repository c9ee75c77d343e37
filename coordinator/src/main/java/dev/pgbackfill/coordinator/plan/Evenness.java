package dev.pgbackfill.coordinator.plan;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether a plan's chunks hold about a chunk's worth of rows each, judged from a block sample of the relation (so
 * independent of the statistics the plan may have come from, which can be stale or absent): which chunks to cut
 * again and into how many pieces, and which neighbours to merge. A pure function of the sample's counts.
 *
 * <p>The rows of one page are one observation, not many (they are neighbours in key order), so what a count can
 * say is bounded by the distinct pages behind it: a chunk is only cut again when {@value #MIN_PAGES_SEEN} pages or
 * more saw it, and neighbours are only merged when the sample read that many pages per chunk on average — below
 * that, a chunk that looks empty may just not have been sampled. (A sample of the whole relation is exact.)
 */
final class Evenness {
    /** A chunk is cut again above this many times the chunk size: below it, the sample's own noise could be the cause. */
    static final double OVERFULL = 1.5;
    /** Fewer distinct pages than this say too little about a chunk's size to change it. */
    static final long MIN_PAGES_SEEN = 8;

    private Evenness() {
    }

    /** What the sample found in each chunk, in key order: rows, and the pages they stand for. */
    record Sampled(long[] rows, long[] pages) {
        long largestRows() {
            long max = 0;
            for (long r : rows) {
                max = Math.max(max, r);
            }
            return max;
        }

        long totalPages() {
            long sum = 0;
            for (long p : pages) {
                sum += p;
            }
            return sum;
        }
    }

    /**
     * What to change in a plan: each chunk (by position) that holds more than {@link #OVERFULL} chunk sizes is cut
     * into pieces of about one, and runs of neighbours that together still fit in one chunk size are merged (the
     * chunks a stale histogram cuts where few rows are left), so every chunk carries a chunk's fixed costs for about
     * a chunk's rows.
     *
     * @param rowsPerSampled the relation's rows one sampled row stands for (100 ÷ the sample's percent; 1: all of it)
     * @param chunkSize      the rows a chunk should hold
     * @param maxPieces      the most pieces all chunks together may gain (the plan's chunk cap)
     */
    static Reshape reshape(Sampled sampled, double rowsPerSampled, long chunkSize, long maxPieces) {
        boolean exact = rowsPerSampled <= 1.0;
        int chunks = sampled.rows().length;
        boolean mayMerge = exact || sampled.totalPages() >= MIN_PAGES_SEEN * chunks;
        Map<Integer, Integer> cut = new LinkedHashMap<>();
        Set<Integer> merged = new LinkedHashSet<>();
        long budget = maxPieces;
        double run = 0;
        for (int i = 0; i < chunks; i++) {
            double rows = sampled.rows()[i] * rowsPerSampled;
            boolean seen = exact || sampled.pages()[i] >= MIN_PAGES_SEEN;
            if (seen && rows > OVERFULL * chunkSize && budget > 0) {
                int pieces = (int) Math.min(Math.min(budget + 1, Integer.MAX_VALUE), (long) Math.ceil(rows / chunkSize));
                cut.put(i, pieces);
                budget -= pieces - 1;
                run = rows / pieces; // its last piece, which a small neighbour may join
            } else if (mayMerge && i > 0 && run + rows <= chunkSize) {
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
    record Reshape(Map<Integer, Integer> cutInto, Set<Integer> cutsDropped) {
    }
}
