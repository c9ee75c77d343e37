package dev.pgbackfill.springbatch;

import dev.pgbackfill.job.JobStatus;

/** The pgbackfill job behind a {@link BackfillStep} ended FAILED or CANCELLED: the step fails with its reason. */
public final class BackfillStepException extends RuntimeException {
    private final transient JobStatus status;

    BackfillStepException(JobStatus status) {
        super("pgbackfill job " + status.id() + " on " + status.table() + " ended " + status.state()
                + (status.lastError() == null ? "" : ": " + status.lastError())
                + (status.throttleReason() == null ? "" : " (" + status.throttleReason() + ")"));
        this.status = status;
    }

    /** The job's status when it ended. */
    public JobStatus status() {
        return status;
    }
}
