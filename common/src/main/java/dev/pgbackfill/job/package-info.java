/**
 * Public API (JobState, JobStatus, JobEvent), internal (JobStore). A job is one backfill; all its state changes go through {@link dev.pgbackfill.job.JobStore#transition}.
 */
@NullMarked
package dev.pgbackfill.job;

import org.jspecify.annotations.NullMarked;
