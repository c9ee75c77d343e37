package dev.pgbackfill.worker.throttle;

/** Decides how long a worker waits before its next batch of a job. */
public interface Throttle {
    Throttle NONE = (jobId, rows) -> { };

    /** Blocks until the job may process {@code rows} more rows. */
    void beforeBatch(long jobId, int rows) throws InterruptedException;
}
