package dev.pgbackfill.client;

import dev.pgbackfill.job.JobState;
import dev.pgbackfill.job.JobStatus;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.throttle.ThrottleSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link BackfillOperations} through a coordinator's REST API ({@code /api/jobs}). */
final class RestBackfillOperations implements BackfillOperations {
    private final CoordinatorClient api;

    RestBackfillOperations(CoordinatorClient api) {
        this.api = api;
    }

    @Override
    public long launch(BackfillSpec spec, String actor) {
        return api.post("/api/jobs", spec).get("id").asLong();
    }

    @Override
    public JobStatus status(long jobId) {
        return Json.MAPPER.treeToValue(api.get("/api/jobs/" + jobId), JobStatus.class);
    }

    @Override
    public java.util.List<JobStatus> list() {
        java.util.List<JobStatus> out = new java.util.ArrayList<>();
        api.get("/api/jobs").forEach(job -> out.add(Json.MAPPER.treeToValue(job, JobStatus.class)));
        return out;
    }

    @Override
    public boolean pause(long jobId, String actor, String reason) {
        return action(jobId, "pause", reason) == JobState.PAUSED;
    }

    @Override
    public boolean resume(long jobId, String actor, String reason) {
        return action(jobId, "resume", reason) == JobState.RUNNING;
    }

    @Override
    public boolean cancel(long jobId, String actor, String reason) {
        return action(jobId, "cancel", reason) == JobState.CANCELLED;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ThrottleSettings throttle(long jobId, ThrottleSettings change, boolean clear, String actor) {
        Map<String, Object> body = new LinkedHashMap<>(Json.MAPPER.convertValue(change, Map.class));
        body.values().removeIf(v -> v == null);
        if (clear) {
            body.put("clear", true);
        }
        return Json.MAPPER.treeToValue(api.post("/api/jobs/" + jobId + "/throttle", body), ThrottleSettings.class);
    }

    private JobState action(long jobId, String action, String reason) {
        return JobState.valueOf(api.post("/api/jobs/" + jobId + "/" + action, Map.of("reason", reason == null ? "" : reason)).get("state").asString());
    }
}
