package dev.pgbackfill.job;

/** One state change of a job: who, when, why. */
public record JobEvent(long jobId, String at, String fromState, String toState, String actor, String reason) {
}
