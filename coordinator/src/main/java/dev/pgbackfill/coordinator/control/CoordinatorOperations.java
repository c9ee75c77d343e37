package dev.pgbackfill.coordinator.control;

import dev.pgbackfill.client.BackfillOperations;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.List;

/**
 * {@link BackfillOperations} on a coordinator in this JVM. A view rather than the coordinator implementing the
 * interface itself: in a Spring context the coordinator bean then does not count as a second client bean beside one
 * the application defines.
 */
final class CoordinatorOperations implements BackfillOperations {
    private final Coordinator coordinator;

    CoordinatorOperations(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public long launch(BackfillSpec spec, String actor) {
        return coordinator.launch(spec, actor);
    }

    @Override
    public JobStatus status(long jobId) {
        return coordinator.status(jobId);
    }

    @Override
    public List<JobStatus> list() {
        return coordinator.list();
    }

    @Override
    public boolean pause(long jobId, String actor, String reason) {
        return coordinator.pause(jobId, actor, reason);
    }

    @Override
    public boolean resume(long jobId, String actor, String reason) {
        return coordinator.resume(jobId, actor, reason);
    }

    @Override
    public boolean cancel(long jobId, String actor, String reason) {
        return coordinator.cancel(jobId, actor, reason);
    }

    @Override
    public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
        return coordinator.throttle(jobId, change, clear, actor);
    }
}
