package dev.pgbackfill.client;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.throttle.ThrottleSettings;

/**
 * An operator's actions on pgbackfill jobs, from Java: what the CLI and the REST API offer. The coordinator in this
 * JVM implements it ({@code Coordinator}); {@link #over} reaches one that runs elsewhere through its REST API. A
 * Spring Boot application gets one bean of it from {@code pgbackfill-spring-boot-starter}; a Spring Batch job uses
 * it through {@code BackfillStep}.
 */
public interface BackfillOperations {
    /** Validates, plans and publishes {@code spec}; returns the new job's id. Bad input throws before any write. */
    long launch(BackfillSpec spec, String actor);

    /** The job's current status. */
    JobStatus status(long jobId);

    /** The jobs the control schema holds, newest first, as {@code pgbackfill status} lists them. */
    java.util.List<JobStatus> list();

    /** Workers stop the job within one batch, at their checkpoints; false when it was not running. */
    boolean pause(long jobId, String actor, String reason);

    /** The job continues from its checkpoints; false when it was not paused (or failed). */
    boolean resume(long jobId, String actor, String reason);

    /** The job ends within one batch and stays ended; what it wrote stays written. False when it had ended already. */
    boolean cancel(long jobId, String actor, String reason);

    /** Changes how fast the job may go while it runs ({@code clear}: drop the current settings first); returns the new settings. */
    ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor);

    /**
     * Waits until the job has ended (SUCCEEDED, FAILED or CANCELLED) or {@code timeout} has passed, polling its status
     * every 200 ms; returns the last status read, ended or not.
     */
    default JobStatus awaitEnd(long jobId, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JobStatus s = status(jobId);
        while (!s.state().isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = status(jobId);
        }
        return s;
    }

    /**
     * A coordinator reached over its REST API at {@code url} with an operator {@code token}. The coordinator records
     * the token's name as the actor (the {@code actor} arguments are not sent); {@code pause}, {@code resume} and
     * {@code cancel} answer whether the job is now in that state.
     */
    static BackfillOperations over(String url, String token) {
        return new RestBackfillOperations(new CoordinatorClient(url, token));
    }
}
