package dev.pgbackfill.job;

/** One change of a job (kind {@code state}, {@code throttle} or {@code health}): who, when, why. */
public record JobEvent(long jobId, String at, String kind, String fromState, String toState, String actor, String reason) {
}
