package dev.pgbackfill.migrate.run;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;

/**
 * How the migrations engine runs pgbackfill jobs; the application module provides it (coordinator and workers
 * in-process, or a running cluster), which keeps this module free of Kafka and the worker.
 */
public interface BackfillRunner {
    /** Validates, plans and starts a job; returns its id. A bad spec throws before anything is written. */
    long launch(BackfillSpec spec, String actor);

    /** Runs the job until SUCCEEDED, FAILED or CANCELLED, resuming it first if it is PAUSED or FAILED. */
    JobStatus complete(long jobId);
}
