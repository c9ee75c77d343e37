package dev.pgbackfill.chunk;

import dev.pgbackfill.job.JobState;

/** The job is no longer RUNNING (paused, cancelled, …): the batch was rolled back and the chunk is released. */
public class JobStoppedException extends RuntimeException {
    private final JobState state;

    public JobStoppedException(long jobId, JobState state) {
        super("job " + jobId + " is " + state);
        this.state = state;
    }

    public JobState state() {
        return state;
    }
}
