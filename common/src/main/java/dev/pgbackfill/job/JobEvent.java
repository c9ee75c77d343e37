package dev.pgbackfill.job;

import org.jspecify.annotations.Nullable;

/** One change of a job (kind {@code state}, {@code throttle} or {@code health}): who, when, why. */
public record JobEvent(long jobId, String at, String kind, @Nullable String fromState, String toState, String actor,
                       @Nullable String reason) {
}
