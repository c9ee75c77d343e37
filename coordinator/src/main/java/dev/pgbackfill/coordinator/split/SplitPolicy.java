package dev.pgbackfill.coordinator.split;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When to split, and which chunk: a job whose open chunks are fewer than the worker threads that could run them
 * leaves threads idle while rows remain, so the running chunk with the most work left is cut in two — as long as
 * both pieces keep at least {@code minPiece} rows and {@link #MIN_PIECE_SECONDS} of work at its worker's rate. A split
 * costs a rolled-back batch and a new chunk's start (a few hundred milliseconds), so the short tail of an even plan is
 * left to finish as it is (the bench measured that splitting it made jobs slower), while a chunk holding seconds of
 * work is shared.
 */
public final class SplitPolicy {
    /** Each piece of a split is at least this long to run at the chunk's rate so far. */
    public static final double MIN_PIECE_SECONDS = 1.5;

    /** A running chunk, the rows left in it (beyond its cursor, as estimated) and its worker's rate so far (0: unknown). */
    public record Candidate(int chunkNo, long rowsLeft, double rowsPerSecond) {
        double secondsLeft() {
            return rowsPerSecond > 0 ? rowsLeft / rowsPerSecond : 0;
        }
    }

    private SplitPolicy() {
    }

    /**
     * The chunk to split, if a thread would otherwise idle and some running chunk has enough work for two pieces.
     * {@code open} holds every open chunk of the job (PENDING ones count as work a thread will take, with no rate).
     */
    public static Optional<Candidate> choose(List<Candidate> open, int liveThreads, long minPiece) {
        if (open.isEmpty() || open.size() >= liveThreads) {
            return Optional.empty();
        }
        return open.stream().filter(c -> c.rowsLeft() >= 2 * minPiece && c.secondsLeft() >= 2 * MIN_PIECE_SECONDS)
                .max(Comparator.comparingDouble(Candidate::secondsLeft));
    }

    /** The smallest piece worth a chunk of its own: a few batches, and never tiny. */
    public static long minPiece(int batchSize) {
        return Math.max(4L * batchSize, 2_000L);
    }
}
