package dev.pgbackfill.springbatch;

import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;

/**
 * What a {@link BackfillStep} asks of pgbackfill: the operator's four actions on one job. {@link #of} adapts a
 * coordinator in this JVM; {@link #over} one that runs elsewhere, through its REST API.
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

    /**
     * A coordinator reached over its REST API at {@code url} with an operator {@code token}. The coordinator records
     * the token's name as the actor; {@code pause} and {@code resume} answer whether the job is now in that state.
     */
    static Backfills over(String url, String token) {
        dev.pgbackfill.client.CoordinatorClient api = new dev.pgbackfill.client.CoordinatorClient(url, token);
        return new Backfills() {
            @Override
            public long launch(BackfillSpec spec, String actor) {
                return api.post("/api/jobs", spec).get("id").asLong();
            }

            @Override
            public JobStatus status(long jobId) {
                return dev.pgbackfill.job.Json.MAPPER.treeToValue(api.get("/api/jobs/" + jobId), JobStatus.class);
            }

            @Override
            public boolean pause(long jobId, String actor, String reason) {
                return action(jobId, "pause", reason) == dev.pgbackfill.job.JobState.PAUSED;
            }

            @Override
            public boolean resume(long jobId, String actor, String reason) {
                return action(jobId, "resume", reason) == dev.pgbackfill.job.JobState.RUNNING;
            }

            private dev.pgbackfill.job.JobState action(long jobId, String action, String reason) {
                return dev.pgbackfill.job.JobState.valueOf(api.post("/api/jobs/" + jobId + "/" + action, java.util.Map.of("reason", reason))
                        .get("state").asString());
            }
        };
    }

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
