package dev.pgbackfill.worker.throttle;

import org.jspecify.annotations.Nullable;
import dev.pgbackfill.job.JobState;
import dev.pgbackfill.throttle.ThrottleSettings;

/**
 * What a worker knows of a job's throttle, refreshed from PostgreSQL at most once a second.
 *
 * @param runningChunks    chunks of this job being worked now (the job's rate is shared among them)
 * @param globalRate       the cluster-wide budget, or null
 * @param allRunningChunks chunks of all RUNNING jobs being worked now (the global budget is shared among them)
 */
record JobView(JobState state, ThrottleSettings settings, @Nullable String healthReason, long runningChunks, @Nullable Double globalRate,
               long allRunningChunks, long loadedAtNanos) {
}
