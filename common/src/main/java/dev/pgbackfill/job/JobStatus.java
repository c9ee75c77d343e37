package dev.pgbackfill.job;

import org.jspecify.annotations.Nullable;

/**
 * What an operator sees of a job (CLI {@code status --json}, REST, dashboard). Field names are part of the
 * interface contract: scripts rely on them.
 *
 * <p>{@code rowsDone} counts each row once: the rows the job's chunks changed up to their first completion.
 * {@code rowsReswept} counts apart the rows changed after the final check reopened a finished chunk (rows inserted
 * behind the cursor, or changed back by the application), so {@code rowsDone} never exceeds the rows that changed.
 */
public record JobStatus(long id, JobState state, String table, long rowsDone, long rowsEstimated, double rowsPerSecond,
                        double averageRowsPerSecond, @Nullable Long etaSeconds, String createdAt, @Nullable String startedAt,
                        @Nullable String finishedAt, @Nullable String throttleReason, long stuckRows, int chunksTotal, int chunksDone,
                        int chunksRunning, int workers, @Nullable String lastError, long rowsReswept, @Nullable JobSpec spec) {
}
