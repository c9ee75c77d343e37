package dev.pgbackfill.job;

/**
 * What an operator sees of a job (CLI {@code status --json}, REST, dashboard). Field names are part of the
 * interface contract: scripts rely on them.
 */
public record JobStatus(long id, JobState state, String table, long rowsDone, long rowsEstimated, double rowsPerSecond,
                        double averageRowsPerSecond, Long etaSeconds, String createdAt, String startedAt,
                        String finishedAt, String throttleReason, long stuckRows, int chunksTotal, int chunksDone,
                        int chunksRunning, int workers, String lastError) {
}
