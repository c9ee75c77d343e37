package dev.pgbackfill.springbatch;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;

/**
 * What a {@link BackfillStep} asks of pgbackfill: the operator's four actions on one job. {@link #of} adapts a
 * coordinator in this JVM; an application whose coordinator runs elsewhere implements it over the REST API.
 */
public interface Backfills {
    /** Validates, plans and publishes {@code spec}; returns the new job's id. Bad input throws before any write. */
    long launch(BackfillSpec spec, String actor);

    /** The job's current status. */
    JobStatus status(long jobId);

    /** Workers stop the job within one batch, at their checkpoints; false when it was not running. */
    boolean pause(long jobId, String actor, String reason);

    /** The job continues from its checkpoints; false when it was not paused (or failed). */
    boolean resume(long jobId, String actor, String reason);

    /** A coordinator in this JVM. */
    static Backfills of(dev.pgbackfill.coordinator.control.Coordinator coordinator) {
        return new Backfills() {
            @Override
            public long launch(BackfillSpec spec, String actor) {
                return coordinator.launch(spec, actor);
            }

            @Override
            public JobStatus status(long jobId) {
                return coordinator.status(jobId);
            }

            @Override
            public boolean pause(long jobId, String actor, String reason) {
                return coordinator.pause(jobId, actor, reason);
            }

            @Override
            public boolean resume(long jobId, String actor, String reason) {
                return coordinator.resume(jobId, actor, reason);
            }
        };
    }
}
