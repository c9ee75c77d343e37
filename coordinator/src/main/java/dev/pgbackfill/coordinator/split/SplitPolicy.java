package dev.pgbackfill.coordinator.split;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When to split, and which chunk: a job whose open chunks are fewer than the worker threads that could run them
 * leaves threads idle while rows remain, so the open chunk with the most rows left is cut in two — as long as both
 * pieces keep at least {@code minPiece} rows (below that, a chunk's fixed costs outweigh a second thread).
 */
public final class SplitPolicy {
    /** An open chunk and the rows left in it (beyond its cursor), as estimated. */
    public record Candidate(int chunkNo, long rowsLeft) {
    }

    private SplitPolicy() {
    }

    /** The chunk to split, if a thread would otherwise idle and some chunk is big enough for two pieces. */
    public static Optional<Candidate> choose(List<Candidate> open, int liveThreads, long minPiece) {
        if (open.isEmpty() || open.size() >= liveThreads) {
            return Optional.empty();
        }
        return open.stream().filter(c -> c.rowsLeft() >= 2 * minPiece).max(Comparator.comparingLong(Candidate::rowsLeft));
    }

    /** The smallest piece worth a chunk of its own: a few batches, and never tiny. */
    public static long minPiece(int batchSize) {
        return Math.max(4L * batchSize, 2_000L);
    }
}
